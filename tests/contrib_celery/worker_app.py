"""The Celery app the tests' worker processes run (``celery -A tests.contrib_celery.worker_app``).

Everything comes from the environment the test sets for its workers: the broker
(a Redis database of the tests' own), the queue (unique per test run), the
PostgreSQL schema both workers share, and a pause per clock reading that
stretches each draft so a worker can be killed in the middle of its batch.
Each worker records every run it committed in a Redis list, with its pid.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

import redis
from celery import Celery

from weekplan import Planner, ScheduledRun
from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.contrib.celery import ScheduledDrafts
from weekplan.ports import Store

BROKER = "WEEKPLAN_CELERY_BROKER"
QUEUE = "WEEKPLAN_CELERY_QUEUE"
DATABASE = "WEEKPLAN_CELERY_DATABASE"
RECORD = "WEEKPLAN_CELERY_RECORD"
PAUSE = "WEEKPLAN_CELERY_PAUSE"


class RecordingPlanner(Planner):
    """A planner that pushes each run it committed to a Redis list, for the test to count."""

    def __init__(self, store: Store, *, broker: str, record: str, pause: float) -> None:
        def slow_clock() -> datetime:
            time.sleep(pause)
            return datetime.now(UTC)

        super().__init__(store, clock=slow_clock)
        self._redis = redis.Redis.from_url(broker)
        self._record = record

    def run_due(
        self, now: datetime, *, limit: int = 100, tenant_id: str | None = None
    ) -> list[ScheduledRun]:
        runs = super().run_due(now, limit=limit, tenant_id=tenant_id)
        if runs:
            pid = os.getpid()
            self._redis.rpush(
                self._record,
                *[f"{r.tenant_id}/{r.client_ref}/{r.outcome.value}/{pid}" for r in runs],
            )
        return runs


def make_app(*, broker: str, queue: str, database: str, record: str, pause: float) -> Celery:
    """The app, its two tasks registered by :class:`ScheduledDrafts`."""
    app = Celery("weekplan-tests", broker=broker)
    app.conf.update(
        task_default_queue=queue,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        # A killed worker's unacknowledged message comes back after this many seconds.
        broker_transport_options={"visibility_timeout": 5},
        worker_hijack_root_logger=False,
    )
    app.drafts = ScheduledDrafts(
        app,
        lambda: RecordingPlanner(
            SqlAlchemyStore(database, pool_size=1), broker=broker, record=record, pause=pause
        ),
        batch=5,
        per_tenant=2,
        queue=queue,
    )
    return app


if BROKER in os.environ:
    app = make_app(
        broker=os.environ[BROKER],
        queue=os.environ[QUEUE],
        database=os.environ[DATABASE],
        record=os.environ[RECORD],
        pause=float(os.environ.get(PAUSE, "0")),
    )
