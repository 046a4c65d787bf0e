"""``get_instance`` on PostgreSQL runs on psycopg's cursor directly: same answers, same errors.

The direct path (``weekplan.adapters.sqlalchemy._direct_statements``) is taken when
nothing listens to the engine; with a listener the statement goes through
SQLAlchemy as every other. Both must give the same week and the same errors.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import URL, create_engine, event, text
from sqlalchemy.exc import ProgrammingError

from weekplan import (
    InstanceNotFound,
    PlanEntry,
    Planner,
    StorageError,
)
from weekplan.adapters.sqlalchemy import SqlAlchemyStore

from .conftest import terminate_connection_of

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
        driver = connection.connection.driver_connection
        assert driver is not None
        return bool(driver.autocommit)


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
    terminate_connection_of(store)
    with pytest.raises(StorageError):
        worker.get_instance("client-1", MONDAY)
    # The pool replaced the lost connection: the next call works.
    assert worker.get_instance("client-1", MONDAY).version == 1


def test_an_edit_that_waited_for_the_client_reads_the_week_the_other_call_left(
    store: SqlAlchemyStore, postgresql_url: URL
) -> None:
    # BEGIN, the client's lock and the read of the week go in one pipeline, the
    # read after the lock: a read that waited for the lock sees what the holder
    # committed, since each statement takes its own snapshot. Here
    # the holder changes the week without a new version: a stale read would go
    # unnoticed by the compare-and-set and overwrite it.
    worker = Planner(store).worker("tenant-direct-wait")
    entries = [
        PlanEntry("mon", "lunch", notes="before"),
        PlanEntry("mon", "dinner", notes="x"),
    ]
    template = worker.create_template("Week", entries)
    worker.create_instance(template.id, "client-1", MONDAY)
    holder = create_engine(postgresql_url)
    errors: list[BaseException] = []

    def edit() -> None:
        try:
            worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="by the waiting call")
        except BaseException as error:  # reported by the test below
            errors.append(error)

    try:
        with holder.connect() as connection:
            connection.execute(
                text(
                    "INSERT INTO weekplan_client_locks (tenant_id, client_ref)"
                    " VALUES ('tenant-direct-wait', 'client-1') ON CONFLICT (tenant_id, client_ref)"
                    " DO UPDATE SET client_ref = excluded.client_ref"
                )
            )
            holder_pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
            connection.execute(
                text(
                    "UPDATE weekplan_instances"
                    " SET days = replace(days, '\"x\"', '\"by the holder\"')"
                    " WHERE tenant_id = 'tenant-direct-wait'"
                )
            )
            waiting = threading.Thread(target=edit)
            waiting.start()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                # Not through the holder's connection: a transaction reads the
                # activity statistics once and then keeps that snapshot.
                with holder.connect() as watcher:
                    blocked = watcher.execute(
                        text(
                            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                            " AND query LIKE '%INSERT INTO weekplan_client_locks%'"
                            " AND :holder = ANY (pg_blocking_pids(pid))"
                        ),
                        {"holder": holder_pid},
                    ).scalar_one()
                if blocked:
                    break
                time.sleep(0.01)
            assert blocked, f"the edit never waited for the client: {errors}"
            connection.commit()
        waiting.join(timeout=10)
    finally:
        holder.dispose()
    assert errors == []
    week = worker.get_instance("client-1", MONDAY)
    assert {entry.slot_key: entry.notes for entry in week.days} == {
        "lunch": "by the waiting call",
        "dinner": "by the holder",
    }


def test_an_edit_that_changes_nothing_ends_its_transaction_and_keeps_its_connection(
    store: SqlAlchemyStore,
) -> None:
    # Its transaction was begun by hand, with the client's lock, and ends
    # without a write: the unit of work still ends it, and hands the connection
    # back in good order instead of having the pool drop it.
    worker = Planner(store).worker("tenant-direct-noop")
    template = worker.create_template("Week", [PlanEntry("mon", "lunch", notes="same")])
    worker.create_instance(template.id, "client-1", MONDAY)
    assert store.engine is not None
    connects: list[object] = []
    event.listen(store.engine.pool, "connect", lambda *_: connects.append(None))
    for _ in range(3):
        assert worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="same").version == 1
        with store.engine.connect() as connection:
            driver: Any = connection.connection.driver_connection
            assert (driver.autocommit, driver.info.transaction_status) == (False, 0)
    assert connects == []


def test_a_week_reads_the_same_with_and_without_a_listener_on_every_database(
    sql_store: SqlAlchemyStore,
) -> None:
    # Directly on SQLite and PostgreSQL (SQLite's ? takes the values in order,
    # its dates and times come back through SQLAlchemy's processors); through
    # SQLAlchemy on MariaDB, which reads in a transaction.
    worker = Planner(sql_store).worker("tenant-direct-everywhere")
    template = worker.create_template("Week", [PlanEntry("sun", "dinner", notes="soup")])
    worker.create_instance(template.id, "client-1", MONDAY)
    worker.lock_slot("client-1", MONDAY, "sun", "dinner", reason="birthday")
    direct = worker.get_instance("client-1", MONDAY)
    assert direct == _through_sqlalchemy(sql_store, lambda: worker.get_instance("client-1", MONDAY))
    assert direct.week_start_date.isoformat() == MONDAY
    assert direct.created_at.tzinfo is UTC
    assert direct.locks[0].locked_at is not None
    assert direct.locks[0].locked_at.tzinfo is UTC
    assert worker.get_template(template.id) == _through_sqlalchemy(
        sql_store, lambda: worker.get_template(template.id)
    )
    with pytest.raises(InstanceNotFound):
        worker.get_instance("client-2", MONDAY)
