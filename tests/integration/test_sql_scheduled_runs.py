"""Due schedules are run exactly once by racing workers, and the claim walks its index.

Each test works in a database (PostgreSQL schema, MariaDB database) of its own,
so ``run_due`` across every tenant sees only the schedules the test made.
"""

from __future__ import annotations

import json
import multiprocessing
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import URL, Connection, event, insert, text

from tests.databases import MARIADB, POSTGRESQL
from tests.integration.conftest import admin_engine
from weekplan import PlanEntry, Planner, RunOutcome, ScheduledRun
from weekplan.adapters.sqlalchemy import SqlAlchemyStore, metadata
from weekplan.adapters.sqlalchemy._schedule_schema import schedules

SET_AT = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
DUE_AT = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # Friday 09:00 in Amsterdam
TENANTS = 4
CLIENTS = 30
THREADS = 6
DUE_INDEX = "ix_weekplan_schedules_next_run_at_tenant_id_901a8cee"
TENANT_DUE_INDEX = "ix_weekplan_schedules_next_run_at_client_ref"


@pytest.fixture
def fresh_url(server: str) -> Iterator[URL]:
    """A URL of an empty schema (PostgreSQL) or database (MariaDB) with weekplan's tables."""
    admin = admin_engine(POSTGRESQL if server == "postgresql" else MARIADB)
    name = f"weekplan_due_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        if server == "postgresql":
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
            url = admin.url.update_query_dict({"options": f"-csearch_path={name}"})
        else:
            connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
            url = admin.url.set(database=name)
    store = SqlAlchemyStore(url)
    store.create_all()
    store.close()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            if server == "postgresql":
                connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
            else:
                connection.execute(text(f"DROP DATABASE `{name}`"))
        admin.dispose()


def _schedule_everyone(url: URL) -> list[tuple[str, str]]:
    store = SqlAlchemyStore(url)
    planner = Planner(store, clock=lambda: SET_AT)
    expected = []
    for t in range(TENANTS):
        worker = planner.worker(f"tenant-{t}")
        template = worker.create_template("Week", [PlanEntry("mon", "lunch", notes="soup")])
        for c in range(CLIENTS):
            worker.set_schedule(
                f"client-{c:03}",
                weekday="fri",
                time=time(9, 0),
                timezone="Europe/Amsterdam",
                source={"template_id": template.id},
            )
            expected.append((f"tenant-{t}", f"client-{c:03}"))
    store.close()
    return expected


def _rows_per_client(url: URL, table: str) -> Counter[tuple[str, str]]:
    """How many rows of ``table`` (weeks or drafts) each client has."""
    store = SqlAlchemyStore(url)
    assert store.engine is not None
    try:
        with store.engine.connect() as connection:
            rows = connection.execute(text(f"SELECT tenant_id, client_ref FROM {table}")).all()
    finally:
        store.close()
    return Counter((row[0], row[1]) for row in rows)


def _run_all(url: str, batch: int) -> list[tuple[str, str, str]]:
    """One worker: run due schedules in batches until none is left (also a process target)."""
    store = SqlAlchemyStore(url, pool_size=1, max_overflow=0)
    planner = Planner(store)
    done: list[tuple[str, str, str]] = []
    try:
        while True:
            runs: list[ScheduledRun] = planner.run_due(DUE_AT, limit=batch)
            done.extend((r.tenant_id, r.client_ref, r.outcome.value) for r in runs)
            if len(runs) < batch:
                return done
    finally:
        store.close()


