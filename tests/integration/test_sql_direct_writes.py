"""Writes run on the driver's cursor too (SQLite, psycopg): same rows, same errors, same statements.

The direct path (``weekplan.adapters.sqlalchemy._direct_statements``) is taken
while nothing listens to the engine's statements; with a listener every
statement goes through SQLAlchemy. Both paths must store the same weeks and
change log, send the same statements, and fail the same way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import URL, Connection, bindparam, delete, event, select
from sqlalchemy.exc import MultipleResultsFound, NoResultFound, StatementError

from weekplan import (
    InstanceExists,
    PlanEntry,
    Planner,
    StorageError,
    WeekPlanInstance,
    WorkerPlanner,
)
from weekplan.adapters.sqlalchemy import SqlAlchemyStore, _statements, _workflow_statements
from weekplan.adapters.sqlalchemy._direct_statements import DirectResult, DirectStatement
from weekplan.adapters.sqlalchemy._errors import translate
from weekplan.adapters.sqlalchemy._schema import instances, meal_history
from weekplan.adapters.sqlalchemy._workflow_schema import change_sets
from weekplan.testing._base import all_pages

from .conftest import terminate_connection_of

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


@contextlib.contextmanager
def _traced_sqlite(path: Path) -> Iterator[tuple[SqlAlchemyStore, list[str]]]:
    """A store on a new SQLite file, and the statements SQLite runs for it as they run.

    SQLite's own trace sees every statement, whichever path sent it; a
    ``connect`` listener does not send statements through SQLAlchemy.
    """
    sent: list[str] = []
    store = SqlAlchemyStore(f"sqlite:///{path}")
    assert store.engine is not None

    @event.listens_for(store.engine, "connect")
    def trace(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.set_trace_callback(sent.append)

    try:
        store.create_all()
        yield store, sent
    finally:
        store.close()


def test_sqlite_gets_the_same_statements_on_both_paths(tmp_path: Path) -> None:
    with _traced_sqlite(tmp_path / "traced.db") as (store, sent):
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

    def shape(statements: list[str]) -> list[str]:
        # The SQL of each statement without its values (SQLite expands them in a trace).
        return [statement.split(" VALUES ")[0].split(" SET ")[0] for statement in statements]

    assert directly[0] == "BEGIN IMMEDIATE"
    assert directly[-1] == "COMMIT"
    assert shape(directly) == shape(through)


def _history_inserts(sent: list[str]) -> list[str]:
    return [s for s in sent if s.startswith("INSERT INTO weekplan_meal_history")]


@pytest.mark.parametrize("path", ["direct", "sqlalchemy"])
def test_sqlite_adds_a_history_delta_of_many_keys_in_one_statement(
    tmp_path: Path, path: str
) -> None:
    # SQLite's trace sees each row of an executemany as a statement of its own.
    delta = {(f"kind-{n % 7}", f"dish-{n}"): (n % 5) - 2 or 1 for n in range(280)}
    with _traced_sqlite(tmp_path / "history.db") as (store, sent):
        assert store.engine is not None
        # The direct path takes the statement (it refuses none of its parts).
        adding = _statements.Statements("sqlite").add_to_history
        DirectStatement(adding, store.engine.dialect, ["tenant_id", "delta"])
        remove = _listened(store) if path == "sqlalchemy" else (lambda: None)
        try:
            for _ in range(2):
                sent.clear()
                with store.unit_of_work() as uow:
                    uow.meal_history.apply_delta("tenant-history", delta)
                    uow.commit()
                assert len(_history_inserts(sent)) == 1
        finally:
            remove()
        with store.unit_of_work() as uow:
            counts = uow.meal_history.counts("tenant-history")
    assert counts == {key: 2 * change for key, change in delta.items() if change > 0}


def _history_rows_after(path: Path, deltas: list[dict[tuple[str, str], int]]) -> Any:
    """How many history INSERTs SQLite ran for each delta, and the table's rows after them."""
    inserts = []
    with _traced_sqlite(path) as (store, sent):
        for delta in deltas:
            sent.clear()
            with store.unit_of_work() as uow:
                uow.meal_history.apply_delta("tenant-history", delta)
                uow.commit()
            inserts.append(len(_history_inserts(sent)))
        assert store.engine is not None
        with store.engine.connect() as connection:
            rows = connection.execute(select(meal_history).order_by(*meal_history.c)).all()
    return inserts, [tuple(row) for row in rows]


def test_sqlite_without_json_functions_adds_row_by_row_to_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # New keys with a negative change, totals lowered past zero and raised
    # again, keys of any text: the table holds the same rows either way.
    keys = [(kind, dish) for kind in ("lunch", "it's", "Ünï 😀") for dish in ("a", 'b"\\', "ç")]
    deltas = [
        {key: n % 4 - 2 for n, key in enumerate(keys)},
        {key: n % 3 - 1 for n, key in enumerate(keys)},
        {**{key: 3 - n % 5 for n, key in enumerate(keys[2:])}, ("dinner", "new"): -3},
    ]
    with_json = _history_rows_after(tmp_path / "json.db", deltas)
    monkeypatch.setattr(_statements, "sqlite_has_json", lambda: False)
    row_by_row = _history_rows_after(tmp_path / "rows.db", deltas)
    assert with_json[0] == [1, 1, 1]
    assert row_by_row[0] == [len(delta) for delta in deltas]
    assert with_json[1] == row_by_row[1]
    assert any(row[-1] < 0 for row in row_by_row[1])  # a new key's negative change is kept


