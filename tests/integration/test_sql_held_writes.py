"""Writes nobody reads the result of go with the next statement or with COMMIT, on PostgreSQL.

A week write's change set and history delta are held by the unit of work and
sent in the query that commits it (or before the first later statement that
touches their tables), where the unit of work owns a psycopg connection it
began by hand and nothing listens to its statements. Everywhere else they run
at once, as any other statement.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import attrs
import pytest
from sqlalchemy import URL, Connection, create_engine, event, text

from weekplan import (
    ConcurrentUpdate,
    InstanceExists,
    PlanEntry,
    Planner,
    StorageError,
    WorkerPlanner,
)
from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.domain._days import DayKey
from weekplan.domain._dishes import Dish
from weekplan.domain.changes import ChangeSet, ChangeSource, ChangeSubject, ChangeType, SlotChange

from .conftest import open_store
from .test_sql_query_counts import _round_trips

MONDAY = "2026-11-23"


@pytest.fixture
def own_schema(postgresql_url: URL) -> Iterator[URL]:
    """A PostgreSQL schema of this test's own, with weekplan's tables: free to add checks to."""
    admin = create_engine(postgresql_url, isolation_level="AUTOCOMMIT")
    schema = f"weekplan_held_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = postgresql_url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        open_store(url).close()
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _ddl(url: URL, *statements: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def _seed(store: SqlAlchemyStore, tenant: str, count: int = 4) -> None:
    with store.unit_of_work() as uow:
        for n in range(count):
            uow.dishes.add(tenant, Dish(f"dish-{n}", tenant, f"Dish {n}"))
        uow.commit()


def _one_week(store: SqlAlchemyStore, tenant: str) -> WorkerPlanner:
    """A worker of ``tenant``, whose client-1 has a week with dish-0 for Monday's lunch."""
    _seed(store, tenant)
    worker = Planner(store).worker(tenant)
    template = worker.create_template("Week", [PlanEntry("mon", "lunch", "dish-0")])
    worker.create_instance(template.id, "client-1", MONDAY)
    return worker


def _trigger_on_change_sets(url: URL, name: str, body: str) -> None:
    """A trigger ``name`` running ``body`` (plpgsql) before each change set is inserted."""
    _ddl(
        url,
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" {body} RETURN NEW; END $$",
        f"CREATE TRIGGER {name} BEFORE INSERT ON weekplan_change_sets"
        f" FOR EACH ROW EXECUTE FUNCTION {name}()",
    )


def test_a_postgresql_week_write_sends_its_change_set_and_history_with_its_commit(
    postgresql_url: URL,
) -> None:
    # create_instance: BEGIN, the client's hold and the template with the
    # client's diet (one statement: TemplateWithAssignmentReads) in one
    # pipeline, then the history, the week and the change set with COMMIT
    # (7 round trips before they went with COMMIT; 5 while the diet was a read
    # of its own, 4 while the read was a round trip of its own, 3 while the
    # week's insert was); set_slot:
    # BEGIN, the hold and the week, its update, then the change set with
    # COMMIT (5, then 4, before).
    store = SqlAlchemyStore(postgresql_url, pool_size=1, max_overflow=0)
    store.create_all()
    try:
        _seed(store, "tenant-held-trips")
        worker = Planner(store).worker("tenant-held-trips")
        template = worker.create_template("Week", [PlanEntry("mon", "lunch", "dish-0")])
        trips = {}
        trips["create_instance"], _ = _round_trips(
            store,
            lambda: worker.create_instance(template.id, "client-1", MONDAY),
            log_statements=False,
        )
        trips["set_slot"], _ = _round_trips(
            store,
            lambda: worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="x"),
            log_statements=False,
        )
        trips["set_slot_dish"], _ = _round_trips(
            store,
            lambda: worker.set_slot("client-1", MONDAY, "mon", "lunch", dish_template_id="dish-1"),
            log_statements=False,
        )
        # The new dish is looked up, and its history goes with COMMIT too.
        assert trips == {"create_instance": 2, "set_slot": 3, "set_slot_dish": 4}
        week = worker.get_instance("client-1", MONDAY)
        assert (week.version, week.days[0].notes, week.days[0].dish_template_id) == (
            3,
            "x",
            "dish-1",
        )
        assert len(worker.list_changes("client-1", MONDAY).items) == 3
        with store.unit_of_work() as uow:
            assert uow.meal_history.counts("tenant-held-trips") == {
                ("lunch", "dish-0"): 1,
                ("lunch", "dish-1"): 1,
            }
    finally:
        store.close()


