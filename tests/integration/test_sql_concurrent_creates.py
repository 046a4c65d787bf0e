"""Concurrent create-if-absent on real servers: nobody loses a race they did not opt into.

Sixteen threads write the same new thing at once. Without ``expected_version``
every call succeeds (the last writer wins); with it, exactly the calls whose
version went stale get :class:`~weekplan.VersionConflict`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
from sqlalchemy import URL

from weekplan import Dish, PlanEntry, Planner, VersionConflict, WeekPlanError
from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.guardrails._model import GuardrailsRuleset
from weekplan.testing._base import MONDAY
from weekplan.testing._diet_races import NO_MILK, NO_SPINACH

T = TypeVar("T")
THREADS = 16
ROUNDS = 5


def _race(action: Callable[[int], T]) -> list[T | Exception]:
    barrier = threading.Barrier(THREADS)
    results: list[T | Exception] = [RuntimeError("did not run")] * THREADS

    def run(n: int) -> None:
        barrier.wait()
        try:
            results[n] = action(n)
        except Exception as exc:  # every outcome is inspected
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _failures(outcomes: list[T | Exception]) -> list[Exception]:
    return [o for o in outcomes if isinstance(o, Exception)]


@pytest.fixture
def race_store(server_url: URL) -> Iterator[SqlAlchemyStore]:
    """A store on a server with a connection for every racing thread."""
    store = SqlAlchemyStore(server_url, pool_size=THREADS, max_overflow=0)
    store.create_all()
    yield store
    store.close()


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_racing_upserts_of_a_new_dish_all_succeed(race_store: SqlAlchemyStore, round_: int) -> None:
    worker = Planner(race_store).worker(f"tenant-dish-race-{round_}")
    outcomes = _race(lambda n: worker.upsert_dish("new-dish", name=f"Dish by {n:02}"))
    assert _failures(outcomes) == []
    dishes = [o for o in outcomes if isinstance(o, Dish)]
    # Each call created or changed the dish once, in some order: the last one wins.
    assert sorted(d.version for d in dishes) == list(range(1, THREADS + 1))
    last = max(dishes, key=lambda d: d.version)
    assert worker.get_dish("new-dish") == last


def test_racing_upserts_of_an_existing_dish_all_succeed(race_store: SqlAlchemyStore) -> None:
    worker = Planner(race_store).worker("tenant-dish-update-race")
    worker.upsert_dish("dish", name="First")
    outcomes = _race(lambda n: worker.upsert_dish("dish", name=f"Dish by {n:02}"))
    assert _failures(outcomes) == []
    assert worker.get_dish("dish").version == THREADS + 1


def test_with_expected_version_exactly_the_stale_callers_conflict(
    race_store: SqlAlchemyStore,
) -> None:
    worker = Planner(race_store).worker("tenant-dish-cas-race")
    worker.upsert_dish("dish", name="First")
    outcomes = _race(
        lambda n: worker.upsert_dish("dish", name=f"Dish by {n:02}", expected_version=1)
    )
    wins = [o for o in outcomes if isinstance(o, Dish)]
    assert len(wins) == 1
    assert all(type(o) is VersionConflict for o in _failures(outcomes)), outcomes


def test_racing_weeks_count_every_entry_in_the_history(race_store: SqlAlchemyStore) -> None:
    tenant = "tenant-history-race"
    worker = Planner(race_store).worker(tenant)
    for n in range(3):
        worker.upsert_dish(f"dish-{n}", name=f"Dish {n}")
    template = worker.create_template(
        "Week",
        [
            PlanEntry(day, "lunch", dish_template_id=f"dish-{n}")
            for n, day in enumerate(("mon", "tue", "wed"))
        ],
    )
    outcomes = _race(lambda n: worker.create_instance(template.id, f"client-{n}", MONDAY))
    assert _failures(outcomes) == []
    with race_store.unit_of_work() as uow:
        counts = uow.meal_history.counts(tenant)
    # The template's own entries count once, each week's once more.
    assert counts == {("lunch", f"dish-{n}"): THREADS + 1 for n in range(3)}


def test_racing_saves_of_one_ruleset_all_return_it(race_store: SqlAlchemyStore) -> None:
    worker = Planner(race_store).worker("tenant-ruleset-race")
    outcomes = _race(lambda _n: worker.save_ruleset(NO_MILK))
    assert _failures(outcomes) == []
    saved = {o.content_hash for o in outcomes if isinstance(o, GuardrailsRuleset)}
    assert len(saved) == 1
    assert [r.content_hash for r in worker.list_rulesets().items] == list(saved)


def test_racing_assignments_of_one_client_all_succeed(race_store: SqlAlchemyStore) -> None:
    worker = Planner(race_store).worker("tenant-assign-race")
    hashes = [
        worker.save_ruleset(NO_MILK).content_hash,
        worker.save_ruleset(NO_SPINACH).content_hash,
    ]
    outcomes = _race(lambda n: worker.assign_ruleset("client-1", hashes[n % 2]))
    assert not [o for o in outcomes if isinstance(o, WeekPlanError | Exception)], outcomes
    final = worker.get_client_ruleset("client-1")
    assert final is not None
    assert final.content_hash in hashes
