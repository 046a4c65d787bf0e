"""Conformance: drafts under racing calls.

Racing starts of a week's draft all end with the one draft. Applying a draft
and a live write of the same week (an edit, a lock) never lose each other's
effect: each forced race pauses one call right before it commits, starts the
other on a second thread, and checks that the second waits, then either works
on what the first wrote or is refused for it. The change log stays replayable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, TypeVar

import attrs
import pytest

from weekplan.domain._days import DayKey
from weekplan.domain._drafts import WeekDraft
from weekplan.domain._entries import PlanEntry, slot_index
from weekplan.domain._plans import WeekPlanInstance
from weekplan.domain.changes import replay
from weekplan.errors import ConcurrentUpdate, DraftNotFound, SlotLocked, VersionConflict
from weekplan.planner._worker import WorkerPlanner
from weekplan.ports import Store
from weekplan.testing._base import MONDAY
from weekplan.testing._diet_races import RacingCall, race_a_paused_call
from weekplan.testing._transactions import _race
from weekplan.testing._workflow_base import WorkflowBase, log_of
from weekplan.workflow_ports import DraftCapability

__all__ = ["DraftRaceConformance"]

T = TypeVar("T")

CLIENT: Final = "client-draft-race"
#: How many calls start the same draft at once.
STARTERS: Final = 8
#: The slot the draft changes (and the lock races for).
DRAFTED: Final = (DayKey.MON, "dinner")
#: The slot the live edit changes.
EDITED: Final = (DayKey.TUE, "lunch")


def _week_with_a_draft(worker: WorkerPlanner) -> WeekDraft:
    """The client's week and its draft, which changes :data:`DRAFTED` only."""
    template = worker.create_template(
        "Week", [PlanEntry(*DRAFTED, notes="soup"), PlanEntry(*EDITED)]
    )
    worker.create_instance(template.id, CLIENT, MONDAY)
    worker.start_draft(CLIENT, MONDAY)
    return worker.draft(CLIENT, MONDAY).set_slot(*DRAFTED, notes="stew from the draft")


def _notes(week: WeekPlanInstance, slot: tuple[DayKey, str]) -> str | None:
    return slot_index(week.days)[slot].notes


def _race_an_apply(
    store: Store, tenant: str, worker: WorkerPlanner, racer: Callable[[], T]
) -> tuple[RacingCall[T], bool]:
    """Race ``racer`` against applying the draft of a new week, paused before its commit.

    The apply must succeed whatever ``racer`` does. Returns ``racer``'s call,
    ended, and whether it ended while the apply was still paused.
    """
    _week_with_a_draft(worker)
    apply, raced, finished_during_the_apply = race_a_paused_call(
        store, tenant, lambda paused: paused.apply_draft(CLIENT, MONDAY), racer
    )
    assert apply.error is None, apply.error
    return raced, finished_during_the_apply


def _apply_racing(
    store: Store, tenant: str, worker: WorkerPlanner, held: Callable[[WorkerPlanner], object]
) -> tuple[WeekDraft, RacingCall[WeekPlanInstance], bool]:
    """Apply the draft of a new week while ``held`` is paused before its commit.

    ``held`` must succeed whatever the apply does. Returns the draft as it was
    started, the apply's call, ended, and whether it ended while ``held`` was paused.
    """
    draft = _week_with_a_draft(worker)
    call, apply, finished_while_held = race_a_paused_call(
        store, tenant, held, lambda: worker.apply_draft(CLIENT, MONDAY)
    )
    assert call.error is None, call.error
    return draft, apply, finished_while_held


def _assert_replayable(worker: WorkerPlanner) -> None:
    final = worker.get_instance(CLIENT, MONDAY)
    records = log_of(worker, CLIENT, MONDAY)
    assert replay(final.template_snapshot, records) == slot_index(final.days)
    # No two writes claimed the same version of the week.
    afters = [after for _, after in {(r.version_before, r.version_after) for r in records}]
    assert len(afters) == len(set(afters)), records


