"""The change log as one row per write: ``weekplan_change_sets`` replaces ``weekplan_changes``.

As Alembic's ``weekplan_0012``: the table, its primary key and its four indexes
(``ix_weekplan_change_sets_by_week``, ``_by_client``, ``_by_time``,
``_by_subject``) as :data:`weekplan.adapters.sqlalchemy.metadata` defines them,
their statements frozen here per vendor.

Every existing record becomes a set of that one change whose id is the
record's id, so records keep their ids (but for an id that itself ends in ``.``
and a number, whose record is now listed as ``<id>.0``) and cursors handed out
before keep their place. Reversing it splits each set back into one row per
change, with the ids the listings gave them. Rows are copied by
``INSERT … SELECT`` one key at a time, so that every column but the slots'
passes from table to table untouched by Python (timestamps keep their text).

Written by hand, as 0013: the state operations are those ``makemigrations``
generates for the models.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, Final

from django.db import migrations, models

import weekplan.contrib.django._fields

from ._0013_tables import DDL as DDL_0013

_OLD: Final = "weekplan_changes"
_NEW: Final = "weekplan_change_sets"
_BATCH: Final = 1000
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_NUMBERED: Final = re.compile(r".*\.(0|[1-9][0-9]*)", re.ASCII | re.DOTALL)

#: The columns both tables have, in order.
_SHARED: Final = (
    "tenant_id",
    "id",
    "subject",
    "subject_id",
    "client_ref",
    "week_start_date",
    "actor",
    "source",
    "reason",
    "at",
    "version_before",
    "version_after",
)

_INDEXES: Final = (
    ("ix_weekplan_change_sets_by_client", "tenant_id, client_ref, at, id"),
    ("ix_weekplan_change_sets_by_time", "tenant_id, at, id"),
    ("ix_weekplan_change_sets_by_week", "tenant_id, client_ref, week_start_date, at, id"),
    ("ix_weekplan_change_sets_by_subject", "tenant_id, subject_id, at, id"),
)

#: Per Django vendor, the statement that creates the table.
_CREATE: Final = {
    "sqlite": (
        "CREATE TABLE weekplan_change_sets (\n"
        "\ttenant_id VARCHAR(64) NOT NULL,\n"
        "\tid VARCHAR(64) NOT NULL,\n"
        "\tsubject VARCHAR(16) NOT NULL,\n"
        "\tsubject_id VARCHAR(64) NOT NULL,\n"
        "\tclient_ref VARCHAR(128),\n"
        "\tweek_start_date DATE,\n"
        "\tactor VARCHAR(64),\n"
        "\tsource VARCHAR(16) NOT NULL,\n"
        "\treason VARCHAR(500),\n"
        "\tat DATETIME NOT NULL,\n"
        "\tversion_before INTEGER,\n"
        "\tversion_after INTEGER,\n"
        "\tchanges TEXT NOT NULL,\n"
        "\tCONSTRAINT pk_weekplan_change_sets PRIMARY KEY (tenant_id, id)\n"
        ")"
    ),
    "postgresql": (
        "CREATE TABLE weekplan_change_sets (\n"
        '\ttenant_id VARCHAR(64) COLLATE "C" NOT NULL,\n'
        '\tid VARCHAR(64) COLLATE "C" NOT NULL,\n'
        '\tsubject VARCHAR(16) COLLATE "C" NOT NULL,\n'
        '\tsubject_id VARCHAR(64) COLLATE "C" NOT NULL,\n'
        '\tclient_ref VARCHAR(128) COLLATE "C",\n'
        "\tweek_start_date DATE,\n"
        '\tactor VARCHAR(64) COLLATE "C",\n'
        '\tsource VARCHAR(16) COLLATE "C" NOT NULL,\n'
        "\treason VARCHAR(500),\n"
        "\tat TIMESTAMP WITH TIME ZONE NOT NULL,\n"
        "\tversion_before INTEGER,\n"
        "\tversion_after INTEGER,\n"
        "\tchanges TEXT NOT NULL,\n"
        "\tCONSTRAINT pk_weekplan_change_sets PRIMARY KEY (tenant_id, id)\n"
        ")"
    ),
    "mysql": (
        "CREATE TABLE weekplan_change_sets (\n"
        "\ttenant_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
        "\tid VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
        "\tsubject VARCHAR(16) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
        "\tsubject_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
        "\tclient_ref VARCHAR(128) COLLATE utf8mb4_nopad_bin,\n"
        "\tweek_start_date DATE,\n"
        "\tactor VARCHAR(64) COLLATE utf8mb4_nopad_bin,\n"
        "\tsource VARCHAR(16) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
        "\treason VARCHAR(500),\n"
        "\tat DATETIME(6) NOT NULL,\n"
        "\tversion_before INTEGER,\n"
        "\tversion_after INTEGER,\n"
        "\tchanges MEDIUMTEXT COLLATE utf8mb4_nopad_bin NOT NULL,\n"
        "\tCONSTRAINT pk_weekplan_change_sets PRIMARY KEY (tenant_id, id)\n"
        ")ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_nopad_bin"
    ),
}


def _tables(connection: Any) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _dish_and_notes(text: str | None) -> list[Any] | None:
    """A stored entry as a change set holds it: ``[dish id, notes]``."""
    if text is None:
        return None
    raw = json.loads(text)
    return [raw["dish_template_id"], raw["notes"]]


def _entry_text(day_key: str, slot_key: str, pair: list[Any] | None) -> str | None:
    """A change set's ``[dish id, notes]`` as the records' table held the entry."""
    if pair is None:
        return None
    dish, notes = pair
    entry = {"day_key": day_key, "slot_key": slot_key, "dish_template_id": dish, "notes": notes}
    return _ENCODER.encode(entry)


def _record_id(set_id: str, position: int) -> str:
    # As weekplan.domain.changes.record_id did when this migration was written.
    if position or _NUMBERED.fullmatch(set_id):
        return f"{set_id}.{position}"
    return set_id


def _pages(connection: Any, table: str, columns: str) -> Iterator[list[tuple[Any, ...]]]:
    """``tenant_id, id, <columns>`` of every row of ``table``, a page at a time in key order."""
    query = f"SELECT tenant_id, id, {columns} FROM {table}"
    order = f" ORDER BY tenant_id, id LIMIT {_BATCH}"
    last: tuple[str, str] | None = None
    while True:
        with connection.cursor() as cursor:
            if last is None:
                cursor.execute(query + order)
            else:
                cursor.execute(
                    query + " WHERE tenant_id > %s OR (tenant_id = %s AND id > %s)" + order,
                    [last[0], last[0], last[1]],
                )
            rows = [tuple(row) for row in cursor.fetchall()]
        if not rows:
            return
        yield rows
        last = (rows[-1][0], rows[-1][1])


def forwards(apps: Any, schema_editor: Any) -> None:
    """Create the sets' table, make each record a set of one, drop the records' table.

    Run again after an interruption (MariaDB cannot roll DDL back), it starts the
    copy over while the records' table is still there.
    """
    connection = schema_editor.connection
    if _OLD not in _tables(connection):
        return  # done before an interruption
    if _NEW in _tables(connection):
        schema_editor.execute(f"DROP TABLE {_NEW}")
    schema_editor.execute(_CREATE[connection.vendor])
    for name, columns in _INDEXES:
        schema_editor.execute(f"CREATE INDEX {name} ON {_NEW} ({columns})")
    shared = ", ".join(_SHARED)
    kept = ", ".join(name for name in _SHARED if name not in ("tenant_id", "id"))
    copy = (
        f"INSERT INTO {_NEW} ({shared}, changes)"
        f" SELECT tenant_id, id, {kept}, %s FROM {_OLD} WHERE tenant_id = %s AND id = %s"
    )
    slots = "change_type, day_key, slot_key, old_entry, new_entry"
    for rows in _pages(connection, _OLD, slots):
        params = []
        for tenant_id, record_id, change_type, day_key, slot_key, old, new in rows:
            change = [
                change_type,
                day_key,
                slot_key,
                _dish_and_notes(old),
                _dish_and_notes(new),
            ]
            params.append([_ENCODER.encode([change]), tenant_id, record_id])
        with connection.cursor() as cursor:
            cursor.executemany(copy, params)
    schema_editor.execute(f"DROP TABLE {_OLD}")


def backwards(apps: Any, schema_editor: Any) -> None:
    """Create the records' table of 0013, split each set into its records, drop the sets'."""
    connection = schema_editor.connection
    if _NEW not in _tables(connection):
        return
    if _OLD in _tables(connection):
        schema_editor.execute(f"DROP TABLE {_OLD}")
    for statement in DDL_0013[connection.vendor][_OLD]:
        schema_editor.execute(statement)
    kept = ", ".join(name for name in _SHARED if name != "id")
    slots = "id, change_type, day_key, slot_key, old_entry, new_entry"
    copy = (
        f"INSERT INTO {_OLD} ({kept}, {slots})"
        f" SELECT {kept}, %s, %s, %s, %s, %s, %s FROM {_NEW} WHERE tenant_id = %s AND id = %s"
    )
    for rows in _pages(connection, _NEW, "changes"):
        params = []
        for tenant_id, set_id, text in rows:
            for position, change in enumerate(json.loads(text)):
                change_type, day_key, slot_key, old, new = change
                params.append(
                    [
                        _record_id(set_id, position),
                        change_type,
                        day_key,
                        slot_key,
                        _entry_text(day_key, slot_key, old),
                        _entry_text(day_key, slot_key, new),
                        tenant_id,
                        set_id,
                    ]
                )
        with connection.cursor() as cursor:
            cursor.executemany(copy, params)
    schema_editor.execute(f"DROP TABLE {_NEW}")


def _key(max_length: int, **options: Any) -> weekplan.contrib.django._fields.KeyField:
    return weekplan.contrib.django._fields.KeyField(max_length=max_length, **options)


class Migration(migrations.Migration):
    dependencies = [
        ("weekplan", "0014_dish_meal_signals"),
    ]

    # Not atomic on MariaDB, which cannot roll DDL back (as in 0002 and 0013).
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunPython(forwards, backwards, atomic=False, elidable=False),
            ],
            state_operations=[
                migrations.DeleteModel(name="ChangeRecordRow"),
                migrations.CreateModel(
                    name="ChangeSetRow",
                    fields=[
                        (
                            "pk",
                            models.CompositePrimaryKey(
                                "tenant_id",
                                "set_id",
                                blank=True,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("tenant_id", _key(64)),
                        ("set_id", _key(64, db_column="id")),
                        ("subject", _key(16)),
                        ("subject_id", _key(64)),
                        ("client_ref", _key(128, null=True)),
                        ("week_start_date", models.DateField(null=True)),
                        ("actor", _key(64, null=True)),
                        ("source", _key(16)),
                        ("reason", models.CharField(max_length=500, null=True)),
                        ("at", weekplan.contrib.django._fields.UtcDateTimeField()),
                        ("version_before", models.IntegerField(null=True)),
                        ("version_after", models.IntegerField(null=True)),
                        ("changes", weekplan.contrib.django._fields.DocumentField()),
                    ],
                    options={
                        "verbose_name": "week plan change set",
                        "db_table": "weekplan_change_sets",
                    },
                ),
            ],
        ),
    ]