def _url_text(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def test_racing_threads_run_every_due_schedule_exactly_once(fresh_url: URL) -> None:
    expected = _schedule_everyone(fresh_url)
    barrier = threading.Barrier(THREADS)
    results: list[list[tuple[str, str, str]] | BaseException] = [[] for _ in range(THREADS)]

    def work(n: int) -> None:
        barrier.wait()
        try:
            results[n] = _run_all(_url_text(fresh_url), batch=7)
        except BaseException as exc:  # reported below
            results[n] = exc

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    runs = [run for result in results for run in (result if isinstance(result, list) else [])]
    assert [r for r in results if not isinstance(r, list)] == []
    ran = Counter((tenant, client) for tenant, client, _ in runs)
    assert sorted(ran) == sorted(expected)
    assert set(ran.values()) == {1}
    assert {outcome for _, _, outcome in runs} == {RunOutcome.PRODUCED.value}
    # More than one worker took part: the claims really interleaved.
    assert sum(1 for r in results if r) > 1
    for table in ("weekplan_instances", "weekplan_drafts"):
        made = _rows_per_client(fresh_url, table)
        assert sorted(made) == sorted(expected), table
        assert set(made.values()) == {1}, table


def test_racing_processes_run_every_due_schedule_exactly_once(fresh_url: URL) -> None:
    expected = _schedule_everyone(fresh_url)
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        outputs = pool.starmap(_run_all, [(_url_text(fresh_url), 5)] * 2)
    ran = Counter((tenant, client) for output in outputs for tenant, client, _ in output)
    assert sorted(ran) == sorted(expected)
    assert set(ran.values()) == {1}
    for table in ("weekplan_instances", "weekplan_drafts"):
        made = _rows_per_client(fresh_url, table)
        assert sorted(made) == sorted(expected), table
        assert set(made.values()) == {1}, table
    # Running again, now or later the same day, makes nothing new.
    assert _run_all(_url_text(fresh_url), batch=5) == []


def test_a_worker_holding_a_claim_is_skipped_not_waited_for(fresh_url: URL) -> None:
    """While one unit of work holds a schedule, another claims the next one at once."""
    _schedule_everyone(fresh_url)
    store = SqlAlchemyStore(fresh_url)
    try:
        with store.unit_of_work() as first, store.unit_of_work() as second:
            held = first.schedules.claim_due(DUE_AT, tenant_id=None, client_ref=None, limit=3)
            taken = second.schedules.claim_due(DUE_AT, tenant_id=None, client_ref=None, limit=3)
            assert len(held) == len(taken) == 3
            assert not {(s.tenant_id, s.client_ref) for s in held} & {
                (s.tenant_id, s.client_ref) for s in taken
            }
    finally:
        store.close()


# -- the claim query's plan ----------------------------------------------------------

PLAN_TENANTS = 200
PLAN_CLIENTS = 100


def _fill_many(url: URL) -> None:
    """20,000 schedules over a year of run times; a few dozen are due at DUE_AT."""
    rows = [
        {
            "tenant_id": f"tenant-{t:03}",
            "client_ref": f"client-{c:03}",
            "weekday": "fri",
            "wall_time": "09:00",
            "timezone": "Europe/Amsterdam",
            "weeks_ahead": 1,
            "source_kind": "generator",
            "template_id": None,
            "next_run_at": DUE_AT + timedelta(minutes=(t * PLAN_CLIENTS + c) * 26 - 1000),
        }
        for t in range(PLAN_TENANTS)
        for c in range(PLAN_CLIENTS)
    ]
    store = SqlAlchemyStore(url)
    assert store.engine is not None
    with store.engine.begin() as connection:
        connection.execute(insert(schedules), rows)
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        analyse = "ANALYZE TABLE {}" if connection.dialect.name == "mysql" else "ANALYZE {}"
        result = connection.exec_driver_sql(analyse.format(schedules.name))
        if result.returns_rows:
            result.all()
    store.close()


def _claim_statement(store: SqlAlchemyStore, **filters: Any) -> tuple[str, Any]:
    """The claim as the store sends it to the driver."""
    assert store.engine is not None
    seen: list[tuple[str, Any]] = []

    def log(*args: Any) -> None:
        seen.append((args[2], args[3]))

    event.listen(store.engine, "before_cursor_execute", log)
    try:
        with store.unit_of_work() as uow:
            uow.schedules.claim_due(DUE_AT, limit=1, **filters)
    finally:
        event.remove(store.engine, "before_cursor_execute", log)
    claims = [(s, p) for s, p in seen if "FOR UPDATE" in s.upper()]
    assert len(claims) == 1, seen
    return claims[0]


def _postgres_nodes(
    connection: Connection, statement: str, parameters: Any
) -> list[dict[str, Any]]:
    raw = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar_one()
    plan = raw if isinstance(raw, list) else json.loads(raw)
    nodes: list[dict[str, Any]] = []
    stack = [plan[0]["Plan"]]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(node.get("Plans", []))
    return nodes


def _mariadb_plan(connection: Connection, statement: str, parameters: Any) -> dict[str, Any]:
    raw = connection.exec_driver_sql(f"EXPLAIN FORMAT=JSON {statement}", parameters).scalar_one()
    plan: dict[str, Any] = json.loads(raw)
    return plan


def _mariadb_table(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan's one table access, wherever MariaDB nests it."""
    stack: list[Any] = [plan]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "table_name" in node:
                return node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    raise AssertionError(f"no table in the plan: {plan}")


def test_the_claim_reads_due_rows_in_index_order_and_locks_them(
    fresh_url: URL, server: str
) -> None:
    _fill_many(fresh_url)
    store = SqlAlchemyStore(fresh_url)
    assert store.engine is not None
    try:
        statement, parameters = _claim_statement(store, tenant_id=None, client_ref=None)
        assert "SKIP LOCKED" in statement.upper()
        with store.engine.connect() as connection:
            if server == "postgresql":
                nodes = _postgres_nodes(connection, statement, parameters)
                types = [node["Node Type"] for node in nodes]
                assert "LockRows" in types, types
                assert "Seq Scan" not in types, types
                assert "Sort" not in types, types
                assert any(node.get("Index Name") == DUE_INDEX for node in nodes), nodes
            else:
                plan = _mariadb_plan(connection, statement, parameters)
                dumped = json.dumps(plan)
                table = _mariadb_table(plan)
                assert table["key"] == DUE_INDEX, plan
                assert table["access_type"] in ("range", "index"), plan
                assert "filesort" not in dumped, plan
    finally:
        store.close()


def test_one_tenants_claim_walks_the_tenant_index(fresh_url: URL, server: str) -> None:
    _fill_many(fresh_url)
    store = SqlAlchemyStore(fresh_url)
    assert store.engine is not None
    try:
        statement, parameters = _claim_statement(store, tenant_id="tenant-000", client_ref=None)
        with store.engine.connect() as connection:
            if server == "postgresql":
                nodes = _postgres_nodes(connection, statement, parameters)
                types = [node["Node Type"] for node in nodes]
                assert "Seq Scan" not in types, types
                used = {node.get("Index Name") for node in nodes} - {None}
                assert TENANT_DUE_INDEX in used, nodes
                assert "Sort" not in types, types
            else:
                plan = _mariadb_plan(connection, statement, parameters)
                table = _mariadb_table(plan)
                assert table["key"] == TENANT_DUE_INDEX, plan
                assert "filesort" not in json.dumps(plan), plan
    finally:
        store.close()


def test_the_schedules_table_is_on_the_metadata_with_its_due_index() -> None:
    table = metadata.tables["weekplan_schedules"]
    assert DUE_INDEX in {index.name for index in table.indexes}
