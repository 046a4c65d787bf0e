"""Conformance: one tenant can never read, change or detect another tenant's data."""

from __future__ import annotations

import pytest

from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.errors import InstanceNotFound, TemplateNotFound
from weekplan.planner._planner import Planner
from weekplan.planner._worker import WorkerPlanner
from weekplan.testing._base import MONDAY, ConformanceBase, snapshot_of

__all__ = ["IsolationConformance"]


class IsolationConformance(ConformanceBase):
    @pytest.fixture
    def intruder(self, planner: Planner, other_tenant: str) -> WorkerPlanner:
        return planner.worker(other_tenant)

    def test_another_tenants_template_is_indistinguishable_from_a_missing_one(
        self,
        worker: WorkerPlanner,
        intruder: WorkerPlanner,
        template: WeekPlanTemplate,
    ) -> None:
        for attempt in (
            lambda: intruder.get_template(template.id),
            lambda: intruder.update_template(template.id, name="Hijacked"),
            lambda: intruder.delete_template(template.id),
            lambda: intruder.create_instance(template.id, "client-42", MONDAY),
        ):
            with pytest.raises(TemplateNotFound) as caught:
                attempt()
            assert caught.value.to_dict() == TemplateNotFound().to_dict()
        assert worker.get_template(template.id) == template

    def test_another_tenants_instance_is_indistinguishable_from_a_missing_one(
        self,
        worker: WorkerPlanner,
        intruder: WorkerPlanner,
        instance: WeekPlanInstance,
    ) -> None:
        for attempt in (
            lambda: intruder.get_instance("client-42", MONDAY),
            lambda: intruder.update_instance("client-42", MONDAY, days=[]),
            lambda: intruder.set_slot("client-42", MONDAY, "mon", "lunch", notes="x"),
            lambda: intruder.reset_slot("client-42", MONDAY, "mon", "lunch"),
            lambda: intruder.list_overrides("client-42", MONDAY),
            lambda: intruder.delete_instance("client-42", MONDAY),
        ):
            with pytest.raises(InstanceNotFound):
                attempt()
        assert worker.get_instance("client-42", MONDAY) == instance

    def test_listings_never_show_another_tenants_rows(
        self, worker: WorkerPlanner, intruder: WorkerPlanner, instance: WeekPlanInstance
    ) -> None:
        assert intruder.list_templates().items == ()
        assert intruder.list_templates(search="balanced").items == ()
        assert intruder.list_instances().items == ()
        assert intruder.list_instances(client_ref="client-42").items == ()
        assert intruder.list_instances(week_start_date=MONDAY).items == ()
        assert snapshot_of(worker)[1] == (instance,)

    def test_two_tenants_may_plan_the_same_client_ref_and_week(
        self, worker: WorkerPlanner, intruder: WorkerPlanner, instance: WeekPlanInstance
    ) -> None:
        theirs = intruder.create_template("Theirs")
        their_week = intruder.create_instance(theirs.id, "client-42", MONDAY)
        intruder.set_slot("client-42", MONDAY, "fri", "dinner", notes="theirs")
        assert worker.get_instance("client-42", MONDAY) == instance
        assert intruder.get_instance("client-42", MONDAY).id == their_week.id

    def test_a_cursor_from_one_tenant_reveals_nothing_to_another(
        self, worker: WorkerPlanner, intruder: WorkerPlanner
    ) -> None:
        for n in range(3):
            worker.create_template(f"Mine {n}")
        cursor = worker.list_templates(limit=1).next_cursor
        assert intruder.list_templates(cursor=cursor).items == ()
