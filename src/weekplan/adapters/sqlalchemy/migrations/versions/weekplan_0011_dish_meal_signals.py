"""Each dish's meal signals, stored and indexed per meal for suggestions.

Revision ID: weekplan_0011
Revises: weekplan_0010
Create Date: 2026-11-30

``weekplan_dishes`` gains ``signals_vocabulary`` and one rank column per meal
type, with an index per meal on ``(tenant_id, <meal>_rank, name_key, id)`` and
one on ``(tenant_id, signals_vocabulary)``. Existing dishes get no signals
(``signals_vocabulary = ''``, every rank 3): a migration cannot know the
planner's vocabulary. Until ``worker.recompute_meal_signals()`` has run for a
tenant, ``suggest_dishes`` scans that tenant's catalog as before, with the same
results; dishes written after the upgrade carry their signals at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "weekplan_0011"
down_revision: str | Sequence[str] | None = "weekplan_0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported: a revision must not change when the code does.
_MEALS = ("breakfast", "lunch", "dinner", "snack")
_TABLE = "weekplan_dishes"


def _key(length: int) -> sa.types.TypeEngine[str]:
    return (
        sa.String(length)
        .with_variant(sa.String(length, collation="C"), "postgresql")
        .with_variant(mysql.VARCHAR(length, collation="utf8mb4_nopad_bin"), "mysql", "mariadb")
    )


def upgrade() -> None:
    """Add the signal columns, empty, and their indexes."""
    with op.batch_alter_table(_TABLE) as batch:
        batch.add_column(
            sa.Column("signals_vocabulary", _key(32), nullable=False, server_default="")
        )
        for meal in _MEALS:
            batch.add_column(
                sa.Column(f"{meal}_rank", sa.SmallInteger(), nullable=False, server_default="3")
            )
    for meal in _MEALS:
        op.create_index(
            op.f(f"ix_weekplan_dishes_{meal}"),
            _TABLE,
            ["tenant_id", f"{meal}_rank", "name_key", "id"],
        )
    op.create_index(op.f("ix_weekplan_dishes_signals"), _TABLE, ["tenant_id", "signals_vocabulary"])


def downgrade() -> None:
    """Drop the indexes and the signal columns."""
    op.drop_index(op.f("ix_weekplan_dishes_signals"), table_name=_TABLE)
    for meal in _MEALS:
        op.drop_index(op.f(f"ix_weekplan_dishes_{meal}"), table_name=_TABLE)
    with op.batch_alter_table(_TABLE) as batch:
        for meal in reversed(_MEALS):
            batch.drop_column(f"{meal}_rank")
        batch.drop_column("signals_vocabulary")
