"""How fast is the SQLAlchemy store, next to the raw driver doing the same work?

Run ``python benchmarks/bench_store.py`` (or ``nox -s bench``). It prints a table;
it never passes or fails. SQLite runs in a temporary file; PostgreSQL runs when
``WEEKPLAN_BENCH_POSTGRES_URL`` or ``WEEKPLAN_TEST_POSTGRES_URL`` names a server,
in a schema of its own that is dropped at the end.

Each weekplan figure is the median of one planner call (what a host pays). Its
baseline is the plain driver (``sqlite3``, ``psycopg``) in the same transaction
shape, sending the same statements and encoding or decoding the same JSON, so the
ratio is what weekplan adds: SQLAlchemy, the unit of work, and building checked
domain values. ``create_instance`` also adds the template's dishes to the
planning history totals (one upsert), so its baseline does the same.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import URL, create_engine, make_url, text

from weekplan import PlanEntry, Planner, WorkerPlanner
from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.domain.meal_types import slot_kind
from weekplan.domain.paging import encode_cursor
from weekplan.domain.text import search_key

MONDAY = date(2026, 11, 23)
TARGETS = {
    ("sqlite", "create_instance"): 3.0,
    ("sqlite", "get_instance"): 3.0,
    ("postgresql", "create_instance"): 1.5,
    ("postgresql", "get_instance"): 1.5,
}
Row = tuple[str, str, float, float | None, str]

INSTANCE_COLUMNS = (
    "id, tenant_id, template_id, client_ref, week_start_date, days, template_snapshot,"
    " version, created_at, updated_at"
)
TEMPLATE_COLUMNS = "id, tenant_id, name, days, version, created_at, updated_at"


def median_us(call: Callable[[int], object], runs: int) -> float:
    """Median wall time of ``call(n)`` in microseconds, after a short warm-up."""
    for n in range(min(20, runs)):
        call(-1 - n)
    samples = []
    for n in range(runs):
        start = time.perf_counter_ns()
        call(n)
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples) / 1000


def week_entries(count: int = 42) -> list[PlanEntry]:
    """``count`` slots over the week, each with a dish and a note."""
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return [
        PlanEntry(days[n % 7], f"slot-{n // 7}", dish_template_id=f"dish-{n}", notes=f"note {n}")
        for n in range(count)
    ]


def encode(entries: list[dict[str, Any]]) -> str:
    return json.dumps(entries, ensure_ascii=False, separators=(",", ":"))


# -- raw drivers -------------------------------------------------------------------------


class RawSqlite:
    """The same statements on a bare ``sqlite3`` connection, in the store's transaction shape."""

    placeholder = "?"

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

    def begin(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def execute(self, sql: str, params: tuple[Any, ...]) -> Any:
        return self.db.execute(sql, params)

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        self.db.executemany(sql, rows)

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def rollback(self) -> None:
        self.db.execute("ROLLBACK")

    def close(self) -> None:
        self.db.close()


class RawPsycopg:
    """The same statements on a bare ``psycopg`` connection (``BEGIN`` is implicit there)."""

    placeholder = "%s"

    def __init__(self, url: URL, schema: str) -> None:
        self.db = psycopg.connect(
            host=url.host,
            port=url.port,
            user=url.username,
            password=url.password,
            dbname=url.database,
            options=f"-csearch_path={schema}",
        )

    def begin(self) -> None:
        pass

    def execute(self, sql: str, params: tuple[Any, ...]) -> Any:
        return self.db.execute(sql.replace("?", "%s"), params)

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        self.db.cursor().executemany(sql.replace("?", "%s"), rows)

    def commit(self) -> None:
        self.db.commit()

    def rollback(self) -> None:
        self.db.rollback()

    def close(self) -> None:
        self.db.close()


Raw = RawSqlite | RawPsycopg


def raw_get(raw: Raw, tenant: str, client: str) -> tuple[Any, ...]:
    raw.begin()
    row = raw.execute(
        f"SELECT {INSTANCE_COLUMNS} FROM weekplan_instances"
        " WHERE tenant_id = ? AND client_ref = ? AND week_start_date = ?",
        (tenant, client, MONDAY),
    ).fetchone()
    raw.rollback()
    return (*row[:5], json.loads(row[5]), json.loads(row[6]), *row[7:])


def raw_create(raw: Raw, tenant: str, template_id: str, client: str) -> None:
    raw.begin()
    row = raw.execute(
        f"SELECT {TEMPLATE_COLUMNS} FROM weekplan_templates WHERE tenant_id = ? AND id = ?",
        (tenant, template_id),
    ).fetchone()
    entries = json.loads(row[3])
    days = encode(entries)
    now = datetime.now(UTC)
    # The planning history totals, as the store keeps them: one upsert for all keys.
    totals: dict[tuple[str, str], int] = {}
    for entry in entries:
        if entry["dish_template_id"] is not None:
            key = (slot_kind(entry["slot_key"]), entry["dish_template_id"])
            totals[key] = totals.get(key, 0) + 1
    raw.executemany(
        "INSERT INTO weekplan_meal_history (tenant_id, slot_kind, dish_id, count)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, slot_kind, dish_id)"
        " DO UPDATE SET count = weekplan_meal_history.count + excluded.count",
        [(tenant, kind, dish_id, count) for (kind, dish_id), count in totals.items()],
    )
    raw.execute(
        f"INSERT INTO weekplan_instances ({INSTANCE_COLUMNS})"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (uuid.uuid4().hex, tenant, template_id, client, MONDAY, days, days, 1, now, now),
    )
    raw.commit()


def raw_set_slot(raw: Raw, tenant: str, client: str, n: int) -> None:
    raw.begin()
    row = raw.execute(
        f"SELECT {INSTANCE_COLUMNS} FROM weekplan_instances"
        " WHERE tenant_id = ? AND client_ref = ? AND week_start_date = ?",
        (tenant, client, MONDAY),
    ).fetchone()
    days = json.loads(row[5])
    days[0]["notes"] = f"edit {n}"
    raw.execute(
        "UPDATE weekplan_instances SET template_id = ?, days = ?, template_snapshot = ?,"
        " version = ?, created_at = ?, updated_at = ? WHERE tenant_id = ? AND client_ref = ?"
        " AND week_start_date = ? AND id = ? AND version = ?",
        (
            row[2],
            encode(days),
            encode(json.loads(row[6])),
            row[7] + 1,
            row[8],
            datetime.now(UTC),
            tenant,
            client,
            MONDAY,
            row[0],
            row[7],
        ),
    )
    raw.commit()


def raw_search(raw: Raw, tenant: str, needle: str, after: tuple[str, str] | None) -> int:
    contains = "instr(name_key, ?) > 0" if isinstance(raw, RawSqlite) else "strpos(name_key, ?) > 0"
    keyset = " AND (name_key, id) > (?, ?)" if after else ""
    raw.begin()
    rows = raw.execute(
        f"SELECT {TEMPLATE_COLUMNS} FROM weekplan_templates WHERE tenant_id = ? AND {contains}"
        f"{keyset} ORDER BY name_key, id LIMIT 51",
        (tenant, needle, *(after or ())),
    ).fetchall()
    raw.rollback()
    return len([json.loads(r[3]) for r in rows])


# -- data --------------------------------------------------------------------------------


def bulk_instances(store: SqlAlchemyStore, count: int, *, start: int = 0) -> None:
    """``count`` small instances spread over many tenants, in large batches."""
    assert store.engine is not None
    now = datetime(2026, 1, 1, tzinfo=UTC)
    days = encode(
        [{"day_key": "mon", "slot_key": "lunch", "dish_template_id": None, "notes": None}]
    )
    sql = (
        f"INSERT INTO weekplan_instances ({INSTANCE_COLUMNS}) VALUES "
        "(:id, :t, 'tpl', :c, :w, :d, :d, 1, :now, :now)"
    )
    batch = 20_000
    for first in range(start, start + count, batch):
        rows = [
            {
                "id": f"bulk-{n}",
                "t": f"bulk-tenant-{n % 5000:04}",
                "c": f"client-{n // 5000:05}",
                "w": MONDAY,
                "d": days,
                "now": now,
            }
            for n in range(first, min(first + batch, start + count))
        ]
        with store.engine.begin() as connection:
            connection.execute(text(sql), rows)
    analyze(store)


def analyze(store: SqlAlchemyStore) -> None:
    assert store.engine is not None
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))