def test_a_week_whose_key_is_taken_at_commit_is_instance_exists_and_leaves_nothing(
    postgresql_url: URL,
) -> None:
    # The new week's insert is held and goes with COMMIT: the clash on its key
    # is found there, raised as InstanceExists as if the insert had run at
    # once, and nothing of the call is kept (neither history nor change set).
    store = SqlAlchemyStore(postgresql_url, pool_size=1, max_overflow=0)
    store.create_all()
    tenant = "tenant-held-taken"
    try:
        _seed(store, tenant)
        worker = Planner(store).worker(tenant)
        template = worker.create_template("Week", [PlanEntry("mon", "lunch", "dish-0")])
        first = worker.create_instance(template.id, "client-1", MONDAY)

        def create_again() -> None:
            with pytest.raises(InstanceExists):
                worker.create_instance(template.id, "client-1", MONDAY)

        trips, _ = _round_trips(store, create_again, log_statements=False)
        assert trips == 3  # the two of a creation, and the ROLLBACK of the one refused
        assert worker.get_instance("client-1", MONDAY) == first
        assert [c.source for c in worker.list_changes("client-1", MONDAY).items] == [
            ChangeSource.CREATE
        ]
        with store.unit_of_work() as uow:
            assert uow.meal_history.counts(tenant) == {
                ("lunch", "dish-0"): 2,  # the template's and the first week's
            }
        # The connection went back in good order: the next call on it works.
        assert worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="x").version == 2
    finally:
        store.close()


def test_a_traced_store_still_sends_each_write_at_once(postgresql_url: URL) -> None:
    # A listener on the engine sees every statement as it runs: nothing is held.
    store = SqlAlchemyStore(postgresql_url, pool_size=1, max_overflow=0)
    store.create_all()
    try:
        worker = Planner(store).worker("tenant-held-traced")
        template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
        worker.create_instance(template.id, "client-1", MONDAY)
        trips, statements = _round_trips(
            store, lambda: worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="x")
        )
        assert (trips, len(statements)) == (5, 4), statements
        assert statements[-1].startswith("INSERT INTO weekplan_change_sets")
    finally:
        store.close()


def _change_set(tenant: str, n: int) -> ChangeSet:
    return ChangeSet(
        id=f"set-{n}",
        tenant_id=tenant,
        subject=ChangeSubject.WEEK,
        subject_id="week-1",
        client_ref="client-1",
        week_start_date=date(2026, 11, 23),
        actor=None,
        source=ChangeSource.EDIT,
        reason=str(n),
        at=datetime(2026, 11, 23, 12, n, tzinfo=UTC),
        version_before=n,
        version_after=n + 1,
        changes=(
            SlotChange(ChangeType.CHANGED, DayKey.MON, "lunch", None, PlanEntry("mon", "lunch")),
        ),
    )


def _visible_elsewhere(store: SqlAlchemyStore, tenant: str) -> int:
    assert store.engine is not None
    with store.engine.connect() as connection:
        count: int = connection.execute(
            text(
                "SELECT count(*) FROM weekplan_change_sets WHERE tenant_id = :t"
                " AND subject_id = 'week-1'"
            ),
            {"t": tenant},
        ).scalar_one()
        return count


