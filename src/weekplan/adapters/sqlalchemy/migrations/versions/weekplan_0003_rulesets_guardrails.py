"""Guardrails: rulesets per tenant, the ruleset each client is on, and each week's check.

Revision ID: weekplan_0003
Revises: weekplan_0002
Create Date: 2026-11-29

As in the first revision, column types are spelt out rather than imported from
the live schema, so this revision keeps creating the same tables. Weeks stored
before have no check (``NULL``), as a week of a client without a diet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "weekplan_0003"
down_revision: str | Sequence[str] | None = "weekplan_0002"
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


def upgrade() -> None:
    """Add ``weekplan_instances.guardrails`` and the two ruleset tables."""
    with op.batch_alter_table("weekplan_instances") as batch:
        batch.add_column(sa.Column("guardrails", _document(), nullable=True))
    op.create_table(
        "weekplan_rulesets",
        sa.Column("tenant_id", _key(64), nullable=False),
        sa.Column("content_hash", _key(80), nullable=False),
        sa.Column("diet_id", _key(200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", _document(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "content_hash", name="pk_weekplan_rulesets"),
        **_TABLE,
    )
    op.create_index(
        "ix_weekplan_rulesets_tenant_id_diet_id_version_content_hash",
        "weekplan_rulesets",
        ["tenant_id", "diet_id", "version", "content_hash"],
    )
    op.create_table(
        "weekplan_ruleset_assignments",
        sa.Column("tenant_id", _key(64), nullable=False),
        sa.Column("client_ref", _key(128), nullable=False),
        sa.Column("content_hash", _key(80), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "client_ref", name="pk_weekplan_ruleset_assignments"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "content_hash"],
            ["weekplan_rulesets.tenant_id", "weekplan_rulesets.content_hash"],
            name="fk_weekplan_ruleset_assignments_rulesets",
        ),
        **_TABLE,
    )


def downgrade() -> None:
    """Drop the ruleset tables and the column."""
    op.drop_table("weekplan_ruleset_assignments")
    op.drop_table("weekplan_rulesets")
    with op.batch_alter_table("weekplan_instances") as batch:
        batch.drop_column("guardrails")
