"""Conformance: every write of a week or template is on the change log, and only those.

:class:`ChangeLogPortConformance` tests the repository itself: change sets
appended, records listed and paged.

Runs on stores with the optional workflow capability (:mod:`weekplan.workflow_ports`).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from weekplan.domain._days import DayKey
from weekplan.domain._entries import PlanEntry, slot_index
from weekplan.domain._plans import WeekPlanInstance
from weekplan.domain.changes import (
    ChangeRecord,
    ChangeSet,
    ChangeSortKey,
    ChangeSource,
    ChangeSubject,
    ChangeType,
    SlotChange,
    replay,
)
from weekplan.errors import (
    DishNotFound,
    InstanceNotFound,
    InvalidInput,
    ReadOnlyAccess,
    SlotLocked,
    VersionConflict,
)
from weekplan.planner._planner import Planner
from weekplan.planner._worker import WorkerPlanner
from weekplan.ports import Store
from weekplan.testing import strategies as wps
from weekplan.testing._base import MONDAY, all_pages, monday_plus, shared_store, ticking_clock
from weekplan.testing._workflow_base import WorkflowBase, log_of, requires_workflow
from weekplan.workflow_ports import ChangeLogRepository, WorkflowUnitOfWork

__all__ = ["ChangeLogConformance", "ChangeLogPortConformance"]

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


def _client_log(worker: WorkerPlanner, client_ref: str) -> tuple[ChangeRecord, ...]:
    """Every record of a client across weeks, newest first, following cursors (pages of 4)."""
    return all_pages(lambda c: worker.list_all_changes(client_ref=client_ref, limit=4, cursor=c))


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

    def test_weeks_created_together_log_what_one_created_alone_logs(
        self, logged: WorkerPlanner
    ) -> None:
        days = ("mon", "tue", "wed", "thu", "fri", "sat")
        template = logged.create_template(
            "Week", [PlanEntry(day, "lunch", notes=f"soup of {day}") for day in days]
        )
        logged.create_instance(template.id, "client-alone", MONDAY)
        clients = ["client-1", "client-2", "client-3"]
        created = logged.create_instances(template.id, clients, MONDAY).created

        def slots(records: tuple[ChangeRecord, ...]) -> list[tuple[Any, ...]]:
            fields: tuple[str, ...] = ("change_type", "day_key", "slot_key", "old", "new")
            fields += ("source", "actor", "reason", "version_before", "version_after")
            fields += ("subject", "week_start_date")
            return [tuple(getattr(r, name) for name in fields) for r in records]

        alone = slots(log_of(logged, "client-alone", MONDAY))
        assert len(alone) == len(days)
        for week in created:
            # Each client's log on its own: a page without the other weeks' sets.
            records = log_of(logged, week.client_ref, MONDAY)
            assert slots(records) == alone
            assert {(r.subject_id, r.client_ref, r.at) for r in records} == {
                (week.id, week.client_ref, week.created_at)
            }
            assert _client_log(logged, week.client_ref) == records
        # The tenant's log, one record a page: each set seen apart from the others.
        everything = all_pages(lambda c: logged.list_all_changes(limit=1, cursor=c))
        weeks = {week.id: week.client_ref for week in created}
        together = [r for r in everything if r.subject_id in weeks]
        assert len(together) == len(clients) * len(days)
        for week in created:
            assert slots(tuple(r for r in together if r.subject_id == week.id)) == alone

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


_SET_TIME = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
_ADDED = tuple(
    SlotChange(
        ChangeType.ADDED, day, "lunch", None, PlanEntry(day, "lunch", notes=f"ß {day.value}")
    )
    for day in DayKey
)


def _change_set(  # a test value with a default for each field
    tenant: str,
    set_id: str,
    minutes: int = 0,
    size: int = 1,
    *,
    client: str | None = CLIENT,
    week: date | None = MONDAY,
    subject_id: str = "ins-1",
) -> ChangeSet:
    return ChangeSet(
        id=set_id,
        tenant_id=tenant,
        subject=ChangeSubject.WEEK if client is not None else ChangeSubject.TEMPLATE,
        subject_id=subject_id,
        client_ref=client,
        week_start_date=week if client is not None else None,
        actor="user-17",
        source=ChangeSource.CREATE,
        reason="a reason ✓",
        at=_SET_TIME + timedelta(minutes=minutes),
        version_before=None,
        version_after=1,
        changes=_ADDED[:size],
    )


@contextlib.contextmanager
def _log(store: Store) -> Iterator[ChangeLogRepository]:
    """The store's change log in a unit of work committed at the end."""
    with store.unit_of_work() as uow:
        assert isinstance(uow, WorkflowUnitOfWork)
        yield uow.changes
        uow.commit()


def _listed(
    store: Store,
    tenant: str,
    *,
    before: ChangeSortKey | None = None,
    limit: int = 100,
    **filters: Any,
) -> list[ChangeRecord]:
    wanted: dict[str, Any] = dict.fromkeys(
        ("subject", "subject_id", "client_ref", "week_start_date", "since", "until")
    )
    wanted.update(filters)
    with _log(store) as log:
        return list(log.list(tenant, before=before, limit=limit, **wanted))


def _append(store: Store, tenant: str, *sets: ChangeSet) -> None:
    with _log(store) as log:
        log.append(tenant, sets)


