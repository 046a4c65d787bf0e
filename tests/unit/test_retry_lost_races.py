"""A write that loses a race it did not opt into is run again, a bounded number of times."""

from __future__ import annotations

import pytest

from weekplan import ConcurrentUpdate, Dish, Planner, VersionConflict
from weekplan.adapters.memory import InMemoryStore
from weekplan.domain._suggestions import MealSignals
from weekplan.planner._retry import ATTEMPTS, retry_lost_races
from weekplan.ports import DishRepository, UnitOfWork


def test_a_lost_race_is_run_again_until_it_wins() -> None:
    attempts: list[int] = []

    def call() -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise ConcurrentUpdate()
        return "won"

    assert retry_lost_races(call) == "won"
    assert len(attempts) == 3


def test_after_the_last_attempt_the_conflict_reaches_the_caller() -> None:
    attempts: list[int] = []

    def call() -> None:
        attempts.append(1)
        raise ConcurrentUpdate()

    with pytest.raises(ConcurrentUpdate) as caught:
        retry_lost_races(call)
    assert len(attempts) == ATTEMPTS
    assert caught.value.status_code == 409
    assert caught.value.to_dict() == {"detail": "week_plan_concurrent_update"}


def test_other_errors_are_not_retried() -> None:
    attempts: list[int] = []

    def call() -> None:
        attempts.append(1)
        raise VersionConflict()

    with pytest.raises(VersionConflict):
        retry_lost_races(call)
    assert attempts == [1]


class _LosingDishes:
    """The dishes of a unit of work, but every compare-and-set loses, as if a
    concurrent call always got in first."""

    def __init__(self, inner: DishRepository, store: _AlwaysLosingStore) -> None:
        self._inner = inner
        self._store = store

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    def replace(
        self,
        tenant_id: str,
        dish: Dish,
        *,
        expected_version: int,
        signals: MealSignals | None = None,
    ) -> bool:
        self._store.replaces += 1
        return False


class _AlwaysLosingStore:
    def __init__(self) -> None:
        self.inner = InMemoryStore()
        self.replaces = 0

    def unit_of_work(self) -> UnitOfWork:
        uow = self.inner.unit_of_work()
        setattr(uow, "dishes", _LosingDishes(uow.dishes, self))  # noqa: B010  # a plain attribute
        return uow


def test_a_use_case_retries_then_answers_concurrent_update_not_version_conflict() -> None:
    store = _AlwaysLosingStore()
    worker = Planner(store).worker("tenant-a")
    worker.upsert_dish("oats", name="Oats")
    with pytest.raises(ConcurrentUpdate):
        worker.upsert_dish("oats", name="Oats with apple")
    assert store.replaces == ATTEMPTS
