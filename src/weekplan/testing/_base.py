"""What every part of the conformance suite shares: the factory, fixtures and helpers."""

from __future__ import annotations

import abc
import itertools
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar, cast

import pytest
from hypothesis import HealthCheck, settings

from weekplan.domain._entries import PlanEntry
from weekplan.domain._paging import Page
from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.planner._planner import Planner
from weekplan.planner._worker import WorkerPlanner
from weekplan.ports import CoreStore, Store

__all__ = [
    "MONDAY",
    "ConformanceBase",
    "StoreState",
    "all_pages",
    "monday_plus",
    "sample_days",
    "shared_store",
    "snapshot_of",
    "ticking_clock",
]

T = TypeVar("T")

#: Settings for hypothesis tests that share one store across examples. That is safe
#: because each example works in tenants of its own; a host may also run the suite
#: for several stores, i.e. the same test from several subclasses.
shared_store = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.differing_executors]
)

#: A Monday, the default first day of a week.
MONDAY = date(2026, 11, 23)

StoreState = tuple[tuple[WeekPlanTemplate, ...], tuple[WeekPlanInstance, ...]]


def ticking_clock(start: datetime | None = None) -> Callable[[], datetime]:
    """A clock that moves one millisecond and a microsecond per reading.

    The odd microsecond proves a store keeps full precision.
    """
    origin = start or datetime(2026, 11, 21, 8, 0, 0, 1, tzinfo=UTC)
    counter = itertools.count()
    return lambda: origin + timedelta(microseconds=1001 * next(counter))


def sample_days() -> list[PlanEntry]:
    """A small, realistic template: three slots on Monday, one on Sunday."""
    return [
        PlanEntry("mon", "breakfast", notes="oats"),
        PlanEntry("mon", "lunch"),
        PlanEntry("mon", "dinner", notes="salmon"),
        PlanEntry("sun", "brunch", notes="pancakes"),
    ]


def all_pages(fetch: Callable[[str | None], Page[T]]) -> tuple[T, ...]:
    """Every item of a listing, following cursors to the end."""
    items: list[T] = []
    cursor: str | None = None
    while True:
        page = fetch(cursor)
        items.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return tuple(items)


def snapshot_of(worker: WorkerPlanner) -> StoreState:
    """Everything a tenant's worker can see, to compare before and after."""
    templates = all_pages(lambda c: worker.list_templates(limit=200, cursor=c))
    instances = all_pages(lambda c: worker.list_instances(limit=200, cursor=c))
    return templates, instances


class ConformanceBase(abc.ABC):
    """The one factory a store's test class provides, and the fixtures built on it."""

    @abc.abstractmethod
    def make_store(self) -> CoreStore:
        """A store to test: empty, or holding only other tenants' data."""

    def dispose_store(self, store: Store) -> None:  # noqa: B027  # optional hook, empty by default
        """Release what ``make_store`` acquired (override if your store needs it)."""

    @pytest.fixture
    def store(self) -> Iterator[CoreStore]:
        store = self.make_store()
        try:
            yield store
        finally:
            # Typed ``Store`` for the subclasses written before the port was layered.
            self.dispose_store(cast(Store, store))

    @pytest.fixture
    def planner(self, store: CoreStore) -> Planner:
        return Planner(store, clock=ticking_clock())

    @pytest.fixture
    def tenant(self) -> str:
        """A tenant id no other test uses, so stores may be shared between tests."""
        return f"tenant-{uuid.uuid4().hex[:12]}"

    @pytest.fixture
    def other_tenant(self) -> str:
        return f"tenant-{uuid.uuid4().hex[:12]}"

    @pytest.fixture
    def worker(self, planner: Planner, tenant: str) -> WorkerPlanner:
        return planner.worker(tenant)

    @pytest.fixture
    def template(self, worker: WorkerPlanner) -> WeekPlanTemplate:
        return worker.create_template("Balanced week", sample_days())

    @pytest.fixture
    def instance(self, worker: WorkerPlanner, template: WeekPlanTemplate) -> WeekPlanInstance:
        return worker.create_instance(template.id, "client-42", MONDAY)


def monday_plus(weeks: int) -> date:
    """The Monday ``weeks`` after :data:`MONDAY`."""
    return MONDAY + timedelta(weeks=weeks)
