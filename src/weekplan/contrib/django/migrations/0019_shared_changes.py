"""Change sets of one write with the same slot changes store them once.

As Alembic's ``weekplan_0016``: from this migration on, the change sets one
write logs with the very same slot changes (the new weeks of one
``create_instances``) store them in the first set only; each other set's
``changes`` is a reference to that set, ``{"of":"<its id>"}``. This weekplan
reads sets in either form, so migrating forward changes nothing. Reversing it
writes the changes into every set that refers to them, a thousand rows at a
time in key order, so the weekplan of ``0018_change_runs`` reads them. No
table, column or model changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import migrations

# The rewrite is frozen with this migration (see its module).
from weekplan.adapters._shared_changes_rewrite import (
    BATCH,
    REFERENCE_START,
    expanded_rows,
    referred_by_tenant,
)

_SELECT = "SELECT tenant_id, id, changes FROM weekplan_change_sets WHERE changes LIKE %s"
_ORDER = f" ORDER BY tenant_id, id LIMIT {BATCH}"
_PATTERN = REFERENCE_START + "%"


def _pages(connection: Any) -> Iterator[list[tuple[Any, ...]]]:
    """``(tenant_id, id, changes)`` of every set that may refer, a page at a time in key order."""
    last: tuple[Any, ...] | None = None
    while True:
        with connection.cursor() as cursor:
            if last is None:
                cursor.execute(_SELECT + _ORDER, [_PATTERN])
            else:
                cursor.execute(
                    f"{_SELECT} AND (tenant_id > %s OR (tenant_id = %s AND id > %s)){_ORDER}",
                    [_PATTERN, last[0], last[0], last[1]],
                )
            rows = [tuple(row) for row in cursor.fetchall()]
        if not rows:
            return
        yield rows
        last = rows[-1]


def backwards(apps: Any, schema_editor: Any) -> None:
    """Write the changes into every set that refers to another set's."""
    connection = schema_editor.connection
    for rows in _pages(connection):
        changes_of: dict[tuple[Any, str], Any] = {}
        with connection.cursor() as cursor:
            for tenant_id, ids in referred_by_tenant(rows).items():
                marks = ", ".join(["%s"] * len(ids))
                cursor.execute(
                    "SELECT id, changes FROM weekplan_change_sets"
                    f" WHERE tenant_id = %s AND id IN ({marks})",
                    [tenant_id, *ids],
                )
                changes_of.update(((tenant_id, row[0]), row[1]) for row in cursor.fetchall())
        params = [list(row) for row in expanded_rows(rows, changes_of)]
        if params:
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE weekplan_change_sets SET changes = %s WHERE tenant_id = %s AND id = %s",
                    params,
                )


class Migration(migrations.Migration):
    dependencies = [
        ("weekplan", "0018_change_runs"),
    ]

    operations = [
        # Forward, nothing to change: this weekplan reads change sets in either form.
        migrations.RunPython(migrations.RunPython.noop, backwards, elidable=False),
    ]
