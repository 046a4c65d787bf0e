"""SQLite units of work on the pool's driver connection: same statements, same errors, same pool.

A store that made its own SQLite engine runs a unit of work on the connection
the pool hands out, with no SQLAlchemy ``Connection`` (see
``weekplan.adapters.sqlalchemy._driver_unit``), while nothing listens to the
engine's connections. A listener, logging, a host's engine or a joined store
keep SQLAlchemy's path. Both paths must send the same statements, in the same
transactions, and fail the same way.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import URL, Connection, create_engine, event, insert, make_url, select, text
from sqlalchemy.orm import Session

from weekplan import PlanEntry, Planner, StorageError, WorkerPlanner
from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.adapters.sqlalchemy._driver_unit import nothing_listens
from weekplan.adapters.sqlalchemy._schema import dishes, ruleset_assignments
from weekplan.adapters.sqlalchemy._workflow_repositories import SqlChangeLogRepository
from weekplan.domain._dishes import Dish

from .conftest import StatementLog
from .test_sql_query_counts import _assert_cheap, _costs, _seed_dishes

MONDAY = "2026-11-23"
WEEK = date(2026, 11, 23)


class InjectedFailure(Exception):
    """Raised by a test in the middle of a call."""


def _url(backend: str, folder: Path) -> URL:
    if backend == "sqlite-memory":
        return make_url("sqlite://")
    return make_url(f"sqlite:///{folder / 'weekplan.db'}")


@pytest.fixture(params=["sqlite-file", "sqlite-memory"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> URL:
    """A new SQLite file, then SQLite in memory (one shared connection)."""
    return _url(request.param, tmp_path)


@contextlib.contextmanager
def _store(url: URL, **options: Any) -> Iterator[tuple[SqlAlchemyStore, list[str]]]:
    """A store with its tables, and every statement SQLite runs for it, from either path.

    SQLite's own trace, set as each connection is made (a pool event, which
    takes nothing off the driver path), sees every statement, ``COMMIT`` included.
    """
    sent: list[str] = []
    store = SqlAlchemyStore(url, **options)
    assert store.engine is not None

    @event.listens_for(store.engine, "connect")
    def trace(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.set_trace_callback(sent.append)

    try:
        store.create_all()
        yield store, sent
    finally:
        store.close()


@pytest.fixture
def traced(url: URL) -> Iterator[tuple[SqlAlchemyStore, list[str]]]:
    with _store(url) as opened:
        yield opened


@pytest.fixture
def connections_made(monkeypatch: pytest.MonkeyPatch) -> list[Connection]:
    """Every SQLAlchemy ``Connection`` made from now on."""
    made: list[Connection] = []
    original = Connection.__init__

    def counting(self: Connection, *args: Any, **kwargs: Any) -> None:
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Connection, "__init__", counting)
    return made


def _one_week(store: SqlAlchemyStore, tenant: str) -> WorkerPlanner:
    worker = Planner(store).worker(tenant)
    template = worker.create_template("Week", [PlanEntry("mon", "lunch", notes="soup")])
    worker.create_instance(template.id, "client-1", MONDAY)
    return worker


def _calls(worker: WorkerPlanner) -> None:
    """Five units of work: reads of one statement and of several, and writes."""
    template = worker.list_templates().items[0]
    worker.create_instance(template.id, "client-2", MONDAY)
    worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="stew")
    worker.get_instance("client-1", MONDAY)
    worker.list_instances()


def _listened(store: SqlAlchemyStore, name: str) -> Callable[[], None]:
    """A listener for ``name`` on the engine; returns its removal."""
    assert store.engine is not None
    engine = store.engine

    def listen(*_args: object) -> None:
        return None

    event.listen(engine, name, listen)
    return lambda: event.remove(engine, name, listen)


def test_a_sqlite_store_of_its_own_makes_no_connection_and_still_checks_out_from_the_pool(
    traced: tuple[SqlAlchemyStore, list[str]], connections_made: list[Connection]
) -> None:
    store, _ = traced
    assert store.engine is not None
    worker = _one_week(store, "tenant-driver")
    pool_events: list[str] = []

    def checkout(*_: object) -> None:
        pool_events.append("checkout")

    def checkin(*_: object) -> None:
        pool_events.append("checkin")

    event.listen(store.engine.pool, "checkout", checkout)
    event.listen(store.engine.pool, "checkin", checkin)
    connections_made.clear()
    _calls(worker)
    assert connections_made == []
    # One checkout and one checkin per unit of work, as SQLAlchemy's own would.
    assert pool_events == ["checkout", "checkin"] * 5
    assert worker.get_instance("client-1", MONDAY).days[0].notes == "stew"


@pytest.mark.parametrize(
    "listener",
    [
        "before_cursor_execute",
        "after_execute",
        "engine_connect",
        "begin",
        "commit",
        "rollback",
        "set_connection_execution_options",
    ],
)
def test_a_listener_on_the_engine_s_connections_keeps_sqlalchemy_s_path(
    traced: tuple[SqlAlchemyStore, list[str]],
    connections_made: list[Connection],
    listener: str,
) -> None:
    store, _ = traced
    worker = _one_week(store, "tenant-listened")
    remove = _listened(store, listener)
    try:
        connections_made.clear()
        _calls(worker)
        assert len(connections_made) == 5  # one per unit of work
    finally:
        remove()
    # The listener gone, the driver's path again.
    connections_made.clear()
    assert worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="after").version == 3
    assert connections_made == []


def test_a_commit_listener_sees_each_write_commit(
    traced: tuple[SqlAlchemyStore, list[str]],
) -> None:
    store, _ = traced
    assert store.engine is not None
    worker = _one_week(store, "tenant-commits")
    commits: list[Connection] = []

    def committed(connection: Connection) -> None:
        commits.append(connection)

    event.listen(store.engine, "commit", committed)
    try:
        worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="one")
        worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="two")
    finally:
        event.remove(store.engine, "commit", committed)
    assert len(commits) == 2


def test_logging_or_a_listener_on_every_connection_keeps_sqlalchemy_s_path(
    traced: tuple[SqlAlchemyStore, list[str]],
    connections_made: list[Connection],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store, _ = traced
    assert store.engine is not None
    assert nothing_listens(store.engine)
    store.engine.echo = True
    try:
        assert not nothing_listens(store.engine)
    finally:
        store.engine.echo = False
    assert nothing_listens(store.engine)
    # What SQLAlchemy sets, for good, once anything listens on the Connection class.
    monkeypatch.setattr(Connection, "_has_events", True)
    assert not nothing_listens(store.engine)
    worker = _one_week(store, "tenant-class-listened")
    connections_made.clear()
    worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="through SQLAlchemy")
    assert len(connections_made) == 1


def test_a_host_s_own_engine_keeps_sqlalchemy_s_path(
    connections_made: list[Connection], tmp_path: Path
) -> None:
    engine = create_engine(make_url(f"sqlite:///{tmp_path / 'host.db'}"))
    try:
        store = SqlAlchemyStore(engine)
        store.create_all()
        worker = _one_week(store, "tenant-host")
        connections_made.clear()
        worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="host")
        assert len(connections_made) == 1
    finally:
        engine.dispose()


def test_a_joined_store_works_in_the_host_s_transaction_and_checks_out_nothing(
    traced: tuple[SqlAlchemyStore, list[str]],
) -> None:
    store, sent = traced
    assert store.engine is not None
    _one_week(store, "tenant-joined")
    checkouts: list[object] = []

    def checkout(dbapi_connection: object, *_: object) -> None:
        checkouts.append(dbapi_connection)

    with Session(store.engine) as session:
        joined = Planner(SqlAlchemyStore.joining(session)).worker("tenant-joined")
        session.connection()  # the host's connection, checked out before weekplan's call
        event.listen(store.engine.pool, "checkout", checkout)
        try:
            sent.clear()
            joined.set_slot("client-1", MONDAY, "mon", "lunch", notes="joined")
        finally:
            event.remove(store.engine.pool, "checkout", checkout)
        assert checkouts == []
        assert any(statement.startswith("SAVEPOINT") for statement in sent), sent
        session.rollback()
    worker = Planner(store).worker("tenant-joined")
    assert worker.get_instance("client-1", MONDAY).days[0].notes == "soup"


def test_a_write_sends_begin_immediate_first_and_commit_last(
    traced: tuple[SqlAlchemyStore, list[str]],
) -> None:
    store, sent = traced
    worker = _one_week(store, "tenant-begin")
    sent.clear()
    worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="one")
    directly = list(sent)
    remove = _listened(store, "before_cursor_execute")
    try:
        sent.clear()
        worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="two")
    finally:
        remove()

    def shape(statements: list[str]) -> list[str]:
        # The SQL of each statement without its values (SQLite expands them in a trace).
        return [statement.split(" VALUES ")[0].split(" SET ")[0] for statement in statements]

    assert directly[0] == "BEGIN IMMEDIATE"
    assert directly[-1] == "COMMIT"
    assert directly.count("BEGIN IMMEDIATE") == 1
    assert shape(directly) == shape(list(sent))


def test_reads_begin_as_before_one_statement_with_no_begin_several_with_a_deferred_one(
    traced: tuple[SqlAlchemyStore, list[str]],
) -> None:
    store, sent = traced
    worker = _one_week(store, "tenant-reads")
    sent.clear()
    worker.get_instance("client-1", MONDAY)
    assert [statement.split()[0] for statement in sent] == ["SELECT"]

    def several() -> list[str]:
        sent.clear()
        with store.read_unit_of_work(single_statement=False) as uow:
            uow.templates.get("tenant-reads", "t-1")
            uow.templates.get("tenant-reads", "t-2")
            with pytest.raises(RuntimeError, match="cannot write"):
                uow.templates.remove("tenant-reads", "t-1")
        return list(sent)

    directly = several()
    remove = _listened(store, "before_cursor_execute")
    try:
        through = several()
    finally:
        remove()
    assert [statement.split()[0] for statement in directly] == [
        "BEGIN",
        "SELECT",
        "SELECT",
        "ROLLBACK",
    ]
    assert directly[0] == "BEGIN"
    assert directly == through


class _TracedLog(StatementLog):
    """SQLite's trace as a statement log: every statement but the driver's ``COMMIT``.

    ``commit()`` of the driver is no statement of the store's (see
    ``test_sql_query_counts``), though SQLite's trace shows it.
    """

    def __init__(self, sent: list[str]) -> None:
        super().__init__()
        self._sent = sent

    def clear(self) -> None:
        """Forget what was traced so far."""
        self._sent.clear()

    def __len__(self) -> int:
        return sum(statement not in ("COMMIT", "ROLLBACK") for statement in self._sent)


def test_calls_on_the_driver_take_the_statements_they_take_through_sqlalchemy(
    traced: tuple[SqlAlchemyStore, list[str]],
) -> None:
    store, sent = traced
    _seed_dishes(store, "tenant-counts")
    worker = Planner(store).worker("tenant-counts")
    log = _TracedLog(sent)
    directly = _costs(worker, log, 42, "client-driver")
    remove = _listened(store, "before_cursor_execute")
    try:
        through = _costs(worker, log, 42, "client-sqlalchemy")
    finally:
        remove()
    assert directly == through
    _assert_cheap(directly, "sqlite")


def test_a_statement_refused_mid_write_undoes_the_whole_week(
    traced: tuple[SqlAlchemyStore, list[str]], connections_made: list[Connection]
) -> None:
    store, _ = traced
    assert store.engine is not None
    worker = _one_week(store, "tenant-refused")
    with store.engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TRIGGER refuse_change_sets BEFORE INSERT ON weekplan_change_sets"
            " BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    connections_made.clear()
    with pytest.raises(StorageError):
        worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="refused")
    assert connections_made == []  # it failed on the driver path
    week = worker.get_instance("client-1", MONDAY)
    assert (week.version, week.days[0].notes) == (1, "soup")
    with store.engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER refuse_change_sets")
    # Nothing was left open: the next write works, and is the week's second version.
    assert worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="after").version == 2


def test_a_failure_between_writes_undoes_the_whole_week(
    traced: tuple[SqlAlchemyStore, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = traced
    worker = _one_week(store, "tenant-failed")

    def fail(*_args: object) -> None:
        raise InjectedFailure

    with monkeypatch.context() as patched:
        patched.setattr(SqlChangeLogRepository, "append", fail)
        with pytest.raises(InjectedFailure):
            worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="lost")
    week = worker.get_instance("client-1", MONDAY)
    assert (week.version, week.days[0].notes) == (1, "soup")
    assert worker.list_changes("client-1", MONDAY, limit=10).items[0].version_after == 1
    assert worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="kept").version == 2


def test_a_statement_run_through_sqlalchemy_joins_the_transaction_begun_on_the_driver(
    traced: tuple[SqlAlchemyStore, list[str]], connections_made: list[Connection]
) -> None:
    store, sent = traced
    tenant = "tenant-handed-over"
    seen: list[str] = []

    def add_then_fail() -> None:
        with store.unit_of_work() as uow:
            uow.dishes.add(tenant, Dish("dish-1", tenant, "Soup"))
            assert connections_made == []
            connection = uow.reader()  # what a repository that needs SQLAlchemy asks for
            assert connection.in_transaction()
            ids = select(dishes.c.id).where(dishes.c.tenant_id == tenant)
            seen.extend(connection.execute(ids).scalars())
            raise InjectedFailure

    sent.clear()
    with pytest.raises(InjectedFailure):
        add_then_fail()
    assert seen == ["dish-1"]  # the dish added on the driver, in the same transaction
    assert sent.count("BEGIN IMMEDIATE") == 1
    assert len(connections_made) == 1
    sent.clear()
    with store.unit_of_work() as uow:
        uow.dishes.add(tenant, Dish("dish-1", tenant, "Soup"))
        uow.reader()
        uow.commit()
        # After a commit the unit of work begins again, as SQLAlchemy would.
        uow.dishes.add(tenant, Dish("dish-2", tenant, "Stew"))
        uow.commit()
    verbs = [statement.split()[0] for statement in sent]
    assert verbs == ["BEGIN", "INSERT", "COMMIT", "BEGIN", "INSERT", "COMMIT"], sent
    assert [d.id for d in Planner(store).worker(tenant).list_dishes().items] == [
        "dish-1",
        "dish-2",
    ]


def test_a_locked_database_is_the_same_storage_error_on_both_paths(tmp_path: Path) -> None:
    url = _url("sqlite-file", tmp_path)
    with _store(url, connect_args={"timeout": 0}) as (store, _):
        worker = _one_week(store, "tenant-locked")
        holder = sqlite3.connect(str(url.database), isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            with pytest.raises(StorageError) as directly:
                worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="locked")
            remove = _listened(store, "before_cursor_execute")
            try:
                with pytest.raises(StorageError) as through:
                    worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="locked")
            finally:
                remove()
            holder.execute("COMMIT")
        finally:
            holder.close()
        assert str(directly.value) == str(through.value)
        assert type(directly.value.__cause__) is type(through.value.__cause__)
        assert "locked" in str(directly.value.__cause__)
        assert worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="free").version == 2


@pytest.mark.parametrize("path", ["driver", "sqlalchemy"])
def test_a_closed_driver_connection_is_a_storage_error_and_dropped_from_the_pool(
    traced: tuple[SqlAlchemyStore, list[str]], path: str
) -> None:
    store, _ = traced
    assert store.engine is not None
    worker = _one_week(store, "tenant-closed")
    armed = [True]

    def close_once(dbapi_connection: Any, *_: object) -> None:
        if armed:
            armed.clear()
            dbapi_connection.close()

    event.listen(store.engine.pool, "checkout", close_once)
    remove = _listened(store, "before_cursor_execute") if path == "sqlalchemy" else None
    try:
        with pytest.raises(StorageError):
            worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="lost")
    finally:
        if remove is not None:
            remove()
        event.remove(store.engine.pool, "checkout", close_once)
    if store.engine.url.database in (None, "", ":memory:"):
        return  # the one connection held the whole database: it is gone with it
    # The pool replaced the closed connection: the next call works.
    assert worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="after").version == 2


def _refused_at_commit(store: SqlAlchemyStore, tenant: str) -> StorageError:
    """A unit of work whose ``COMMIT`` the database refuses: a foreign key checked only then."""

    def write() -> None:
        with store.unit_of_work() as uow:
            uow.dishes.add(tenant, Dish("dish-1", tenant, "Soup"))
            uow.execute(text("PRAGMA defer_foreign_keys = ON"), {}, write=True)
            unknown = {"tenant_id": tenant, "client_ref": "c", "content_hash": "none"}
            uow.execute(insert(ruleset_assignments), unknown, write=True)
            uow.commit()

    with pytest.raises(StorageError) as caught:
        write()
    return caught.value


@contextlib.contextmanager
def _checking_foreign_keys(url: URL) -> Iterator[SqlAlchemyStore]:
    with _store(url, pool_size=1, max_overflow=0) as (store, _):
        assert store.engine is not None

        @event.listens_for(store.engine, "connect")
        def foreign_keys(dbapi_connection: Any, _record: object) -> None:
            dbapi_connection.execute("PRAGMA foreign_keys = ON")

        store.engine.dispose()  # connections made from now on check foreign keys
        yield store


def test_a_commit_the_database_refuses_is_the_same_storage_error_and_stores_nothing(
    tmp_path: Path,
) -> None:
    (tmp_path / "driver").mkdir()
    (tmp_path / "sqlalchemy").mkdir()
    with _checking_foreign_keys(_url("sqlite-file", tmp_path / "driver")) as store:
        directly = _refused_at_commit(store, "tenant-refused")
        # The refused transaction was rolled back: the pool's one connection
        # begins the next call, which stored nothing of the first.
        worker = Planner(store).worker("tenant-refused")
        assert worker.list_dishes().items == ()
        assert str(_refused_at_commit(store, "tenant-refused")) == str(directly)
    with _checking_foreign_keys(_url("sqlite-file", tmp_path / "sqlalchemy")) as store:
        remove = _listened(store, "before_cursor_execute")
        try:
            through = _refused_at_commit(store, "tenant-refused")
        finally:
            remove()
    assert str(directly) == str(through)
    assert type(directly.__cause__) is type(through.__cause__)
    assert "FOREIGN KEY" in str(directly.__cause__)


@pytest.mark.parametrize("path", ["driver", "sqlalchemy"])
def test_a_refused_commit_leaves_no_transaction_open_on_either_path(
    tmp_path: Path, path: str
) -> None:
    # SQLite stays in a transaction whose COMMIT it refused; SQLAlchemy counts it
    # as ended, so only the store's own rollback keeps the pool's one connection
    # from holding the write lock (every later BEGIN on it failing, every other
    # writer of the file locked out).
    url = _url("sqlite-file", tmp_path)
    with _checking_foreign_keys(url) as store:
        remove = _listened(store, "before_cursor_execute") if path == "sqlalchemy" else None
        try:
            first = _refused_at_commit(store, "tenant-refused")
            assert str(_refused_at_commit(store, "tenant-refused")) == str(first)
            other = sqlite3.connect(tmp_path / "weekplan.db", timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")  # "database is locked" if a writer holds it
                other.execute("ROLLBACK")
            finally:
                other.close()
            worker = Planner(store).worker("tenant-refused")
            assert worker.list_dishes().items == ()
            assert worker.create_template("Week", [PlanEntry("mon", "lunch")]).version == 1
        finally:
            if remove is not None:
                remove()


def test_after_a_connection_lost_in_a_unit_of_work_what_follows_is_a_storage_error(
    traced: tuple[SqlAlchemyStore, list[str]],
) -> None:
    store, _ = traced
    assert store.engine is not None
    checked_out: list[Any] = []

    def checkout(dbapi_connection: Any, *_: object) -> None:
        checked_out.append(dbapi_connection)

    event.listen(store.engine.pool, "checkout", checkout)
    try:
        with store.unit_of_work() as uow:
            assert uow.templates.get("tenant-lost", "t-1") is None
            checked_out[-1].close()
            with pytest.raises(StorageError):
                uow.templates.get("tenant-lost", "t-2")
            with pytest.raises(StorageError):
                uow.reader()  # no Connection made on a connection already dropped
            with pytest.raises(StorageError):
                uow.commit()
    finally:
        event.remove(store.engine.pool, "checkout", checkout)


@pytest.mark.parametrize("backend", ["sqlite-file", "sqlite-memory"])
def test_racing_edits_of_one_week_on_the_driver_lose_nothing(backend: str, tmp_path: Path) -> None:
    threads, edits = 8, 10
    # A file gets a connection for every thread; memory shares its one, in turns.
    pool = {"pool_size": threads, "max_overflow": 0} if backend == "sqlite-file" else {}
    with _store(_url(backend, tmp_path), **pool) as (store, _):
        worker = _one_week(store, f"tenant-race-{backend}")
        failures: list[BaseException] = []
        barrier = threading.Barrier(threads)

        def edit(n: int) -> None:
            barrier.wait()
            try:
                for k in range(edits):
                    worker.set_slot("client-1", MONDAY, "mon", f"slot-{n}", notes=f"{n}.{k}")
                    worker.get_instance("client-1", MONDAY)
            except BaseException as error:  # reported by the assertion below
                failures.append(error)

        running = [threading.Thread(target=edit, args=(n,)) for n in range(threads)]
        for thread in running:
            thread.start()
        for thread in running:
            thread.join()
        assert failures == []
        week = worker.get_instance("client-1", MONDAY)
        assert week.version == 1 + threads * edits
        assert {
            entry.slot_key: entry.notes for entry in week.days if entry.slot_key != "lunch"
        } == {f"slot-{n}": f"{n}.{edits - 1}" for n in range(threads)}
