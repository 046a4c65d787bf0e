"""Each call costs a fixed, small number of statements, whatever the size of the plan.

The count is every statement SQLAlchemy hands to the driver's cursor
(``before_cursor_execute``): reads, writes, SQLite's ``BEGIN IMMEDIATE``,
``SAVEPOINT`` and ``RELEASE SAVEPOINT`` of a joined store all count. Only the
driver's own ``commit()`` and ``rollback()`` calls, which are not statements,
do not.
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import URL, Connection, Engine, create_engine, event, select, text

from weekplan import (
    PlanEntry,
    Planner,
    StorageError,
    TemplateNotFound,
    VersionConflict,
    WorkerPlanner,
)
from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.adapters.sqlalchemy._schema import client_locks
from weekplan.domain._dishes import Dish
from weekplan.domain._meal_types import DEFAULT_VOCABULARY
from weekplan.domain._suggestions import meal_signals

from .conftest import StatementLog

MONDAY = "2026-11-23"
# The budgets. Every plan below names dishes, so each write that changes
# what is planned also sends the one history upsert; and every write of a week
# asks which diet its client is on. Both fit: ``create_instance`` reads the
# template with the client's diet in one statement (``TemplateWithAssignmentReads``),
# so on SQLite it is its BEGIN, that read, the history, the insert and its change
# records.
# The change log adds one statement to every write that changes a week (its
# records, one INSERT whatever their number). A week is read with its locks in
# one statement (every edit must check them), so ``get_instance`` is that one
# statement, outside a transaction, and a ``set_slot`` that writes its change
# record is 4 (SQLite's BEGIN, the week, the update, the record), plus what
# holding the client costs on a server (CLIENT_LOCK below).
LIMITS = {"get_instance": 1, "create_instance": 5, "set_slot": 4, "update_instance": 5}
# Putting a new dish in a slot costs the budget of ``set_slot`` plus one lookup
# of the dish and one history upsert; ``bulk_assign`` the same, whatever its scope.
DISH_LIMITS = {"set_slot_dish": 6, "bulk_assign": 6}
# Dishes 0..139 are in the plans; 140 and 141 are new to them.
DISHES = 142


def _seed_dishes(store: SqlAlchemyStore, tenant_id: str, count: int = DISHES) -> None:
    """The dishes the plans below name, added in one unit of work."""
    with store.unit_of_work() as uow:
        for n in range(count):
            uow.dishes.add(tenant_id, Dish(f"dish-{n}", tenant_id, f"Dish {n:03}"))
        uow.commit()


def _entries(count: int) -> list[PlanEntry]:
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return [
        PlanEntry(days[n % 7], f"slot-{n // 7}", dish_template_id=f"dish-{n}", notes=f"note {n}")
        for n in range(count)
    ]


def _costs(worker: WorkerPlanner, log: StatementLog, entries: int, client: str) -> dict[str, int]:
    template = worker.create_template(f"Week of {entries}", _entries(entries))
    costs: dict[str, int] = {}

    def measure(name: str, call: Callable[[], object]) -> None:
        log.clear()
        call()
        costs[name] = len(log)

    measure("create_instance", lambda: worker.create_instance(template.id, client, MONDAY))
    measure("get_instance", lambda: worker.get_instance(client, MONDAY))
    measure("set_slot", lambda: worker.set_slot(client, MONDAY, "wed", "slot-0", notes="x"))
    measure(
        "update_instance",
        lambda: worker.update_instance(client, MONDAY, days=_entries(entries)[1:]),
    )
    measure(
        "set_slot_dish",
        lambda: worker.set_slot(client, MONDAY, "sun", "slot-0", dish_template_id="dish-140"),
    )
    measure(
        "bulk_assign",
        lambda: worker.bulk_assign(
            client, MONDAY, slot_key="slot-1", dish_template_id="dish-141", days="week"
        ),
    )
    return costs


#: What a write of a client's week costs on a server for holding the client first
#: (see ``lock_client``): the lock, and on MariaDB a locking read of the diet.
CLIENT_LOCK = {"postgresql": 1, "mysql": 2}
WEEK_WRITES = ("create_instance", "set_slot", "update_instance", "set_slot_dish", "bulk_assign")


def _assert_cheap(costs: dict[str, int], dialect: str, *, extra: int = 0) -> None:
    limits = {**LIMITS, **DISH_LIMITS}
    for name in WEEK_WRITES:
        limits[name] += CLIENT_LOCK.get(dialect, 0)
    for name, limit in limits.items():
        assert costs[name] <= limit + extra, (name, costs[name])


def test_instance_calls_take_a_fixed_few_statements(
    sql_store: SqlAlchemyStore, statement_log: Callable[[Engine], StatementLog]
) -> None:
    assert sql_store.engine is not None
    _seed_dishes(sql_store, "tenant-counts")
    log = statement_log(sql_store.engine)
    worker = Planner(sql_store).worker("tenant-counts")
    small = _costs(worker, log, 1, "client-small")
    large = _costs(worker, log, 140, "client-large")
    _assert_cheap(small, sql_store.dialect_name)
    assert large == small


@pytest.fixture
def host_connection(sql_store: SqlAlchemyStore) -> Iterator[Connection]:
    assert sql_store.engine is not None
    with sql_store.engine.connect() as connection:
        yield connection
        connection.rollback()


def test_a_joined_store_stays_within_the_same_limits_savepoints_included(
    sql_store: SqlAlchemyStore,
    host_connection: Connection,
    statement_log: Callable[[Engine], StatementLog],
) -> None:
    assert sql_store.engine is not None
    _seed_dishes(sql_store, "tenant-joined-counts")
    log = statement_log(sql_store.engine)
    worker = Planner(SqlAlchemyStore.joining(host_connection)).worker("tenant-joined-counts")
    costs = _costs(worker, log, 42, "client-joined")
    # At most a write's SAVEPOINT and RELEASE more.
    _assert_cheap(costs, sql_store.dialect_name, extra=2)
    assert any("SAVEPOINT" in s for s in log.statements)


def test_a_set_slot_and_its_change_record_are_one_transaction_of_few_statements(
    sql_store: SqlAlchemyStore, statement_log: Callable[[Engine], StatementLog]
) -> None:
    assert sql_store.engine is not None
    worker = Planner(sql_store).worker("tenant-logged-counts", actor="user-17")
    template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
    worker.create_instance(template.id, "client-logged", MONDAY)
    log = statement_log(sql_store.engine)
    worker.set_slot("client-logged", MONDAY, "mon", "lunch", notes="x", reason="asked")
    sets = [s for s in log.statements if s.lstrip().startswith("INSERT INTO weekplan_change_sets")]
    assert len(sets) == 1, log.statements
    budget = LIMITS["set_slot"] + CLIENT_LOCK.get(sql_store.dialect_name, 0)
    assert len(log) <= budget, log.statements
    assert len(worker.list_changes("client-logged", MONDAY, limit=1).items) == 1


def test_a_page_of_templates_is_one_statement_whatever_its_size(
    sql_store: SqlAlchemyStore, statement_log: Callable[[Engine], StatementLog]
) -> None:
    assert sql_store.engine is not None
    _seed_dishes(sql_store, "tenant-page-counts")
    worker = Planner(sql_store).worker("tenant-page-counts")
    for n in range(30):
        worker.create_template(f"Template {n:02}", _entries(n % 5 * 10))
    log = statement_log(sql_store.engine)
    first = worker.list_templates(limit=25)
    assert len(log) == 1, log.statements
    log.clear()
    worker.list_templates(limit=25, cursor=first.next_cursor)
    assert len(log) == 1, log.statements
    log.clear()
    worker.list_templates(search="template 1", limit=3)
    assert len(log) == 1, log.statements
    log.clear()
    worker.list_instances(limit=50)
    assert len(log) <= 2, log.statements


def test_no_statement_selects_every_column_blindly(
    sql_store: SqlAlchemyStore, statement_log: Callable[[Engine], StatementLog]
) -> None:
    assert sql_store.engine is not None
    log = statement_log(sql_store.engine)
    _seed_dishes(sql_store, "tenant-columns")
    worker = Planner(sql_store).worker("tenant-columns")
    _costs(worker, log, 3, "client-columns")
    worker.list_templates(search="week")
    worker.list_instances(client_ref="client-columns")
    worker.delete_instance("client-columns", MONDAY)
    assert log.statements
    assert not [s for s in log.statements if "*" in s]


def test_suggestions_read_the_history_once_and_the_catalog_by_pages(
    sql_store: SqlAlchemyStore, statement_log: Callable[[Engine], StatementLog]
) -> None:
    # 2 + ceil((dishes + 1) / 1000) statements (SQLite's BEGIN included), whatever
    # the history: one read of the tenant's totals, one per page of the catalog.
    assert sql_store.engine is not None
    _seed_dishes(sql_store, "tenant-suggest")
    worker = Planner(sql_store).worker("tenant-suggest")
    template = worker.create_template("Full", _entries(140))
    for n in range(5):
        worker.create_instance(template.id, f"client-{n}", MONDAY)
    log = statement_log(sql_store.engine)
    suggestions = worker.suggest_dishes("slot-1", limit=5)
    assert [s.history_count for s in suggestions] == [6] * 5
    # The dishes were added without meal signals, so the catalog is scanned,
    # after one probe of the signal index found that out.
    begin = 1 if sql_store.dialect_name == "sqlite" else 0
    assert len(log) == begin + 3, log.statements
    log.clear()
    worker.suggest_dishes("breakfast", query="dish 01")
    assert len(log) == begin + 3, log.statements


@pytest.mark.parametrize("history", [False, True])
def test_indexed_suggestions_cost_the_same_statements_whatever_the_catalog_size(
    sql_store: SqlAlchemyStore, statement_log: Callable[[Engine], StatementLog], history: bool
) -> None:
    # BEGIN on SQLite, the history totals, the signal probe, the ranks and then
    # the details of the dishes with history (when there are any), and one page
    # of the meal's index.
    assert sql_store.engine is not None
    log = statement_log(sql_store.engine)
    costs = []
    for size in (10, 1500):
        tenant = f"tenant-indexed-{size}-{history}"
        with sql_store.unit_of_work() as uow:
            for n in range(size):
                dish = Dish(f"dish-{n}", tenant, f"Soup {n:04}" if n % 2 else f"Dish {n:04}")
                uow.dishes.add(tenant, dish, signals=meal_signals(dish, DEFAULT_VOCABULARY))
            uow.commit()
        worker = Planner(sql_store).worker(tenant)
        if history:
            worker.create_template("T", [PlanEntry("mon", "lunch", "dish-2")])
        log.clear()
        found = [s.dish.id for s in worker.suggest_dishes("lunch", limit=5)]
        costs.append(len(log))
        # The planned dish first, then the soups by name.
        assert found[:2] == (["dish-2", "dish-1"] if history else ["dish-1", "dish-3"])
    begin = 1 if sql_store.dialect_name == "sqlite" else 0
    assert costs == [begin + 3 + 2 * history] * 2


def test_a_history_delta_is_one_statement_whatever_its_size(
    sql_store: SqlAlchemyStore, statement_log: Callable[[Engine], StatementLog]
) -> None:
    assert sql_store.engine is not None
    log = statement_log(sql_store.engine)
    for size in (1, 280):
        delta = {(f"kind-{n % 7}", f"dish-{n}"): (n % 5) - 2 or 1 for n in range(size)}
        with sql_store.unit_of_work() as uow:
            log.clear()
            uow.meal_history.apply_delta("tenant-delta", delta)
            assert len(log) == (2 if sql_store.dialect_name == "sqlite" else 1), log.statements
            uow.commit()


def test_a_history_delta_of_ten_thousand_keys_of_any_text_is_stored_whole(
    sql_store: SqlAlchemyStore,
) -> None:
    # Quotes, backslashes, JSON's and SQL's own characters and any script in
    # the keys; every key of a big delta added, lowered, and dropped at zero.
    kinds = ("it's", 'say "hi"', "back\\slash", "\\u0041", "{}[],:", "Ünïcødé 😀", "晚餐")
    delta = {(kinds[n % 7], f"dish-{n}-'\"\\-é😀"): n % 3 + 1 for n in range(10_000)}
    lowered = dict.fromkeys(delta, -2)
    tenant = "tenant-history-big"
    for change in (delta, lowered):
        with sql_store.unit_of_work() as uow:
            uow.meal_history.apply_delta(tenant, change)
            uow.commit()
    with sql_store.unit_of_work() as uow:
        counts = uow.meal_history.counts(tenant)
    assert counts == {key: count - 2 for key, count in delta.items() if count > 2}
    assert len(counts) == 3333


def _in_transaction(dbapi_connection: Any, dialect: str) -> bool:
    """Whether the driver connection is inside a database transaction right now."""
    if dialect == "sqlite":
        return bool(dbapi_connection.in_transaction)
    if dialect == "postgresql":
        return not dbapi_connection.autocommit
    return True  # pymysql keeps autocommit off: every statement is in a transaction


def test_one_statement_reads_run_outside_a_transaction_and_longer_reads_inside_one(
    sql_store: SqlAlchemyStore,
) -> None:
    assert sql_store.engine is not None
    dialect = sql_store.dialect_name
    worker = Planner(sql_store).worker("tenant-one-trip")
    with sql_store.unit_of_work() as uow:
        uow.dishes.add("tenant-one-trip", Dish("dish-0", "tenant-one-trip", "Dish 0"))
        uow.commit()
    template = worker.create_template("Week", _entries(1))
    worker.create_instance(template.id, "client-1", MONDAY)
    seen: list[tuple[str, bool]] = []

    def record(conn: Connection, cursor: Any, statement: str, *_: object) -> None:
        dbapi = conn.connection.dbapi_connection
        seen.append((statement.split(maxsplit=1)[0].upper(), _in_transaction(dbapi, dialect)))

    event.listen(sql_store.engine, "before_cursor_execute", record)
    try:
        worker.get_template(template.id)
        worker.list_templates()
        worker.lock_slot("client-1", MONDAY, "mon", "slot-0")
        seen.clear()
        # A week and its locks: one statement too.
        assert len(worker.get_instance("client-1", MONDAY).locks) == 1
        worker.get_template(template.id)
        worker.list_templates()
        single = list(seen)
        seen.clear()
        Planner(sql_store).client("tenant-one-trip", "client-1").weekly_plan(MONDAY)
        several = list(seen)
    finally:
        event.remove(sql_store.engine, "before_cursor_execute", record)
    assert [verb for verb, _ in single] == ["SELECT"] * 3
    if dialect in ("sqlite", "postgresql"):
        assert not any(inside for _, inside in single), single
    # A read of two statements keeps one transaction; on SQLite a deferred one,
    # which never waits for a writer's lock.
    if dialect == "sqlite":
        assert several[0] == ("BEGIN", False), several
    assert all(inside for verb, inside in several if verb == "SELECT"), several


def test_a_single_statement_read_refuses_a_second_statement_or_a_write(
    sql_store: SqlAlchemyStore,
) -> None:
    with sql_store.read_unit_of_work(single_statement=True) as uow:
        uow.templates.get("tenant-x", "t-1")
        with pytest.raises(RuntimeError, match="second statement"):
            uow.templates.get("tenant-x", "t-2")
    with sql_store.read_unit_of_work(single_statement=False) as uow:
        uow.templates.get("tenant-x", "t-1")
        uow.templates.get("tenant-x", "t-2")
        with pytest.raises(RuntimeError, match="cannot write"):
            uow.templates.remove("tenant-x", "t-1")


def test_a_single_statement_read_sets_nothing_on_its_connection(
    sql_store: SqlAlchemyStore,
) -> None:
    # How a read begins is fixed once per store, not set on each connection it
    # checks out: SQLAlchemy's per-connection options (an isolation level, the
    # SQLite begin mode) would be set at checkout and reset at check-in, each time.
    assert sql_store.engine is not None
    worker = Planner(sql_store).worker("tenant-no-options")
    template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
    worker.create_instance(template.id, "client-1", MONDAY)
    set_options: list[object] = []

    def record(_connection: Connection, options: object) -> None:
        set_options.append(options)

    event.listen(sql_store.engine, "set_connection_execution_options", record)
    try:
        assert worker.get_instance("client-1", MONDAY).version == 1
        assert worker.get_template(template.id).name == "Week"
        worker.list_templates()
        Planner(sql_store).client("tenant-no-options", "client-1").weekly_plan(MONDAY)
    finally:
        event.remove(sql_store.engine, "set_connection_execution_options", record)
    assert set_options == []


def _driver_autocommit_after_reads(store: SqlAlchemyStore, *, fail: bool) -> bool:
    """Whether the pool's one connection is in autocommit after single-statement reads."""
    assert store.engine is not None
    worker = Planner(store).worker("tenant-autocommit")
    if fail:
        with pytest.raises(StorageError):
            worker.list_templates()
    else:
        with pytest.raises(TemplateNotFound):
            worker.get_template("template-1")
        worker.list_templates()
    with store.engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None
        return bool(driver.autocommit)


