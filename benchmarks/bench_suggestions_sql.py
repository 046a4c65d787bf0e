"""How ``suggest_dishes`` scales with a tenant's planning history, in SQL databases.

Plain script, not a test: it prints a table and never fails on time.

    PYTHONPATH=src python benchmarks/bench_suggestions_sql.py [--sizes 10000 1000000]

SQLite runs in a temporary file; PostgreSQL runs when ``WEEKPLAN_BENCH_POSTGRES_URL``
or ``WEEKPLAN_TEST_POSTGRES_URL`` names a server, in a schema of its own that is
dropped at the end.

The history is real: client weeks of 140 entries each, bulk-loaded with
``executemany``, and the running totals that the planner would have kept for
them, computed with the domain's own :func:`~weekplan.domain.history.history_delta`
and bulk-loaded beside them. Each figure is the median of ``--repeat`` calls of
``suggest_dishes``, averaged over a few slot keys. Suggestions read the totals
and the catalog only, so the time should stay flat as the history grows
(target: 1M entries at most 2x the time of 10k).
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import statistics
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench_suggestions import ENTRIES_PER_TEMPLATE, QUERIES, SLOTS, _time
from sqlalchemy import URL, create_engine, insert, make_url, text

from weekplan import PlanEntry, Planner
from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.adapters.sqlalchemy.rows import EntryCodec
from weekplan.adapters.sqlalchemy.schema import instances, meal_history
from weekplan.demo_catalog import DEMO_DISHES, seed_dish_catalog
from weekplan.domain.days import DAY_ORDER
from weekplan.domain.history import HistoryKey, history_delta

TENANT = "bench-tenant"
FIRST_MONDAY = date(2026, 1, 5)
# Distinct week documents to draw from; more would only slow the loading down.
DOCUMENTS = 50
BATCH = 2_000


def _load_history(store: SqlAlchemyStore, entries: int, rng: random.Random) -> int:
    """Store client weeks holding ``entries`` plan entries, and their history totals."""
    assert store.engine is not None
    dish_ids = [dish_id for dish_id, *_ in DEMO_DISHES]
    plans = [
        tuple(PlanEntry(day, slot, rng.choice(dish_ids)) for day in DAY_ORDER for slot in SLOTS)
        for _ in range(DOCUMENTS)
    ]
    documents = [EntryCodec.encode(plan) for plan in plans]
    weeks = entries // ENTRIES_PER_TEMPLATE
    totals: Counter[HistoryKey] = Counter()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for first in range(0, weeks, BATCH):
        rows = []
        for n in range(first, min(first + BATCH, weeks)):
            which = n % DOCUMENTS
            totals.update(history_delta((), plans[which]))
            rows.append(
                {
                    "tenant_id": TENANT,
                    "id": f"week-{n}",
                    "template_id": "history",
                    "client_ref": f"client-{n // 52:05}",
                    "week_start_date": FIRST_MONDAY + timedelta(weeks=n % 52),
                    "days": documents[which],
                    "template_snapshot": documents[which],
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        with store.engine.begin() as connection:
            connection.execute(insert(instances), rows)
    with store.engine.begin() as connection:
        connection.execute(
            insert(meal_history),
            [
                {"tenant_id": TENANT, "slot_kind": kind, "dish_id": dish_id, "count": count}
                for (kind, dish_id), count in totals.items()
            ],
        )
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    return weeks * ENTRIES_PER_TEMPLATE


@contextmanager
def _sqlite() -> Iterator[SqlAlchemyStore]:
    with tempfile.TemporaryDirectory() as folder:
        store = SqlAlchemyStore(f"sqlite:///{Path(folder) / 'bench.db'}")
        store.create_all()
        try:
            yield store
        finally:
            store.close()


@contextmanager
def _postgresql(url: URL) -> Iterator[SqlAlchemyStore]:
    schema = f"weekplan_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    store = SqlAlchemyStore(url.update_query_dict({"options": f"-csearch_path={schema}"}))
    try:
        store.create_all()
        yield store
    finally:
        store.close()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _measure(store: SqlAlchemyStore, size: int, repeat: int) -> tuple[int, int, float]:
    worker = Planner(store).worker(TENANT)
    seed_dish_catalog(worker)
    planned = _load_history(store, size, random.Random(4))
    with store.unit_of_work() as uow:
        totals = len(uow.meal_history.counts(TENANT))
    per_query = [
        _time(functools.partial(worker.suggest_dishes, slot, query=query), repeat)
        for slot, query in QUERIES
    ]
    return planned, totals, statistics.mean(per_query) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    args = parser.parse_args()
    databases: list[tuple[str, Callable[[], AbstractContextManager[SqlAlchemyStore]]]] = []
    if args.only in (None, "sqlite"):
        databases.append(("sqlite", _sqlite))
    pg = os.environ.get("WEEKPLAN_BENCH_POSTGRES_URL") or os.environ.get(
        "WEEKPLAN_TEST_POSTGRES_URL"
    )
    if args.only in (None, "postgresql"):
        if pg:
            databases.append(("postgresql", functools.partial(_postgresql, make_url(pg))))
        else:
            print("PostgreSQL skipped: set WEEKPLAN_BENCH_POSTGRES_URL to include it.\n")
    print(
        f"suggest_dishes on SqlAlchemyStore, median of {args.repeat} calls, mean over "
        f"{len(QUERIES)} slot keys; {len(DEMO_DISHES)} dishes"
    )
    print(
        f"{'database':<11} | {'history entries':>15} | {'total rows':>10} | {'ms / call':>9} | "
        f"{'vs first':>8}"
    )
    print(f"{'-' * 11}-+-{'-' * 15}-+-{'-' * 10}-+-{'-' * 9}-+-{'-' * 8}")
    # Ratios are against the first size on the same database.
    for name, database in databases:
        base = None
        for size in args.sizes:
            with database() as store:
                planned, totals, ms = _measure(store, size, args.repeat)
            base = base or ms
            print(f"{name:<11} | {planned:>15,} | {totals:>10,} | {ms:>9.3f} | {ms / base:>7.2f}x")


if __name__ == "__main__":
    main()
