"""Change sets store their slot changes in runs of one change type: a third fewer bytes.

As Alembic's ``weekplan_0015``: from this migration on,
``weekplan_change_sets.changes`` is written as runs,
``[["added",["mon","lunch","d-1",null],...]]``, each change type said once per
run of consecutive changes rather than once per change. This weekplan reads the
earlier form too, so migrating forward changes nothing. Reversing it rewrites
every change set in runs to the earlier form,
``[["added","mon","lunch",null,["d-1",null]]]``, a thousand rows at a time in
key order, so the weekplan of ``0017_same_snapshot_null`` reads them. No table,
column or model changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import migrations

# The rewrite is frozen with this migration (see its module).
from weekplan.adapters._change_runs_rewrite import BATCH, rewritten_rows

_SELECT = "SELECT tenant_id, id, changes FROM weekplan_change_sets"
_ORDER = f" ORDER BY tenant_id, id LIMIT {BATCH}"


def _pages(connection: Any) -> Iterator[list[tuple[Any, ...]]]:
    """``(tenant_id, id, changes)`` of every change set, a page at a time in key order."""
    last: tuple[Any, ...] | None = None
    while True:
        with connection.cursor() as cursor:
            if last is None:
                cursor.execute(_SELECT + _ORDER)
            else:
                cursor.execute(
                    f"{_SELECT} WHERE tenant_id > %s OR (tenant_id = %s AND id > %s){_ORDER}",
                    [last[0], last[0], last[1]],
                )
            rows = [tuple(row) for row in cursor.fetchall()]
        if not rows:
            return
        yield rows
        last = rows[-1]


def backwards(apps: Any, schema_editor: Any) -> None:
    """Rewrite every change set in runs to the earlier form, one array per change."""
    connection = schema_editor.connection
    for rows in _pages(connection):
        params = [[text, tenant, set_id] for tenant, set_id, text in rewritten_rows(rows)]
        if params:
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE weekplan_change_sets SET changes = %s WHERE tenant_id = %s AND id = %s",
                    params,
                )


class Migration(migrations.Migration):
    dependencies = [
        ("weekplan", "0017_same_snapshot_null"),
    ]

    operations = [
        # Forward, nothing to change: this weekplan reads change sets in either form.
        migrations.RunPython(migrations.RunPython.noop, backwards, elidable=False),
    ]