def test_a_postgresql_read_leaves_the_pool_as_it_found_it(postgresql_url: URL) -> None:
    # psycopg is put in autocommit for one statement and back after it, on every
    # path: a connection the pool hands out next is in a transaction again, and a
    # host's engine in autocommit stays so.
    ours = SqlAlchemyStore(postgresql_url, pool_size=1, max_overflow=0)
    ours.create_all()
    assert ours.engine is not None
    try:
        assert _driver_autocommit_after_reads(ours, fail=False) is False
        with ours.engine.connect() as connection:
            connection.execute(text("ALTER TABLE weekplan_templates RENAME TO t_away"))
            connection.commit()
        try:
            assert _driver_autocommit_after_reads(ours, fail=True) is False
        finally:
            with ours.engine.connect() as connection:
                connection.execute(text("ALTER TABLE t_away RENAME TO weekplan_templates"))
                connection.commit()
    finally:
        ours.close()
    host = create_engine(postgresql_url, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)
    try:
        assert _driver_autocommit_after_reads(SqlAlchemyStore(host), fail=False) is True
    finally:
        host.dispose()


def _round_trips(
    store: SqlAlchemyStore, call: Callable[[], object], *, log_statements: bool = True
) -> tuple[int, list[str]]:
    """The round trips ``call`` makes to PostgreSQL (libpq's ``Sync`` and ``Query`` messages).

    Logging the statements puts a listener on the engine, which sends every
    statement through SQLAlchemy (see ``weekplan.adapters.sqlalchemy._direct_statements``).
    """
    assert store.engine is not None
    from psycopg.pq import Trace  # noqa: PLC0415  # only where PostgreSQL runs

    log = StatementLog()
    traced: list[Any] = []
    with tempfile.TemporaryFile("w+") as trace:

        def follow(dbapi_connection: Any, *_: object) -> None:
            dbapi_connection.pgconn.trace(trace.fileno())
            dbapi_connection.pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS)
            traced.append(dbapi_connection.pgconn)

        event.listen(store.engine.pool, "checkout", follow)
        if log_statements:
            event.listen(store.engine, "before_cursor_execute", log)
        try:
            call()
        finally:
            event.remove(store.engine.pool, "checkout", follow)
            if log_statements:
                event.remove(store.engine, "before_cursor_execute", log)
            for pgconn in traced:
                pgconn.untrace()
        trace.flush()
        trace.seek(0)
        sent = [line.split("\t") for line in trace.read().splitlines()]
    trips = sum(1 for fields in sent if fields[0] == "F" and fields[2] in ("Sync", "Query"))
    return trips, log.statements


