"""What SQLAlchemy's inspector sees of weekplan's tables, for comparing two databases.

The Django tests use it to compare a database migrated by Django with one made
by :data:`weekplan.adapters.sqlalchemy.metadata` on the same server: every
table, column (name, type, nullability, default), primary key, unique
constraint, foreign key and index (with a partial index's predicate), by name.
"""

from __future__ import annotations

import contextlib
import importlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from sqlalchemy import Engine, create_engine, inspect
from sqlalchemy.engine import make_url

from tests.databases import MARIADB, POSTGRESQL
from tests.index_predicates import index_predicates
from weekplan.adapters.sqlalchemy import metadata

#: Django's vendor per test alias, and the SQLAlchemy URL of the server.
_SERVERS = {"postgres": POSTGRESQL, "mariadb": MARIADB}


def sqlalchemy_url(alias: str, database: str | None = None) -> str:
    """The SQLAlchemy URL of the Django alias's database (or of ``database`` on its server)."""
    name = database or settings.DATABASES[alias]["NAME"]
    if alias not in _SERVERS:
        return f"sqlite:///{name}"
    return make_url(_SERVERS[alias].url()).set(database=name).render_as_string(hide_password=False)


def _admin(alias: str, statement: str) -> None:
    engine = create_engine(_SERVERS[alias].url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


@contextlib.contextmanager
def scratch_database(alias: str) -> Iterator[str]:
    """A new, empty database on the alias's server, dropped afterwards: its SQLAlchemy URL."""
    name = f"weekplan_scratch_{uuid.uuid4().hex[:12]}"
    if alias not in _SERVERS:
        path = Path(f"{settings.SQLITE_PATH}.{name}")
        try:
            yield sqlalchemy_url(alias, str(path))
        finally:
            for leftover in path.parent.glob(f"{path.name}*"):
                leftover.unlink()
        return
    if alias == "postgres":
        _admin(alias, f'CREATE DATABASE "{name}"')
    else:
        _admin(alias, f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    try:
        yield sqlalchemy_url(alias, name)
    finally:
        if alias == "postgres":
            _admin(alias, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            _admin(alias, f"DROP DATABASE IF EXISTS `{name}`")


@contextlib.contextmanager
def scratch_alias(alias: str) -> Iterator[tuple[str, str]]:
    """A Django alias on a new, empty database on the alias's server, and its SQLAlchemy URL."""
    with scratch_database(alias) as url:
        name = make_url(url).database
        assert name is not None
        scratch = f"scratch-{uuid.uuid4().hex[:8]}"
        connections.settings[scratch] = {**connections.settings[alias], "NAME": name}
        try:
            yield scratch, url
        finally:
            connections[scratch].close()
            del connections[scratch]
            del connections.settings[scratch]


@contextlib.contextmanager
def engine_for(url: str) -> Iterator[Engine]:
    """An engine on ``url``, disposed of afterwards."""
    if url.startswith("mysql"):
        importlib.import_module("pymysql")
    engine = create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def weekplan_tables(engine: Engine) -> list[str]:
    """The ``weekplan_*`` tables in the database, sorted."""
    names = inspect(engine).get_table_names()
    return sorted(name for name in names if name.startswith("weekplan_"))


def describe(engine: Engine, table: str) -> dict[str, Any]:
    """Everything the inspector reports of ``table`` that a store depends on.

    Lists are sorted by name: the order in which a database reports indexes and
    constraints is no part of the schema (PostgreSQL and MariaDB report them in
    catalog order, which follows creation order and so differs between a table
    created at once and one whose constraints were added later).
    """
    inspector = inspect(engine)
    columns = {
        column["name"]: {
            # repr() shows the type's class and its arguments: length, collation,
            # time zone. Both databases are reflected by the same dialect, so the
            # text compares like for like.
            "type": repr(column["type"]),
            "nullable": column["nullable"],
            "default": column.get("default"),
        }
        for column in inspector.get_columns(table)
    }
    pk = inspector.get_pk_constraint(table)
    return {
        "columns": columns,
        "column order": [column["name"] for column in inspector.get_columns(table)],
        "primary key": (pk.get("name"), tuple(pk["constrained_columns"])),
        "unique constraints": sorted(
            (key["name"], tuple(key["column_names"]))
            for key in inspector.get_unique_constraints(table)
        ),
        "foreign keys": sorted(
            (
                key["name"],
                tuple(key["constrained_columns"]),
                key["referred_table"],
                tuple(key["referred_columns"]),
            )
            for key in inspector.get_foreign_keys(table)
        ),
        "indexes": sorted(
            (index["name"], tuple(index["column_names"]), bool(index["unique"]))
            for index in inspector.get_indexes(table)
        ),
        "index predicates": dict(sorted(index_predicates(engine, table).items())),
        "table options": dict(sorted(inspector.get_table_options(table).items())),
    }


def metadata_tables() -> list[str]:
    """The tables of weekplan's metadata, sorted."""
    return sorted(metadata.tables)


def assert_same_tables(actual: Engine, expected: Engine) -> None:
    """Every weekplan table of ``actual`` is the one of ``expected``, column by column."""
    assert weekplan_tables(actual) == weekplan_tables(expected) == metadata_tables()
    for table in metadata_tables():
        got, want = describe(actual, table), describe(expected, table)
        for column in sorted(set(got["columns"]) | set(want["columns"])):
            assert got["columns"].get(column) == want["columns"].get(column), f"{table}.{column}"
        for part in want:
            assert got[part] == want[part], f"{table}: {part}"
