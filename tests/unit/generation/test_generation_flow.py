"""The generation flow on the in-memory store: every outcome recorded, the quota counted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest

from weekplan import (
    GenerationFailed,
    GenerationInfeasible,
    GenerationQuotaExceeded,
    GenerationRun,
    PlanEntry,
)
from weekplan.adapters.memory import InMemoryStore
from weekplan.domain._days import DAY_ORDER, DayKey
from weekplan.domain._entries import SlotKey
from weekplan.generation import CheckedWeek, GeneratedWeek, GenerationQuota, GenerationRequest
from weekplan.planner._generation_flow import GenerationJob
from weekplan.planner._options import PlannerOptions
from weekplan.planner._planner import Planner
from weekplan.ports import UnitOfWork, runs_of
from weekplan.testing._generation_problems import diet, dish, quota

pytest.importorskip("ortools", reason="the flow runs the solver")

WEEK = date(2026, 11, 23)
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


class Broken:
    """A generator whose answer can never be read."""

    name = "broken"
    version = "0"

    def generate(self, request: GenerationRequest) -> GeneratedWeek:
        raise GenerationFailed("the model answered in prose")


def job(
    store: InMemoryStore,
    saved: list[tuple[PlanEntry, ...]],
    *,
    days: Sequence[DayKey] = DAY_ORDER,
    **options: object,
) -> GenerationJob:
    settings = PlannerOptions(clock=lambda: NOW, **options)  # type: ignore[arg-type]

    def base(uow: UnitOfWork) -> tuple[tuple[PlanEntry, ...], frozenset[SlotKey]]:
        return tuple(PlanEntry(day, "dinner") for day in DAY_ORDER[:3]), frozenset()

    def save(uow: UnitOfWork, checked: CheckedWeek) -> int:
        saved.append(checked.week)
        return len(saved)

    return GenerationJob(
        tenant_id="tenant-a",
        client_ref="client-1",
        week_start_date=WEEK,
        days=tuple(days),
        run_type="generate",  # type: ignore[arg-type]
        seed=5,
        options=settings,
        transaction=store.unit_of_work,
        catalog=lambda uow: uow.dishes,
        base=base,
        save=save,
    )


def runs(store: InMemoryStore) -> list[GenerationRun]:
    with store.unit_of_work() as uow:
        repo = runs_of(uow)
        assert repo is not None
        return list(repo.list("tenant-a", client_ref=None, before=None, limit=50))


@pytest.fixture
def store() -> InMemoryStore:
    store = InMemoryStore()
    worker = Planner(store).worker("tenant-a")
    for index, ingredients in enumerate([["vis"], ["vis"], ["bonen"], ["rijst"], ["melk"]]):
        catalog_dish = dish(f"d{index}", "dinner", *ingredients)
        worker.upsert_dish(
            catalog_dish.id, name=catalog_dish.name, meal_types=["dinner"], ingredients=ingredients
        )
    return store


def test_a_successful_generation_saves_once_and_records_the_draft_it_made(
    store: InMemoryStore,
) -> None:
    saved: list[tuple[PlanEntry, ...]] = []
    checked, run = job(store, saved).run()
    assert saved == [checked.week]
    assert runs(store) == [run]
    assert (run.status.value, run.attempts, run.draft_version, run.seed) == ("succeeded", 1, 1, 5)
    assert run.started_at == NOW
    assert run.generator == "cp-sat"


def test_an_infeasible_diet_is_recorded_with_its_error_and_nothing_is_saved(
    store: InMemoryStore,
) -> None:
    saved: list[tuple[PlanEntry, ...]] = []
    worker = Planner(store).worker("tenant-a")
    strict = worker.save_ruleset(diet(quota("fish", "force", "vis", min_per_week=3)))
    worker.assign_ruleset("client-1", strict.content_hash)
    with pytest.raises(GenerationInfeasible):
        job(store, saved).run()
    assert saved == []
    (run,) = runs(store)
    assert (run.status.value, run.error_code) == ("infeasible", "generation_infeasible")
    assert run.ruleset_hash == strict.content_hash
    assert "force fish" in (run.error_message or "")


def test_a_generator_that_never_answers_is_recorded_as_failed_after_every_attempt(
    store: InMemoryStore,
) -> None:
    with pytest.raises(GenerationFailed):
        job(store, [], generator=Broken(), generation_attempts=2).run()
    (run,) = runs(store)
    assert (run.status.value, run.attempts, run.generator) == ("failed", 2, "broken")
    assert run.error_code == "generation_failed"


def test_over_the_quota_nothing_is_generated_and_the_refusal_is_recorded(
    store: InMemoryStore,
) -> None:
    saved: list[tuple[PlanEntry, ...]] = []
    limited = GenerationQuota(per_client=1, window=timedelta(minutes=30))
    job(store, saved, generation_quota=limited).run()
    with pytest.raises(GenerationQuotaExceeded) as caught:
        job(store, saved, generation_quota=limited, generator=Broken()).run()
    assert caught.value.retry_after == 1800
    assert len(saved) == 1
    statuses = sorted(run.status.value for run in runs(store))
    assert statuses == ["quota_exceeded", "succeeded"]