@pytest.mark.parametrize("isolation", [None, "REPEATABLE READ"])
def test_a_postgresql_week_write_sends_its_begin_with_the_client_lock(
    postgresql_url: URL, isolation: str | None
) -> None:
    # BEGIN, the statement that holds the client and the read of the week go in
    # one pipeline; then the update, and the change record with COMMIT: three
    # round trips where psycopg alone would take six. With a listener on the
    # engine each statement runs as it comes, BEGIN glued to the hold as one
    # query and the change record alone: five.
    options = {} if isolation is None else {"isolation_level": isolation}
    store = SqlAlchemyStore(postgresql_url, pool_size=1, max_overflow=0, **options)
    store.create_all()
    try:
        worker = Planner(store).worker(f"tenant-glued-{isolation}")
        template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
        worker.create_instance(template.id, "client-1", MONDAY)
        trips, _ = _round_trips(
            store,
            lambda: worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="z"),
            log_statements=False,
        )
        assert trips == 3
        trips, statements = _round_trips(
            store, lambda: worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="x")
        )
        begin = "BEGIN" if isolation is None else f"BEGIN ISOLATION LEVEL {isolation}"
        assert statements[0].startswith(f"{begin}; INSERT INTO weekplan_client_locks")
        assert (trips, len(statements)) == (5, 4), statements
        assert worker.get_instance("client-1", MONDAY).days[0].notes == "x"
        # A write refused after the lock rolls back and leaves autocommit too.
        with pytest.raises(VersionConflict):
            worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="y", expected_version=9)
        assert _driver_autocommit_after_reads(store, fail=False) is False
        assert worker.get_instance("client-1", MONDAY).days[0].notes == "x"
    finally:
        store.close()


