"""Plans stored compact: each entry an array ``[day, slot, dish id, notes]``, not an object.

As Alembic's ``weekplan_0013``: every stored plan (``weekplan_templates.days``,
``weekplan_instances.days`` and ``template_snapshot``, ``weekplan_drafts.days``)
is rewritten from
``[{"day_key":"mon","slot_key":"lunch","dish_template_id":"d-1","notes":null}]``
to ``[["mon","lunch","d-1",null]]``, a thousand rows at a time in key order:
under half the bytes. Reversing it rewrites them back to the object form, so
the weekplan of ``0015_change_sets`` reads them.

Each plan is rewritten entry by entry, whichever form each entry is in, so a
rerun (after an interruption) finds nothing left to do; a text that is not a
plan of either form (not written by weekplan) is left as it is. No table,
column or model changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import migrations

# The rewrite is frozen with this migration (see its module).
from weekplan.adapters._compact_entries_rewrite import (
    BATCH,
    PLANS,
    Entry,
    as_array,
    as_object,
    rewritten_rows,
)


def _pages(
    connection: Any, table: str, keys: Sequence[str], plans: Sequence[str]
) -> Iterator[list[tuple[Any, ...]]]:
    """The keys and plans of every row of ``table``, a page at a time in key order."""
    query = f"SELECT {', '.join((*keys, *plans))} FROM {table}"
    order = f" ORDER BY {', '.join(keys)} LIMIT {BATCH}"
    # After the last row: (a, b, c) > (x, y, z), spelled out for every vendor.
    after = " OR ".join(
        "(" + " AND ".join([*(f"{key} = %s" for key in keys[:n]), f"{keys[n]} > %s"]) + ")"
        for n in range(len(keys))
    )
    last: tuple[Any, ...] | None = None
    while True:
        with connection.cursor() as cursor:
            if last is None:
                cursor.execute(query + order)
            else:
                params = [value for n in range(len(keys)) for value in last[: n + 1]]
                cursor.execute(f"{query} WHERE {after}{order}", params)
            rows = [tuple(row) for row in cursor.fetchall()]
        if not rows:
            return
        yield rows
        last = rows[-1][: len(keys)]


def _convert(schema_editor: Any, form: Callable[[Entry], Any]) -> None:
    connection = schema_editor.connection
    for table, keys, plans in PLANS:
        update = (
            f"UPDATE {table} SET {', '.join(f'{column} = %s' for column in plans)}"
            f" WHERE {' AND '.join(f'{key} = %s' for key in keys)}"
        )
        for rows in _pages(connection, table, keys, plans):
            params = [[*new, *key] for key, new in rewritten_rows(rows, len(keys), form)]
            if params:
                with connection.cursor() as cursor:
                    cursor.executemany(update, params)


def forwards(apps: Any, schema_editor: Any) -> None:
    """Rewrite every stored plan in the compact form."""
    _convert(schema_editor, as_array)


def backwards(apps: Any, schema_editor: Any) -> None:
    """Rewrite every stored plan in the object form of the migrations before this one."""
    _convert(schema_editor, as_object)


class Migration(migrations.Migration):
    dependencies = [
        ("weekplan", "0015_change_sets"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