def test_a_held_write_is_seen_by_the_next_statement_on_its_table(postgresql_url: URL) -> None:
    store = SqlAlchemyStore(postgresql_url)
    store.create_all()
    tenant = "tenant-held-seen"
    try:
        with store.unit_of_work() as uow:
            uow.rulesets.lock_client(tenant, "client-1")
            uow.changes.append(tenant, [_change_set(tenant, 1)])
            uow.meal_history.apply_delta(tenant, {("lunch", "dish-1"): 2})
            # Both are held (a statement on another table leaves them so) ...
            assert uow.templates.get(tenant, "none") is None
            # ... and each goes before the next statement on its table.
            listed = uow.changes.list(
                tenant,
                subject=None,
                subject_id="week-1",
                client_ref=None,
                week_start_date=None,
                since=None,
                until=None,
                before=None,
                limit=5,
            )
            assert [record.reason for record in listed] == ["1"]
            assert uow.meal_history.counts(tenant) == {("lunch", "dish-1"): 2}
            uow.commit()
        assert _visible_elsewhere(store, tenant) == 1
    finally:
        store.close()


def test_a_held_write_goes_before_a_statement_run_on_the_connection_itself(
    postgresql_url: URL,
) -> None:
    store = SqlAlchemyStore(postgresql_url)
    store.create_all()
    tenant = "tenant-held-raw"
    try:
        with store.unit_of_work() as uow:
            uow.rulesets.lock_client(tenant, "client-1")
            uow.changes.append(tenant, [_change_set(tenant, 1)])
            count = (
                uow.reader()
                .execute(
                    text("SELECT count(*) FROM weekplan_change_sets WHERE tenant_id = :t"),
                    {"t": tenant},
                )
                .scalar_one()
            )
            assert count == 1
            uow.commit()
    finally:
        store.close()


def test_a_rolled_back_unit_of_work_drops_what_it_held(postgresql_url: URL) -> None:
    store = SqlAlchemyStore(postgresql_url)
    store.create_all()
    tenant = "tenant-held-dropped"
    try:
        with store.unit_of_work() as uow:
            uow.rulesets.lock_client(tenant, "client-1")
            uow.changes.append(tenant, [_change_set(tenant, 1)])
            uow.rollback()
        with store.unit_of_work() as uow:
            uow.rulesets.lock_client(tenant, "client-1")
            uow.changes.append(tenant, [_change_set(tenant, 2)])
            # Left without a commit: rolled back as it closes.
        assert _visible_elsewhere(store, tenant) == 0
    finally:
        store.close()


def test_a_joined_store_sends_each_write_at_once(postgresql_url: URL) -> None:
    store = SqlAlchemyStore(postgresql_url)
    store.create_all()
    tenant = "tenant-held-joined"
    assert store.engine is not None
    try:
        with store.engine.connect() as host:
            joined = SqlAlchemyStore.joining(host)
            sent: list[str] = []

            def record(_conn: Connection, _cursor: Any, statement: str, *_: object) -> None:
                sent.append(statement)

            with joined.unit_of_work() as uow:
                uow.rulesets.lock_client(tenant, "client-1")
                # Listening from here on: the joined store chose its path already.
                event.listen(host, "before_cursor_execute", record)
                try:
                    uow.changes.append(tenant, [_change_set(tenant, 1)])
                finally:
                    event.remove(host, "before_cursor_execute", record)
                assert [s.split(maxsplit=2)[:2] for s in sent] == [["INSERT", "INTO"]]
                uow.commit()
            host.commit()
        assert _visible_elsewhere(store, tenant) == 1
    finally:
        store.close()


def _clock() -> Callable[[], datetime]:
    ticks = itertools.count()
    start = datetime(2026, 11, 20, 9, tzinfo=UTC)
    return lambda: start + timedelta(seconds=next(ticks))


def _ids() -> Callable[[], str]:
    ticks = itertools.count()
    return lambda: f"id-{next(ticks):05}"


