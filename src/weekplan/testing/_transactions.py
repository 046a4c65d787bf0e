"""Conformance: a unit of work is all or nothing, and concurrent edits never get lost."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import attrs
import pytest

from weekplan.domain._entries import PlanEntry
from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.errors import InstanceExists, VersionConflict
from weekplan.planner._worker import WorkerPlanner
from weekplan.ports import Store
from weekplan.testing._base import MONDAY, ConformanceBase

__all__ = ["TransactionConformance"]

T = TypeVar("T")
_WHEN = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


class _Boom(Exception):
    pass


def _template(tenant: str, template_id: str, name: str = "Direct") -> WeekPlanTemplate:
    return WeekPlanTemplate(
        id=template_id,
        tenant_id=tenant,
        name=name,
        days=(PlanEntry("mon", "lunch"),),
        version=1,
        created_at=_WHEN,
        updated_at=_WHEN,
    )


class TransactionConformance(ConformanceBase):
    #: Threads racing in the concurrency tests.
    race_threads = 8

    def test_a_committed_unit_of_work_is_visible_to_the_next(
        self, store: Store, tenant: str
    ) -> None:
        with store.unit_of_work() as uow:
            uow.templates.add(tenant, _template(tenant, "t-1"))
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.templates.get(tenant, "t-1") == _template(tenant, "t-1")

    def test_leaving_a_unit_of_work_without_commit_rolls_it_back(
        self, store: Store, tenant: str
    ) -> None:
        with store.unit_of_work() as uow:
            uow.templates.add(tenant, _template(tenant, "t-1"))
            assert uow.templates.get(tenant, "t-1") is not None  # reads its own writes
        with store.unit_of_work() as uow:
            assert uow.templates.get(tenant, "t-1") is None

    def test_an_exception_rolls_back_every_write_of_the_unit(
        self, store: Store, tenant: str
    ) -> None:
        with store.unit_of_work() as uow:
            uow.templates.add(tenant, _template(tenant, "keep"))
            uow.commit()
        with pytest.raises(_Boom):
            _write_then_fail(store, tenant)
        with store.unit_of_work() as uow:
            assert uow.templates.get(tenant, "t-2") is None
            assert uow.templates.get(tenant, "keep") == _template(tenant, "keep")

    def test_the_store_works_after_a_failed_unit_of_work(
        self, store: Store, tenant: str, worker: WorkerPlanner
    ) -> None:
        with pytest.raises(_Boom):
            _write_then_fail(store, tenant)
        assert worker.create_template("After").version == 1

    def test_replace_is_a_compare_and_set_on_the_version(self, store: Store, tenant: str) -> None:
        with store.unit_of_work() as uow:
            uow.templates.add(tenant, _template(tenant, "t-1"))
            uow.commit()
        renamed = WeekPlanTemplate(**{**_as_dict(_template(tenant, "t-1", "New")), "version": 2})
        with store.unit_of_work() as uow:
            assert uow.templates.replace(tenant, renamed, expected_version=7) is False
            assert uow.templates.replace(tenant, renamed, expected_version=1) is True
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.templates.get(tenant, "t-1") == renamed
            assert uow.templates.remove(tenant, "missing") is False

    def test_a_duplicate_instance_raises_instance_exists_from_the_repository(
        self, store: Store, tenant: str, worker: WorkerPlanner, instance: WeekPlanInstance
    ) -> None:
        clone = WeekPlanInstance(**{**_as_dict(instance), "id": "another-id"})
        with pytest.raises(InstanceExists), store.unit_of_work() as uow:
            uow.instances.add(tenant, clone)
        assert worker.get_instance(instance.client_ref, MONDAY) == instance

    def test_racing_creates_of_one_week_let_exactly_one_win(
        self, worker: WorkerPlanner, template: WeekPlanTemplate
    ) -> None:
        outcomes = _race(
            self.race_threads,
            lambda: worker.create_instance(template.id, "client-race", MONDAY).id,
        )
        winners = [o for o in outcomes if isinstance(o, str)]
        assert len(winners) == 1
        assert all(isinstance(o, InstanceExists) for o in outcomes if o not in winners)
        assert [i.id for i in worker.list_instances(client_ref="client-race").items] == winners

    def test_racing_edits_with_the_version_read_lose_no_update(
        self, worker: WorkerPlanner, instance: WeekPlanInstance
    ) -> None:
        def edit(n: int) -> int:
            seen = worker.get_instance("client-42", MONDAY)
            return worker.set_slot(
                "client-42",
                MONDAY,
                "sat",
                f"slot-{n}",
                notes=f"by {n}",
                expected_version=seen.version,
            ).version

        counter = iter(range(self.race_threads))
        lock = threading.Lock()

        def next_edit() -> int:
            with lock:
                n = next(counter)
            return edit(n)

        outcomes = _race(self.race_threads, next_edit)
        successes = [o for o in outcomes if isinstance(o, int)]
        assert all(isinstance(o, VersionConflict) for o in outcomes if not isinstance(o, int))
        assert successes
        final = worker.get_instance("client-42", MONDAY)
        assert final.version == 1 + len(successes)
        assert sorted(successes) == list(range(2, 2 + len(successes)))
        added = [e for e in final.days if e.day_key == "sat"]
        assert len(added) == len(successes)


def _write_then_fail(store: Store, tenant: str) -> None:
    """Add, change and remove inside one unit of work, then fail before committing."""
    with store.unit_of_work() as uow:
        uow.templates.add(tenant, _template(tenant, "t-2"))
        if uow.templates.get(tenant, "keep") is not None:
            changed = _template(tenant, "keep", name="Changed")
            changed = WeekPlanTemplate(**{**_as_dict(changed), "version": 2})
            assert uow.templates.replace(tenant, changed, expected_version=1)
            assert uow.templates.remove(tenant, "keep") is True
        raise _Boom


def _as_dict(value: WeekPlanTemplate | WeekPlanInstance) -> dict[str, Any]:
    return attrs.asdict(value, recurse=False)


def _race(threads: int, action: Callable[[], T]) -> list[T | Exception]:
    """Run ``action`` on ``threads`` threads released at once; results or exceptions."""
    barrier = threading.Barrier(threads)
    results: list[T | Exception] = [RuntimeError("did not run")] * threads

    def run(slot: int) -> None:
        barrier.wait()
        try:
            results[slot] = action()
        except Exception as exc:  # every outcome is inspected by the caller
            results[slot] = exc

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return results


class DishRaceConformance(ConformanceBase):
    """Racing writers of the dish catalog, on a store that has one."""

    race_threads = 8

    def test_racing_upserts_of_a_new_dish_all_succeed_and_the_last_wins(
        self, worker: WorkerPlanner
    ) -> None:
        counter = iter(range(self.race_threads))
        lock = threading.Lock()

        def upsert() -> int:
            with lock:
                n = next(counter)
            return worker.upsert_dish("raced-dish", name=f"Dish by {n}").version

        outcomes = _race(self.race_threads, upsert)
        # Nobody gave expected_version, so nobody loses: each call created or
        # changed the dish once, in some order.
        assert sorted(o for o in outcomes if isinstance(o, int)) == list(
            range(1, self.race_threads + 1)
        ), outcomes
        assert worker.get_dish("raced-dish").version == self.race_threads
