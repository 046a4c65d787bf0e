"""A dish's meal signals: the vocabulary they were computed under and a rank per meal.

Adds to ``weekplan_dishes`` the columns and indexes of
:data:`weekplan.adapters.sqlalchemy.metadata` (Alembic's ``weekplan_0011``):
``signals_vocabulary`` ('' for none) and ``<meal>_rank`` (3, no signal), all
``NOT NULL`` with those defaults, the index ``ix_weekplan_dishes_<meal>`` on
``(tenant_id, <meal>_rank, name_key, id)`` per meal, and
``ix_weekplan_dishes_signals`` on ``(tenant_id, signals_vocabulary)``.

Existing dishes get no signals: suggestions scan a tenant's catalog until
``worker.recompute_meal_signals()`` has run for it.

Written by hand, as 0013: the state operations are those ``makemigrations``
generates for the model's fields; the database operations run the statements
SQLAlchemy compiles for the metadata's columns and indexes, frozen here (the
indexes keep the schema's names, which Django's 30-character cap on a model
index's name would not allow for all of them).
"""

from __future__ import annotations

from typing import Any, Final

from django.db import migrations, models

import weekplan.contrib.django._fields

_MEALS: Final = ("breakfast", "lunch", "dinner", "snack")
_RANKS: Final = tuple(f"{meal}_rank" for meal in _MEALS)

#: Per Django vendor, the column definitions, in the metadata's order.
_COLUMNS: Final = {
    "sqlite": (
        "signals_vocabulary VARCHAR(32) DEFAULT '' NOT NULL",
        *(f"{rank} SMALLINT DEFAULT '3' NOT NULL" for rank in _RANKS),
    ),
    "postgresql": (
        "signals_vocabulary VARCHAR(32) COLLATE \"C\" DEFAULT '' NOT NULL",
        *(f"{rank} SMALLINT DEFAULT '3' NOT NULL" for rank in _RANKS),
    ),
    "mysql": (
        "signals_vocabulary VARCHAR(32) COLLATE utf8mb4_nopad_bin NOT NULL DEFAULT ''",
        *(f"{rank} SMALLINT NOT NULL DEFAULT '3'" for rank in _RANKS),
    ),
}

#: The indexes, the same on every vendor: ``(name, columns)``.
_INDEXES: Final = (
    *((f"ix_weekplan_dishes_{meal}", f"tenant_id, {meal}_rank, name_key, id") for meal in _MEALS),
    ("ix_weekplan_dishes_signals", "tenant_id, signals_vocabulary"),
)


def _columns(connection: Any) -> set[str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, "weekplan_dishes")
    return {column.name for column in description}


def _indexes(connection: Any) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "weekplan_dishes")
    return set(constraints)


def forwards(apps: Any, schema_editor: Any) -> None:
    """Add the columns, then the indexes; run again after an interruption, add what is missing."""
    connection = schema_editor.connection
    existing = _columns(connection)
    for definition in _COLUMNS[connection.vendor]:
        if definition.split(" ", 1)[0] not in existing:
            schema_editor.execute(f"ALTER TABLE weekplan_dishes ADD COLUMN {definition}")
    indexes = _indexes(connection)
    for name, columns in _INDEXES:
        if name not in indexes:
            schema_editor.execute(f"CREATE INDEX {name} ON weekplan_dishes ({columns})")


def backwards(apps: Any, schema_editor: Any) -> None:
    """Drop the indexes, then the columns."""
    connection = schema_editor.connection
    indexes = _indexes(connection)
    for name, _ in _INDEXES:
        if name in indexes:
            on_table = " ON weekplan_dishes" if connection.vendor == "mysql" else ""
            schema_editor.execute(f"DROP INDEX {name}{on_table}")
    existing = _columns(connection)
    for column in ("signals_vocabulary", *_RANKS):
        if column in existing:
            schema_editor.execute(f"ALTER TABLE weekplan_dishes DROP COLUMN {column}")


def _rank(name: str) -> migrations.AddField:
    return migrations.AddField(
        model_name="dishrecord",
        name=name,
        field=models.SmallIntegerField(db_default=3, default=3),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("weekplan", "0013_one_schema"),
    ]

    # Not atomic on MariaDB, which cannot roll DDL back (as in 0002 and 0013).
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunPython(forwards, backwards, atomic=False, elidable=False),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="dishrecord",
                    name="signals_vocabulary",
                    field=weekplan.contrib.django._fields.KeyField(
                        db_default="", default="", max_length=32
                    ),
                ),
                *(_rank(rank) for rank in _RANKS),
            ],
        ),
    ]
