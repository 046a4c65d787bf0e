"""Plans stored compact: each entry an array ``[day, slot, dish id, notes]``, not an object.

Revision ID: weekplan_0013
Revises: weekplan_0012
Create Date: 2026-11-30

Every stored plan (``weekplan_templates.days``, ``weekplan_instances.days`` and
``template_snapshot``, ``weekplan_drafts.days``) is rewritten from
``[{"day_key":"mon","slot_key":"lunch","dish_template_id":"d-1","notes":null}]``
to ``[["mon","lunch","d-1",null]]``, a thousand rows at a time in key order:
under half the bytes. Downgrading rewrites them back to the object form, so
the weekplan of an earlier revision reads them.

Each plan is rewritten entry by entry, whichever form each entry is in, so a
rerun finds nothing left to do; a text that is not a plan of either form (not
written by weekplan) is left as it is. No table or column changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

# The rewrite is frozen with this revision (see its module).
from weekplan.adapters._compact_entries_rewrite import (
    BATCH,
    PLANS,
    Entry,
    as_array,
    as_object,
    rewritten_rows,
)

revision: str = "weekplan_0013"
down_revision: str | Sequence[str] | None = "weekplan_0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _pages(table: sa.Table, keys: Sequence[str]) -> Iterator[list[sa.Row[Any]]]:
    """Every row of ``table``, ``_BATCH`` at a time in key order."""
    connection = op.get_bind()
    key = [table.c[name] for name in keys]
    query = sa.select(table).order_by(*key).limit(BATCH)
    last: sa.Row[Any] | None = None
    while True:
        page = query
        if last is not None:
            # After the last row: (a, b, c) > (x, y, z), spelled out for every dialect.
            after = [
                sa.and_(*(column == last[i] for i, column in enumerate(key[:n])), key[n] > last[n])
                for n in range(len(key))
            ]
            page = query.where(sa.or_(*after))
        rows = list(connection.execute(page))
        if not rows:
            return
        yield rows
        last = rows[-1]


def _convert(form: Callable[[Entry], Any]) -> None:
    connection = op.get_bind()
    for name, keys, plans in PLANS:
        table = sa.Table(
            name,
            sa.MetaData(),
            *(sa.Column(column) for column in keys),
            *(sa.Column(column, sa.Text()) for column in plans),
        )
        update = (
            sa.update(table)
            .where(*(table.c[column] == sa.bindparam(f"key_{column}") for column in keys))
            .values({column: sa.bindparam(f"new_{column}") for column in plans})
        )
        for rows in _pages(table, keys):
            changed = [
                {
                    **{f"key_{column}": key[i] for i, column in enumerate(keys)},
                    **{f"new_{column}": new[i] for i, column in enumerate(plans)},
                }
                for key, new in rewritten_rows(rows, len(keys), form)
            ]
            if changed:
                connection.execute(update, changed)


def upgrade() -> None:
    """Rewrite every stored plan in the compact form."""
    _convert(as_array)


def downgrade() -> None:
    """Rewrite every stored plan in the object form of the revisions before this one."""
    _convert(as_object)
