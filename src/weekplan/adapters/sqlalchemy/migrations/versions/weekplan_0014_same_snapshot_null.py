"""A week's ``template_snapshot`` is NULL when it equals its days: each plan stored once.

Revision ID: weekplan_0014
Revises: weekplan_0013
Create Date: 2026-11-30

``weekplan_instances.template_snapshot`` becomes nullable; NULL stands for a
snapshot equal to the week's ``days``, which every week is until its first
edit. The upgrade sets every snapshot that is its days' text to NULL, a
thousand rows at a time in key order; the downgrade fills every NULL snapshot
with its days' text the same way, then makes the column ``NOT NULL`` again, so
the weekplan of an earlier revision reads every week. SQLite alters the column
by copying the table (Alembic's batch mode).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

# The rewrite is frozen with this revision (see its module).
from weekplan.adapters._same_snapshot_rewrite import TO_NULL, TO_TEXT, Rewrite, qmark, run

revision: str = "weekplan_0014"
down_revision: str | Sequence[str] | None = "weekplan_0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIN = "utf8mb4_nopad_bin"


def _document() -> sa.types.TypeEngine[str]:
    return sa.Text().with_variant(mysql.MEDIUMTEXT(collation=_BIN), "mysql", "mariadb")


def _nullable(nullable: bool) -> None:
    with op.batch_alter_table("weekplan_instances") as batch:
        batch.alter_column(
            "template_snapshot",
            existing_type=_document(),
            existing_nullable=not nullable,
            nullable=nullable,
        )


def _rewrite(rewrite: Rewrite) -> None:
    connection = op.get_bind()
    spell = qmark if connection.dialect.paramstyle == "qmark" else str

    def fetch(statement: str, parameters: Sequence[Any]) -> Sequence[Sequence[Any]]:
        return list(connection.exec_driver_sql(spell(statement), tuple(parameters)))

    def execute_many(statement: str, rows: list[tuple[Any, ...]]) -> None:
        connection.exec_driver_sql(spell(statement), rows)

    run(rewrite, fetch, execute_many)


def upgrade() -> None:
    """Make the column nullable, then store each snapshot equal to its days as NULL."""
    _nullable(True)
    _rewrite(TO_NULL)


def downgrade() -> None:
    """Fill each NULL snapshot with its days, then make the column ``NOT NULL`` again."""
    _rewrite(TO_TEXT)
    _nullable(False)