def bulk_templates(store: SqlAlchemyStore, tenant: str, count: int) -> list[tuple[str, str]]:
    """``count`` templates whose names all contain "week"; their sort keys, in order."""
    assert store.engine is not None
    now = datetime(2026, 1, 1, tzinfo=UTC)
    days = encode([{"day_key": "mon", "slot_key": "lunch", "dish_template_id": "d", "notes": None}])
    rows = [
        {
            "t": tenant,
            "id": f"tpl-{n:06}",
            "name": f"Week {n:06}",
            "k": search_key(f"Week {n:06}"),
            "d": days,
            "now": now,
        }
        for n in range(count)
    ]
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO weekplan_templates (tenant_id, id, name, name_key, days, version,"
                " created_at, updated_at) VALUES (:t, :id, :name, :k, :d, 1, :now, :now)"
            ),
            rows,
        )
    analyze(store)
    return sorted((str(r["k"]), str(r["id"])) for r in rows)


# -- one database ------------------------------------------------------------------------


def bench(name: str, store: SqlAlchemyStore, raw: Raw, runs: int, large: int) -> Iterator[Row]:
    """Every figure for one database."""
    worker: WorkerPlanner = Planner(store).worker("bench-tenant")
    for n in range(42):
        worker.upsert_dish(f"dish-{n}", name=f"Dish {n}")
    template = worker.create_template("Bench week", week_entries())
    worker.create_instance(template.id, "client-get", MONDAY)

    def pair(op: str, ours: Callable[[int], object], base: Callable[[int], object]) -> Row:
        mine, theirs = median_us(ours, runs), median_us(base, runs)
        target = TARGETS.get((name, op))
        return (name, op, mine, theirs, f"<= {target}x" if target else "")

    yield pair(
        "create_instance",
        lambda n: worker.create_instance(template.id, f"client-c{n}", MONDAY),
        lambda n: raw_create(raw, "bench-tenant", template.id, f"client-r{n}"),
    )
    yield pair(
        "get_instance",
        lambda _n: worker.get_instance("client-get", MONDAY),
        lambda _n: raw_get(raw, "bench-tenant", "client-get"),
    )
    worker.create_instance(template.id, "client-raw-edit", MONDAY)
    yield pair(
        "set_slot",
        lambda n: worker.set_slot("client-get", MONDAY, "mon", "slot-0", notes=f"edit {n}"),
        lambda n: raw_set_slot(raw, "bench-tenant", "client-raw-edit", n),
    )

    keys = bulk_templates(store, "bench-search", 10_100)
    searcher = Planner(store).worker("bench-search")
    deep = encode_cursor("templates", keys[9_999])
    page_runs = max(20, runs // 5)
    first_page = median_us(lambda _n: searcher.list_templates(search="week", limit=50), page_runs)
    deep_page = median_us(
        lambda _n: searcher.list_templates(search="week", limit=50, cursor=deep), page_runs
    )
    raw_first = median_us(lambda _n: raw_search(raw, "bench-search", "week", None), page_runs)
    raw_deep = median_us(lambda _n: raw_search(raw, "bench-search", "week", keys[9_999]), page_runs)
    yield (name, "search page 1", first_page, raw_first, "")
    yield (name, "search page after 10,000", deep_page, raw_deep, "")
    yield (name, "deep page / first page", deep_page / first_page * 100, None, "<= 1.5x")

    # get_instance as the table grows: ~10k rows, then `large`.
    bulk_instances(store, 10_000 - 4 - runs * 2)
    small = median_us(lambda _n: worker.get_instance("client-get", MONDAY), runs)
    bulk_instances(store, large - 10_000, start=10_000)
    big = median_us(lambda _n: worker.get_instance("client-get", MONDAY), runs)
    yield (name, "get_instance, 10k rows", small, None, "")
    yield (name, f"get_instance, {large // 1000}k rows", big, None, "")
    yield (name, f"{large // 1000}k / 10k", big / small * 100, None, "<= 1.3x")


@contextmanager
def sqlite_database() -> Iterator[tuple[SqlAlchemyStore, Raw]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        store = SqlAlchemyStore(f"sqlite:///{path}")
        store.create_all()
        raw = RawSqlite(path)
        try:
            yield store, raw
        finally:
            raw.close()
            store.close()


@contextmanager
def postgresql_database(url: URL) -> Iterator[tuple[SqlAlchemyStore, Raw]]:
    schema = f"weekplan_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    store = SqlAlchemyStore(url.update_query_dict({"options": f"-csearch_path={schema}"}))
    raw = RawPsycopg(url, schema)
    try:
        store.create_all()
        yield store, raw
    finally:
        raw.close()
        store.close()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def render(rows: list[Row]) -> str:
    lines = [
        f"{'database':<11} {'operation':<26} {'weekplan':>11} {'raw driver':>11}"
        f" {'ratio':>7}  target",
        "-" * 80,
    ]
    for database, op, mine, theirs, target in rows:
        if theirs is None and op.endswith(("/ first page", "/ 10k")):
            lines.append(f"{database:<11} {op:<26} {'':>11} {'':>11} {mine / 100:>6.2f}x  {target}")
        elif theirs is None:
            lines.append(f"{database:<11} {op:<26} {mine:>9.0f}µs {'':>11} {'':>7}  {target}")
        else:
            ratio = mine / theirs
            lines.append(
                f"{database:<11} {op:<26} {mine:>9.0f}µs {theirs:>9.0f}µs {ratio:>6.2f}x  {target}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300, help="timed calls per figure")
    parser.add_argument(
        "--large", type=int, default=1_000_000, help="instances stored for the large-table figure"
    )
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    args = parser.parse_args()

    rows: list[Row] = []
    if args.only in (None, "sqlite"):
        with sqlite_database() as (store, raw):
            rows += bench("sqlite", store, raw, args.runs, args.large)
    pg = os.environ.get("WEEKPLAN_BENCH_POSTGRES_URL") or os.environ.get(
        "WEEKPLAN_TEST_POSTGRES_URL"
    )
    if args.only in (None, "postgresql"):
        if pg:
            with postgresql_database(make_url(pg)) as (store, raw):
                rows += bench("postgresql", store, raw, args.runs, args.large)
        else:
            print("PostgreSQL skipped: set WEEKPLAN_BENCH_POSTGRES_URL to include it.\n")
    print(render(rows))


if __name__ == "__main__":
    main()
