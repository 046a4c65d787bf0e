"""Change sets store their slot changes in runs of one change type: a third fewer bytes.

Revision ID: weekplan_0015
Revises: weekplan_0014
Create Date: 2026-11-30

From this revision on, ``weekplan_change_sets.changes`` is written as runs,
``[["added",["mon","lunch","d-1",null],...]]``, each change type said once per
run of consecutive changes rather than once per change, and an entry that is
not there left out rather than written as ``null``. This weekplan reads the
earlier form too, so the upgrade changes nothing. The downgrade rewrites every
change set in runs to the earlier form, ``[["added","mon","lunch",null,["d-1",null]]]``,
a thousand rows at a time in key order, so the weekplan of an earlier revision
reads them. No table or column changes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

# The rewrite is frozen with this revision (see its module).
from weekplan.adapters._change_runs_rewrite import BATCH, rewritten_rows

revision: str = "weekplan_0015"
down_revision: str | Sequence[str] | None = "weekplan_0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SETS = sa.Table(
    "weekplan_change_sets",
    sa.MetaData(),
    sa.Column("tenant_id"),
    sa.Column("id"),
    sa.Column("changes", sa.Text()),
)


def _pages() -> Iterator[list[tuple[Any, ...]]]:
    """``(tenant_id, id, changes)`` of every change set, ``BATCH`` at a time in key order."""
    connection = op.get_bind()
    tenant, key = _SETS.c.tenant_id, _SETS.c.id
    query = sa.select(tenant, key, _SETS.c.changes).order_by(tenant, key).limit(BATCH)
    last: tuple[Any, ...] | None = None
    while True:
        page = query
        if last is not None:
            page = query.where(sa.or_(tenant > last[0], sa.and_(tenant == last[0], key > last[1])))
        rows = [tuple(row) for row in connection.execute(page)]
        if not rows:
            return
        yield rows
        last = rows[-1]


def upgrade() -> None:
    """Nothing to change: this weekplan reads change sets in either form."""


def downgrade() -> None:
    """Rewrite every change set in runs to the earlier form, one array per change."""
    connection = op.get_bind()
    update = (
        sa.update(_SETS)
        .where(
            _SETS.c.tenant_id == sa.bindparam("key_tenant"), _SETS.c.id == sa.bindparam("key_id")
        )
        .values(changes=sa.bindparam("new_changes"))
    )
    for rows in _pages():
        changed = [
            {"key_tenant": tenant, "key_id": set_id, "new_changes": text}
            for tenant, set_id, text in rewritten_rows(rows)
        ]
        if changed:
            connection.execute(update, changed)
