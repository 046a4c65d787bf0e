"""Drafts per second: 2,000 due schedules run by one, then by two worker processes.

Run ``python benchmarks/bench_schedules.py``. It prints a table; it never passes
or fails. It needs PostgreSQL (``WEEKPLAN_BENCH_POSTGRES_URL``, else
``WEEKPLAN_TEST_POSTGRES_URL``, else the local default) and works in a schema
of its own, dropped at the end. ``--mariadb`` adds the same run on MariaDB
(``WEEKPLAN_TEST_MYSQL_URL``, else the local default).

Each round makes 2,000 schedules over 20 tenants (a template of 14 slots each),
all due at once, then starts the worker processes together and times until
every process has found nothing left due. A draft here is an empty live week
plus its draft holding the template's days (guardrails decided) and the
schedule moved on, one transaction per schedule, claimed with ``FOR UPDATE SKIP LOCKED``.
The figure depends on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import URL, create_engine, make_url, text

from weekplan import PlanEntry, Planner
from weekplan.adapters.sqlalchemy import SqlAlchemyStore

SCHEDULES = 2000
TENANTS = 20
BATCH = 50
SET_AT = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
DUE_AT = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
DAYS = [
    PlanEntry(day, slot, notes=f"{slot} {day}")
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for slot in ("breakfast", "dinner")
]


@contextmanager
def scratch(server: str) -> Iterator[str]:
    """A URL of an empty schema (PostgreSQL) or database (MariaDB), dropped afterwards."""
    name = f"weekplan_bench_{uuid.uuid4().hex[:12]}"
    if server == "postgresql":
        base = make_url(
            os.environ.get("WEEKPLAN_BENCH_POSTGRES_URL")
            or os.environ.get("WEEKPLAN_TEST_POSTGRES_URL")
            or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        )
        create, drop = f'CREATE SCHEMA "{name}"', f'DROP SCHEMA "{name}" CASCADE'
        url: URL = base.update_query_dict({"options": f"-csearch_path={name}"})
    else:
        base = make_url(
            os.environ.get("WEEKPLAN_TEST_MYSQL_URL") or "mysql+pymysql://root@127.0.0.1:3306/test"
        )
        create = f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"
        drop = f"DROP DATABASE `{name}`"
        url = base.set(database=name)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(create))
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(drop))
        admin.dispose()


def make_due(url: str) -> None:
    """Fresh tables, then :data:`SCHEDULES` schedules all due at :data:`DUE_AT`."""
    store = SqlAlchemyStore(url)
    store.drop_all()
    store.create_all()
    planner = Planner(store, clock=lambda: SET_AT)
    per_tenant = SCHEDULES // TENANTS
    for t in range(TENANTS):
        worker = planner.worker(f"tenant-{t:02}")
        template = worker.create_template("Week", DAYS)
        for c in range(per_tenant):
            worker.set_schedule(
                f"client-{c:04}",
                weekday="fri",
                time="09:00",
                timezone="Europe/Amsterdam",
                source={"template_id": template.id},
            )
    store.close()


def work(url: str, start: float) -> int:
    """One worker process: wait for the common start, run due schedules until none is left."""
    store = SqlAlchemyStore(url, pool_size=1, max_overflow=0)
    planner = Planner(store)
    done = 0
    while time.time() < start:
        time.sleep(0.001)
    while True:
        runs = planner.run_due(DUE_AT, limit=BATCH)
        done += len(runs)
        if len(runs) < BATCH:
            store.close()
            return done


def measure(url: str, processes: int) -> tuple[int, float]:
    """Schedules drafted and seconds taken by ``processes`` workers."""
    make_due(url)
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        start = time.time() + 2.0  # every process is up and connected by then
        pending = pool.starmap_async(work, [(url, start)] * processes)
        counts = pending.get()
        elapsed = time.time() - start
    return sum(counts), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mariadb", action="store_true", help="also run on MariaDB")
    args = parser.parse_args()
    servers = ["postgresql", *(["mariadb"] if args.mariadb else [])]
    print(f"{SCHEDULES} due schedules, {TENANTS} tenants, batches of {BATCH}")
    print(f"{'database':<11} {'processes':>9} {'drafted':>8} {'seconds':>8} {'drafts/s':>9}")
    for server in servers:
        with scratch(server) as url:
            for processes in (1, 2):
                drafted, seconds = measure(url, processes)
                rate = drafted / seconds
                print(f"{server:<11} {processes:>9} {drafted:>8} {seconds:>8.2f} {rate:>9.0f}")


if __name__ == "__main__":
    main()
