"""Writes run on the driver's cursor too (SQLite, psycopg): same rows, same errors, same statements.

The direct path (``weekplan.adapters.sqlalchemy._direct_statements``) is taken
while nothing listens to the engine's statements; with a listener every
statement goes through SQLAlchemy. Both paths must store the same weeks and
change log, send the same statements, and fail the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import URL, Connection, event, text

from weekplan import (
    InstanceExists,
    PlanEntry,
    Planner,
    StorageError,
    WeekPlanInstance,
    WorkerPlanner,
)
from weekplan.adapters.sqlalchemy import SqlAlchemyStore

MONDAY = "2026-11-23"
DIRECT_BACKENDS = ("sqlite-file", "sqlite-memory", "postgresql")


@pytest.fixture(params=DIRECT_BACKENDS)
def url(request: pytest.FixtureRequest, url_of: Callable[[str], URL]) -> URL:
    """Each database whose driver weekplan runs statements on directly."""
    return url_of(request.param)


@pytest.fixture
def store(url: URL) -> Iterator[SqlAlchemyStore]:
    opened = SqlAlchemyStore(url)
    opened.create_all()
    try:
        yield opened
    finally:
        opened.close()


def _listened(store: SqlAlchemyStore) -> Callable[[], None]:
    """Put a statement listener on the engine (SQLAlchemy's path); returns its removal."""

    def listen(*_args: object) -> None:
        return None

    assert store.engine is not None
    event.listen(store.engine, "before_cursor_execute", listen)
    return lambda: event.remove(store.engine, "before_cursor_execute", listen)


def _a_week_of_edits(worker: WorkerPlanner) -> WeekPlanInstance:
    """Writes of every kind a week sees: clone, edits, locks, a bulk clone, a delete."""
    template = worker.create_template(
        "Week",
        [PlanEntry("mon", "lunch", notes="soup"), PlanEntry("tue", "dinner", notes="50% less")],
    )
    worker.create_instance(template.id, "client-1", MONDAY)
    worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="stew 'quoted'")
    worker.set_slot("client-1", MONDAY, "wed", "snack", notes="added")
    worker.lock_slot("client-1", MONDAY, "tue", "dinner", reason="family visit")
    worker.create_instances(template.id, ["client-2", "client-3"], MONDAY)
    worker.delete_instance("client-3", MONDAY)
    return worker.get_instance("client-1", MONDAY)


def _shape(week: WeekPlanInstance) -> Any:
    return (
        [(e.day_key.value, e.slot_key, e.dish_template_id, e.notes) for e in week.days],
        week.template_snapshot,
        week.version,
        [(lock.day_key.value, lock.slot_key, lock.reason) for lock in week.locks],
    )


def _log(worker: WorkerPlanner) -> list[Any]:
    return [
        (r.change_type, r.source, r.day_key, r.slot_key, r.old, r.new, r.version_after)
        for client in ("client-1", "client-2", "client-3")
        for r in worker.list_changes(client, MONDAY, limit=100).items
    ]


def test_a_week_written_directly_equals_one_written_through_sqlalchemy(
    store: SqlAlchemyStore,
) -> None:
    planner = Planner(store)
    direct = _a_week_of_edits(planner.worker("tenant-direct-writes"))
    remove = _listened(store)
    try:
        through = _a_week_of_edits(planner.worker("tenant-sqlalchemy-writes"))
    finally:
        remove()
    assert _shape(direct) == _shape(through)
    assert _log(planner.worker("tenant-direct-writes")) == _log(
        planner.worker("tenant-sqlalchemy-writes")
    )
    counts = [
        planner.worker(tenant).list_instances().items
        for tenant in ("tenant-direct-writes", "tenant-sqlalchemy-writes")
    ]
    assert [[w.client_ref for w in weeks] for weeks in counts] == [["client-1", "client-2"]] * 2


def test_an_edit_runs_no_statement_through_sqlalchemy_unless_something_listens(
    store: SqlAlchemyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = Planner(store).worker("tenant-direct-count")
    template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
    worker.create_instance(template.id, "client-1", MONDAY)
    executed: list[object] = []
    original = Connection.execute

    def counting(self: Connection, statement: Any, *args: Any, **kwargs: Any) -> Any:
        executed.append(statement)
        return original(self, statement, *args, **kwargs)

    monkeypatch.setattr(Connection, "execute", counting)
    worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="direct")
    worker.create_instance(template.id, "client-2", MONDAY)
    assert executed == []
    remove = _listened(store)
    try:
        worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="through SQLAlchemy")
    finally:
        remove()
    assert len(executed) >= 3  # the read, the update and the change set, at least
    assert worker.get_instance("client-1", MONDAY).days[0].notes == "through SQLAlchemy"


def test_a_week_taken_by_another_call_is_instance_exists_on_the_direct_path(
    store: SqlAlchemyStore,
) -> None:
    worker = Planner(store).worker("tenant-direct-exists")
    template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
    worker.create_instance(template.id, "client-1", MONDAY)
    with pytest.raises(InstanceExists):
        worker.create_instance(template.id, "client-1", MONDAY)
    # The failed call left nothing behind: the next write works.
    assert worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="after").version == 2


def test_sqlite_gets_the_same_statements_on_both_paths(tmp_path: Any) -> None:
    sent: list[str] = []
    store = SqlAlchemyStore(f"sqlite:///{tmp_path / 'traced.db'}")
    assert store.engine is not None

    @event.listens_for(store.engine, "connect")
    def trace(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.set_trace_callback(sent.append)

    try:
        store.create_all()
        worker = Planner(store).worker("tenant-traced")
        template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
        worker.create_instance(template.id, "client-1", MONDAY)
        sent.clear()
        worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="one")
        directly = list(sent)
        remove = _listened(store)
        try:
            sent.clear()
            worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="two")
        finally:
            remove()
        through = list(sent)
    finally:
        store.close()

    def shape(statements: list[str]) -> list[str]:
        # The SQL of each statement without its values (SQLite expands them in a trace).
        return [statement.split(" VALUES ")[0].split(" SET ")[0] for statement in statements]

    assert directly[0] == "BEGIN IMMEDIATE"
    assert directly[-1] == "COMMIT"
    assert shape(directly) == shape(through)


def test_a_connection_lost_before_a_direct_write_is_dropped_from_the_pool(
    url_of: Callable[[str], URL],
) -> None:
    store = SqlAlchemyStore(url_of("postgresql"), pool_size=1, max_overflow=0)
    store.create_all()
    try:
        worker = Planner(store).worker("tenant-direct-write-lost")
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
            worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="lost")
        # The pool replaced the lost connection: the next call works.
        assert worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="kept").version == 2
    finally:
        store.close()
