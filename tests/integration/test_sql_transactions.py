"""Atomicity, races and joining a host's transaction, on real databases."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, TypeVar

import attrs
import pytest
from sqlalchemy import URL, Engine, create_engine, event, func, select
from sqlalchemy.orm import Session

from weekplan import (
    InstanceExists,
    PlanEntry,
    Planner,
    StorageError,
    TemplateNotFound,
    VersionConflict,
    WeekPlanInstance,
)
from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.adapters.sqlalchemy._schema import instances
from weekplan.adapters.sqlalchemy._store import SQLITE_BUSY_TIMEOUT_SECONDS

T = TypeVar("T")
MONDAY = "2026-11-23"
THREADS = 16


class InjectedFailure(Exception):
    """Raised by a test in the middle of a call."""


@pytest.fixture
def fail_after_first_write(
    sql_store: SqlAlchemyStore,
) -> Iterator[Callable[[], None]]:
    """Arm a failure raised right after the next INSERT, UPDATE or DELETE reached the database."""
    engine = sql_store.engine
    assert engine is not None
    armed = threading.Event()

    def after_execute(*args: Any) -> None:
        statement = str(args[2]).lstrip().upper()
        if armed.is_set() and statement.startswith(("INSERT", "UPDATE", "DELETE")):
            armed.clear()
            raise InjectedFailure(statement.split()[0])

    event.listen(engine, "after_cursor_execute", after_execute)
    yield armed.set
    event.remove(engine, "after_cursor_execute", after_execute)


def _rows(engine: Engine, tenant: str) -> int:
    with engine.connect() as connection:
        query = select(func.count()).where(instances.c.tenant_id == tenant)
        return int(connection.execute(query).scalar_one())


def test_a_failure_inside_a_call_stores_nothing_of_it(
    sql_store: SqlAlchemyStore, fail_after_first_write: Callable[[], None]
) -> None:
    worker = Planner(sql_store).worker("tenant-atomic")
    template = worker.create_template("Atomic", [PlanEntry("mon", "lunch", notes="soup")])
    before_template = worker.get_template(template.id)

    fail_after_first_write()
    with pytest.raises(InjectedFailure):
        worker.create_instance(template.id, "client-1", MONDAY)
    assert worker.list_instances().items == ()

    fail_after_first_write()
    with pytest.raises(InjectedFailure):
        worker.update_template(template.id, name="Renamed", days=[PlanEntry("tue", "dinner")])
    assert worker.get_template(template.id) == before_template

    instance = worker.create_instance(template.id, "client-1", MONDAY)
    fail_after_first_write()
    with pytest.raises(InjectedFailure):
        worker.update_instance("client-1", MONDAY, days=[PlanEntry("sun", "brunch")])
    assert worker.get_instance("client-1", MONDAY) == instance

    # The store still works, and the versions were not consumed.
    assert worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="stew").version == 2
    assert worker.update_template(template.id, name="Renamed").version == 2


def _race(action: Callable[[int], T]) -> list[T | Exception]:
    barrier = threading.Barrier(THREADS)
    results: list[T | Exception] = [RuntimeError("did not run")] * THREADS

    def run(n: int) -> None:
        barrier.wait()
        try:
            results[n] = action(n)
        except Exception as exc:
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def race_store(server_url: URL) -> Iterator[SqlAlchemyStore]:
    """A store on a server with a connection for every racing thread."""
    store = SqlAlchemyStore(server_url, pool_size=THREADS, max_overflow=0)
    store.create_all()
    yield store
    store.close()


def test_racing_creates_of_one_week_let_exactly_one_win(race_store: SqlAlchemyStore) -> None:
    planner = Planner(race_store)
    template = planner.worker("tenant-race-create").create_template("Race")
    outcomes = _race(
        lambda _n: planner.worker("tenant-race-create").create_instance(
            template.id, "client-1", MONDAY
        )
    )
    wins = [o for o in outcomes if isinstance(o, WeekPlanInstance)]
    losses = [o for o in outcomes if isinstance(o, InstanceExists)]
    assert (len(wins), len(losses)) == (1, THREADS - 1), outcomes
    assert race_store.engine is not None
    assert _rows(race_store.engine, "tenant-race-create") == 1


def test_racing_edits_with_the_version_read_lose_no_update(race_store: SqlAlchemyStore) -> None:
    planner = Planner(race_store)
    worker = planner.worker("tenant-race-edit")
    template = worker.create_template("Race")
    worker.create_instance(template.id, "client-1", MONDAY)

    def edit(n: int) -> WeekPlanInstance:
        read = worker.get_instance("client-1", MONDAY)
        return worker.set_slot(
            "client-1",
            MONDAY,
            "mon",
            f"slot-{n:02}",
            notes=f"by {n}",
            expected_version=read.version,
        )

    outcomes = _race(edit)
    wins = [o for o in outcomes if isinstance(o, WeekPlanInstance)]
    assert all(isinstance(o, WeekPlanInstance | VersionConflict) for o in outcomes), outcomes
    assert wins
    final = worker.get_instance("client-1", MONDAY)
    assert final.version == 1 + len(wins)
    assert sorted(w.version for w in wins) == list(range(2, 2 + len(wins)))
    slots = {(e.slot_key, e.notes) for e in final.days}
    for win in wins:
        assert {(e.slot_key, e.notes) for e in win.days} <= slots


# -- joining the host's transaction -----------------------------------------------------


@pytest.fixture
def host_engine(sql_store: SqlAlchemyStore) -> Engine:
    # The store's own engine: on SQLite it has the settings savepoints need.
    assert sql_store.engine is not None
    return sql_store.engine


def test_weekplan_writes_commit_and_roll_back_with_the_host_session(
    sql_store: SqlAlchemyStore, host_engine: Engine
) -> None:
    with Session(host_engine) as session:
        worker = Planner(SqlAlchemyStore.joining(session)).worker("tenant-host-session")
        kept = worker.create_template("Kept")
        session.commit()
    with Session(host_engine) as session:
        worker = Planner(SqlAlchemyStore.joining(session)).worker("tenant-host-session")
        dropped = worker.create_template("Dropped")
        assert worker.get_template(dropped.id) == dropped  # visible inside the transaction
        session.rollback()
    outside = Planner(sql_store).worker("tenant-host-session")
    assert [t.id for t in outside.list_templates().items] == [kept.id]


def test_a_failed_call_is_undone_without_ending_the_host_transaction(
    sql_store: SqlAlchemyStore, host_engine: Engine
) -> None:
    with host_engine.connect() as connection:
        worker = Planner(SqlAlchemyStore.joining(connection)).worker("tenant-host-conn")
        template = worker.create_template("Before the failure")
        worker.create_instance(template.id, "client-1", MONDAY)
        with pytest.raises(InstanceExists):
            worker.create_instance(template.id, "client-1", MONDAY)
        with pytest.raises(TemplateNotFound):
            worker.create_instance("missing", "client-2", MONDAY)
        assert connection.in_transaction()
        after = worker.create_instance(template.id, "client-3", MONDAY)
        connection.commit()
    outside = Planner(sql_store).worker("tenant-host-conn")
    listed = outside.list_instances().items
    assert [i.client_ref for i in listed] == ["client-1", "client-3"]
    assert after in listed


def test_a_joined_store_never_commits_the_host_transaction(
    sql_store: SqlAlchemyStore, host_engine: Engine
) -> None:
    with host_engine.connect() as connection:
        worker = Planner(SqlAlchemyStore.joining(connection)).worker("tenant-host-never")
        worker.create_template("Only if the host commits")
        connection.rollback()
    assert Planner(sql_store).worker("tenant-host-never").list_templates().items == ()


def test_an_unreachable_database_is_a_storage_error() -> None:
    store = SqlAlchemyStore("postgresql+psycopg://nobody@127.0.0.1:1/none", pool_pre_ping=False)
    with pytest.raises(StorageError) as caught:
        Planner(store).worker("tenant-down").list_templates()
    assert caught.value.status_code == 503
    assert caught.value.__cause__ is not None
    store.close()


def test_a_sqlite_file_weekplan_opens_is_in_wal_mode_and_readers_never_wait_for_a_writer(
    sqlite_file_url: URL,
) -> None:
    # No busy timeout at all: a read that had to wait for the writer would fail at once.
    store = SqlAlchemyStore(sqlite_file_url, connect_args={"timeout": 0})
    store.create_all()
    assert store.engine is not None
    try:
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        planner = Planner(store)
        worker = planner.worker("tenant-wal")
        template = worker.create_template("Week", [PlanEntry("mon", "lunch", notes="soup")])
        worker.create_instance(template.id, "client-1", MONDAY)
        with store.unit_of_work() as writing:
            # The writer holds SQLite's write lock and has changed the week, uncommitted.
            week = writing.instances.get("tenant-wal", "client-1", date(2026, 11, 23))
            assert week is not None
            writing.instances.remove("tenant-wal", "client-1", week.week_start_date)
            # Readers see the last committed week, without waiting.
            assert worker.get_instance("client-1", MONDAY).days == week.days
            view = planner.client("tenant-wal", "client-1").weekly_plan(MONDAY)
            assert view.slot("mon", "lunch").notes == "soup"
            assert [t.id for t in worker.list_templates().items] == [template.id]
            writing.commit()
        assert worker.list_instances().items == ()
    finally:
        store.close()


def test_weekplan_leaves_a_hosts_own_sqlite_engine_as_configured(sqlite_file_url: URL) -> None:
    engine = create_engine(sqlite_file_url.set(database=f"{sqlite_file_url.database}.host"))
    try:
        store = SqlAlchemyStore(engine)
        store.create_all()
        Planner(store).worker("tenant-host").list_templates()
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
    finally:
        engine.dispose()


def test_weekplan_s_sqlite_busy_timeout_is_documented_and_can_be_changed(
    sqlite_file_url: URL,
) -> None:
    assert SQLITE_BUSY_TIMEOUT_SECONDS == 5.0
    for options, expected in (({}, 5000), ({"connect_args": {"timeout": 0.25}}, 250)):
        store = SqlAlchemyStore(sqlite_file_url, **options)
        assert store.engine is not None
        try:
            with store.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == expected
        finally:
            store.close()


def test_bulk_insert_refuses_a_taken_week_in_the_database_and_the_transaction_goes_on(
    sql_store: SqlAlchemyStore,
) -> None:
    worker = Planner(sql_store).worker("tenant-bulk-race")
    template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
    first = worker.create_instance(template.id, "client-1", MONDAY)
    # What a concurrent transaction's week looks like to this one: the key is taken
    # in the table, although the planner never saw it (no read before the insert).
    fresh = [
        attrs.evolve(first, id=f"new-{client}", client_ref=client)
        for client in ("client-1", "client-2")
    ]
    with sql_store.unit_of_work() as uow:
        assert list(uow.instances.add_new("tenant-bulk-race", fresh)) == ["client-1"]
        uow.templates.remove("tenant-bulk-race", template.id)
        uow.commit()
    assert worker.get_instance("client-1", MONDAY) == first
    assert worker.get_instance("client-2", MONDAY).id == "new-client-2"
    assert worker.list_templates().items == ()
