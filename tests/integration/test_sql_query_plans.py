"""The database's own plan for every frequent query uses an index led by ``tenant_id``.

The tables are filled with many tenants and analysed first, so the planner has
a real choice between scanning the table and using an index. The statements
checked are the ones the store actually sends, captured as the driver gets them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, insert

from tests.index_predicates import index_predicates
from weekplan import Planner, WorkerPlanner
from weekplan.adapters.sqlalchemy import SqlAlchemyStore, metadata
from weekplan.adapters.sqlalchemy._schema import (
    SIGNAL_COLUMNS,
    dishes,
    instances,
    meal_history,
    ruleset_assignments,
    rulesets,
    templates,
)
from weekplan.adapters.sqlalchemy._workflow_schema import change_sets, slot_locks
from weekplan.domain._dishes import Dish
from weekplan.domain._meal_types import DEFAULT_VOCABULARY
from weekplan.domain._suggestions import meal_signals
from weekplan.domain.text import search_key

TENANTS = 60
TEMPLATES_PER_TENANT = 80
CLIENTS_PER_TENANT = 25
WEEKS = 8
DISHES_PER_TENANT = 80
# The target tenant's catalog is larger than a suggestion's scan page (1000), as
# a catalog must be for the order of the index to matter more than a small sort.
TARGET_DISHES = 1200
SLOT_KINDS = ("breakfast", "lunch", "dinner", "snack")
FIRST_MONDAY = date(2026, 1, 5)
TARGET = "tenant-plan-007"
# A tenant whose dishes were stored without meal signals: its suggestions scan.
SCAN_TARGET = "tenant-plan-008"
# Change sets per client week: a creation and a few edits.
CHANGES_PER_WEEK = 3
# Change sets per template: its creation and an edit.
CHANGES_PER_TEMPLATE = 2
#: The index of templates' logs, which holds only templates' sets where it can.
TEMPLATE_SETS_INDEX = "ix_weekplan_change_sets_by_subject"

Captured = tuple[str, Any]
Capture = Callable[..., Captured]


def _fill(engine: Engine) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    days = json.dumps(
        [{"day_key": "mon", "slot_key": "lunch", "dish_template_id": None, "notes": None}]
    )
    template_rows = [
        {
            "tenant_id": f"tenant-plan-{t:03}",
            "id": f"tpl-{n:04}",
            "name": f"Week {n:04}",
            "name_key": f"week {n:04}",
            "days": days,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for t in range(TENANTS)
        for n in range(TEMPLATES_PER_TENANT)
    ]
    instance_rows = [
        {
            "tenant_id": f"tenant-plan-{t:03}",
            "id": f"ins-{c:03}-{w:02}",
            "template_id": "tpl-0000",
            "client_ref": f"client-{c:03}",
            "week_start_date": FIRST_MONDAY + timedelta(weeks=w),
            "days": days,
            "template_snapshot": days,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for t in range(TENANTS)
        for c in range(CLIENTS_PER_TENANT)
        for w in range(WEEKS)
    ]
    dish_rows = [
        {
            "tenant_id": tenant,
            "id": f"dish-{n:04}",
            "name": _dish_name(n),
            "name_key": search_key(_dish_name(n)),
            "meal_types": "[]",
            "tags": "[]",
            "ingredients": "[]",
            "steps": "[]",
            "version": 1,
            "created_at": now,
            "updated_at": now,
            **_signal_columns(tenant, n),
        }
        for tenant in (f"tenant-plan-{t:03}" for t in range(TENANTS))
        for n in range(TARGET_DISHES if tenant in (TARGET, SCAN_TARGET) else DISHES_PER_TENANT)
    ]
    history_rows = [
        {
            "tenant_id": f"tenant-plan-{t:03}",
            "slot_kind": kind,
            "dish_id": f"dish-{n:04}",
            "count": n + 1,
        }
        for t in range(TENANTS)
        for kind in SLOT_KINDS
        for n in range(DISHES_PER_TENANT)
    ]
    with engine.begin() as connection:
        connection.execute(insert(templates), template_rows)
        connection.execute(insert(instances), instance_rows)
        connection.execute(insert(dishes), dish_rows)
        connection.execute(insert(meal_history), history_rows)
        # Every other client is on a diet: reading a week joins its assignment.
        connection.execute(
            insert(rulesets),
            [
                {
                    "tenant_id": f"tenant-plan-{t:03}",
                    "content_hash": "sha256:plan",
                    "diet_id": "plan",
                    "version": 1,
                    "document": "{}",
                }
                for t in range(TENANTS)
            ],
        )
        connection.execute(
            insert(ruleset_assignments),
            [
                {
                    "tenant_id": f"tenant-plan-{t:03}",
                    "client_ref": f"client-{c:03}",
                    "content_hash": "sha256:plan",
                }
                for t in range(TENANTS)
                for c in range(0, CLIENTS_PER_TENANT, 2)
            ],
        )
    _fill_workflow(engine, now)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in metadata.tables:
            statement = {"postgresql": "ANALYZE {}", "mysql": "ANALYZE TABLE {}"}.get(
                engine.dialect.name, "ANALYZE {}"
            )
            result = connection.exec_driver_sql(statement.format(table))
            if result.returns_rows:
                result.all()


def _dish_name(n: int) -> str:
    # One dish in three hints at lunch, so the lunch index has a real range.
    return f"Soup {n:04}" if n % 3 == 0 else f"Dish {n:04}"


def _signal_columns(tenant_id: str, n: int) -> dict[str, Any]:
    """What weekplan stores with a dish it writes; nothing for the scanned tenant."""
    signals = meal_signals(Dish(f"dish-{n:04}", tenant_id, _dish_name(n)), DEFAULT_VOCABULARY)
    values = ("", 3, 3, 3, 3) if tenant_id == SCAN_TARGET else (signals.vocabulary, *signals.ranks)
    return dict(zip(SIGNAL_COLUMNS, values, strict=True))


def _fill_workflow(engine: Engine, now: datetime) -> None:
    """Change sets of every week of every tenant, and a lock on some weeks."""
    changes = json.dumps([["changed", "mon", "lunch", [None, None], [None, None]]])
    change_rows = [
        {
            "tenant_id": f"tenant-plan-{t:03}",
            "id": f"chg-{c:03}-{w:02}-{n}",
            "subject": "week",
            "subject_id": f"ins-{c:03}-{w:02}",
            "client_ref": f"client-{c:03}",
            "week_start_date": FIRST_MONDAY + timedelta(weeks=w),
            "actor": "user-1",
            "source": "edit",
            "reason": None,
            "at": now + timedelta(minutes=w * 60 + c + n),
            "version_before": n,
            "version_after": n + 1,
            "changes": changes,
        }
        for t in range(TENANTS)
        for c in range(CLIENTS_PER_TENANT)
        for w in range(WEEKS)
        for n in range(CHANGES_PER_WEEK)
    ]
    change_rows += [
        {
            "tenant_id": f"tenant-plan-{t:03}",
            "id": f"chg-tpl-{p:04}-{n}",
            "subject": "template",
            "subject_id": f"tpl-{p:04}",
            "client_ref": None,
            "week_start_date": None,
            "actor": "user-1",
            "source": "edit",
            "reason": None,
            "at": now + timedelta(minutes=p + n),
            "version_before": n or None,
            "version_after": n + 1,
            "changes": changes,
        }
        for t in range(TENANTS)
        for p in range(TEMPLATES_PER_TENANT)
        for n in range(CHANGES_PER_TEMPLATE)
    ]
    lock_rows = [
        {
            "tenant_id": f"tenant-plan-{t:03}",
            "client_ref": f"client-{c:03}",
            "week_start_date": FIRST_MONDAY + timedelta(weeks=w),
            "day_key": "mon",
            "slot_key": "lunch",
            "reason": "bought",
            "ingredients": "[]",
            "actor": None,
            "locked_at": now,
        }
        for t in range(TENANTS)
        for c in range(0, CLIENTS_PER_TENANT, 3)
        for w in range(WEEKS)
    ]
    with engine.begin() as connection:
        connection.execute(insert(change_sets), change_rows)
        connection.execute(insert(slot_locks), lock_rows)


@pytest.fixture
def capture(sql_store: SqlAlchemyStore) -> Iterator[Capture]:
    """Run a call and return the one SELECT it sent, with its parameters."""
    engine = sql_store.engine
    assert engine is not None
    seen: list[Captured] = []

    def log(*args: Any) -> None:
        statement, parameters = args[2], args[3]
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", log)

    def run(call: Callable[[], object], which: int = 0, of: int = 1) -> Captured:
        """The ``which``-th of the ``of`` SELECTs the call sends."""
        seen.clear()
        call()
        assert len(seen) == of, seen
        return seen[which]

    yield run
    event.remove(engine, "before_cursor_execute", log)


def _plan_problems(
    connection: Connection, statement: str, parameters: Any, *, may_sort: bool = False
) -> list[str]:
    """What is wrong with the plan: full scans, sorts, no index led by tenant_id.

    With ``may_sort``, sorting the rows that the index range found is allowed.
    """
    leading: set[str] = set()
    for table in metadata.tables.values():
        leading.update(str(index.name) for index in table.indexes)
        leading.update(str(c.name) for c in table.constraints if c.name is not None)
    dialect = connection.dialect.name
    if dialect == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        details = [str(row[3]) for row in rows]
        problems = [
            d
            for d in details
            # A SELECT of scalar subqueries scans its one constant row, no table.
            if (d.startswith("SCAN") and d != "SCAN CONSTANT ROW")
            or ("TEMP B-TREE" in d and not may_sort)
        ]
        used = [d for d in details if "INDEX" in d and any(name in d for name in leading)]
        used += [d for d in details if "USING PRIMARY KEY" in d or "sqlite_autoindex" in d]
        return problems if used else [*problems, f"no index used: {details}"]
    if dialect == "postgresql":
        raw = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
        plan = raw.scalar_one()
        nodes: list[dict[str, Any]] = []
        stack = [plan[0]["Plan"]]
        while stack:
            node = stack.pop()
            nodes.append(node)
            stack.extend(node.get("Plans", []))
        problems = [
            f"{n['Node Type']} on {n.get('Relation Name')}"
            for n in nodes
            if n["Node Type"] == "Seq Scan" or (n["Node Type"] == "Sort" and not may_sort)
        ]
        named = [n for n in nodes if n.get("Index Name") in leading]
        return problems if named else [*problems, f"no index used: {nodes}"]
    result = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
    steps = [dict(step) for step in result.mappings()]
    problems = [f"full scan of {s['table']}" for s in steps if s["type"] == "ALL"]
    problems += [
        f"filesort on {s['table']}"
        for s in steps
        if "filesort" in (s["Extra"] or "") and not may_sort
    ]
    keys = [s for s in steps if s["key"] in leading or s["key"] == "PRIMARY"]
    # MIN/MAX on an index led by the filtered columns is read off that index at planning.
    keys += [s for s in steps if "Select tables optimized away" in (s["Extra"] or "")]
    return problems if keys else [*problems, f"no index used: {steps}"]


def _index_names(connection: Connection, statement: str, parameters: Any) -> set[str]:
    """The names of the indexes the plan of ``statement`` reads (SQLite and PostgreSQL)."""
    names = {str(index.name) for table in metadata.tables.values() for index in table.indexes}
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        return {name for row in rows for name in names if f" INDEX {name} " in f"{row[3]} "}
    raw = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
    found: set[str] = set()
    stack = [raw.scalar_one()[0]["Plan"]]
    while stack:
        node = stack.pop()
        if node.get("Index Name") is not None:
            found.add(str(node["Index Name"]))
        stack.extend(node.get("Plans", []))
    return found


def test_frequent_queries_use_an_index_led_by_tenant_id(
    sql_store: SqlAlchemyStore, capture: Capture
) -> None:
    assert sql_store.engine is not None
    _fill(sql_store.engine)
    worker: WorkerPlanner = Planner(sql_store).worker(TARGET)
    week = FIRST_MONDAY + timedelta(weeks=3)
    scanning: WorkerPlanner = Planner(sql_store).worker(SCAN_TARGET)
    # 80 dishes have lunch history: a limit above that reads the lunch index too.
    ranked = capture(lambda: worker.suggest_dishes("lunch", limit=100), 4, 5)
    first_page = worker.list_templates(limit=20)
    first_dishes = worker.list_dishes(limit=20)
    week_log = worker.list_changes("client-007", week, limit=2)
    template_log = worker.list_template_changes("tpl-0042", limit=1)
    assert template_log.next_cursor is not None
    client_log = worker.list_all_changes(client_ref="client-007", limit=20)
    assert week_log.next_cursor is not None
    assert client_log.next_cursor is not None
    queries = {
        "list templates": capture(lambda: worker.list_templates(limit=20)),
        "next page of templates": capture(
            lambda: worker.list_templates(limit=20, cursor=first_page.next_cursor)
        ),
        "search templates": capture(lambda: worker.list_templates(search="week 00", limit=20)),
        "get template": capture(lambda: worker.get_template("tpl-0042")),
        # The week and its locks, joined on the locks' primary key.
        "get instance with its locks": capture(lambda: worker.get_instance("client-007", week)),
        "change log of a week": capture(lambda: worker.list_changes("client-007", week, limit=2)),
        "next page of a week's log": capture(
            lambda: worker.list_changes("client-007", week, limit=2, cursor=week_log.next_cursor)
        ),
        "change log of a client": capture(
            lambda: worker.list_all_changes(client_ref="client-007", limit=20)
        ),
        "next page of a client's log": capture(
            lambda: worker.list_all_changes(
                client_ref="client-007", limit=20, cursor=client_log.next_cursor
            )
        ),
        "change log by time": capture(lambda: worker.list_all_changes(limit=20)),
        "change log of a template": capture(
            lambda: worker.list_template_changes("tpl-0042", limit=20)
        ),
        "next page of a template's log": capture(
            lambda: worker.list_template_changes(
                "tpl-0042", limit=1, cursor=template_log.next_cursor
            )
        ),
        "instances of a client": capture(lambda: worker.list_instances(client_ref="client-007")),
        "instances of a week": capture(lambda: worker.list_instances(week_start_date=week)),
        "all instances": capture(lambda: worker.list_instances(limit=20)),
        "list dishes": capture(lambda: worker.list_dishes(limit=20)),
        "next page of dishes": capture(
            lambda: worker.list_dishes(limit=20, cursor=first_dishes.next_cursor)
        ),
        "search dishes": capture(lambda: worker.list_dishes(search="dish 00", limit=20)),
        "get dishes by id": capture(lambda: worker.get_dish("dish-0042")),
        # A suggestion reads the tenant's history totals, probes the signal index,
        # reads the ranks, then the details, of the dishes with history, then a
        # page of the meal's index.
        "suggestion history": capture(lambda: worker.suggest_dishes("lunch", limit=100), 0, 5),
        "suggestion signal probe": capture(lambda: worker.suggest_dishes("lunch", limit=100), 1, 5),
        "suggestion ranks of dishes with history": capture(
            lambda: worker.suggest_dishes("lunch", limit=100), 2, 5
        ),
        "suggestion dishes with history": capture(
            lambda: worker.suggest_dishes("lunch", limit=100), 3, 5
        ),
        "suggestion ranked page": ranked,
        # Without signals, it scans the catalog instead.
        "suggestion catalog scan": capture(lambda: scanning.suggest_dishes("lunch"), 2, 4),
        "suggestion catalog scan, page 2": capture(lambda: scanning.suggest_dishes("lunch"), 3, 4),
    }
    assert " LIMIT " in ranked[0].upper(), ranked[0]
    problems: dict[str, list[str]] = {}
    with sql_store.engine.connect() as connection:
        for name, (statement, parameters) in queries.items():
            # A suggestion reads the tenant's whole catalog, a page of up to 1000
            # rows at a time; when a page is most of what is left of the tenant's
            # range, the planner may fairly read that range and sort it.
            may_sort = name.startswith("suggestion catalog scan")
            found = _plan_problems(connection, statement, parameters, may_sort=may_sort)
            if found:
                problems[name] = found
    assert problems == {}
    if sql_store.engine.dialect.name in ("sqlite", "postgresql"):
        # The index holds only templates' sets, and a template's log reads it.
        assert index_predicates(sql_store.engine, "weekplan_change_sets")[TEMPLATE_SETS_INDEX]
        template_logs = ("change log of a template", "next page of a template's log")
        with sql_store.engine.connect() as connection:
            read = {name: _index_names(connection, *queries[name]) for name in template_logs}
        assert read == {key: {TEMPLATE_SETS_INDEX} for key in template_logs}
