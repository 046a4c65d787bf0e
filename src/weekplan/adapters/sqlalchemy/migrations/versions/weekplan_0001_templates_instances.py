"""Week plan templates and client week instances.

Revision ID: weekplan_0001
Revises:
Create Date: 2026-11-21

The column types are spelt out here rather than imported from the live schema,
so this revision keeps creating the same tables when the schema moves on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "weekplan_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("weekplan",)
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


def _timestamp() -> sa.types.TypeEngine[Any]:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    """Create ``weekplan_templates`` and ``weekplan_instances``."""
    op.create_table(
        "weekplan_templates",
        sa.Column("tenant_id", _key(64), nullable=False),
        sa.Column("id", _key(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", _key(600), nullable=False),
        sa.Column("days", _document(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_weekplan_templates"),
        **_TABLE,
    )
    op.create_index(
        "ix_weekplan_templates_tenant_id_name_key_id",
        "weekplan_templates",
        ["tenant_id", "name_key", "id"],
    )
    op.create_table(
        "weekplan_instances",
        sa.Column("tenant_id", _key(64), nullable=False),
        sa.Column("id", _key(64), nullable=False),
        sa.Column("template_id", _key(64), nullable=False),
        sa.Column("client_ref", _key(128), nullable=False),
        sa.Column("week_start_date", sa.Date(), nullable=False),
        sa.Column("days", _document(), nullable=False),
        sa.Column("template_snapshot", _document(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_weekplan_instances"),
        sa.UniqueConstraint(
            "tenant_id",
            "client_ref",
            "week_start_date",
            name="uq_weekplan_instances_tenant_id_client_ref_week_start_date",
        ),
        **_TABLE,
    )
    op.create_index(
        "ix_weekplan_instances_tenant_id_week_start_date_client_ref",
        "weekplan_instances",
        ["tenant_id", "week_start_date", "client_ref"],
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("weekplan_instances")
    op.drop_table("weekplan_templates")