class ChangeLogPortConformance(WorkflowBase):
    """The change log repository itself: change sets in, records out, newest first."""

    def test_a_set_comes_back_as_its_records_newest_first(
        self, workflow_store: Store, tenant: str
    ) -> None:
        written = _change_set(tenant, "s-1", size=3)
        _append(workflow_store, tenant, written)
        assert _listed(workflow_store, tenant) == list(reversed(written.records()))
        assert [r.id for r in _listed(workflow_store, tenant)] == ["s-1.2", "s-1.1", "s-1"]

    def test_a_page_may_end_and_the_next_begin_inside_a_set(
        self, workflow_store: Store, tenant: str
    ) -> None:
        older, newer = _change_set(tenant, "a", 1, size=3), _change_set(tenant, "b", 2, size=2)
        _append(workflow_store, tenant, older, newer)
        first = _listed(workflow_store, tenant, limit=3)
        assert [r.id for r in first] == ["b.1", "b", "a.2"]
        rest = _listed(workflow_store, tenant, before=first[-1].sort_key, limit=3)
        assert [r.id for r in rest] == ["a.1", "a"]
        assert _listed(workflow_store, tenant, before=rest[-1].sort_key, limit=3) == []

    def test_sets_at_the_same_time_are_ordered_by_id(
        self, workflow_store: Store, tenant: str
    ) -> None:
        _append(workflow_store, tenant, _change_set(tenant, "x", size=2))
        _append(workflow_store, tenant, _change_set(tenant, "y", size=2))
        assert [r.id for r in _listed(workflow_store, tenant)] == ["y.1", "y", "x.1", "x"]
        page = _listed(workflow_store, tenant, before=(_SET_TIME, "y", 0), limit=1)
        assert [r.id for r in page] == ["x.1"]

    def test_each_filter_matches_its_sets_only(self, workflow_store: Store, tenant: str) -> None:
        week = _change_set(tenant, "w", 1, size=2)
        other_week = _change_set(tenant, "o", 2, week=monday_plus(1), subject_id="ins-2")
        other_client = _change_set(tenant, "c", 3, client="client-7", subject_id="ins-3")
        template = _change_set(tenant, "t", 4, client=None, subject_id="tpl-1")
        _append(workflow_store, tenant, week, other_week, other_client, template)

        def ids(**filters: Any) -> list[str]:
            return [r.id for r in _listed(workflow_store, tenant, **filters)]

        assert ids(client_ref=CLIENT, week_start_date=MONDAY) == ["w.1", "w"]
        assert ids(client_ref=CLIENT) == ["o", "w.1", "w"]
        assert ids(subject=ChangeSubject.TEMPLATE, subject_id="tpl-1") == ["t"]
        assert ids(subject=ChangeSubject.WEEK) == ["c", "o", "w.1", "w"]
        assert ids(since=other_week.at) == ["t", "c", "o"]
        assert ids(until=other_week.at) == ["w.1", "w"]
        assert ids(since=other_week.at, until=template.at) == ["c", "o"]

    def test_another_tenant_never_sees_a_set(
        self, workflow_store: Store, tenant: str, other_tenant: str
    ) -> None:
        _append(workflow_store, tenant, _change_set(tenant, "s-1", size=2))
        assert _listed(workflow_store, other_tenant) == []
        assert _listed(workflow_store, other_tenant, client_ref=CLIENT) == []
        with pytest.raises(ValueError, match="tenant"):
            _append(workflow_store, other_tenant, _change_set(tenant, "s-2"))
        assert [r.id for r in _listed(workflow_store, tenant)] == ["s-1.1", "s-1"]

    def test_a_set_left_uncommitted_is_not_logged(self, workflow_store: Store, tenant: str) -> None:
        with workflow_store.unit_of_work() as uow:
            assert isinstance(uow, WorkflowUnitOfWork)
            uow.changes.append(tenant, [_change_set(tenant, "s-1")])
        assert _listed(workflow_store, tenant) == []

    @shared_store
    @given(
        sets=st.lists(
            st.tuples(
                st.text(alphabet="ab.1", min_size=1, max_size=4),
                st.integers(0, 3),
                st.integers(1, 4),
                st.sampled_from([CLIENT, "client-7"]),
            ),
            max_size=8,
            unique_by=lambda s: s[0],
        ),
        limit=st.integers(1, 6),
        start=st.integers(0, 40),
        client=st.sampled_from([None, CLIENT]),
    )
    def test_every_page_is_the_references_page(
        self,
        store: Store,
        sets: list[tuple[str, int, int, str]],
        limit: int,
        start: int,
        client: str | None,
    ) -> None:
        requires_workflow(store)
        tenant = f"tenant-{uuid.uuid4().hex[:12]}"
        written = [
            _change_set(tenant, set_id, minutes, size, client=owner)
            for set_id, minutes, size, owner in sets
        ]
        if written:
            _append(store, tenant, *written)
        # The reference: every record, newest first by sort key, filtered.
        reference = sorted(
            (r for s in written for r in s.records() if client in (None, r.client_ref)),
            key=lambda r: r.sort_key,
            reverse=True,
        )
        before = reference[start].sort_key if start < len(reference) else None
        expected = [r for r in reference if before is None or r.sort_key < before][:limit]
        assert _listed(store, tenant, client_ref=client, before=before, limit=limit) == expected
        # Following pages from the start gives every record once, in order.
        pages: list[ChangeRecord] = []
        cursor: ChangeSortKey | None = None
        while True:
            page = _listed(store, tenant, client_ref=client, before=cursor, limit=limit)
            pages.extend(page)
            if len(page) < limit:
                break
            cursor = page[-1].sort_key
        assert pages == reference
