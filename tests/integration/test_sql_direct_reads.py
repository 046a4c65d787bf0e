"""``get_instance`` on PostgreSQL runs on psycopg's cursor directly: same answers, same errors.

The direct path (``weekplan.adapters.sqlalchemy.direct_reads``) is taken when
nothing listens to the engine; with a listener the statement goes through
SQLAlchemy as every other. Both must give the same week and the same errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import URL, event, text
from sqlalchemy.exc import ProgrammingError

from weekplan import (
    InstanceNotFound,
    PlanEntry,
    Planner,
    StorageError,
)
from weekplan.adapters.sqlalchemy import SqlAlchemyStore

MONDAY = "2026-11-23"


@pytest.fixture
def store(postgresql_url: URL) -> Iterator[SqlAlchemyStore]:
    """A store of one pooled connection, so every call reuses the one the last left."""
    opened = SqlAlchemyStore(postgresql_url, pool_size=1, max_overflow=0)
    opened.create_all()
    try:
        yield opened
    finally:
        opened.close()


def _through_sqlalchemy(store: SqlAlchemyStore, read: Any) -> Any:
    """``read()`` with a listener on the engine, which sends it SQLAlchemy's way."""
    seen: list[str] = []

    def listen(*args: object) -> None:
        seen.append(str(args[2]))

    assert store.engine is not None
    event.listen(store.engine, "before_cursor_execute", listen)
    try:
        return read()
    finally:
        event.remove(store.engine, "before_cursor_execute", listen)
        assert len(seen) == 1, seen


def test_a_week_read_directly_equals_the_week_read_through_sqlalchemy(
    store: SqlAlchemyStore,
) -> None:
    worker = Planner(store).worker("tenant-direct")
    entries = [
        PlanEntry("mon", "lunch", notes="soup"),
        PlanEntry("tue", "dinner", notes="é ✓ 'quoted' % sign"),
    ]
    template = worker.create_template("Week", entries)
    worker.create_instance(template.id, "client-1", MONDAY)
    worker.lock_slot("client-1", MONDAY, "tue", "dinner", reason="family visit")
    written = worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="stew")
    direct = worker.get_instance("client-1", MONDAY)
    assert direct == _through_sqlalchemy(store, lambda: worker.get_instance("client-1", MONDAY))
    assert direct.days == written.days
    assert direct.template_snapshot == template.days
    assert [(lock.slot_key, lock.reason) for lock in direct.locks] == [("dinner", "family visit")]
    assert direct.updated_at.tzinfo is UTC
    assert direct.locks[0].locked_at is not None
    assert direct.locks[0].locked_at.tzinfo is UTC
    assert direct.updated_at <= datetime.now(UTC)


def test_a_missing_week_is_not_found_on_both_paths(store: SqlAlchemyStore) -> None:
    worker = Planner(store).worker("tenant-direct-missing")
    with pytest.raises(InstanceNotFound):
        worker.get_instance("nobody", MONDAY)
    with pytest.raises(InstanceNotFound):
        _through_sqlalchemy(store, lambda: worker.get_instance("nobody", MONDAY))


def _autocommit(store: SqlAlchemyStore) -> bool:
    assert store.engine is not None
    with store.engine.connect() as connection:
        return bool(connection.connection.driver_connection.autocommit)  # type: ignore[union-attr]


def test_a_failed_direct_read_is_a_storage_error_and_leaves_the_pool_clean(
    store: SqlAlchemyStore,
) -> None:
    worker = Planner(store).worker("tenant-direct-failure")
    template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
    worker.create_instance(template.id, "client-1", MONDAY)
    assert store.engine is not None
    with store.engine.connect() as connection:
        connection.execute(text("ALTER TABLE weekplan_slot_locks RENAME TO locks_away"))
        connection.commit()
    try:
        with pytest.raises(StorageError) as raised:
            worker.get_instance("client-1", MONDAY)
        # Chained as SQLAlchemy chains it: its error, then the driver's.
        cause = raised.value.__cause__
        assert isinstance(cause, ProgrammingError), cause
        assert type(cause.orig).__name__ == "UndefinedTable"
        assert _autocommit(store) is False
    finally:
        with store.engine.connect() as connection:
            connection.execute(text("ALTER TABLE locks_away RENAME TO weekplan_slot_locks"))
            connection.commit()
    assert worker.get_instance("client-1", MONDAY).version == 1


def test_a_connection_lost_during_a_direct_read_is_dropped_from_the_pool(
    store: SqlAlchemyStore,
) -> None:
    worker = Planner(store).worker("tenant-direct-lost")
    template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
    worker.create_instance(template.id, "client-1", MONDAY)
    assert store.engine is not None
    with store.engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    killer = SqlAlchemyStore(store.engine.url)
    try:
        assert killer.engine is not None
        with killer.engine.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            connection.commit()
    finally:
        killer.close()
    with pytest.raises(StorageError):
        worker.get_instance("client-1", MONDAY)
    # The pool replaced the lost connection: the next call works.
    assert worker.get_instance("client-1", MONDAY).version == 1
