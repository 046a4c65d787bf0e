"""The dish catalog and the running totals of the planning history.

Revision ID: weekplan_0002
Revises: weekplan_0001
Create Date: 2026-11-28

As in the first revision, column types are spelt out rather than imported from
the live schema, so this revision keeps creating the same tables.

Plans stored before this revision already name dishes, so the history totals
are counted from them here; otherwise suggestions would ignore those plans and
a later edit would take out entries that were never counted. The slot kind
comes from weekplan's own :func:`~weekplan.domain._meal_types.slot_kind`, the
function the running totals are kept with.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

from weekplan.domain._meal_types import slot_kind

revision: str = "weekplan_0002"
down_revision: str | Sequence[str] | None = "weekplan_0001"
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


def _timestamp() -> sa.types.TypeEngine[Any]:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    """Create ``weekplan_dishes`` and ``weekplan_meal_history``."""
    op.create_table(
        "weekplan_dishes",
        sa.Column("tenant_id", _key(64), nullable=False),
        sa.Column("id", _key(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", _key(600), nullable=False),
        sa.Column("meal_types", sa.String(100), nullable=False),
        sa.Column("tags", _document(), nullable=False),
        sa.Column("ingredients", _document(), nullable=False),
        sa.Column("steps", _document(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=True),
        sa.Column("updated_at", _timestamp(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_weekplan_dishes"),
        **_TABLE,
    )
    op.create_index(
        "ix_weekplan_dishes_tenant_id_name_key_id",
        "weekplan_dishes",
        ["tenant_id", "name_key", "id"],
    )
    op.create_table(
        "weekplan_meal_history",
        sa.Column("tenant_id", _key(64), nullable=False),
        sa.Column("slot_kind", _key(192), nullable=False),
        sa.Column("dish_id", _key(64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "slot_kind", "dish_id", name="pk_weekplan_meal_history"
        ),
        **_TABLE,
    )

    _count_planned_dishes()


def _count_planned_dishes() -> None:
    """Fill ``weekplan_meal_history`` from the templates and instances already stored."""
    connection = op.get_bind()
    totals: Counter[tuple[str, str, str]] = Counter()
    for table in ("weekplan_templates", "weekplan_instances"):
        rows = connection.execute(sa.text(f"SELECT tenant_id, days FROM {table}"))
        for tenant_id, days in rows:
            for entry in json.loads(days):
                dish_id = entry.get("dish_template_id")
                if dish_id is not None:
                    totals[(tenant_id, slot_kind(entry["slot_key"]), dish_id)] += 1
    if totals:
        history = sa.table(
            "weekplan_meal_history",
            sa.column("tenant_id"),
            sa.column("slot_kind"),
            sa.column("dish_id"),
            sa.column("count"),
        )
        op.bulk_insert(
            history,
            [
                {"tenant_id": t, "slot_kind": k, "dish_id": d, "count": n}
                for (t, k, d), n in totals.items()
            ],
        )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("weekplan_meal_history")
    op.drop_table("weekplan_dishes")
