"""A week's ``template_snapshot`` is NULL when it equals its days: each plan stored once.

As Alembic's ``weekplan_0014``: ``weekplan_instances.template_snapshot`` becomes
nullable, NULL standing for a snapshot equal to the week's ``days`` (every week
until its first edit), and every snapshot that is its days' text is set to
NULL, a thousand rows at a time in key order. Reversing it fills every NULL
snapshot with its days' text the same way, then makes the column ``NOT NULL``
again, so the weekplan of ``0016_compact_entries`` reads every week.

SQLite cannot change a column's ``NOT NULL``: there the table is copied into one
created by its own statement with the column's ``NOT NULL`` taken out (or put
back), and its indexes are created again by theirs.

Written by hand, as 0013: the state operation is the one ``makemigrations``
generates for the model's field.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

from django.db import migrations

import weekplan.contrib.django._fields

# The rewrite is frozen with this migration (see its module).
from weekplan.adapters._same_snapshot_rewrite import TO_NULL, TO_TEXT, Rewrite, run

_TABLE: Final = "weekplan_instances"
_COPY: Final = "weekplan_instances__0017"
_NAMED: Final = re.compile(r'CREATE TABLE\s+("?)weekplan_instances\1(?=\s*\()')
_NOT_NULL: Final = re.compile(r"(\btemplate_snapshot\s+TEXT)\s+NOT\s+NULL\b", re.IGNORECASE)
_NULLABLE: Final = re.compile(r"(\btemplate_snapshot\s+TEXT)(?=\s*,)", re.IGNORECASE)
#: Per server vendor, the statement that makes the column nullable, and the one that undoes it.
_ALTER: Final = {
    "postgresql": (
        f"ALTER TABLE {_TABLE} ALTER COLUMN template_snapshot DROP NOT NULL",
        f"ALTER TABLE {_TABLE} ALTER COLUMN template_snapshot SET NOT NULL",
    ),
    "mysql": (
        f"ALTER TABLE {_TABLE} MODIFY template_snapshot MEDIUMTEXT COLLATE utf8mb4_nopad_bin NULL",
        f"ALTER TABLE {_TABLE} MODIFY template_snapshot"
        " MEDIUMTEXT COLLATE utf8mb4_nopad_bin NOT NULL",
    ),
}


def _sqlite_copy(schema_editor: Any, *, nullable: bool) -> None:
    """Copy the table into one whose snapshot column is (or is not) ``NOT NULL``."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL", [_TABLE]
        )
        found = list(cursor.fetchall())
    (table,) = [sql for kind, sql in found if kind == "table"]
    indexes = [sql for kind, sql in found if kind == "index"]
    column = _NOT_NULL.sub(r"\1", table) if nullable else _NULLABLE.sub(r"\1 NOT NULL", table)
    if column == table:
        return  # already so: a rerun after an interruption
    schema_editor.execute(_NAMED.sub(f"CREATE TABLE {_COPY}", column, count=1))
    schema_editor.execute(f"INSERT INTO {_COPY} SELECT * FROM {_TABLE}")
    schema_editor.execute(f"DROP TABLE {_TABLE}")
    schema_editor.execute(f"ALTER TABLE {_COPY} RENAME TO {_TABLE}")
    for index in indexes:
        schema_editor.execute(index)


def _nullable(schema_editor: Any, *, nullable: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _sqlite_copy(schema_editor, nullable=nullable)
    else:
        schema_editor.execute(_ALTER[vendor][0 if nullable else 1])


def _rewrite(schema_editor: Any, rewrite: Rewrite) -> None:
    connection = schema_editor.connection

    def fetch(statement: str, parameters: Sequence[Any]) -> Sequence[Sequence[Any]]:
        with connection.cursor() as cursor:
            cursor.execute(statement, list(parameters))
            return [tuple(row) for row in cursor.fetchall()]

    def execute_many(statement: str, rows: list[tuple[Any, ...]]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(statement, rows)

    run(rewrite, fetch, execute_many)


def forwards(apps: Any, schema_editor: Any) -> None:
    """Make the column nullable, then store each snapshot equal to its days as NULL."""
    _nullable(schema_editor, nullable=True)
    _rewrite(schema_editor, TO_NULL)


def backwards(apps: Any, schema_editor: Any) -> None:
    """Fill each NULL snapshot with its days, then make the column ``NOT NULL`` again."""
    _rewrite(schema_editor, TO_TEXT)
    _nullable(schema_editor, nullable=False)


class Migration(migrations.Migration):
    dependencies = [
        ("weekplan", "0016_compact_entries"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunPython(forwards, backwards, elidable=False),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="instancerecord",
                    name="template_snapshot",
                    field=weekplan.contrib.django._fields.DocumentField(null=True),
                ),
            ],
        ),
    ]
