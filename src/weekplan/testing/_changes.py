"""Conformance: every write of a week or template is on the change log, and only those.

Runs on stores with the optional workflow capability (:mod:`weekplan.workflow_ports`).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from weekplan.domain.changes import ChangeSource, ChangeSubject, ChangeType, replay
from weekplan.domain.entries import PlanEntry, slot_index
from weekplan.domain.plans import WeekPlanInstance
from weekplan.errors import (
    DishNotFound,
    InstanceNotFound,
    InvalidInput,
    ReadOnlyAccess,
    SlotLocked,
    VersionConflict,
)
from weekplan.planner.planner import Planner
from weekplan.planner.worker import WorkerPlanner
from weekplan.ports import Store
from weekplan.testing import strategies as wps
from weekplan.testing._base import MONDAY, all_pages, monday_plus, shared_store, ticking_clock
from weekplan.testing._workflow_base import WorkflowBase, log_of, requires_workflow

__all__ = ["ChangeLogConformance"]

CLIENT = "client-42"
MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

_edits = st.lists(
    st.one_of(
        st.tuples(st.just("set_slot"), wps.plan_entries(st.sampled_from([None, "d-1", "d-2"]))),
        st.tuples(
            st.just("replace_days"),
            wps.entry_lists(max_size=8, dishes=st.sampled_from([None, "d-1"])),
        ),
        st.tuples(st.just("reset_slot"), wps.plan_entries()),
        st.tuples(st.just("bulk"), st.sampled_from(["mon", "week", ["tue", "sun"]])),
        st.tuples(st.just("lock"), wps.plan_entries()),
    ),
    max_size=8,
)


def _edit(worker: WorkerPlanner, edit: tuple[str, Any]) -> None:
    kind, value = edit
    if kind == "set_slot":
        worker.set_slot(
            CLIENT,
            MONDAY,
            value.day_key,
            value.slot_key,
            dish_template_id=value.dish_template_id,
            notes=value.notes,
        )
    elif kind == "replace_days":
        worker.update_instance(CLIENT, MONDAY, days=value)
    elif kind == "reset_slot":
        worker.reset_slot(CLIENT, MONDAY, value.day_key, value.slot_key)
    elif kind == "bulk":
        worker.bulk_assign(
            CLIENT, MONDAY, slot_key="lunch", dish_template_id="d-2", days=value, skip_locked=True
        )
    else:
        week = worker.get_instance(CLIENT, MONDAY)
        slots = slot_index(week.days)
        if value.key in slots:
            worker.lock_slot(CLIENT, MONDAY, value.day_key, value.slot_key, reason="bought")


class ChangeLogConformance(WorkflowBase):
    @pytest.fixture
    def logged(self, workflow_store: Store, planner: Planner, tenant: str) -> WorkerPlanner:
        return planner.worker(tenant, actor="user-17")

    @pytest.fixture
    def log_week(self, logged: WorkerPlanner) -> WeekPlanInstance:
        logged.upsert_dish("d-1", name="Soep")
        template = logged.create_template(
            "Week", [PlanEntry("mon", "lunch"), PlanEntry("tue", "dinner", notes="fish")]
        )
        return logged.create_instance(template.id, CLIENT, MONDAY)

    def test_creating_a_week_records_each_of_its_slots_as_added(
        self, logged: WorkerPlanner, log_week: WeekPlanInstance
    ) -> None:
        records = log_of(logged, CLIENT, MONDAY)
        assert {(r.day_key.value, r.slot_key) for r in records} == {
            ("mon", "lunch"),
            ("tue", "dinner"),
        }
        for record in records:
            assert record.change_type is ChangeType.ADDED
            assert record.source is ChangeSource.CREATE
            assert record.subject is ChangeSubject.WEEK
            assert record.subject_id == log_week.id
            assert (record.version_before, record.version_after) == (None, 1)
            assert record.old is None
            assert record.actor == "user-17"
            assert record.at == log_week.created_at

    def test_set_slot_records_the_one_slot_it_changed_with_actor_reason_time_and_versions(
        self, logged: WorkerPlanner, log_week: WeekPlanInstance
    ) -> None:
        updated = logged.set_slot(
            CLIENT, MONDAY, "mon", "lunch", dish_template_id="d-1", reason="asked for soup"
        )
        newest = logged.list_changes(CLIENT, MONDAY, limit=1).items
        assert len(newest) == 1
        record = newest[0]
        assert record.change_type is ChangeType.CHANGED
        assert record.source is ChangeSource.EDIT
        assert record.old == PlanEntry("mon", "lunch")
        assert record.new == PlanEntry("mon", "lunch", dish_template_id="d-1")
        assert record.reason == "asked for soup"
        assert record.actor == "user-17"
        assert record.at == updated.updated_at
        assert (record.version_before, record.version_after) == (1, 2)
        assert (record.client_ref, record.week_start_date) == (CLIENT, MONDAY)

    def test_each_kind_of_write_names_its_source(
        self, logged: WorkerPlanner, log_week: WeekPlanInstance
    ) -> None:
        logged.bulk_assign(CLIENT, MONDAY, slot_key="lunch", dish_template_id="d-1", days="week")
        sources = [r.source for r in logged.list_changes(CLIENT, MONDAY, limit=7).items]
        assert sources == [ChangeSource.BULK] * 7
        logged.reset_slot(CLIENT, MONDAY, "wed", "lunch")
        record = logged.list_changes(CLIENT, MONDAY, limit=1).items[0]
        assert (record.source, record.change_type, record.new) == (
            ChangeSource.RESET,
            ChangeType.REMOVED,
            None,
        )
        logged.update_instance(CLIENT, MONDAY, days=[])
        assert {r.source for r in logged.list_changes(CLIENT, MONDAY, limit=6).items} == {
            ChangeSource.EDIT
        }

    def test_a_write_that_changes_nothing_records_nothing(
        self, logged: WorkerPlanner, log_week: WeekPlanInstance
    ) -> None:
        before = log_of(logged, CLIENT, MONDAY)
        logged.set_slot(CLIENT, MONDAY, "tue", "dinner", notes="fish")
        logged.update_instance(CLIENT, MONDAY, days=log_week.days)
        assert log_of(logged, CLIENT, MONDAY) == before

    def test_a_refused_write_leaves_no_record(
        self, logged: WorkerPlanner, log_week: WeekPlanInstance
    ) -> None:
        before = log_of(logged, CLIENT, MONDAY)
        with pytest.raises(VersionConflict):
            logged.set_slot(CLIENT, MONDAY, "mon", "lunch", notes="x", expected_version=9)
        with pytest.raises(DishNotFound):
            logged.set_slot(CLIENT, MONDAY, "mon", "lunch", dish_template_id="nope")
        with pytest.raises(InvalidInput):
            logged.set_slot(CLIENT, MONDAY, "mon", "lunch", notes="x", reason=7)  # type: ignore[arg-type]
        assert log_of(logged, CLIENT, MONDAY) == before

    def test_deleting_a_week_keeps_its_records_and_adds_its_removal(
        self, logged: WorkerPlanner, log_week: WeekPlanInstance
    ) -> None:
        before = log_of(logged, CLIENT, MONDAY)
        logged.delete_instance(CLIENT, MONDAY, reason="client left")
        after = log_of(logged, CLIENT, MONDAY)
        assert after[len(after) - len(before) :] == before
        removed = after[: len(after) - len(before)]
        assert {(r.change_type, r.source, r.version_after) for r in removed} == {
            (ChangeType.REMOVED, ChangeSource.DELETE, None)
        }
        assert len(removed) == len(log_week.days)

    def test_pages_run_newest_first_without_gaps_or_repeats(
        self, logged: WorkerPlanner, log_week: WeekPlanInstance
    ) -> None:
        for n in range(9):
            logged.set_slot(CLIENT, MONDAY, "mon", "lunch", notes=f"note {n}")
        records = log_of(logged, CLIENT, MONDAY)
        assert len(records) == len({r.id for r in records}) == 2 + 9
        keys = [r.sort_key for r in records]
        assert keys == sorted(keys, reverse=True)
        assert records[0].new == PlanEntry("mon", "lunch", notes="note 8")

    def test_the_tenant_wide_log_lists_by_client_and_by_time(
        self, logged: WorkerPlanner, log_week: WeekPlanInstance
    ) -> None:
        other = logged.create_instance(log_week.template_id, "client-7", monday_plus(1))
        by_client = all_pages(lambda c: logged.list_all_changes(client_ref="client-7", cursor=c))
        assert {r.subject_id for r in by_client} == {other.id}
        everything = all_pages(lambda c: logged.list_all_changes(limit=3, cursor=c))
        subjects = {r.subject for r in everything}
        assert subjects == {ChangeSubject.WEEK, ChangeSubject.TEMPLATE}
        assert [r.sort_key for r in everything] == sorted(
            (r.sort_key for r in everything), reverse=True
        )
        since = other.created_at
        recent = logged.list_all_changes(since=since).items
        assert {r.subject_id for r in recent} == {other.id}
        older = logged.list_all_changes(until=since).items
        assert other.id not in {r.subject_id for r in older}
        assert len(older) + len(recent) == len(everything)

    def test_templates_have_the_same_log(self, logged: WorkerPlanner) -> None:
        template = logged.create_template("Week", [PlanEntry("mon", "lunch")])
        logged.update_template(template.id, days=[PlanEntry("mon", "lunch", notes="x")])
        logged.update_template(template.id, name="Renamed")
        logged.delete_template(template.id)
        records = all_pages(lambda c: logged.list_template_changes(template.id, cursor=c))
        assert [(r.change_type, r.source, r.version_before, r.version_after) for r in records] == [
            (ChangeType.REMOVED, ChangeSource.DELETE, 3, None),
            (ChangeType.CHANGED, ChangeSource.EDIT, 1, 2),
            (ChangeType.ADDED, ChangeSource.CREATE, None, 1),
        ]
        assert {(r.subject, r.client_ref, r.week_start_date) for r in records} == {
            (ChangeSubject.TEMPLATE, None, None)
        }

    def test_another_tenant_sees_no_record(
        self, logged: WorkerPlanner, planner: Planner, log_week: WeekPlanInstance
    ) -> None:
        intruder = planner.worker(f"tenant-{uuid.uuid4().hex[:12]}")
        assert intruder.list_changes(CLIENT, MONDAY).items == ()
        assert intruder.list_all_changes().items == ()
        assert intruder.list_all_changes(client_ref=CLIENT).items == ()
        assert intruder.list_template_changes(log_week.template_id).items == ()
        cursor = logged.list_changes(CLIENT, MONDAY, limit=1).next_cursor
        assert intruder.list_changes(CLIENT, MONDAY, cursor=cursor).items == ()
        with pytest.raises(InstanceNotFound):
            intruder.set_slot(CLIENT, MONDAY, "mon", "lunch", notes="x")
        assert len(log_of(logged, CLIENT, MONDAY)) == 2

    def test_a_read_only_worker_reads_the_log_and_a_client_cannot(
        self, planner: Planner, tenant: str, logged: WorkerPlanner, log_week: WeekPlanInstance
    ) -> None:
        viewer = planner.worker(tenant, read_only=True)
        assert viewer.list_changes(CLIENT, MONDAY) == logged.list_changes(CLIENT, MONDAY)
        with pytest.raises(ReadOnlyAccess):
            viewer.set_slot(CLIENT, MONDAY, "mon", "lunch", notes="x")
        client = planner.client(tenant, CLIENT)
        assert not any(hasattr(client, name) for name in ("list_changes", "list_all_changes"))

    def test_a_bad_cursor_or_time_is_invalid_input(
        self, logged: WorkerPlanner, log_week: WeekPlanInstance
    ) -> None:
        template_cursor = logged.list_templates(limit=1).next_cursor or "bm90LWEtY3Vyc29y"
        attempts: tuple[Callable[[], object], ...] = (
            lambda: logged.list_changes(CLIENT, MONDAY, cursor="garbage"),
            lambda: logged.list_changes(CLIENT, MONDAY, cursor=template_cursor),
            lambda: logged.list_all_changes(since=MONDAY),  # type: ignore[arg-type]
            lambda: logged.list_changes(CLIENT, MONDAY, limit=0),
        )
        for attempt in attempts:
            with pytest.raises(InvalidInput):
                attempt()

    @shared_store
    @given(days=wps.entry_lists(max_size=8), edits=_edits)
    def test_replaying_a_weeks_records_over_its_snapshot_gives_its_days(
        self, store: Store, days: tuple[PlanEntry, ...], edits: list[tuple[str, Any]]
    ) -> None:
        requires_workflow(store)
        worker = Planner(store, clock=ticking_clock()).worker(f"tenant-{uuid.uuid4().hex[:12]}")
        worker.upsert_dish("d-1", name="Soep")
        worker.upsert_dish("d-2", name="Stamppot")
        template = worker.create_template("Source", days)
        week = worker.create_instance(template.id, CLIENT, MONDAY)
        for edit in edits:
            # A lock may refuse an edit; nothing else may fail.
            with contextlib.suppress(SlotLocked):
                _edit(worker, edit)
        final = worker.get_instance(CLIENT, MONDAY)
        records = log_of(worker, CLIENT, MONDAY)
        assert {r.subject_id for r in records} <= {week.id}
        assert replay(final.template_snapshot, records) == slot_index(final.days)
        assert len({r.id for r in records}) == len(records)

    def test_time_comes_from_the_planners_clock(self, workflow_store: Store, tenant: str) -> None:
        worker = Planner(workflow_store, clock=ticking_clock(MONDAY_NOON)).worker(tenant)
        template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
        worker.create_instance(template.id, CLIENT, MONDAY)
        (record,) = worker.list_changes(CLIENT, MONDAY).items
        assert MONDAY_NOON <= record.at < MONDAY_NOON + timedelta(seconds=1)
