"""Workflow: the change log, slot locks and week drafts.

Revision ID: weekplan_0006
Revises: weekplan_0004
Create Date: 2026-11-30

Three new tables; nothing existing changes. As in the earlier revisions,
column types are spelt out rather than imported from the live schema.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "weekplan_0006"
down_revision: str | Sequence[str] | None = "weekplan_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIN = "utf8mb4_nopad_bin"
_TABLE: dict[str, Any] = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mysql_collate": _BIN,
}


def _key(length: int) -> sa.types.TypeEngine[str]:
    return (
        sa.String(length)
        .with_variant(sa.String(length, collation="C"), "postgresql")
        .with_variant(mysql.VARCHAR(length, collation=_BIN), "mysql", "mariadb")
    )


def _document() -> sa.types.TypeEngine[str]:
    return sa.Text().with_variant(mysql.MEDIUMTEXT(collation=_BIN), "mysql", "mariadb")


def _when() -> sa.types.TypeEngine[Any]:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    """Create ``weekplan_changes``, ``weekplan_slot_locks`` and ``weekplan_drafts``."""
    op.create_table(
        "weekplan_changes",
        sa.Column("tenant_id", _key(64), nullable=False),
        sa.Column("id", _key(64), nullable=False),
        sa.Column("subject", _key(16), nullable=False),
        sa.Column("subject_id", _key(64), nullable=False),
        sa.Column("client_ref", _key(128), nullable=True),
        sa.Column("week_start_date", sa.Date(), nullable=True),
        sa.Column("change_type", _key(16), nullable=False),
        sa.Column("day_key", _key(3), nullable=False),
        sa.Column("slot_key", _key(64), nullable=False),
        sa.Column("old_entry", _document(), nullable=True),
        sa.Column("new_entry", _document(), nullable=True),
        sa.Column("actor", _key(64), nullable=True),
        sa.Column("source", _key(16), nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("at", _when(), nullable=False),
        sa.Column("version_before", sa.Integer(), nullable=True),
        sa.Column("version_after", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_weekplan_changes"),
        **_TABLE,
    )
    for columns in (
        ["tenant_id", "client_ref", "week_start_date", "at", "id"],
        ["tenant_id", "client_ref", "at", "id"],
        ["tenant_id", "at", "id"],
        ["tenant_id", "subject_id", "at", "id"],
    ):
        op.create_index(f"ix_weekplan_changes_{'_'.join(columns)}", "weekplan_changes", columns)
    op.create_table(
        "weekplan_slot_locks",
        sa.Column("tenant_id", _key(64), nullable=False),
        sa.Column("client_ref", _key(128), nullable=False),
        sa.Column("week_start_date", sa.Date(), nullable=False),
        sa.Column("day_key", _key(3), nullable=False),
        sa.Column("slot_key", _key(64), nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("ingredients", _document(), nullable=False),
        sa.Column("actor", _key(64), nullable=True),
        sa.Column("locked_at", _when(), nullable=True),
        sa.PrimaryKeyConstraint(
            "tenant_id",
            "client_ref",
            "week_start_date",
            "day_key",
            "slot_key",
            name="pk_weekplan_slot_locks",
        ),
        **_TABLE,
    )
    op.create_table(
        "weekplan_drafts",
        sa.Column("tenant_id", _key(64), nullable=False),
        sa.Column("client_ref", _key(128), nullable=False),
        sa.Column("week_start_date", sa.Date(), nullable=False),
        sa.Column("instance_id", _key(64), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("days", _document(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("updated_at", _when(), nullable=False),
        sa.Column("actor", _key(64), nullable=True),
        sa.Column("guardrails", _document(), nullable=True),
        sa.PrimaryKeyConstraint(
            "tenant_id", "client_ref", "week_start_date", name="pk_weekplan_drafts"
        ),
        **_TABLE,
    )


def downgrade() -> None:
    """Drop the three tables (and with them every change record)."""
    op.drop_table("weekplan_drafts")
    op.drop_table("weekplan_slot_locks")
    op.drop_table("weekplan_changes")