class DraftRaceConformance(WorkflowBase):
    """Drafts stay whole under racing starts, edits, locks and applies."""

    def test_racing_starts_of_a_draft_all_get_the_one_draft(
        self, workflow_store: Store, worker: WorkerPlanner
    ) -> None:
        template = worker.create_template("Week", [PlanEntry(*DRAFTED)])
        worker.create_instance(template.id, CLIENT, MONDAY)
        outcomes = _race(STARTERS, lambda: worker.start_draft(CLIENT, MONDAY))
        assert all(isinstance(o, WeekDraft) for o in outcomes), outcomes
        assert set(outcomes) == {worker.get_draft(CLIENT, MONDAY)}

    def test_a_second_draft_of_a_week_is_a_lost_race_not_a_storage_error(
        self, workflow_store: Store, worker: WorkerPlanner, tenant: str
    ) -> None:
        # What a start that read "no draft yet" meets when a racing start
        # committed one since: ConcurrentUpdate, so the call runs again and
        # returns that draft; the first draft stays as it is.
        draft = _week_with_a_draft(worker)
        with workflow_store.unit_of_work() as uow:
            assert isinstance(uow, DraftCapability)
            with pytest.raises(ConcurrentUpdate):
                uow.drafts.add(tenant, attrs.evolve(draft, version=1))
            uow.rollback()
        assert worker.get_draft(CLIENT, MONDAY) == draft

    def test_an_edit_waits_for_an_apply_in_flight_and_lands_on_the_applied_week(
        self, workflow_store: Store, worker: WorkerPlanner, tenant: str
    ) -> None:
        edit, finished_during_the_apply = _race_an_apply(
            workflow_store,
            tenant,
            worker,
            lambda: worker.set_slot(CLIENT, MONDAY, *EDITED, notes="live edit"),
        )
        assert edit.error is None, edit.error
        assert not finished_during_the_apply, "the week was edited while a draft was applied"
        final = worker.get_instance(CLIENT, MONDAY)
        assert _notes(final, DRAFTED) == "stew from the draft"
        assert _notes(final, EDITED) == "live edit"
        _assert_replayable(worker)

    def test_an_apply_after_an_edit_in_flight_is_refused_and_keeps_both(
        self, workflow_store: Store, worker: WorkerPlanner, tenant: str
    ) -> None:
        draft, apply, finished_during_the_edit = _apply_racing(
            workflow_store,
            tenant,
            worker,
            lambda paused: paused.set_slot(CLIENT, MONDAY, *EDITED, notes="live edit"),
        )
        assert not finished_during_the_edit, "a draft was applied while the week was edited"
        # The draft started before the edit: applying it would undo the edit.
        assert isinstance(apply.error, VersionConflict), apply.error
        final = worker.get_instance(CLIENT, MONDAY)
        assert _notes(final, EDITED) == "live edit"
        assert _notes(final, DRAFTED) == "soup"
        assert worker.get_draft(CLIENT, MONDAY) == draft
        _assert_replayable(worker)

    def test_a_lock_waits_for_an_apply_in_flight_and_holds_on_the_applied_week(
        self, workflow_store: Store, worker: WorkerPlanner, tenant: str
    ) -> None:
        lock, finished_during_the_apply = _race_an_apply(
            workflow_store,
            tenant,
            worker,
            lambda: worker.lock_slot(CLIENT, MONDAY, *DRAFTED, reason="bought"),
        )
        assert lock.error is None, lock.error
        assert not finished_during_the_apply, "a slot was locked while a draft was applied"
        final = worker.get_instance(CLIENT, MONDAY)
        assert [(k.key, k.reason) for k in final.locks] == [(DRAFTED, "bought")]
        assert _notes(final, DRAFTED) == "stew from the draft"
        with_draft_gone = worker.start_draft(CLIENT, MONDAY)
        assert with_draft_gone.days == final.days
        _assert_replayable(worker)

    def test_an_apply_after_a_lock_in_flight_is_refused_and_the_lock_holds(
        self, workflow_store: Store, worker: WorkerPlanner, tenant: str
    ) -> None:
        draft, apply, finished_during_the_lock = _apply_racing(
            workflow_store,
            tenant,
            worker,
            lambda paused: paused.lock_slot(CLIENT, MONDAY, *DRAFTED, reason="bought"),
        )
        assert not finished_during_the_lock, "a draft was applied while a slot was being locked"
        assert isinstance(apply.error, VersionConflict | SlotLocked), apply.error
        final = worker.get_instance(CLIENT, MONDAY)
        assert [(k.key, k.reason) for k in final.locks] == [(DRAFTED, "bought")]
        assert _notes(final, DRAFTED) == "soup"
        assert worker.get_draft(CLIENT, MONDAY) == draft
        _assert_replayable(worker)

    def test_a_draft_edit_after_an_apply_in_flight_finds_the_draft_gone(
        self, workflow_store: Store, worker: WorkerPlanner, tenant: str
    ) -> None:
        edit, finished_during_the_apply = _race_an_apply(
            workflow_store,
            tenant,
            worker,
            lambda: worker.draft(CLIENT, MONDAY).set_slot(*EDITED, notes="too late"),
        )
        assert not finished_during_the_apply, "the draft was edited while it was applied"
        # Not saved into a draft nobody will apply: the caller is told it is gone.
        assert isinstance(edit.error, DraftNotFound), edit.error
        final = worker.get_instance(CLIENT, MONDAY)
        assert _notes(final, DRAFTED) == "stew from the draft"
        assert _notes(final, EDITED) is None
        _assert_replayable(worker)

    def test_an_apply_after_a_draft_edit_in_flight_applies_the_edit(
        self, workflow_store: Store, worker: WorkerPlanner, tenant: str
    ) -> None:
        _, apply, finished_during_the_edit = _apply_racing(
            workflow_store,
            tenant,
            worker,
            lambda paused: paused.draft(CLIENT, MONDAY).set_slot(*EDITED, notes="in the draft"),
        )
        assert apply.error is None, apply.error
        assert not finished_during_the_edit, "a draft was applied while it was edited"
        final = worker.get_instance(CLIENT, MONDAY)
        assert _notes(final, DRAFTED) == "stew from the draft"
        assert _notes(final, EDITED) == "in the draft"
        _assert_replayable(worker)

    def test_a_discard_racing_an_apply_ends_with_one_of_them(
        self, workflow_store: Store, worker: WorkerPlanner, tenant: str
    ) -> None:
        _week_with_a_draft(worker)
        apply, discard, _ = race_a_paused_call(
            workflow_store,
            tenant,
            lambda paused: paused.apply_draft(CLIENT, MONDAY),
            lambda: worker.discard_draft(CLIENT, MONDAY),
        )
        final = worker.get_instance(CLIENT, MONDAY)
        applied = _notes(final, DRAFTED) == "stew from the draft"
        # Exactly one of the two consumed the draft; the other was told it was gone.
        assert (apply.error is None) == applied, apply.error
        assert (discard.error is None) != applied, discard.error
        assert isinstance(apply.error or discard.error, DraftNotFound)
        _assert_replayable(worker)