def _calls(worker: WorkerPlanner) -> None:
    entries = [
        PlanEntry(day, f"slot-{n}", f"dish-{(n + i) % 4}", notes=f"n{n}")
        for i, day in enumerate(("mon", "tue", "wed"))
        for n in range(2)
    ]
    template = worker.create_template("Week", entries)
    for client in ("client-a", "client-b"):
        worker.create_instance(template.id, client, MONDAY)
    worker.set_slot("client-a", MONDAY, "mon", "slot-0", notes="changed", reason="asked")
    worker.set_slot("client-a", MONDAY, "tue", "slot-1", dish_template_id="dish-3")
    worker.update_instance("client-b", MONDAY, days=entries[2:])
    worker.bulk_assign("client-a", MONDAY, slot_key="slot-1", dish_template_id="dish-2")
    worker.lock_slot("client-b", MONDAY, "wed", "slot-0")
    worker.delete_instance("client-a", MONDAY)
    worker.create_instances(template.id, ["client-c", "client-d", "client-b"], MONDAY)


def _log_and_history(store: SqlAlchemyStore, tenant: str) -> tuple[list[Any], dict[Any, int]]:
    _seed(store, tenant)
    worker = Planner(store, clock=_clock(), id_factory=_ids()).worker(tenant, actor="user-1")
    _calls(worker)
    records: list[Any] = []
    page = worker.list_all_changes(limit=200)
    records.extend(page.items)
    assert page.next_cursor is None
    with store.unit_of_work() as uow:
        history = dict(uow.meal_history.counts(tenant))
    return records, history


def test_the_change_log_and_history_are_those_of_sqlite(postgresql_url: URL) -> None:
    postgresql = open_store(postgresql_url)
    sqlite = open_store(URL.create("sqlite"))
    try:
        held = _log_and_history(postgresql, "tenant-held-same")
        direct = _log_and_history(sqlite, "tenant-held-same")
    finally:
        postgresql.close()
        sqlite.close()
    assert held[0]
    assert held[1]
    assert held == direct


def test_a_held_write_refused_at_commit_is_translated_and_leaves_nothing(own_schema: URL) -> None:
    _ddl(
        own_schema,
        "ALTER TABLE weekplan_change_sets ADD CONSTRAINT no_boom"
        " CHECK (reason IS DISTINCT FROM 'boom')",
    )
    store = SqlAlchemyStore(own_schema, pool_size=1, max_overflow=0)
    try:
        worker = _one_week(store, "tenant-held-refused")
        with pytest.raises(StorageError):
            worker.set_slot(
                "client-1", MONDAY, "mon", "lunch", dish_template_id="dish-1", reason="boom"
            )
        week = worker.get_instance("client-1", MONDAY)
        assert (week.version, week.days[0].dish_template_id) == (1, "dish-0")
        assert len(worker.list_changes("client-1", MONDAY).items) == 1
        with store.unit_of_work() as uow:
            # The template's and the week's.
            assert uow.meal_history.counts("tenant-held-refused") == {("lunch", "dish-0"): 2}
        # The connection is usable, in transactions, and the next write goes through.
        worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="fine", reason="ok")
        assert worker.get_instance("client-1", MONDAY).version == 2
        # Sent before the next statement on its table, it fails there, translated.
        boom = attrs.evolve(_change_set("tenant-held-refused", 1), reason="boom")
        with store.unit_of_work() as uow:
            uow.rulesets.lock_client("tenant-held-refused", "client-1")
            uow.changes.append("tenant-held-refused", [boom])
            with pytest.raises(StorageError):
                uow.changes.list(
                    "tenant-held-refused",
                    subject=None,
                    subject_id=None,
                    client_ref=None,
                    week_start_date=None,
                    since=None,
                    until=None,
                    before=None,
                    limit=5,
                )
        with store.unit_of_work() as uow:
            uow.rulesets.lock_client("tenant-held-refused", "client-1")
            uow.changes.append("tenant-held-refused", [boom])
            with pytest.raises(StorageError):
                uow.reader()
    finally:
        store.close()


