"""Scheduled drafts on Celery (the ``celery`` extra): the host brings its app and broker.

:class:`ScheduledDrafts` registers two tasks on the host's Celery app:

* ``<prefix>.dispatch_due`` finds the tenants with due schedules and sends one
  ``run_due_for_tenant`` task per tenant (``per_tenant`` copies, to let several
  workers share a large tenant);
* ``<prefix>.run_due_for_tenant`` runs :meth:`weekplan.Planner.run_due` for one
  tenant in batches of ``batch``, sending itself again while a batch comes back
  full, so no task runs long and a worker that dies loses at most one batch's
  work in progress (rolled back: those schedules stay due).

The database decides who does what: each due schedule is claimed by exactly one
worker (see :meth:`~weekplan.Planner.run_due`), so duplicated or redelivered
messages, racing workers and a worker killed mid-batch never draft a week twice.
Call ``dispatch_due`` from Celery beat (:meth:`ScheduledDrafts.beat_schedule`)::

    from celery import Celery
    from weekplan import Planner
    from weekplan.adapters.sqlalchemy import SqlAlchemyStore
    from weekplan.contrib.celery import ScheduledDrafts

    app = Celery("practice", broker="redis://localhost:6379/0")
    drafts = ScheduledDrafts(app, lambda: Planner(SqlAlchemyStore(DATABASE_URL)))
    app.conf.beat_schedule = drafts.beat_schedule(every=60)

The planner factory is called once per worker process, on its first task, so
each process opens its own connections (after Celery forks it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from celery import Celery

from weekplan.errors import InvalidInput
from weekplan.planner._planner import Planner

__all__ = ["ScheduledDrafts"]

#: The most tenants one dispatch fans out to; the next dispatch takes the rest.
DISPATCH_TENANTS_MAX = 10_000


def _instant(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput.at(("now",), "must be an ISO datetime with a timezone") from None
    if parsed.tzinfo is None:
        raise InvalidInput.at(("now",), "must be an ISO datetime with a timezone")
    return parsed


def _positive(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput.at((field,), "must be a positive integer")
    return value


class ScheduledDrafts:
    """The scheduled-draft tasks, registered on the host's Celery ``app``.

    ``planner`` makes the :class:`~weekplan.Planner` a worker process uses;
    ``batch`` is how many schedules one task runs; ``per_tenant`` how many
    tasks a dispatch sends per tenant; ``queue`` the queue every task goes to
    (the app's default queue if ``None``); ``prefix`` the start of the task
    names, for hosts that register several.
    """

    def __init__(
        self,
        app: Celery,
        planner: Callable[[], Planner],
        *,
        batch: int = 50,
        per_tenant: int = 1,
        queue: str | None = None,
        prefix: str = "weekplan",
    ) -> None:
        self._make_planner = planner
        self._planner: Planner | None = None
        self._lock = threading.Lock()
        self.batch = _positive(batch, "batch")
        self.per_tenant = _positive(per_tenant, "per_tenant")
        self.queue = queue
        self.dispatch_due: Any = app.task(name=f"{prefix}.dispatch_due", ignore_result=True)(
            self._dispatch_due
        )
        # Acknowledged after the run: a message of a worker that died is delivered again.
        self.run_due_for_tenant: Any = app.task(
            name=f"{prefix}.run_due_for_tenant",
            ignore_result=True,
            acks_late=True,
            reject_on_worker_lost=True,
        )(self._run_due_for_tenant)

    @property
    def planner(self) -> Planner:
        """This process's planner, made on first use."""
        with self._lock:
            if self._planner is None:
                self._planner = self._make_planner()
            return self._planner

    def _options(self) -> dict[str, Any]:
        return {} if self.queue is None else {"queue": self.queue}

    def _dispatch_due(self, now: str | None = None) -> int:
        """Send the tasks for every tenant with a due schedule; return how many tenants."""
        instant = _instant(now)
        tenants = self.planner.due_tenants(instant, limit=DISPATCH_TENANTS_MAX)
        stamp = instant.isoformat()
        for tenant_id in tenants:
            for _ in range(self.per_tenant):
                self.run_due_for_tenant.apply_async((tenant_id, stamp), **self._options())
        return len(tenants)

    def _run_due_for_tenant(self, tenant_id: str, now: str | None = None) -> int:
        """Run one batch of the tenant's due schedules; send the next if the batch was full."""
        runs = self.planner.run_due(_instant(now), limit=self.batch, tenant_id=tenant_id)
        if len(runs) >= self.batch:
            self.run_due_for_tenant.apply_async((tenant_id, now), **self._options())
        return len(runs)

    def beat_schedule(self, *, every: float | timedelta = 60.0) -> dict[str, dict[str, Any]]:
        """A ``beat_schedule`` entry that dispatches due work ``every`` seconds (or timedelta).

        Merge it into the host's: ``app.conf.beat_schedule = {**mine, **drafts.beat_schedule()}``.
        """
        seconds = every.total_seconds() if isinstance(every, timedelta) else every
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
            raise InvalidInput.at(("every",), "must be a positive number of seconds")
        return {
            self.dispatch_due.name: {
                "task": self.dispatch_due.name,
                "schedule": float(seconds),
                "options": self._options(),
            }
        }
