"""Scheduled drafts on real Celery workers, a real Redis broker and a shared PostgreSQL.

The tests start two worker processes (``--pool=solo``: the process that takes a
task runs it, so killing it kills the task), dispatch 200 due schedules and
count what was made. The broker is a Redis database of the tests' own
(``REDIS_DB``) and the queue is unique per run, so parallel runs never share
messages; the workers share a PostgreSQL schema made for the test.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import URL, text

from tests.contrib_celery import worker_app
from tests.databases import POSTGRESQL, databases_required
from tests.integration.conftest import admin_engine
from weekplan import PlanEntry, Planner, RunOutcome
from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.contrib.celery import ScheduledDrafts

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("WEEKPLAN_TEST_REDIS_URL", "redis://127.0.0.1:6379")
REDIS_DB = 13
SET_AT = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
DUE_AT = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # Friday 09:00 in Amsterdam
TENANTS = 4
CLIENTS = 50  # 200 schedules in all
WAIT = 120.0


@pytest.fixture
def broker() -> str:
    url = f"{REDIS_URL}/{REDIS_DB}"
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError as exc:
        reason = f"database not tested: no Redis at {REDIS_URL}: {exc}"
        if databases_required():
            pytest.fail(f"{reason} (and CI requires every service)", pytrace=False)
        pytest.skip(reason)
    finally:
        client.close()
    return url


@pytest.fixture
def database() -> Iterator[URL]:
    """A PostgreSQL schema both workers reach, with weekplan's tables; dropped after."""
    admin = admin_engine(POSTGRESQL)
    schema = f"weekplan_celery_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    store = SqlAlchemyStore(url)
    store.create_all()
    store.close()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class Cluster:
    """Two worker processes on one queue, and the test's view of what they did."""

    def __init__(self, broker: str, database: URL, tmp_path: Path, pause: float) -> None:
        run = uuid.uuid4().hex[:12]
        self.queue = f"weekplan-test-{run}"
        self.record = f"weekplan-test-{run}-runs"
        self.broker = broker
        self.database = database.render_as_string(hide_password=False)
        self.logs = tmp_path
        # Without DJANGO_SETTINGS_MODULE (the tests set it): Celery would set Django up.
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            worker_app.BROKER: broker,
            worker_app.QUEUE: self.queue,
            worker_app.DATABASE: self.database,
            worker_app.RECORD: self.record,
            worker_app.PAUSE: str(pause),
        }
        self.workers: list[subprocess.Popen[bytes]] = []
        self.app = worker_app.make_app(
            broker=broker,
            queue=self.queue,
            database=self.database,
            record=self.record,
            pause=0,
        )
        self.redis = redis.Redis.from_url(broker)

    @property
    def drafts(self) -> ScheduledDrafts:
        drafts: ScheduledDrafts = self.app.drafts
        return drafts

    def start(self, count: int) -> None:
        for n in range(count):
            log = self.logs / f"worker-{n}.log"
            command = [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.contrib_celery.worker_app",
                "worker",
                "--pool=solo",
                f"--queues={self.queue}",
                f"--hostname=w{n}-{self.queue}@localhost",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                f"--logfile={log}",
            ]
            self.workers.append(
                subprocess.Popen(command, cwd=ROOT, env=self.env, start_new_session=True)
            )
        deadline = time.monotonic() + 60
        for n in range(count):
            log = self.logs / f"worker-{n}.log"
            while not (log.exists() and "ready." in log.read_text()):
                assert self.workers[n].poll() is None, f"worker {n} exited early"
                assert time.monotonic() < deadline, f"worker {n} never got ready"
                time.sleep(0.2)

    def kill(self, n: int) -> None:
        os.killpg(self.workers[n].pid, signal.SIGKILL)
        self.workers[n].wait(timeout=10)

    def stop(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
        # Only this run's keys: other runs may share the database number.
        self.redis.delete(self.queue, self.record)
        self.redis.close()

    def dispatch(self) -> None:
        self.drafts.dispatch_due.apply_async((DUE_AT.isoformat(),), queue=self.queue)

    def runs(self) -> list[tuple[str, str, str, str]]:
        raw = self.redis.lrange(self.record, 0, -1)
        entries = [e.decode() if isinstance(e, bytes) else str(e) for e in raw]
        runs = []
        for entry in entries:
            tenant, client, outcome, pid = entry.split("/")
            runs.append((tenant, client, outcome, pid))
        return runs

    def rows(self, table: str = "weekplan_drafts") -> Counter[tuple[str, str]]:
        """How many drafts (or, with ``table``, live weeks) each client has."""
        store = SqlAlchemyStore(self.database)
        assert store.engine is not None
        try:
            with store.engine.connect() as connection:
                rows = connection.execute(text(f"SELECT tenant_id, client_ref FROM {table}")).all()
        finally:
            store.close()
        return Counter((row[0], row[1]) for row in rows)

    def wait_for(self, count: int, *, redispatch_every: float | None = None) -> None:
        deadline = time.monotonic() + WAIT
        last_dispatch = time.monotonic()
        while sum(self.rows().values()) < count:
            assert time.monotonic() < deadline, f"only {sum(self.rows().values())} drafts made"
            if redispatch_every and time.monotonic() - last_dispatch > redispatch_every:
                self.dispatch()  # what beat does every minute
                last_dispatch = time.monotonic()
            time.sleep(0.3)


def _schedule_everyone(database: URL) -> list[tuple[str, str]]:
    store = SqlAlchemyStore(database)
    planner = Planner(store, clock=lambda: SET_AT)
    expected = []
    for t in range(TENANTS):
        worker = planner.worker(f"tenant-{t}")
        template = worker.create_template("Week", [PlanEntry("mon", "lunch", notes="soup")])
        for c in range(CLIENTS):
            worker.set_schedule(
                f"client-{c:03}",
                weekday="fri",
                time="09:00",
                timezone="Europe/Amsterdam",
                source={"template_id": template.id},
            )
            expected.append((f"tenant-{t}", f"client-{c:03}"))
    store.close()
    return expected


def _every_schedule_moved_once(database: URL, expected: list[tuple[str, str]]) -> None:
    store = SqlAlchemyStore(database)
    planner = Planner(store)
    try:
        for tenant, client in expected:
            schedule = planner.worker(tenant).get_schedule(client)
            assert schedule.last_outcome is RunOutcome.PRODUCED, (tenant, client)
            assert schedule.next_run_at == DUE_AT + timedelta(weeks=1), (tenant, client)
    finally:
        store.close()


@pytest.fixture
def cluster(broker: str, database: URL, tmp_path: Path) -> Iterator[Cluster]:
    made = Cluster(broker, database, tmp_path, pause=0.02)
    try:
        yield made
    finally:
        made.stop()


def test_two_workers_racing_draft_200_due_weeks_exactly_once(
    cluster: Cluster, database: URL
) -> None:
    expected = _schedule_everyone(database)
    cluster.start(2)
    cluster.dispatch()
    cluster.wait_for(len(expected))
    time.sleep(2)  # anything still running would show up now
    for table in ("weekplan_drafts", "weekplan_instances"):
        made = cluster.rows(table)
        assert sorted(made) == sorted(expected), table
        assert set(made.values()) == {1}, table
    runs = cluster.runs()
    assert len(runs) == len(expected) == sum(cluster.rows().values()) == 200
    assert sorted((tenant, client) for tenant, client, _, _ in runs) == sorted(expected)
    assert {outcome for _, _, outcome, _ in runs} == {"produced"}
    assert len({pid for _, _, _, pid in runs}) == 2, "both workers drafted"
    _every_schedule_moved_once(database, expected)


def test_a_worker_killed_mid_batch_leaves_the_rest_to_the_other_still_none_twice(
    cluster: Cluster, database: URL
) -> None:
    expected = _schedule_everyone(database)
    cluster.start(2)
    cluster.dispatch()
    cluster.wait_for(40)
    cluster.kill(0)
    cluster.wait_for(len(expected), redispatch_every=3.0)
    time.sleep(2)
    for table in ("weekplan_drafts", "weekplan_instances"):
        made = cluster.rows(table)
        assert sorted(made) == sorted(expected), table
        assert set(made.values()) == {1}, table
    runs = cluster.runs()
    ran = Counter((tenant, client) for tenant, client, _, _ in runs)
    # A run is recorded after its commit: a kill in between loses the record, never the draft.
    assert set(ran.values()) == {1}
    assert len(runs) >= len(expected) - 5
    assert {outcome for _, _, outcome, _ in runs} == {"produced"}
    _every_schedule_moved_once(database, expected)


def test_the_beat_entry_names_the_dispatch_task_and_its_queue(broker: str, database: URL) -> None:
    app = worker_app.make_app(
        broker=broker, queue="q-beat", database=str(database), record="r", pause=0
    )
    drafts: ScheduledDrafts = app.drafts
    entry = drafts.beat_schedule(every=timedelta(minutes=2))
    assert entry == {
        "weekplan.dispatch_due": {
            "task": "weekplan.dispatch_due",
            "schedule": 120.0,
            "options": {"queue": "q-beat"},
        }
    }
