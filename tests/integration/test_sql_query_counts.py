"""Each call costs a fixed, small number of statements, whatever the size of the plan.

The count is every statement SQLAlchemy hands to the driver's cursor
(``before_cursor_execute``): reads, writes, SQLite's ``BEGIN IMMEDIATE``,
``SAVEPOINT`` and ``RELEASE SAVEPOINT`` of a joined store all count. Only the
driver's own ``commit()`` and ``rollback()`` calls, which are not statements,
do not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Connection, Engine

from weekplan import PlanEntry, Planner, WorkerPlanner
from weekplan.adapters.sqlalchemy import SqlAlchemyStore

from .conftest import StatementLog

MONDAY = "2026-11-23"
LIMITS = {"get_instance": 2, "create_instance": 4, "set_slot": 4, "update_instance": 4}


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
    return costs


def _assert_cheap(costs: dict[str, int]) -> None:
    for name, limit in LIMITS.items():
        assert costs[name] <= limit, (name, costs[name])


def test_instance_calls_take_a_fixed_few_statements(
    sql_store: SqlAlchemyStore, statement_log: Callable[[Engine], StatementLog]
) -> None:
    assert sql_store.engine is not None
    log = statement_log(sql_store.engine)
    worker = Planner(sql_store).worker("tenant-counts")
    small = _costs(worker, log, 1, "client-small")
    large = _costs(worker, log, 140, "client-large")
    _assert_cheap(small)
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
    log = statement_log(sql_store.engine)
    worker = Planner(SqlAlchemyStore.joining(host_connection)).worker("tenant-joined-counts")
    costs = _costs(worker, log, 42, "client-joined")
    _assert_cheap(costs)
    assert any("SAVEPOINT" in s for s in log.statements)


def test_a_page_of_templates_is_one_statement_whatever_its_size(
    sql_store: SqlAlchemyStore, statement_log: Callable[[Engine], StatementLog]
) -> None:
    assert sql_store.engine is not None
    worker = Planner(sql_store).worker("tenant-page-counts")
    for n in range(30):
        worker.create_template(f"Template {n:02}", _entries(n % 5 * 10))
    log = statement_log(sql_store.engine)
    first = worker.list_templates(limit=25)
    first_cost = len(log)
    log.clear()
    worker.list_templates(limit=25, cursor=first.next_cursor)
    assert len(log) == first_cost <= 2
    log.clear()
    worker.list_templates(search="template 1", limit=3)
    assert len(log) <= 2
    log.clear()
    worker.list_instances(limit=50)
    assert len(log) <= 2


def test_no_statement_selects_every_column_blindly(
    sql_store: SqlAlchemyStore, statement_log: Callable[[Engine], StatementLog]
) -> None:
    assert sql_store.engine is not None
    log = statement_log(sql_store.engine)
    worker = Planner(sql_store).worker("tenant-columns")
    _costs(worker, log, 3, "client-columns")
    worker.list_templates(search="week")
    worker.list_instances(client_ref="client-columns")
    worker.delete_instance("client-columns", MONDAY)
    assert log.statements
    assert not [s for s in log.statements if "*" in s]
