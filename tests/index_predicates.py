"""Which rows each index of a table holds, as the database reports it.

SQLAlchemy's inspector reports a partial index's ``WHERE`` as a dialect option:
PostgreSQL's text as the server normalises it (``(client_ref IS NULL)``),
SQLite's as its ``CREATE INDEX`` statement wrote it (read from
``sqlite_master.sql``). MariaDB has no partial indexes. Alembic's autogenerate
compares neither, so the schema tests compare them with this.
"""

from __future__ import annotations

from sqlalchemy import Engine, inspect

#: The dialect options that hold an index's predicate.
_WHERE = ("postgresql_where", "sqlite_where")


def index_predicates(engine: Engine, table: str) -> dict[str, str | None]:
    """Each index of ``table`` by name: its predicate's text, ``None`` for a full index."""
    found: dict[str, str | None] = {}
    for index in inspect(engine).get_indexes(table):
        options = index.get("dialect_options", {})
        where = next((options[key] for key in _WHERE if key in options), None)
        found[str(index["name"])] = None if where is None else str(where)
    return found
