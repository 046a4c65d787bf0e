"""Generation: the run of every generation, and a per-tenant lock for quota decisions.

Revision ID: weekplan_0008
Revises: weekplan_0009
Create Date: 2026-11-30

Two new tables; nothing existing changes. As in the earlier revisions,
column types are spelt out rather than imported from the live schema.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "weekplan_0008"
down_revision: str | Sequence[str] | None = "weekplan_0009"
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


def _when() -> sa.types.TypeEngine[Any]:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    """Create ``weekplan_generation_runs`` and ``weekplan_generation_locks``."""
    op.create_table(
        "weekplan_generation_runs",
        sa.Column("tenant_id", _key(64), nullable=False),
        sa.Column("id", _key(64), nullable=False),
        sa.Column("client_ref", _key(128), nullable=False),
        sa.Column("week_start_date", sa.Date(), nullable=False),
        sa.Column("run_type", _key(16), nullable=False),
        sa.Column("status", _key(16), nullable=False),
        sa.Column("started_at", _when(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("generator", sa.String(100), nullable=False),
        sa.Column("generator_version", sa.String(100), nullable=False),
        sa.Column("days", _key(40), nullable=False),
        sa.Column("ruleset_hash", _key(80), nullable=True),
        sa.Column("seed", sa.Integer(), nullable=True),
        sa.Column("draft_version", sa.Integer(), nullable=True),
        sa.Column("error_code", _key(100), nullable=True),
        sa.Column(
            "error_message",
            sa.Text().with_variant(mysql.TEXT(collation=_BIN), "mysql", "mariadb"),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_weekplan_generation_runs"),
        **_TABLE,
    )
    for columns in (
        ["tenant_id", "started_at", "id"],
        ["tenant_id", "client_ref", "started_at", "id"],
    ):
        op.create_index(
            f"ix_weekplan_generation_runs_{'_'.join(columns)}", "weekplan_generation_runs", columns
        )
    op.create_table(
        "weekplan_generation_locks",
        sa.Column("tenant_id", _key(64), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name="pk_weekplan_generation_locks"),
        **_TABLE,
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("weekplan_generation_locks")
    op.drop_table("weekplan_generation_runs")