def test_a_client_held_with_its_begin_is_stored_exactly_as_named(postgresql_url: URL) -> None:
    # The glued statement carries its values as quoted literals: quotes,
    # backslashes, percent signs and placeholders in a ref reach the row intact.
    store = SqlAlchemyStore(postgresql_url)
    store.create_all()
    refs = ["50%off", "a%(x)s", "%s%%", "q'uote", "back\\slash", "é✓"]
    try:
        worker = Planner(store).worker("tenant-%s'quoted")
        template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
        for ref in refs:
            worker.create_instance(template.id, ref, MONDAY)
            worker.set_slot(ref, MONDAY, "mon", "lunch", notes=ref)
            assert worker.get_instance(ref, MONDAY).days[0].notes == ref
        assert store.engine is not None
        with store.engine.connect() as connection:
            held = connection.execute(
                select(client_locks.c.tenant_id, client_locks.c.client_ref).where(
                    client_locks.c.tenant_id == "tenant-%s'quoted"
                )
            ).all()
        assert sorted(ref for _, ref in held) == sorted(refs)
    finally:
        store.close()


def test_a_postgresql_bulk_creation_holds_every_client_in_one_round_trip(
    postgresql_url: URL,
) -> None:
    # Each client is held as one create_instance holds it; the holds go as one
    # pipeline, so the call's round trips do not grow with the number of clients.
    store = SqlAlchemyStore(postgresql_url, pool_size=1, max_overflow=0)
    store.create_all()
    try:
        worker = Planner(store).worker("tenant-bulk-holds")
        template = worker.create_template("Week", [PlanEntry("mon", "lunch", notes="soup")])
        trips = []
        for size in (2, 40):
            clients = [f"client-{size}-{n:02}" for n in range(size)]
            counted, _ = _round_trips(
                store,
                functools.partial(worker.create_instances, template.id, clients, MONDAY),
                log_statements=False,
            )
            trips.append(counted)
            assert [w.client_ref for w in worker.list_instances(limit=100).items].count(
                clients[-1]
            ) == 1
        assert trips[0] == trips[1], trips
    finally:
        store.close()
