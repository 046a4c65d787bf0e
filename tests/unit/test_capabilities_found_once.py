"""The change log, locks, drafts, runs and schedules are found once per planner, like the others.

A store lacking one of them is refused, naming it, before any unit of work is
made; a call never asks the store again which repositories it has; and each of
the five works without the others.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from weekplan import GenerationFailed, NotSupportedByStore, Planner, WorkerPlanner
from weekplan.adapters.memory import InMemoryStore
from weekplan.generation import GeneratedWeek, GenerationRequest
from weekplan.planner._uow_wrapper import CoreUnitOfWorkWrapper
from weekplan.ports import UnitOfWork

MONDAY = "2026-11-23"
FRIDAY_MORNING = datetime(2026, 11, 27, 8, tzinfo=UTC)
OPTIONAL = ("changes", "locks", "drafts", "runs", "schedules")


class _Counted(CoreUnitOfWorkWrapper):
    """A unit of work of the in-memory store that forwards every optional repository but some."""

    _inner: UnitOfWork

    def __init__(self, store: _HidingStore, inner: UnitOfWork) -> None:
        super().__init__(inner)
        self._store = store

    def __getattr__(self, name: str) -> Any:
        # Every optional repository is reached through here, so every lookup is counted.
        self._store.lookups[name] += 1
        if name.startswith("_") or name in self._store.hidden:
            raise AttributeError(name)
        return getattr(self._inner, name)

    def __enter__(self) -> _Counted:
        self._store.entered += 1
        super().__enter__()
        return self


class _HidingStore:
    """The in-memory store without the repositories in ``hidden``, counting what it is asked."""

    def __init__(self, *hidden: str) -> None:
        self._inner = InMemoryStore()
        self.hidden = frozenset(hidden)
        self.made = 0
        self.entered = 0
        self.lookups: Counter[str] = Counter()

    def unit_of_work(self) -> _Counted:
        self.made += 1
        return _Counted(self, self._inner.unit_of_work())

    def reset(self) -> None:
        self.made = self.entered = 0
        self.lookups.clear()


class _Broken:
    """A generator that always fails (no solver needed), so a generation is quick."""

    name = "broken"
    version = "0"

    def generate(self, request: GenerationRequest) -> GeneratedWeek:
        raise GenerationFailed("no answer")


def _planner(store: _HidingStore) -> Planner:
    return Planner(store, clock=lambda: datetime(2026, 11, 20, tzinfo=UTC), generator=_Broken())


def _week(worker: WorkerPlanner) -> str:
    template = worker.create_template("Week", [{"day_key": "mon", "slot_key": "lunch"}])
    worker.create_instance(template.id, "client-42", MONDAY)
    return template.id


def _features(planner: Planner, worker: WorkerPlanner, template_id: str) -> dict[str, Any]:
    """Every call of each capability, by the words its refusal names the capability with."""
    return {
        "changes": {
            "no change log": [
                lambda: worker.list_changes("client-42", MONDAY),
                lambda: worker.list_template_changes(template_id),
                worker.list_all_changes,
            ]
        },
        "locks": {
            "no slot locks": [
                lambda: worker.lock_slot("client-42", MONDAY, "mon", "lunch"),
                lambda: worker.unlock_slot("client-42", MONDAY, "mon", "lunch"),
            ]
        },
        "drafts": {
            "no drafts": [
                lambda: worker.start_draft("client-42", MONDAY),
                lambda: worker.get_draft("client-42", MONDAY),
                lambda: worker.draft("client-42", MONDAY),
                lambda: worker.review_draft("client-42", MONDAY),
                lambda: worker.apply_draft("client-42", MONDAY),
                lambda: worker.discard_draft("client-42", MONDAY),
                lambda: worker.generate_draft("client-42", MONDAY),
                # Every scheduled run drafts a week.
                lambda: worker.set_schedule(
                    "client-42", weekday="fri", time="09:00", timezone="UTC", source="generator"
                ),
                lambda: planner.run_due(FRIDAY_MORNING),
            ]
        },
        "schedules": {
            "no schedules": [
                lambda: worker.set_schedule(
                    "client-42", weekday="fri", time="09:00", timezone="UTC", source="generator"
                ),
                lambda: worker.get_schedule("client-42"),
                worker.list_schedules,
                lambda: worker.delete_schedule("client-42"),
                lambda: planner.run_due(FRIDAY_MORNING),
                lambda: planner.due_tenants(FRIDAY_MORNING),
            ]
        },
    }


@pytest.mark.parametrize("hidden", ["changes", "locks", "drafts", "schedules"])
def test_a_store_lacking_a_capability_is_refused_naming_it_before_a_unit_of_work_is_made(
    hidden: str,
) -> None:
    store = _HidingStore(hidden)
    planner = _planner(store)
    assert planner.capabilities == {"dishes", "rulesets", *OPTIONAL} - {hidden}
    worker = planner.worker("tenant-a")
    template_id = _week(worker)
    [(words, calls)] = _features(planner, worker, template_id)[hidden].items()
    store.reset()
    for call in calls:
        with pytest.raises(NotSupportedByStore) as caught:
            call()
        assert caught.value.status_code == 501
        assert caught.value.to_dict() == {"detail": "not_supported_by_store"}
        assert words in str(caught.value)
    assert (store.made, store.entered) == (0, 0)
    assert sum(store.lookups.values()) == 0


def test_a_call_that_needs_two_missing_capabilities_names_both() -> None:
    worker = _planner(_HidingStore("schedules", "drafts")).worker("tenant-a")
    with pytest.raises(NotSupportedByStore, match=r"no schedules \(.*\); no drafts \("):
        worker.set_schedule(
            "client-42", weekday="fri", time="09:00", timezone="UTC", source="generator"
        )


def test_a_store_without_runs_lists_none_and_generates_without_a_quota_never_asking_again() -> None:
    store = _HidingStore("runs")
    planner = _planner(store)
    assert "runs" not in planner.capabilities
    worker = planner.worker("tenant-a")
    _week(worker)
    store.reset()
    assert worker.list_runs().items == ()
    assert (store.made, store.entered) == (0, 0)
    with pytest.raises(GenerationFailed):
        worker.generate_draft("client-42", MONDAY)
    assert store.lookups["runs"] == 0


def test_the_store_is_asked_for_its_repositories_once_when_the_planner_is_built() -> None:
    store = _HidingStore(*OPTIONAL)
    planner = _planner(store)
    # One unit of work, made and never entered; each repository looked up once.
    assert (store.made, store.entered) == (1, 0)
    assert {name: store.lookups[name] for name in OPTIONAL} == dict.fromkeys(OPTIONAL, 1)
    store.reset()
    worker = planner.worker("tenant-a", actor="user-17")
    template_id = _week(worker)
    worker.set_slot("client-42", MONDAY, "mon", "lunch", notes="soup")
    worker.update_template(template_id, name="Week 2")
    assert worker.get_instance("client-42", MONDAY).locks == ()
    worker.reset_slot("client-42", MONDAY, "mon", "lunch")
    worker.delete_instance("client-42", MONDAY)
    worker.delete_template(template_id)
    assert worker.list_runs().items == ()
    # The writes ran without a log, locks or drafts, and none was looked up again.
    assert store.entered > 0
    assert {name: store.lookups[name] for name in OPTIONAL} == dict.fromkeys(OPTIONAL, 0)


def test_each_workflow_capability_works_without_the_others() -> None:
    # Locks without drafts or a log: the lock holds; a draft is refused.
    store = _HidingStore("drafts", "changes")
    worker = _planner(store).worker("tenant-a")
    _week(worker)
    locked = worker.lock_slot("client-42", MONDAY, "mon", "lunch")
    assert [lock.slot_key for lock in locked.locks] == ["lunch"]
    with pytest.raises(NotSupportedByStore, match="no drafts"):
        worker.start_draft("client-42", MONDAY)
    worker.delete_instance("client-42", MONDAY)

    # Drafts and the log without locks: the draft applies, and is logged.
    store = _HidingStore("locks")
    worker = _planner(store).worker("tenant-a")
    _week(worker)
    worker.start_draft("client-42", MONDAY)
    worker.draft("client-42", MONDAY).set_slot("mon", "lunch", notes="soup")
    applied = worker.apply_draft("client-42", MONDAY)
    assert applied.days[0].notes == "soup"
    logged = worker.list_changes("client-42", MONDAY).items
    assert sorted(record.source.value for record in logged) == ["apply", "create"]
    with pytest.raises(NotSupportedByStore, match="no slot locks"):
        worker.lock_slot("client-42", MONDAY, "mon", "lunch")

    # Drafts without a log: applied, unlogged; the log is refused.
    store = _HidingStore("changes")
    worker = _planner(store).worker("tenant-a")
    _week(worker)
    worker.start_draft("client-42", MONDAY)
    worker.draft("client-42", MONDAY).set_slot("mon", "lunch", notes="pap")
    assert worker.apply_draft("client-42", MONDAY).days[0].notes == "pap"
    with pytest.raises(NotSupportedByStore, match="no change log"):
        worker.list_changes("client-42", MONDAY)
