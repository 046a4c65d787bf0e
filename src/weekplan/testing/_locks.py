"""Conformance: locked slots are left alone by every write, and locks are per tenant.

Runs on stores with the optional workflow capability (:mod:`weekplan.workflow_ports`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from weekplan.domain._entries import PlanEntry
from weekplan.domain._plans import WeekPlanInstance
from weekplan.domain.changes import ChangeSource, ChangeType
from weekplan.errors import (
    InstanceNotFound,
    ReadOnlyAccess,
    SlotLocked,
    SlotNotFound,
    VersionConflict,
)
from weekplan.planner._planner import Planner
from weekplan.planner._worker import WorkerPlanner
from weekplan.ports import Store
from weekplan.testing._base import MONDAY
from weekplan.testing._workflow_base import WorkflowBase, log_of

__all__ = ["LockConformance"]

CLIENT = "client-42"


class LockConformance(WorkflowBase):
    @pytest.fixture
    def lock_week(self, workflow_store: Store, worker: WorkerPlanner) -> WeekPlanInstance:
        worker.upsert_dish("stew", name="Stoofpot", ingredients=["beef", "carrots", "onion"])
        worker.upsert_dish("soup", name="Soep", ingredients=["carrots", "onion"])
        worker.upsert_dish("salad", name="Salade", ingredients=["lettuce"])
        template = worker.create_template(
            "Week",
            [
                PlanEntry("mon", "dinner", dish_template_id="stew"),
                PlanEntry("tue", "dinner", dish_template_id="soup"),
                PlanEntry("wed", "dinner"),
            ],
        )
        return worker.create_instance(template.id, CLIENT, MONDAY)

    def test_the_week_carries_its_locks_and_locking_is_on_the_log(
        self, worker: WorkerPlanner, lock_week: WeekPlanInstance
    ) -> None:
        locked = worker.lock_slot(CLIENT, MONDAY, "mon", "dinner", reason="groceries bought")
        assert locked.version == lock_week.version + 1
        assert locked.days == lock_week.days
        assert [(lock.day_key.value, lock.slot_key, lock.reason) for lock in locked.locks] == [
            ("mon", "dinner", "groceries bought")
        ]
        assert worker.get_instance(CLIENT, MONDAY) == locked
        record = worker.list_changes(CLIENT, MONDAY, limit=1).items[0]
        assert (record.change_type, record.source, record.reason) == (
            ChangeType.LOCKED,
            ChangeSource.LOCK,
            "groceries bought",
        )
        assert record.old == record.new == PlanEntry("mon", "dinner", dish_template_id="stew")
        unlocked = worker.unlock_slot(CLIENT, MONDAY, "mon", "dinner")
        assert unlocked.locks == ()
        assert worker.list_changes(CLIENT, MONDAY, limit=1).items[0].change_type is (
            ChangeType.UNLOCKED
        )

    def test_every_write_that_would_change_a_locked_slot_is_refused_whole(
        self, worker: WorkerPlanner, lock_week: WeekPlanInstance
    ) -> None:
        worker.set_slot(CLIENT, MONDAY, "mon", "dinner", notes="before")
        worker.lock_slot(CLIENT, MONDAY, "mon", "dinner")
        worker.lock_slot(CLIENT, MONDAY, "tue", "dinner")
        locked = worker.get_instance(CLIENT, MONDAY)
        log = log_of(worker, CLIENT, MONDAY)
        attempts: dict[str, Callable[[], object]] = {
            "set_slot": lambda: worker.set_slot(CLIENT, MONDAY, "mon", "dinner", notes="x"),
            "update": lambda: worker.update_instance(CLIENT, MONDAY, days=[]),
            "bulk": lambda: worker.bulk_assign(
                CLIENT, MONDAY, slot_key="dinner", dish_template_id="salad"
            ),
            "reset": lambda: worker.reset_slot(CLIENT, MONDAY, "mon", "dinner"),
        }
        for name, attempt in attempts.items():
            with pytest.raises(SlotLocked) as caught:
                attempt()
            if name in ("update", "bulk"):
                assert caught.value.slots == (("mon", "dinner"), ("tue", "dinner")), name
            assert caught.value.status_code == 409
            assert caught.value.to_dict()["detail"] == "week_plan_slot_locked"
        worker.set_slot(CLIENT, MONDAY, "mon", "dinner", notes="before")  # no change
        assert worker.get_instance(CLIENT, MONDAY) == locked
        assert log_of(worker, CLIENT, MONDAY) == log

    def test_bulk_assign_can_skip_locked_slots(
        self, worker: WorkerPlanner, lock_week: WeekPlanInstance
    ) -> None:
        worker.lock_slot(CLIENT, MONDAY, "mon", "dinner")
        updated = worker.bulk_assign(
            CLIENT, MONDAY, slot_key="dinner", dish_template_id="salad", skip_locked=True
        )
        dishes = {e.day_key.value: e.dish_template_id for e in updated.days}
        assert dishes == dict.fromkeys(("tue", "wed", "thu", "fri", "sat", "sun"), "salad") | {
            "mon": "stew"
        }

    def test_an_ingredient_lock_holds_only_those_ingredients(
        self, worker: WorkerPlanner, lock_week: WeekPlanInstance
    ) -> None:
        worker.lock_slot(CLIENT, MONDAY, "mon", "dinner", ingredients=["Carrots"])
        worker.set_slot(CLIENT, MONDAY, "mon", "dinner", notes="slow cooked")
        worker.set_slot(CLIENT, MONDAY, "mon", "dinner", dish_template_id="soup")
        with pytest.raises(SlotLocked):
            worker.set_slot(CLIENT, MONDAY, "mon", "dinner", dish_template_id="salad")
        with pytest.raises(SlotLocked):
            worker.update_instance(CLIENT, MONDAY, days=[])
        (lock,) = worker.get_instance(CLIENT, MONDAY).locks
        assert lock.ingredients == ("Carrots",)

    def test_locking_needs_an_existing_slot_and_a_writing_worker(
        self, planner: Planner, tenant: str, worker: WorkerPlanner, lock_week: WeekPlanInstance
    ) -> None:
        with pytest.raises(SlotNotFound):
            worker.lock_slot(CLIENT, MONDAY, "sun", "dinner")
        with pytest.raises(VersionConflict):
            worker.lock_slot(
                CLIENT, MONDAY, "mon", "dinner", expected_version=lock_week.version + 5
            )
        viewer = planner.worker(tenant, read_only=True)
        refused: tuple[Callable[[], object], ...] = (
            lambda: viewer.lock_slot(CLIENT, MONDAY, "mon", "dinner"),
            lambda: viewer.unlock_slot(CLIENT, MONDAY, "mon", "dinner"),
        )
        for attempt in refused:
            with pytest.raises(ReadOnlyAccess):
                attempt()
        assert worker.get_instance(CLIENT, MONDAY) == lock_week

    def test_unlocking_a_free_slot_changes_nothing(
        self, worker: WorkerPlanner, lock_week: WeekPlanInstance
    ) -> None:
        assert worker.unlock_slot(CLIENT, MONDAY, "mon", "dinner") == lock_week
        assert len(log_of(worker, CLIENT, MONDAY)) == 3

    def test_locks_belong_to_one_tenant_and_go_with_their_week(
        self, planner: Planner, worker: WorkerPlanner, lock_week: WeekPlanInstance
    ) -> None:
        worker.lock_slot(CLIENT, MONDAY, "mon", "dinner")
        intruder = planner.worker(f"tenant-{uuid.uuid4().hex[:12]}")
        refused: tuple[Callable[[], object], ...] = (
            lambda: intruder.lock_slot(CLIENT, MONDAY, "mon", "dinner"),
            lambda: intruder.unlock_slot(CLIENT, MONDAY, "mon", "dinner"),
        )
        for attempt in refused:
            with pytest.raises(InstanceNotFound):
                attempt()
        theirs = intruder.create_template("Theirs", [PlanEntry("mon", "dinner")])
        their_week = intruder.create_instance(theirs.id, CLIENT, MONDAY)
        assert their_week.locks == ()
        intruder.set_slot(CLIENT, MONDAY, "mon", "dinner", notes="free")
        assert len(worker.get_instance(CLIENT, MONDAY).locks) == 1
        worker.delete_instance(CLIENT, MONDAY)
        again = worker.create_instance(lock_week.template_id, CLIENT, MONDAY)
        assert again.locks == ()
        worker.set_slot(CLIENT, MONDAY, "mon", "dinner", notes="free again")
