"""Conformance: a write of a client's week and a change of their diet never interleave.

Each test pauses one of the two calls right before it commits, starts the other
on a second thread, and checks that the second waits for the first: a week is
always checked against the ruleset its client is on when the week is saved.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Final, Generic, Literal, TypeVar

import pytest

from weekplan.domain._bulk_instances import InstancesCreated
from weekplan.domain._entries import PlanEntry
from weekplan.domain._plans import WeekPlanInstance
from weekplan.errors import GuardrailsViolation
from weekplan.planner._planner import Planner
from weekplan.planner._uow_wrapper import UnitOfWorkWrapper
from weekplan.planner._worker import WorkerPlanner
from weekplan.ports import (
    Store,
    UnitOfWork,
)
from weekplan.testing._base import MONDAY, ConformanceBase

__all__ = [
    "DietRaceConformance",
    "Gate",
    "PausingStore",
    "RacingCall",
    "diet_race_fixture",
    "race_a_paused_call",
]

T = TypeVar("T")
A = TypeVar("A")
B = TypeVar("B")

#: How long the second call is given to (wrongly) finish while the first is paused.
PROBE_SECONDS: Final = 0.5
#: How long anything in these tests may wait before the test fails instead of hanging.
PATIENCE_SECONDS: Final = 120.0

MILK_DISH: Final = "pap"
CLIENT: Final = "client-diet"
SLOT: Final = ("mon", "ontbijt")


def _rule(rule_id: str, term: str) -> dict[str, Any]:
    return {
        "id": rule_id,
        "action": "block",
        "strictness": "hard",
        "priority": 1,
        "target": "ingredient",
        "match": {"term": term},
    }


#: Forbids the milk dish.
NO_MILK: Final = {"diet_id": "koemelkvrij", "rules": [_rule("geen-melk", "melk")]}
#: Allows it (it forbids something the dish lacks).
NO_SPINACH: Final = {"diet_id": "geen-spinazie", "rules": [_rule("geen-spinazie", "spinazie")]}


class _PausingUnitOfWork(UnitOfWorkWrapper):
    """A unit of work that calls ``before_commit`` right before it commits."""

    def __init__(self, inner: UnitOfWork, before_commit: Callable[[], None]) -> None:
        super().__init__(inner)
        self._before_commit = before_commit

    def commit(self) -> None:
        self._before_commit()
        self._inner.commit()


class PausingStore:
    """``inner``, but every unit of work calls ``before_commit`` right before committing.

    All it holds (locks, a transaction) it still holds while ``before_commit``
    runs, so a test can stop a call at its most exposed moment.
    """

    def __init__(self, inner: Store, before_commit: Callable[[], None]) -> None:
        self._inner = inner
        self._before_commit = before_commit

    def unit_of_work(self) -> UnitOfWork:
        """A unit of work of ``inner`` that pauses before its commit."""
        return _PausingUnitOfWork(self._inner.unit_of_work(), self._before_commit)


class RacingCall(Generic[T]):
    """A call running on a thread of its own: its result or exception, and when it ended."""

    def __init__(self, call: Callable[[], T]) -> None:
        self.done = threading.Event()
        self.result: T | None = None
        self.error: Exception | None = None
        self._thread = threading.Thread(target=self._run, args=(call,), daemon=True)
        self._thread.start()

    def _run(self, call: Callable[[], T]) -> None:
        try:
            self.result = call()
        except Exception as exc:  # the test inspects every outcome
            self.error = exc
        finally:
            self.done.set()

    def join(self) -> None:
        """Wait for the call to end (and fail rather than hang)."""
        self._thread.join(PATIENCE_SECONDS)
        assert self.done.is_set(), "the call never ended"


class Gate:
    """Pauses the first call that reaches it until it is opened."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self._open = threading.Event()

    def __call__(self) -> None:
        self.reached.set()
        assert self._open.wait(PATIENCE_SECONDS), "the paused call was never let go"

    def open(self) -> None:
        self._open.set()


def race_a_paused_call(
    store: Store,
    tenant: str,
    held: Callable[[WorkerPlanner], A],
    racer: Callable[[], B],
) -> tuple[RacingCall[A], RacingCall[B], bool]:
    """Run ``held`` on a worker of ``store`` paused before its commit, and ``racer`` meanwhile.

    ``racer`` starts once ``held`` holds everything it will commit. Both calls
    have ended on return; the flag says whether ``racer`` ended while ``held``
    was still paused, which a call that must wait for ``held`` never does.
    """
    gate = Gate()
    paused = Planner(PausingStore(store, gate)).worker(tenant)
    first = RacingCall(lambda: held(paused))
    assert gate.reached.wait(PATIENCE_SECONDS)
    second = RacingCall(racer)
    finished_while_paused = second.done.wait(PROBE_SECONDS)
    gate.open()
    first.join()
    second.join()
    return first, second, finished_while_paused


def diet_race_fixture(worker: WorkerPlanner, client_ref: str) -> tuple[str, str]:
    """A dish with milk, the client's week without it, and two rulesets.

    Returns the content hashes of the ruleset that forbids the dish and of one
    that allows it.
    """
    worker.upsert_dish(MILK_DISH, name="Pap", ingredients=["melk", "havermout"])
    template = worker.create_template("Empty week")
    worker.create_instance(template.id, client_ref, MONDAY)
    strict = worker.save_ruleset(NO_MILK).content_hash
    lenient = worker.save_ruleset(NO_SPINACH).content_hash
    return strict, lenient


def _put_milk(worker: WorkerPlanner, client_ref: str) -> WeekPlanInstance:
    return worker.set_slot(client_ref, MONDAY, *SLOT, dish_template_id=MILK_DISH)