def _bulk_rows_after(path: Path, clients: list[list[str]]) -> Any:
    """How many INSERTs of weeks and of change sets SQLite ran per ``create_instances``, and
    every row of both tables after them (ids and times made alike on every run)."""
    counter = iter(range(1_000_000))
    inserts = []
    with _traced_sqlite(path) as (store, sent):
        worker = Planner(
            store,
            clock=lambda: datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
            id_factory=lambda: f"id-{next(counter):06}",
        ).worker("tenant-bulk-json")
        template = worker.create_template(
            "Week", [PlanEntry(day, "lunch", notes=f"soup {day} ✓") for day in ("mon", "tue")]
        )
        taken = []
        for batch in clients:
            sent.clear()
            result = worker.create_instances(template.id, batch, MONDAY)
            taken.append(sorted(result.errors))
            inserts.append(
                tuple(
                    sum(s.startswith(f"INSERT INTO weekplan_{table} ") for s in sent)
                    for table in ("instances", "change_sets")
                )
            )
        records = all_pages(lambda c: worker.list_all_changes(limit=3, cursor=c))
        assert store.engine is not None
        with store.engine.connect() as connection:
            rows = [
                [tuple(row) for row in connection.execute(select(table).order_by(*table.c))]
                for table in (instances, change_sets)
            ]
    return inserts, taken, rows, records


def test_sqlite_creates_many_weeks_and_their_log_in_one_statement_each_or_row_by_row_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Client refs of any text; a batch with weeks already taken, one of a single week.
    odd = ["it's", 'back\\slash "quoted"', "Ünï 😀", "a/b:c{d}[e]"]
    clients = [["client-1", *odd], ["client-1", "client-2", "Ünï 😀", "client-3"], ["solo"]]
    with_json = _bulk_rows_after(tmp_path / "json.db", clients)
    monkeypatch.setattr(_statements, "sqlite_has_json", lambda: False)
    monkeypatch.setattr(_workflow_statements, "sqlite_has_json", lambda: False)
    row_by_row = _bulk_rows_after(tmp_path / "rows.db", clients)
    assert with_json[0] == [(1, 1), (1, 1), (1, 1)]
    assert row_by_row[0] == [(5, 5), (4, 2), (1, 1)]
    assert with_json[1:] == row_by_row[1:]
    assert with_json[1] == [[], ["client-1", "Ünï 😀"], []]
    instance_rows = with_json[2][0]
    assert {row[3] for row in instance_rows} == {*odd, "client-1", "client-2", "client-3", "solo"}


def test_a_connection_lost_before_a_direct_write_is_dropped_from_the_pool(
    url_of: Callable[[str], URL],
) -> None:
    store = SqlAlchemyStore(url_of("postgresql"), pool_size=1, max_overflow=0)
    store.create_all()
    try:
        worker = Planner(store).worker("tenant-direct-write-lost")
        template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
        worker.create_instance(template.id, "client-1", MONDAY)
        terminate_connection_of(store)
        with pytest.raises(StorageError):
            worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="lost")
        # The pool replaced the lost connection: the next call works.
        assert worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="kept").version == 2
    finally:
        store.close()


def test_a_bulk_creation_reads_back_which_weeks_were_stored_only_when_one_was_taken(
    tmp_path: Path,
) -> None:
    # The driver counts the rows its executemany inserted: all of them, and no
    # week needs looking for; fewer, and the stored ones are read back.
    with _traced_sqlite(tmp_path / "bulk.db") as (store, sent):

        def read_back() -> list[str]:
            return [s for s in sent if s.startswith("SELECT weekplan_instances.client_ref")]

        worker = Planner(store).worker("tenant-bulk-read-back")
        template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
        sent.clear()
        first = worker.create_instances(template.id, ["client-1", "client-2"], MONDAY)
        assert (len(first.created), read_back()) == (2, [])
        sent.clear()
        second = worker.create_instances(template.id, ["client-2", "client-3"], MONDAY)
        assert [week.client_ref for week in second.created] == ["client-3"]
        assert isinstance(second.errors["client-2"], InstanceExists)
        assert len(read_back()) == 1


def test_a_value_its_processor_refuses_is_a_statement_error_then_a_storage_error(
    tmp_path: Any,
) -> None:
    # As SQLAlchemy wraps a refused value (SQLite's Date takes date objects only).
    store = SqlAlchemyStore(f"sqlite:///{tmp_path / 'refused.db'}")
    store.create_all()
    try:
        assert store.engine is not None
        statement = delete(instances).where(
            instances.c.tenant_id == bindparam("tenant_id"),
            instances.c.week_start_date == bindparam("week_start_date"),
        )
        direct = DirectStatement(statement, store.engine.dialect, None)
        with store.engine.connect() as connection:
            params = {"tenant_id": "t", "week_start_date": "not a date"}
            with pytest.raises(StatementError) as raised:
                direct.run(connection, params)
            assert isinstance(translate(raised.value), StorageError)
            with pytest.raises(StatementError):
                direct.run_many(connection, [params])
            assert (
                direct.run(connection, {**params, "week_start_date": date(2026, 11, 23)}).rowcount
                == 0
            )
    finally:
        store.close()


def test_a_direct_result_answers_as_sqlalchemy_s_result_does() -> None:
    rows = DirectResult([("a", 1), ("b", 2)])
    assert (rows.first(), rows.scalar(), list(rows.scalars()), list(rows)) == (
        ("a", 1),
        "a",
        ["a", "b"],
        [("a", 1), ("b", 2)],
    )
    empty = DirectResult([])
    assert (empty.first(), empty.scalar(), empty.all()) == (None, None, [])
    with pytest.raises(NoResultFound):
        empty.one()
    with pytest.raises(MultipleResultsFound):
        rows.one()
    assert DirectResult([("only",)]).one() == ("only",)