@pytest.mark.parametrize("with_history", [False, True])
def test_a_held_write_losing_a_race_at_commit_is_a_concurrent_update(
    own_schema: URL, with_history: bool
) -> None:
    # Raised as PostgreSQL raises a serialization failure: every attempt loses.
    _trigger_on_change_sets(
        own_schema,
        "lose",
        "IF NEW.reason = 'race' THEN"
        " RAISE EXCEPTION 'lost' USING ERRCODE = 'serialization_failure'; END IF;",
    )
    store = SqlAlchemyStore(own_schema, pool_size=1, max_overflow=0)
    try:
        worker = _one_week(store, "tenant-held-race")
        change: dict[str, Any] = {"dish_template_id": "dish-1"} if with_history else {"notes": "x"}
        with pytest.raises(ConcurrentUpdate):
            worker.set_slot("client-1", MONDAY, "mon", "lunch", reason="race", **change)
        assert worker.get_instance("client-1", MONDAY).version == 1
    finally:
        store.close()


@pytest.mark.parametrize("with_history", [False, True])
def test_a_connection_lost_at_commit_is_a_storage_error_and_dropped(
    own_schema: URL, with_history: bool
) -> None:
    # One held write goes as text with COMMIT, two (the history too) in a pipeline.
    _trigger_on_change_sets(
        own_schema,
        "cut",
        "IF NEW.reason = 'cut' THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;",
    )
    store = SqlAlchemyStore(own_schema, pool_size=1, max_overflow=0)
    try:
        worker = _one_week(store, "tenant-held-cut")
        change: dict[str, Any] = {"dish_template_id": "dish-1"} if with_history else {"notes": "x"}
        with pytest.raises(StorageError):
            worker.set_slot("client-1", MONDAY, "mon", "lunch", reason="cut", **change)
        # The lost connection was dropped: the pool's next one works.
        assert worker.get_instance("client-1", MONDAY).version == 1
        worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="y")
        assert worker.get_instance("client-1", MONDAY).days[0].notes == "y"
        with store.unit_of_work() as uow:
            assert uow.meal_history.counts("tenant-held-cut") == {("lunch", "dish-0"): 2}
    finally:
        store.close()


def test_held_values_reach_the_rows_exactly(postgresql_url: URL) -> None:
    # Held statements carry their values as quoted literals.
    store = open_store(postgresql_url)
    tenant = "tenant-%s'held"
    try:
        with store.unit_of_work() as uow:
            for n in range(3):
                uow.dishes.add(tenant, Dish(f"d%{n}'\\", tenant, f"Dish {n}"))
            uow.commit()
        worker = Planner(store).worker(tenant)
        notes = ["50%off", "a%(x)s", "q'uote", "back\\slash", "é✓", "$$dollar$$"]
        template = worker.create_template("Week", [PlanEntry("mon", "lunch", "d%0'\\")])
        worker.create_instance(template.id, "c%s'1", MONDAY)
        for note in notes:
            worker.set_slot("c%s'1", MONDAY, "mon", "lunch", notes=note, reason=note)
        worker.set_slot("c%s'1", MONDAY, "mon", "lunch", dish_template_id="d%1'\\")
        records = worker.list_changes("c%s'1", MONDAY, limit=20).items
        assert [r.reason for r in records][1:-1] == list(reversed(notes))
        with store.unit_of_work() as uow:
            assert uow.meal_history.counts(tenant) == {
                ("lunch", "d%0'\\"): 1,
                ("lunch", "d%1'\\"): 1,
            }
    finally:
        store.close()


def test_without_pipelines_in_libpq_each_write_is_sent_at_once(
    postgresql_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Held writes go in a pipeline, which libpq before 14 cannot send.
    import psycopg  # noqa: PLC0415  # only where PostgreSQL runs

    monkeypatch.setattr(psycopg.Pipeline, "is_supported", classmethod(lambda _cls: False))
    store = SqlAlchemyStore(postgresql_url, pool_size=1, max_overflow=0)
    store.create_all()
    try:
        worker = Planner(store).worker("tenant-held-no-pipelines")
        template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
        worker.create_instance(template.id, "client-1", MONDAY)
        trips, _ = _round_trips(
            store,
            lambda: worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="x"),
            log_statements=False,
        )
        assert trips == 5
        assert len(worker.list_changes("client-1", MONDAY).items) == 2
    finally:
        store.close()
