"""The per-client lock row that serializes writes of a client's weeks with their diet changes.

Revision ID: weekplan_0004
Revises: weekplan_0003
Create Date: 2026-11-30

As in the first revision, column types are spelt out rather than imported from
the live schema, so this revision keeps creating the same table. The table
starts empty: a row is made the first time a client is locked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "weekplan_0004"
down_revision: str | Sequence[str] | None = "weekplan_0003"
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


def upgrade() -> None:
    """Create ``weekplan_client_locks``."""
    op.create_table(
        "weekplan_client_locks",
        sa.Column("tenant_id", _key(64), nullable=False),
        sa.Column("client_ref", _key(128), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "client_ref", name="pk_weekplan_client_locks"),
        **_TABLE,
    )


def downgrade() -> None:
    """Drop ``weekplan_client_locks``."""
    op.drop_table("weekplan_client_locks")
