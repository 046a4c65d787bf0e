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

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "weekplan_0013"
down_revision: str | Sequence[str] | None = "weekplan_0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported: a revision must not change when the code does.
_BATCH = 1000
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_FIELDS = ("day_key", "slot_key", "dish_template_id", "notes")

#: ``(table, its key columns, its plan columns)``.
_PLANS = (
    ("weekplan_templates", ("tenant_id", "id"), ("days",)),
    ("weekplan_instances", ("tenant_id", "id"), ("days", "template_snapshot")),
    ("weekplan_drafts", ("tenant_id", "client_ref", "week_start_date"), ("days",)),
)

Entry = list[Any] | dict[str, Any]


def _as_array(entry: Entry) -> list[Any]:
    """An entry in the compact form: ``[day, slot, dish id, notes]``."""
    if isinstance(entry, dict):
        return [entry[name] for name in _FIELDS]
    if len(entry) != len(_FIELDS):
        raise ValueError("not an entry")
    return entry


def _as_object(entry: Entry) -> dict[str, Any]:
    """An entry in the form weekplan wrote before this revision."""
    if isinstance(entry, list):
        if len(entry) != len(_FIELDS):
            raise ValueError("not an entry")
        return dict(zip(_FIELDS, entry, strict=True))
    return {name: entry[name] for name in _FIELDS}


def _rewrite(text: str, form: Callable[[Entry], Any]) -> str | None:
    """``text`` with every entry in ``form``; ``None`` if it is not a plan of either form."""
    try:
        raw = json.loads(text)
        if not isinstance(raw, list) or not all(isinstance(e, list | dict) for e in raw):
            return None
        return _ENCODER.encode([form(entry) for entry in raw])
    except (ValueError, KeyError):
        return None


def _pages(table: sa.Table, keys: Sequence[str]) -> Iterator[list[sa.Row[Any]]]:
    """Every row of ``table``, ``_BATCH`` at a time in key order."""
    connection = op.get_bind()
    key = [table.c[name] for name in keys]
    query = sa.select(table).order_by(*key).limit(_BATCH)
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
    for name, keys, plans in _PLANS:
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
            changed = []
            # A week's snapshot is often its days' text: rewrite each text once.
            texts: dict[str, str | None] = {}
            for row in rows:
                old = row[len(keys) :]
                new = []
                for text in old:
                    if text not in texts:
                        texts[text] = _rewrite(text, form)
                    new.append(texts[text] or text)
                if new != list(old):
                    changed.append(
                        {
                            **{f"key_{column}": row[i] for i, column in enumerate(keys)},
                            **{f"new_{column}": new[i] for i, column in enumerate(plans)},
                        }
                    )
            if changed:
                connection.execute(update, changed)


def upgrade() -> None:
    """Rewrite every stored plan in the compact form."""
    _convert(_as_array)


def downgrade() -> None:
    """Rewrite every stored plan in the object form of the revisions before this one."""
    _convert(_as_object)
