"""Schedules: one row per client's weekly draft, indexed for the due scan.

Revision ID: weekplan_0009
Revises: weekplan_0006
Create Date: 2026-11-30

As in the first revision, column types are spelt out rather than imported from
the live schema, so this revision keeps creating the same table.
``ix_weekplan_schedules_next_run_at_tenant_id_client_ref`` serves the claim of
due schedules across tenants, ``ix_weekplan_schedules_tenant_id_next_run_at_client_ref``
the claim of one tenant's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "weekplan_0009"
down_revision: str | Sequence[str] | None = "weekplan_0006"
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


def _instant() -> sa.types.TypeEngine[Any]:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    """Create ``weekplan_schedules`` and its two indexes."""
    op.create_table(
        "weekplan_schedules",
        sa.Column("tenant_id", _key(64), nullable=False),
        sa.Column("client_ref", _key(128), nullable=False),
        sa.Column("weekday", _key(3), nullable=False),
        sa.Column("wall_time", _key(5), nullable=False),
        sa.Column("timezone", _key(64), nullable=False),
        sa.Column("weeks_ahead", sa.Integer(), nullable=False),
        sa.Column("source_kind", _key(16), nullable=False),
        sa.Column("template_id", _key(64), nullable=True),
        sa.Column("next_run_at", _instant(), nullable=False),
        sa.Column("last_week_done", sa.Date(), nullable=True),
        sa.Column("last_run_at", _instant(), nullable=True),
        sa.Column("last_outcome", _key(16), nullable=True),
        sa.Column("last_error_code", sa.String(100), nullable=True),
        sa.Column("last_error_message", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "client_ref", name="pk_weekplan_schedules"),
        **_TABLE,
    )
    op.create_index(
        "ix_weekplan_schedules_next_run_at_tenant_id_client_ref",
        "weekplan_schedules",
        ["next_run_at", "tenant_id", "client_ref"],
    )
    op.create_index(
        "ix_weekplan_schedules_tenant_id_next_run_at_client_ref",
        "weekplan_schedules",
        ["tenant_id", "next_run_at", "client_ref"],
    )


def downgrade() -> None:
    """Drop the schedules table."""
    op.drop_table("weekplan_schedules")