def _has_milk(week: WeekPlanInstance) -> bool:
    return any(entry.dish_template_id == MILK_DISH for entry in week.days)


DietChange = Literal["assign", "reassign", "unassign"]


class DietRaceConformance(ConformanceBase):
    """Writes of a client's week and changes of their ruleset are serialized."""

    @pytest.mark.parametrize("change", ["assign", "reassign"])
    def test_a_diet_change_waits_for_a_write_of_the_week_in_flight(
        self, store: Store, worker: WorkerPlanner, tenant: str, change: DietChange
    ) -> None:
        strict, lenient = diet_race_fixture(worker, CLIENT)
        if change == "reassign":
            worker.assign_ruleset(CLIENT, lenient)
        write, diet, finished_during_the_write = race_a_paused_call(
            store,
            tenant,
            lambda paused: _put_milk(paused, CLIENT),
            lambda: worker.assign_ruleset(CLIENT, strict),
        )
        assert write.error is None, write.error
        assert diet.error is None, diet.error
        # Had the change not waited, the week would now keep a dish it forbids,
        # saved after the change and never checked against it.
        assert not finished_during_the_write, "the diet changed while a write of the week was open"
        assert write.result is not None
        assert _has_milk(write.result)

    @pytest.mark.parametrize("change", ["assign", "reassign", "unassign"])
    def test_a_write_of_the_week_waits_for_a_diet_change_in_flight(
        self, store: Store, worker: WorkerPlanner, tenant: str, change: DietChange
    ) -> None:
        strict, lenient = diet_race_fixture(worker, CLIENT)
        before, after = {
            "assign": (None, strict),
            "reassign": (lenient, strict),
            "unassign": (strict, None),
        }[change]
        if before is not None:
            worker.assign_ruleset(CLIENT, before)
        diet, write, finished_during_the_change = race_a_paused_call(
            store,
            tenant,
            lambda paused: paused.assign_ruleset(CLIENT, after),
            lambda: _put_milk(worker, CLIENT),
        )
        assert diet.error is None, diet.error
        assert not finished_during_the_change, "a week was written while its diet was changing"
        # Checked against the ruleset the change put the client on.
        if after == strict:
            assert isinstance(write.error, GuardrailsViolation), write.error
            assert not _has_milk(worker.get_instance(CLIENT, MONDAY))
        else:
            assert write.error is None, write.error
            assert write.result is not None
            assert write.result.guardrails is None

    def test_a_creation_of_the_week_waits_for_a_diet_change_in_flight(
        self, store: Store, worker: WorkerPlanner, tenant: str
    ) -> None:
        strict, _lenient = diet_race_fixture(worker, CLIENT)
        milk_week = worker.create_template(
            "Milk week", [PlanEntry(*SLOT, dish_template_id=MILK_DISH)]
        )
        diet, created, finished_during_the_change = race_a_paused_call(
            store,
            tenant,
            lambda paused: paused.assign_ruleset(CLIENT, strict),
            lambda: worker.create_instance(milk_week.id, CLIENT, NEXT_MONDAY),
        )
        assert diet.error is None, diet.error
        assert not finished_during_the_change, "a week was made while its diet was changing"
        # Checked against the diet the change put the client on, read after it committed.
        assert isinstance(created.error, GuardrailsViolation), created.error

    def test_a_diet_change_waits_for_a_bulk_creation_of_the_client_s_week_in_flight(
        self, store: Store, worker: WorkerPlanner, tenant: str
    ) -> None:
        strict, create = _bulk_race_fixture(worker)
        created, diet, finished_during_the_creation = race_a_paused_call(
            store, tenant, create, lambda: worker.assign_ruleset(CLIENT, strict)
        )
        assert created.error is None, created.error
        assert diet.error is None, diet.error
        assert not finished_during_the_creation, "the diet changed while its week was being made"
        assert created.result is not None
        assert [week.client_ref for week in created.result.created] == list(BULK_CLIENTS)

    def test_a_bulk_creation_waits_for_a_diet_change_in_flight(
        self, store: Store, worker: WorkerPlanner, tenant: str
    ) -> None:
        strict, create = _bulk_race_fixture(worker)
        diet, created, finished_during_the_change = race_a_paused_call(
            store,
            tenant,
            lambda paused: paused.assign_ruleset(CLIENT, strict),
            lambda: create(worker),
        )
        assert diet.error is None, diet.error
        assert created.error is None, created.error
        assert not finished_during_the_change, "a week was made while its diet was changing"
        assert created.result is not None
        # Checked against the diet the change put the client on; the others got their week.
        assert isinstance(created.result.errors.get(CLIENT), GuardrailsViolation)
        assert [week.client_ref for week in created.result.created] == ["a-first", "z-last"]


#: The week after :data:`MONDAY`, which the fixture's client has no week for yet.
NEXT_MONDAY: Final = MONDAY + timedelta(days=7)
#: The clients of a bulk creation, the racing client among them (sorted: held in this order).
BULK_CLIENTS: Final = ("a-first", CLIENT, "z-last")


def _bulk_race_fixture(
    worker: WorkerPlanner,
) -> tuple[str, Callable[[WorkerPlanner], InstancesCreated]]:
    """The no-milk ruleset's hash, and a call making next week's milk weeks of the clients."""
    strict, _lenient = diet_race_fixture(worker, CLIENT)
    milk_week = worker.create_template("Milk week", [PlanEntry(*SLOT, dish_template_id=MILK_DISH)])

    def create(planner: WorkerPlanner) -> InstancesCreated:
        return planner.create_instances(milk_week.id, BULK_CLIENTS, NEXT_MONDAY)

    return strict, create
