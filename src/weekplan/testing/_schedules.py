"""Conformance: schedules, and running due ones exactly once (an optional capability)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest

from weekplan.domain._entries import PlanEntry
from weekplan.domain._plans import WeekPlanTemplate
from weekplan.domain._schedules import RunOutcome, ScheduleSource, SourceKind
from weekplan.errors import (
    DraftNotFound,
    InvalidInput,
    ReadOnlyAccess,
    ScheduleNotFound,
    TemplateNotFound,
)
from weekplan.generation._quota import GenerationQuota
from weekplan.guardrails._model import DietLogicConstraint, DietLogicItem, GuardrailsRuleset
from weekplan.planner._planner import Planner
from weekplan.planner._scheduled_runs import ScheduledRun
from weekplan.planner._worker import WorkerPlanner
from weekplan.ports import Store, runs_of
from weekplan.schedule_ports import schedules_of
from weekplan.testing._base import ConformanceBase, all_pages, sample_days, ticking_clock
from weekplan.testing._generation import DAYS, DIET, stock_dishes
from weekplan.testing._workflow_base import requires_workflow

__all__ = ["ScheduleConformance", "requires_schedules"]

#: A Saturday morning; the first Friday 09:00 in Amsterdam after it is 2026-11-27 08:00 UTC.
SET_AT = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
FIRST_RUN = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
ZONE = "Europe/Amsterdam"
#: ``Planner.run_due(now)`` for the test's tenant.
RunDue = Callable[[datetime], list[ScheduledRun]]
#: The week a run at :data:`FIRST_RUN` drafts.
NEXT_WEEK = date(2026, 11, 30)
#: A diet no week of the small catalog meets: four fish dinners, two fish dishes.
MORE_FISH_THAN_THERE_IS = GuardrailsRuleset(
    "veel-vis",
    diet_logic=[
        DietLogicConstraint("vis", "force", "fish", [DietLogicItem("vis")], min_per_week=4)
    ],
)


def requires_schedules(store: Store) -> None:
    """Skip the calling test unless ``store`` has the optional schedules capability."""
    with store.unit_of_work() as uow:
        if schedules_of(uow) is None:
            pytest.skip("the store keeps no schedules (an optional capability)")


def _friday_nine(worker: WorkerPlanner, client_ref: str, template: WeekPlanTemplate) -> None:
    worker.set_schedule(
        client_ref,
        weekday="fri",
        time="09:00",
        timezone=ZONE,
        source={"template_id": template.id},
    )


class ScheduleConformance(ConformanceBase):
    """Schedules per client, and :meth:`~weekplan.Planner.run_due` over them.

    Every test runs only on a store with the schedules capability
    (:mod:`weekplan.schedule_ports`) and is skipped, with that reason, elsewhere.
    ``run_due`` is called for the test's own tenant, so stores may be shared.
    """

    @pytest.fixture
    def scheduling_planner(self, store: Store) -> Planner:
        requires_schedules(store)
        return Planner(store, clock=ticking_clock(SET_AT))

    @pytest.fixture
    def scheduler(self, scheduling_planner: Planner, tenant: str) -> WorkerPlanner:
        return scheduling_planner.worker(tenant)

    @pytest.fixture
    def run_due(self, scheduling_planner: Planner, tenant: str) -> RunDue:
        """``Planner.run_due`` for the test's own tenant only, so that stores may be shared."""
        return lambda now: scheduling_planner.run_due(now, tenant_id=tenant)

    @pytest.fixture
    def week_template(self, scheduler: WorkerPlanner) -> WeekPlanTemplate:
        return scheduler.create_template("Scheduled week", sample_days())

    def test_a_schedule_is_stored_with_its_first_run_in_utc(
        self, scheduler: WorkerPlanner, week_template: WeekPlanTemplate
    ) -> None:
        made = scheduler.set_schedule(
            "client-1",
            weekday="fri",
            time=time(9, 0),
            timezone=ZONE,
            weeks_ahead=2,
            source=ScheduleSource.from_template(week_template.id),
        )
        read = scheduler.get_schedule("client-1")
        assert read == made
        assert (read.weekday.value, read.time, read.timezone, read.weeks_ahead) == (
            "fri",
            time(9, 0),
            ZONE,
            2,
        )
        assert read.source == ScheduleSource(SourceKind.TEMPLATE, week_template.id)
        assert read.next_run_at == FIRST_RUN
        assert read.next_run_at.tzinfo is not None
        assert (read.last_week_done, read.last_outcome, read.last_run_at) == (None, None, None)

    def test_setting_again_replaces_the_clients_one_schedule(
        self, scheduler: WorkerPlanner, week_template: WeekPlanTemplate
    ) -> None:
        _friday_nine(scheduler, "client-1", week_template)
        scheduler.set_schedule(
            "client-1", weekday="mon", time="07:15", timezone="UTC", source="generator"
        )
        read = scheduler.get_schedule("client-1")
        assert (read.weekday.value, read.time, read.source.kind) == (
            "mon",
            time(7, 15),
            SourceKind.GENERATOR,
        )
        assert read.next_run_at == datetime(2026, 11, 23, 7, 15, tzinfo=UTC)
        assert [s.client_ref for s in scheduler.list_schedules().items] == ["client-1"]

    def test_schedules_are_listed_by_client_a_page_at_a_time(
        self, scheduler: WorkerPlanner, week_template: WeekPlanTemplate
    ) -> None:
        refs = [f"client-{n:02d}" for n in (7, 3, 11, 1, 5)]
        for ref in refs:
            _friday_nine(scheduler, ref, week_template)
        listed = all_pages(lambda c: scheduler.list_schedules(limit=2, cursor=c))
        assert [s.client_ref for s in listed] == sorted(refs)

    def test_delete_removes_the_schedule_and_a_missing_one_is_not_found(
        self, scheduler: WorkerPlanner, week_template: WeekPlanTemplate
    ) -> None:
        _friday_nine(scheduler, "client-1", week_template)
        scheduler.delete_schedule("client-1")
        with pytest.raises(ScheduleNotFound):
            scheduler.get_schedule("client-1")
        with pytest.raises(ScheduleNotFound):
            scheduler.delete_schedule("client-1")

    def test_another_tenants_schedule_is_not_found_and_not_listed(
        self,
        scheduler: WorkerPlanner,
        scheduling_planner: Planner,
        other_tenant: str,
        week_template: WeekPlanTemplate,
    ) -> None:
        _friday_nine(scheduler, "client-1", week_template)
        other = scheduling_planner.worker(other_tenant)
        with pytest.raises(ScheduleNotFound):
            other.get_schedule("client-1")
        with pytest.raises(ScheduleNotFound):
            other.delete_schedule("client-1")
        assert other.list_schedules().items == ()
        assert scheduler.get_schedule("client-1").client_ref == "client-1"

    def test_a_template_source_must_be_a_template_of_the_tenant(
        self,
        scheduler: WorkerPlanner,
        scheduling_planner: Planner,
        other_tenant: str,
    ) -> None:
        foreign = scheduling_planner.worker(other_tenant).create_template("Theirs")
        with pytest.raises(TemplateNotFound):
            scheduler.set_schedule(
                "client-1",
                weekday="fri",
                time="09:00",
                timezone=ZONE,
                source={"template_id": foreign.id},
            )
        assert scheduler.list_schedules().items == ()

    def test_bad_input_names_every_bad_field(self, scheduler: WorkerPlanner) -> None:
        with pytest.raises(InvalidInput) as caught:
            scheduler.set_schedule(
                "client-1",
                weekday="friday",
                time="25:00",
                timezone="Europe/Atlantis",
                weeks_ahead=-1,
                source={"template": "x"},
            )
        locs = {tuple(item["loc"]) for item in caught.value.errors}
        assert locs == {
            ("weekday",),
            ("time",),
            ("timezone",),
            ("weeks_ahead",),
            ("source", "template"),
        }

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("time", "09:00:30"),
            ("time", time(9, 0, tzinfo=UTC)),
            ("timezone", ""),
            ("timezone", 7),
            ("weeks_ahead", True),
            ("weeks_ahead", 53),
            ("source", 42),
            ("source", {"kind": "generator", "template_id": "t"}),
        ],
    )
    def test_each_bad_value_is_invalid_input_naming_its_field(
        self, scheduler: WorkerPlanner, field: str, value: object
    ) -> None:
        arguments: dict[str, object] = {
            "weekday": "fri",
            "time": "09:00",
            "timezone": ZONE,
            "weeks_ahead": 1,
            "source": "generator",
        }
        arguments[field] = value
        with pytest.raises(InvalidInput) as caught:
            scheduler.set_schedule("client-1", **arguments)  # type: ignore[arg-type]
        assert caught.value.errors[0]["loc"][0] == field

    def test_a_read_only_worker_reads_schedules_and_cannot_change_them(
        self,
        scheduler: WorkerPlanner,
        scheduling_planner: Planner,
        tenant: str,
        week_template: WeekPlanTemplate,
    ) -> None:
        _friday_nine(scheduler, "client-1", week_template)
        viewer = scheduling_planner.worker(tenant, read_only=True)
        assert viewer.get_schedule("client-1").client_ref == "client-1"
        with pytest.raises(ReadOnlyAccess):
            viewer.set_schedule(
                "client-2", weekday="fri", time="09:00", timezone=ZONE, source="generator"
            )
        with pytest.raises(ReadOnlyAccess):
            viewer.delete_schedule("client-1")
        assert [s.client_ref for s in scheduler.list_schedules().items] == ["client-1"]

    # -- run_due ---------------------------------------------------------------

    def test_a_due_schedule_drafts_its_week_once_and_moves_a_week_on(
        self, scheduler: WorkerPlanner, run_due: RunDue, week_template: WeekPlanTemplate
    ) -> None:
        _friday_nine(scheduler, "client-1", week_template)
        assert run_due(FIRST_RUN - timedelta(seconds=1)) == []
        runs = run_due(FIRST_RUN)
        assert [(r.client_ref, r.week_start_date, r.outcome) for r in runs] == [
            ("client-1", date(2026, 11, 30), RunOutcome.PRODUCED)
        ]
        # Nothing goes live on its own: an empty week, the template's days in its draft.
        week = scheduler.get_instance("client-1", "2026-11-30")
        assert (week.template_id, week.days) == (week_template.id, ())
        assert week.template_snapshot == week_template.days
        assert scheduler.get_draft("client-1", "2026-11-30").days == week_template.days
        assert scheduler.review_draft("client-1", "2026-11-30").applicable
        applied = scheduler.apply_draft("client-1", "2026-11-30")
        assert applied.days == week_template.days
        assert applied.overrides() == ()
        schedule = scheduler.get_schedule("client-1")
        assert schedule.next_run_at == FIRST_RUN + timedelta(weeks=1)
        assert schedule.last_week_done == date(2026, 11, 30)
        assert (schedule.last_outcome, schedule.last_run_at) == (RunOutcome.PRODUCED, FIRST_RUN)
        assert run_due(FIRST_RUN + timedelta(hours=1)) == []

    def test_a_week_already_there_gets_the_template_in_its_draft_and_stays_live(
        self, scheduler: WorkerPlanner, run_due: RunDue, week_template: WeekPlanTemplate
    ) -> None:
        other = scheduler.create_template("By hand", [PlanEntry("mon", "lunch", notes="soup")])
        by_hand = scheduler.create_instance(other.id, "client-1", "2026-11-30")
        _friday_nine(scheduler, "client-1", week_template)
        runs = run_due(FIRST_RUN)
        assert [r.outcome for r in runs] == [RunOutcome.PRODUCED]
        assert scheduler.get_instance("client-1", "2026-11-30") == by_hand
        draft = scheduler.get_draft("client-1", "2026-11-30")
        assert (draft.days, draft.base_version) == (week_template.days, by_hand.version)
        assert scheduler.get_schedule("client-1").last_week_done == date(2026, 11, 30)

    def test_a_draft_already_under_review_is_not_overwritten(
        self, scheduler: WorkerPlanner, run_due: RunDue, week_template: WeekPlanTemplate
    ) -> None:
        other = scheduler.create_template("By hand", [PlanEntry("mon", "lunch")])
        scheduler.create_instance(other.id, "client-1", "2026-11-30")
        edited = scheduler.start_draft("client-1", "2026-11-30")
        _friday_nine(scheduler, "client-1", week_template)
        runs = run_due(FIRST_RUN)
        assert [r.outcome for r in runs] == [RunOutcome.ALREADY_DONE]
        assert scheduler.get_draft("client-1", "2026-11-30") == edited
        assert scheduler.get_schedule("client-1").last_week_done == date(2026, 11, 30)

    def _generator_clients(self, store: Store, tenant: str) -> tuple[Planner, WorkerPlanner]:
        """Three clients with next week's dinners to fill; client-2's diet cannot be met."""
        pytest.importorskip("ortools", reason="generation needs the generate extra")
        requires_workflow(store)
        with store.unit_of_work() as uow:
            if runs_of(uow) is None:
                pytest.skip("this store keeps no generation runs (an optional capability)")
        planner = Planner(
            store, clock=ticking_clock(SET_AT), generation_quota=GenerationQuota(per_client=1)
        )
        worker = planner.worker(tenant)
        stock_dishes(worker)
        dinners = worker.create_template("Dinners", [PlanEntry(day, "dinner") for day in DAYS])
        diet = worker.save_ruleset(DIET)
        strict = worker.save_ruleset(MORE_FISH_THAN_THERE_IS)
        for client in ("client-1", "client-2", "client-3"):
            worker.create_instance(dinners.id, client, NEXT_WEEK)
            worker.assign_ruleset(client, (strict if client == "client-2" else diet).content_hash)
            worker.set_schedule(
                client, weekday="fri", time="09:00", timezone=ZONE, source="generator"
            )
        return planner, worker

    def test_a_generator_schedule_generates_the_weeks_draft_and_records_the_run(
        self, store: Store, tenant: str
    ) -> None:
        planner, worker = self._generator_clients(store, tenant)
        for client in ("client-2", "client-3"):
            worker.delete_schedule(client)
        runs = planner.run_due(FIRST_RUN, tenant_id=tenant)
        assert [(r.client_ref, r.outcome) for r in runs] == [("client-1", RunOutcome.PRODUCED)]
        draft = worker.get_draft("client-1", NEXT_WEEK)
        assert None not in [entry.dish_template_id for entry in draft.days]
        assert worker.review_draft("client-1", NEXT_WEEK).applicable
        # The client still sees the live week, untouched, until the draft is applied.
        assert all(
            e.dish_template_id is None for e in worker.get_instance("client-1", NEXT_WEEK).days
        )
        (run,) = worker.list_runs(client_ref="client-1").items
        assert (run.run_type.value, run.status.value) == ("generate", "succeeded")
        assert (run.week_start_date, run.draft_version) == (NEXT_WEEK, draft.version)
        schedule = worker.get_schedule("client-1")
        assert (schedule.last_week_done, schedule.next_run_at) == (
            NEXT_WEEK,
            FIRST_RUN + timedelta(weeks=1),
        )
        # Moved to Saturday of the same week: its period is done, nothing is generated again.
        worker.discard_draft("client-1", NEXT_WEEK)
        worker.set_schedule(
            "client-1", weekday="sat", time="09:00", timezone=ZONE, source="generator"
        )
        again = planner.run_due(datetime(2026, 11, 28, 8, 0, tzinfo=UTC), tenant_id=tenant)
        assert [(r.week_start_date, r.outcome) for r in again] == [
            (NEXT_WEEK, RunOutcome.ALREADY_DONE)
        ]
        assert len(worker.list_runs(client_ref="client-1").items) == 1
        # The week after has no live week to generate into: a failed run, nothing made.
        later = planner.run_due(datetime(2026, 12, 5, 8, 0, tzinfo=UTC), tenant_id=tenant)
        assert [(r.outcome, r.error_code) for r in later] == [
            (RunOutcome.FAILED, "week_plan_instance_not_found")
        ]
        assert len(worker.list_runs(client_ref="client-1").items) == 1

    def test_infeasible_and_over_quota_generations_are_recorded_and_never_stop_the_others(
        self, store: Store, tenant: str
    ) -> None:
        planner, worker = self._generator_clients(store, tenant)
        # client-3 used its one generation of the hour by hand; its draft was discarded.
        worker.generate_draft("client-3", NEXT_WEEK, seed=1)
        worker.discard_draft("client-3", NEXT_WEEK)
        runs = planner.run_due(FIRST_RUN, tenant_id=tenant)
        assert {r.client_ref: (r.outcome, r.error_code) for r in runs} == {
            "client-1": (RunOutcome.PRODUCED, None),
            "client-2": (RunOutcome.FAILED, "generation_infeasible"),
            "client-3": (RunOutcome.FAILED, "generation_quota_exceeded"),
        }
        statuses = {
            client: [run.status.value for run in worker.list_runs(client_ref=client).items]
            for client in ("client-1", "client-2", "client-3")
        }
        assert statuses == {
            "client-1": ["succeeded"],
            "client-2": ["infeasible"],
            "client-3": ["quota_exceeded", "succeeded"],
        }
        for client, code in (
            ("client-2", "generation_infeasible"),
            ("client-3", "generation_quota_exceeded"),
        ):
            failed = worker.get_schedule(client)
            assert (failed.last_outcome, failed.last_error_code) == (RunOutcome.FAILED, code)
            assert failed.last_week_done is None
            assert failed.next_run_at == FIRST_RUN + timedelta(weeks=1)
            with pytest.raises(DraftNotFound):
                worker.get_draft(client, NEXT_WEEK)

    def test_a_period_already_done_makes_nothing_new_after_a_reschedule(
        self, scheduler: WorkerPlanner, run_due: RunDue, week_template: WeekPlanTemplate
    ) -> None:
        _friday_nine(scheduler, "client-1", week_template)
        run_due(FIRST_RUN)
        scheduler.delete_instance("client-1", "2026-11-30")
        # Moved to Saturday of the same week: its period (next week) is done already.
        scheduler.set_schedule(
            "client-1",
            weekday="sat",
            time="09:00",
            timezone=ZONE,
            source={"template_id": week_template.id},
        )
        runs = run_due(datetime(2026, 11, 28, 8, 0, tzinfo=UTC))
        assert [(r.week_start_date, r.outcome) for r in runs] == [
            (date(2026, 11, 30), RunOutcome.ALREADY_DONE)
        ]
        assert scheduler.list_instances(client_ref="client-1").items == ()

    def test_one_clients_failure_is_recorded_and_the_others_still_run(
        self, scheduler: WorkerPlanner, run_due: RunDue, week_template: WeekPlanTemplate
    ) -> None:
        doomed = scheduler.create_template("Soon gone", sample_days())
        _friday_nine(scheduler, "client-1", week_template)
        _friday_nine(scheduler, "client-2", doomed)
        _friday_nine(scheduler, "client-3", week_template)
        scheduler.delete_template(doomed.id)
        runs = run_due(FIRST_RUN)
        outcomes = {r.client_ref: (r.outcome, r.error_code) for r in runs}
        assert outcomes == {
            "client-1": (RunOutcome.PRODUCED, None),
            "client-2": (RunOutcome.FAILED, "week_plan_template_not_found"),
            "client-3": (RunOutcome.PRODUCED, None),
        }
        failed = scheduler.get_schedule("client-2")
        assert failed.last_outcome is RunOutcome.FAILED
        assert failed.last_error_code == "week_plan_template_not_found"
        assert failed.last_week_done is None
        assert failed.next_run_at == FIRST_RUN + timedelta(weeks=1)
        assert scheduler.list_instances(client_ref="client-2").items == ()
        assert len(scheduler.list_instances(week_start_date="2026-11-30").items) == 2

    def test_a_crash_while_drafting_leaves_the_schedule_due_and_nothing_made(
        self,
        store: Store,
        scheduler: WorkerPlanner,
        tenant: str,
        week_template: WeekPlanTemplate,
    ) -> None:
        _friday_nine(scheduler, "client-1", week_template)

        class Crash(BaseException):
            """Stands for the process dying: not an error anything may catch."""

        def crashing_clock() -> datetime:
            raise Crash

        with pytest.raises(Crash):
            Planner(store, clock=crashing_clock).run_due(FIRST_RUN, tenant_id=tenant)
        assert scheduler.list_instances(client_ref="client-1").items == ()
        assert scheduler.get_schedule("client-1").next_run_at == FIRST_RUN
        runs = Planner(store).run_due(FIRST_RUN, tenant_id=tenant)
        assert [r.outcome for r in runs] == [RunOutcome.PRODUCED]

    def test_a_late_run_drafts_the_latest_missed_week_only(
        self, scheduler: WorkerPlanner, run_due: RunDue, week_template: WeekPlanTemplate
    ) -> None:
        _friday_nine(scheduler, "client-1", week_template)
        late = FIRST_RUN + timedelta(weeks=2, hours=3)
        runs = run_due(late)
        assert [(r.week_start_date, r.scheduled_for) for r in runs] == [
            (date(2026, 12, 14), FIRST_RUN + timedelta(weeks=2))
        ]
        assert scheduler.get_schedule("client-1").next_run_at == FIRST_RUN + timedelta(weeks=3)

    def test_run_due_takes_every_tenant_and_respects_the_limit(
        self,
        scheduling_planner: Planner,
        tenant: str,
        other_tenant: str,
    ) -> None:
        for who in (tenant, other_tenant):
            worker = scheduling_planner.worker(who)
            template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
            for n in range(3):
                _friday_nine(worker, f"client-{n}", template)
        assert len(scheduling_planner.run_due(FIRST_RUN, limit=2, tenant_id=tenant)) == 2
        ran = scheduling_planner.run_due(FIRST_RUN, limit=10_000)
        ours = [r for r in ran if r.tenant_id in (tenant, other_tenant)]
        assert sorted((r.tenant_id, r.client_ref) for r in ours) == sorted(
            [(tenant, "client-2")] + [(other_tenant, f"client-{n}") for n in range(3)]
        )

    @pytest.mark.parametrize(
        ("call", "field"),
        [
            (lambda p: p.run_due(datetime(2026, 11, 27, 8)), "now"),
            (lambda p: p.run_due(FIRST_RUN, limit=0), "limit"),
            (lambda p: p.run_due(FIRST_RUN, tenant_id=""), "tenant_id"),
        ],
    )
    def test_run_due_refuses_bad_input_naming_the_field(
        self, scheduling_planner: Planner, call: Callable[[Planner], object], field: str
    ) -> None:
        with pytest.raises(InvalidInput) as caught:
            call(scheduling_planner)
        assert caught.value.errors[0]["loc"] == [field]
