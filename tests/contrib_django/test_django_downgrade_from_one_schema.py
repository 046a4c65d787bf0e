"""Reversing migration 0013 leaves exactly the schema that 0009 had, collations included.

The migrations up to 0010 gave the text key columns a binary collation on
PostgreSQL and MariaDB (0002 and its followers, see ``weekplan.contrib.django._collation``),
so that listings sort as Python sorts. Migrating forward to 0013 and back must
bring every column back as it was: its type, nullability, default and collation,
and the keys and indexes of its table.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from sqlalchemy import Engine, text

from tests.databases import django_alias

from .schema_compare import describe, engine_for, scratch_alias, weekplan_tables

pytestmark = pytest.mark.usefixtures("django_databases")

ALIASES = [
    pytest.param("default", id="sqlite"),
    pytest.param("postgres", id="postgresql"),
    pytest.param("mariadb", id="mariadb"),
]
BEFORE = "0009_generation_runs"
ONE_SCHEMA = "0013_one_schema"

#: Each server's catalog of column collations, for the current database.
_COLLATIONS = {
    "postgresql": (
        "SELECT table_name, column_name, collation_name FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = current_schema() "
        "AND table_name LIKE 'weekplan%'"
    ),
    "mysql": (
        "SELECT table_name, column_name, collation_name FROM information_schema.columns "
        "WHERE table_schema = DATABASE() AND table_name LIKE 'weekplan%'"
    ),
}


def _collations(engine: Engine) -> dict[tuple[str, str], str | None]:
    """Each weekplan column's collation as the server's catalog reports it (none on SQLite)."""
    query = _COLLATIONS.get(engine.dialect.name)
    if query is None:
        return {}
    with engine.connect() as connection:
        return {
            (table, column): collation
            for table, column, collation in connection.execute(text(query))
        }


def _schema(engine: Engine) -> dict[str, Any]:
    return {
        "tables": {table: describe(engine, table) for table in weekplan_tables(engine)},
        "collations": _collations(engine),
    }


@pytest.mark.parametrize("alias", ALIASES)
def test_reversing_the_one_schema_restores_the_schema_before_it(alias: str) -> None:
    alias = django_alias(alias)
    with scratch_alias(alias) as (old, url), engine_for(url) as engine:
        call_command("migrate", "weekplan", BEFORE, database=old, verbosity=0)
        before = _schema(engine)
        if engine.dialect.name != "sqlite":
            # The binary collations of 0002 and its followers are there to be restored.
            assert before["collations"][("weekplan_templates", "name_key")] in {"C", "utf8mb4_bin"}
        call_command("migrate", "weekplan", ONE_SCHEMA, database=old, verbosity=0)
        assert _schema(engine) != before
        call_command("migrate", "weekplan", BEFORE, database=old, verbosity=0)
        after = _schema(engine)
        assert sorted(after["tables"]) == sorted(before["tables"])
        for table, described in before["tables"].items():
            assert after["tables"][table] == described, table
        for column, collation in before["collations"].items():
            assert after["collations"].get(column) == collation, column
        assert after == before
