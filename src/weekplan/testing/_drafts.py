"""Conformance: a week's draft is edited aside, reviewed, and applied whole or not at all.

Runs on stores with the optional workflow capability (:mod:`weekplan.workflow_ports`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from weekplan.domain._days import DayKey
from weekplan.domain._entries import PlanEntry
from weekplan.domain._plans import WeekPlanInstance
from weekplan.domain.changes import ChangeSource, ChangeType
from weekplan.errors import (
    DishNotFound,
    DraftNotFound,
    GuardrailsViolation,
    InstanceNotFound,
    ReadOnlyAccess,
    SlotLocked,
    VersionConflict,
    WeekPlanError,
)
from weekplan.guardrails._decision import Outcome
from weekplan.planner._planner import Planner
from weekplan.planner._worker import WorkerPlanner
from weekplan.ports import Store
from weekplan.testing._base import MONDAY
from weekplan.testing._workflow_base import WorkflowBase, log_of

__all__ = ["DraftConformance"]

CLIENT = "client-42"
_NO_BEEF = {
    "diet_id": "vegetarisch",
    "rules": [
        {
            "id": "geen-rund",
            "action": "block",
            "strictness": "hard",
            "priority": 1,
            "target": "ingredient",
            "match": {"term": "beef"},
        }
    ],
}


class DraftConformance(WorkflowBase):
    @pytest.fixture
    def draft_week(self, workflow_store: Store, worker: WorkerPlanner) -> WeekPlanInstance:
        worker.upsert_dish("stew", name="Stoofpot", ingredients=["beef", "carrots"])
        worker.upsert_dish("soup", name="Soep", ingredients=["carrots"])
        template = worker.create_template(
            "Week", [PlanEntry("mon", "dinner", dish_template_id="soup"), PlanEntry("tue", "lunch")]
        )
        return worker.create_instance(template.id, CLIENT, MONDAY)

    @pytest.fixture
    def on_diet(self, worker: WorkerPlanner, draft_week: WeekPlanInstance) -> WeekPlanInstance:
        saved = worker.save_ruleset(_NO_BEEF)
        worker.assign_ruleset(CLIENT, saved.content_hash)
        return draft_week

    def test_a_draft_starts_as_a_copy_and_the_client_never_sees_it(
        self, planner: Planner, tenant: str, worker: WorkerPlanner, draft_week: WeekPlanInstance
    ) -> None:
        draft = worker.start_draft(CLIENT, MONDAY)
        assert (draft.days, draft.base_version, draft.version) == (
            draft_week.days,
            draft_week.version,
            1,
        )
        assert worker.start_draft(CLIENT, MONDAY) == draft  # the one draft of the week
        edited = worker.draft(CLIENT, MONDAY).set_slot("wed", "lunch", notes="new")
        assert edited.version == 2
        assert worker.get_draft(CLIENT, MONDAY) == edited
        assert worker.get_instance(CLIENT, MONDAY) == draft_week
        view = planner.client(tenant, CLIENT).weekly_plan(MONDAY)
        assert view.day("wed").slots == ()
        assert len(log_of(worker, CLIENT, MONDAY)) == 2

    def test_every_draft_edit_works_on_the_draft(
        self, worker: WorkerPlanner, draft_week: WeekPlanInstance
    ) -> None:
        worker.start_draft(CLIENT, MONDAY)
        editor = worker.draft(CLIENT, MONDAY)
        editor.bulk_assign(slot_key="lunch", dish_template_id="soup", days=["tue", "thu"])
        editor.reset_slot("tue", "lunch")
        draft = editor.update(
            days=[*worker.get_draft(CLIENT, MONDAY).days, PlanEntry("sun", "brunch")],
            expected_version=3,
        )
        assert {(e.day_key.value, e.slot_key, e.dish_template_id) for e in draft.days} == {
            ("mon", "dinner", "soup"),
            ("tue", "lunch", None),
            ("thu", "lunch", "soup"),
            ("sun", "brunch", None),
        }
        with pytest.raises(VersionConflict):
            editor.set_slot("mon", "dinner", notes="x", expected_version=1)
        with pytest.raises(DishNotFound):
            editor.set_slot("mon", "dinner", dish_template_id="nope")
        assert worker.get_instance(CLIENT, MONDAY) == draft_week

    def test_a_draft_edit_that_breaks_the_diet_is_saved_with_its_decision(
        self, worker: WorkerPlanner, on_diet: WeekPlanInstance
    ) -> None:
        worker.start_draft(CLIENT, MONDAY)
        draft = worker.draft(CLIENT, MONDAY).set_slot("mon", "dinner", dish_template_id="stew")
        assert draft.guardrails is not None
        assert draft.guardrails.outcome is Outcome.BLOCKED
        review = worker.review_draft(CLIENT, MONDAY)
        assert review.decision is not None
        assert not review.decision.ok
        assert not review.applicable

    def test_review_shows_the_diff_the_locks_and_staleness(
        self, worker: WorkerPlanner, draft_week: WeekPlanInstance
    ) -> None:
        worker.start_draft(CLIENT, MONDAY)
        editor = worker.draft(CLIENT, MONDAY)
        editor.set_slot("mon", "dinner", notes="with bread")
        editor.update(
            days=[
                PlanEntry("mon", "dinner", dish_template_id="soup", notes="with bread"),
                PlanEntry("wed", "lunch"),
            ]
        )
        worker.lock_slot(CLIENT, MONDAY, "mon", "dinner", reason="bought")
        review = worker.review_draft(CLIENT, MONDAY)
        assert [(c.change_type, c.day_key.value, c.slot_key) for c in review.diff] == [
            (ChangeType.CHANGED, "mon", "dinner"),
            (ChangeType.REMOVED, "tue", "lunch"),
            (ChangeType.ADDED, "wed", "lunch"),
        ]
        assert [lock.key for lock in review.locked] == [(DayKey.MON, "dinner")]
        assert review.stale  # locking bumped the live week's version
        assert review.decision is None
        assert not review.applicable

    def test_apply_makes_the_draft_live_logs_it_and_drops_it(
        self, planner: Planner, tenant: str, draft_week: WeekPlanInstance
    ) -> None:
        worker = planner.worker(tenant, actor="user-17")
        worker.start_draft(CLIENT, MONDAY)
        draft = worker.draft(CLIENT, MONDAY).set_slot("tue", "lunch", dish_template_id="soup")
        assert worker.review_draft(CLIENT, MONDAY).applicable
        live = worker.apply_draft(CLIENT, MONDAY, expected_version=draft.version, reason="ok")
        assert live.days == draft.days
        assert live.version == draft_week.version + 1
        assert worker.get_instance(CLIENT, MONDAY) == live
        (record,) = worker.list_changes(CLIENT, MONDAY, limit=1).items
        assert (record.source, record.reason, record.actor, record.version_after) == (
            ChangeSource.APPLY,
            "ok",
            "user-17",
            live.version,
        )
        with pytest.raises(DraftNotFound):
            worker.get_draft(CLIENT, MONDAY)

    def _refused_apply_changes_nothing(
        self,
        worker: WorkerPlanner,
        error: type[WeekPlanError],
        apply: Callable[[], object] | None = None,
    ) -> None:
        before = (
            worker.get_instance(CLIENT, MONDAY),
            worker.get_draft(CLIENT, MONDAY),
            log_of(worker, CLIENT, MONDAY),
        )
        with pytest.raises(error):
            (apply or (lambda: worker.apply_draft(CLIENT, MONDAY)))()
        after = (
            worker.get_instance(CLIENT, MONDAY),
            worker.get_draft(CLIENT, MONDAY),
            log_of(worker, CLIENT, MONDAY),
        )
        assert after == before
        assert repr(after) == repr(before)

    def test_a_refused_apply_leaves_week_draft_and_log_unchanged_on_a_violation(
        self, worker: WorkerPlanner, on_diet: WeekPlanInstance
    ) -> None:
        worker.start_draft(CLIENT, MONDAY)
        worker.draft(CLIENT, MONDAY).set_slot("tue", "lunch", dish_template_id="stew")
        self._refused_apply_changes_nothing(worker, GuardrailsViolation)

    def test_applying_a_draft_stays_strict_on_a_week_that_is_not_yet_compliant(
        self, worker: WorkerPlanner, draft_week: WeekPlanInstance
    ) -> None:
        worker.set_slot(CLIENT, MONDAY, "tue", "lunch", dish_template_id="stew")
        diet = worker.save_ruleset(_NO_BEEF)
        worker.assign_ruleset(CLIENT, diet.content_hash, from_week=MONDAY)
        # A direct edit may leave the old violation in place ("never worse")...
        week = worker.set_slot(CLIENT, MONDAY, "mon", "dinner", notes="met brood")
        assert week.guardrails is not None
        assert week.guardrails.outcome is Outcome.BLOCKED
        # ...but a reviewed draft goes live only when it breaks no hard rule.
        worker.start_draft(CLIENT, MONDAY)
        worker.draft(CLIENT, MONDAY).set_slot("mon", "dinner", notes="met soep")
        self._refused_apply_changes_nothing(worker, GuardrailsViolation)
        worker.draft(CLIENT, MONDAY).set_slot("tue", "lunch", dish_template_id="soup")
        applied = worker.apply_draft(CLIENT, MONDAY)
        assert applied.guardrails is not None
        assert applied.guardrails.outcome is Outcome.ALLOWED

    def test_a_refused_apply_leaves_week_draft_and_log_unchanged_on_a_lock(
        self, worker: WorkerPlanner, draft_week: WeekPlanInstance
    ) -> None:
        worker.lock_slot(CLIENT, MONDAY, "mon", "dinner")
        worker.start_draft(CLIENT, MONDAY)
        worker.draft(CLIENT, MONDAY).set_slot("mon", "dinner", notes="changed")
        self._refused_apply_changes_nothing(worker, SlotLocked)

    def test_a_refused_apply_leaves_week_draft_and_log_unchanged_on_a_stale_draft(
        self, worker: WorkerPlanner, draft_week: WeekPlanInstance
    ) -> None:
        worker.start_draft(CLIENT, MONDAY)
        draft = worker.draft(CLIENT, MONDAY).set_slot("mon", "dinner", notes="draft")
        self._refused_apply_changes_nothing(
            worker,
            VersionConflict,
            lambda: worker.apply_draft(CLIENT, MONDAY, expected_version=draft.version - 1),
        )
        worker.set_slot(CLIENT, MONDAY, "tue", "lunch", notes="live edit")
        self._refused_apply_changes_nothing(worker, VersionConflict)

    def test_discard_drops_the_draft_only(
        self, worker: WorkerPlanner, draft_week: WeekPlanInstance
    ) -> None:
        worker.start_draft(CLIENT, MONDAY)
        worker.draft(CLIENT, MONDAY).set_slot("mon", "dinner", notes="draft")
        worker.discard_draft(CLIENT, MONDAY)
        assert worker.get_instance(CLIENT, MONDAY) == draft_week
        for attempt in (
            lambda: worker.discard_draft(CLIENT, MONDAY),
            lambda: worker.review_draft(CLIENT, MONDAY),
            lambda: worker.apply_draft(CLIENT, MONDAY),
            lambda: worker.draft(CLIENT, MONDAY).set_slot("mon", "dinner", notes="x"),
        ):
            with pytest.raises(DraftNotFound):
                attempt()

    def test_a_read_only_worker_reviews_but_never_writes_a_draft(
        self, planner: Planner, tenant: str, worker: WorkerPlanner, draft_week: WeekPlanInstance
    ) -> None:
        worker.start_draft(CLIENT, MONDAY)
        draft = worker.draft(CLIENT, MONDAY).set_slot("mon", "dinner", notes="draft")
        viewer = planner.worker(tenant, read_only=True)
        assert viewer.review_draft(CLIENT, MONDAY).draft == draft
        for attempt in (
            lambda: viewer.apply_draft(CLIENT, MONDAY),
            lambda: viewer.start_draft(CLIENT, MONDAY),
            lambda: viewer.discard_draft(CLIENT, MONDAY),
            lambda: viewer.draft(CLIENT, MONDAY).set_slot("mon", "dinner", notes="x"),
        ):
            with pytest.raises(ReadOnlyAccess):
                attempt()
        assert worker.get_draft(CLIENT, MONDAY) == draft
        assert worker.get_instance(CLIENT, MONDAY) == draft_week

    def test_drafts_belong_to_one_tenant_and_go_with_their_week(
        self, planner: Planner, worker: WorkerPlanner, draft_week: WeekPlanInstance
    ) -> None:
        worker.start_draft(CLIENT, MONDAY)
        intruder = planner.worker(f"tenant-{uuid.uuid4().hex[:12]}")
        for attempt in (
            lambda: intruder.start_draft(CLIENT, MONDAY),
            lambda: intruder.review_draft(CLIENT, MONDAY),
            lambda: intruder.apply_draft(CLIENT, MONDAY),
            lambda: intruder.discard_draft(CLIENT, MONDAY),
            lambda: intruder.get_draft(CLIENT, MONDAY),
        ):
            with pytest.raises(InstanceNotFound):
                attempt()
        theirs = intruder.create_template("Theirs")
        intruder.create_instance(theirs.id, CLIENT, MONDAY)
        with pytest.raises(DraftNotFound):
            intruder.review_draft(CLIENT, MONDAY)
        worker.delete_instance(CLIENT, MONDAY)
        worker.create_instance(draft_week.template_id, CLIENT, MONDAY)
        with pytest.raises(DraftNotFound):
            worker.get_draft(CLIENT, MONDAY)
