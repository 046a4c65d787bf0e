"""Conformance: client week instances (clone by snapshot, edit, overrides, list, delete)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from weekplan.domain._days import DayKey
from weekplan.domain._entries import PlanEntry
from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.errors import (
    InstanceExists,
    InstanceNotFound,
    InvalidInput,
    TemplateNotFound,
    VersionConflict,
)
from weekplan.planner._planner import Planner
from weekplan.planner._worker import WorkerPlanner
from weekplan.ports import Store
from weekplan.testing._base import MONDAY, ConformanceBase, all_pages, monday_plus

__all__ = ["InstanceConformance"]


class InstanceConformance(ConformanceBase):
    def test_an_instance_clones_the_template_into_days_and_snapshot(
        self, worker: WorkerPlanner, template: WeekPlanTemplate
    ) -> None:
        instance = worker.create_instance(template.id, "client-42", MONDAY)
        assert instance.days == template.days
        assert instance.template_snapshot == template.days
        assert (instance.template_id, instance.client_ref) == (template.id, "client-42")
        assert (instance.week_start_date, instance.version) == (MONDAY, 1)
        assert worker.get_instance("client-42", MONDAY) == instance
        assert worker.get_instance("client-42", MONDAY.isoformat()) == instance

    def test_a_second_instance_for_the_same_client_and_week_is_refused(
        self, worker: WorkerPlanner, template: WeekPlanTemplate, instance: WeekPlanInstance
    ) -> None:
        other = worker.create_template("Other", [PlanEntry("tue", "lunch")])
        with pytest.raises(InstanceExists) as caught:
            worker.create_instance(other.id, instance.client_ref, MONDAY)
        assert caught.value.status_code == 409
        assert caught.value.to_dict() == {"detail": "week_plan_instance_exists"}
        assert worker.get_instance(instance.client_ref, MONDAY) == instance

    def test_cloning_a_missing_template_is_template_not_found(self, worker: WorkerPlanner) -> None:
        with pytest.raises(TemplateNotFound):
            worker.create_instance("missing", "client-42", MONDAY)
        with pytest.raises(InstanceNotFound):
            worker.get_instance("client-42", MONDAY)

    @pytest.mark.parametrize(
        "week", ["2026-11-24", "23-11-2026", "2026-11-23T00:00:00", "", None, 20261123]
    )
    def test_a_week_start_that_is_not_a_monday_date_is_invalid(
        self, worker: WorkerPlanner, template: WeekPlanTemplate, week: object
    ) -> None:
        with pytest.raises(InvalidInput) as caught:
            worker.create_instance(template.id, "client-42", week)  # type: ignore[arg-type]
        assert caught.value.errors[0]["loc"] == ["week_start_date"]

    def test_a_datetime_is_not_a_week_start(
        self, worker: WorkerPlanner, template: WeekPlanTemplate
    ) -> None:
        with pytest.raises(InvalidInput):
            worker.create_instance(template.id, "client-42", datetime(2026, 11, 23))

    def test_weeks_may_start_on_another_configured_day(self, store: Store, tenant: str) -> None:
        sunday_planner = Planner(store, week_starts_on="sun")
        worker = sunday_planner.worker(tenant)
        template = worker.create_template("Sunday weeks")
        sunday = date(2026, 11, 22)
        assert worker.create_instance(template.id, "client-1", sunday).week_start_date == sunday
        with pytest.raises(InvalidInput):
            worker.create_instance(template.id, "client-1", MONDAY)

    @pytest.mark.parametrize("client_ref", ["", " client", 42, "x" * 129, "a\nb"])
    def test_a_bad_client_ref_is_invalid(
        self, worker: WorkerPlanner, template: WeekPlanTemplate, client_ref: object
    ) -> None:
        with pytest.raises(InvalidInput) as caught:
            worker.create_instance(template.id, client_ref, MONDAY)  # type: ignore[arg-type]
        assert caught.value.errors[0]["loc"] == ["client_ref"]

    def test_a_missing_instance_is_instance_not_found(self, worker: WorkerPlanner) -> None:
        with pytest.raises(InstanceNotFound) as caught:
            worker.get_instance("client-42", MONDAY)
        assert caught.value.to_dict() == {"detail": "week_plan_instance_not_found"}
        with pytest.raises(InstanceNotFound):
            worker.update_instance("client-42", MONDAY, days=[])
        with pytest.raises(InstanceNotFound):
            worker.set_slot("client-42", MONDAY, "mon", "lunch", notes="x")
        with pytest.raises(InstanceNotFound):
            worker.delete_instance("client-42", MONDAY)

    def test_editing_the_template_after_cloning_leaves_the_instance_alone(
        self, worker: WorkerPlanner, template: WeekPlanTemplate, instance: WeekPlanInstance
    ) -> None:
        worker.update_template(template.id, name="Changed", days=[PlanEntry("fri", "snack")])
        assert worker.get_instance("client-42", MONDAY) == instance
        worker.delete_template(template.id)
        assert worker.get_instance("client-42", MONDAY) == instance

    def test_editing_the_instance_leaves_the_template_alone(
        self, worker: WorkerPlanner, template: WeekPlanTemplate, instance: WeekPlanInstance
    ) -> None:
        worker.set_slot("client-42", MONDAY, "mon", "lunch", notes="soup")
        worker.update_instance("client-42", MONDAY, days=[PlanEntry("wed", "dinner")])
        assert worker.get_template(template.id) == template
        assert worker.get_instance("client-42", MONDAY).template_snapshot == template.days

    def test_set_slot_changes_only_what_is_given(
        self, worker: WorkerPlanner, instance: WeekPlanInstance
    ) -> None:
        week = worker.set_slot("client-42", MONDAY, "mon", "dinner", dish_template_id=None)
        assert week == instance  # nothing changed: same version
        week = worker.set_slot("client-42", MONDAY, "mon", "breakfast", notes="eggs")
        slots = {e.key: e for e in week.days}
        assert slots[(DayKey.MON, "breakfast")].notes == "eggs"
        assert slots[(DayKey.MON, "dinner")].notes == "salmon"
        assert week.version == 2
        week = worker.set_slot("client-42", MONDAY, DayKey.MON, "breakfast", notes=None)
        assert {e.key: e for e in week.days}[(DayKey.MON, "breakfast")].notes is None
        assert worker.get_instance("client-42", MONDAY) == week

    def test_set_slot_to_what_a_slot_holds_writes_nothing(
        self, worker: WorkerPlanner, instance: WeekPlanInstance
    ) -> None:
        # Breakfast is not the day's last slot: an edit would put it last.
        week = worker.set_slot("client-42", MONDAY, "mon", "breakfast", notes="oats")
        assert week == instance
        assert worker.get_instance("client-42", MONDAY) == instance
        assert [e.slot_key for e in week.days[:3]] == ["breakfast", "lunch", "dinner"]

    def test_set_slot_creates_a_slot_the_day_lacks(
        self, worker: WorkerPlanner, instance: WeekPlanInstance
    ) -> None:
        week = worker.set_slot("client-42", MONDAY, "thu", "snack_1", notes="apple")
        assert PlanEntry("thu", "snack_1", notes="apple") in week.days
        assert len(week.days) == len(instance.days) + 1

    def test_set_slot_with_bad_input_names_the_field(
        self, worker: WorkerPlanner, instance: WeekPlanInstance
    ) -> None:
        with pytest.raises(InvalidInput) as caught:
            worker.set_slot("client-42", MONDAY, "someday", "", notes=7)  # type: ignore[arg-type]
        assert sorted(e["loc"][0] for e in caught.value.errors) == [
            "day_key",
            "notes",
            "slot_key",
        ]
        assert worker.get_instance("client-42", MONDAY) == instance

    def test_update_instance_replaces_all_entries(
        self, worker: WorkerPlanner, instance: WeekPlanInstance
    ) -> None:
        week = worker.update_instance(
            "client-42", MONDAY, days=[{"day_key": "sat", "slot_key": "lunch", "notes": "wrap"}]
        )
        assert week.days == (PlanEntry("sat", "lunch", notes="wrap"),)
        assert week.template_snapshot == instance.template_snapshot
        assert week.version == 2

    def test_update_instance_with_bad_entries_names_the_path(
        self, worker: WorkerPlanner, instance: WeekPlanInstance
    ) -> None:
        with pytest.raises(InvalidInput) as caught:
            worker.update_instance(
                "client-42", MONDAY, days=[{"day_key": "mon"}, {"slot_key": "x", "extra": 1}]
            )
        assert [e["loc"] for e in caught.value.errors] == [
            ["days", 0, "slot_key"],
            ["days", 1, "extra"],
            ["days", 1, "day_key"],
        ]
        assert worker.get_instance("client-42", MONDAY) == instance

    def test_a_stale_version_on_an_instance_is_a_conflict(
        self, worker: WorkerPlanner, instance: WeekPlanInstance
    ) -> None:
        worker.set_slot("client-42", MONDAY, "mon", "lunch", notes="first", expected_version=1)
        with pytest.raises(VersionConflict):
            worker.set_slot("client-42", MONDAY, "mon", "lunch", notes="lost", expected_version=1)
        with pytest.raises(VersionConflict):
            worker.update_instance("client-42", MONDAY, days=[], expected_version=1)
        slots = {e.key: e for e in worker.get_instance("client-42", MONDAY).days}
        assert slots[(DayKey.MON, "lunch")].notes == "first"

    def test_overrides_list_what_differs_from_the_snapshot(
        self, worker: WorkerPlanner, instance: WeekPlanInstance
    ) -> None:
        assert worker.list_overrides("client-42", MONDAY) == ()
        worker.set_slot("client-42", MONDAY, "mon", "lunch", notes="soup")
        worker.set_slot("client-42", MONDAY, "wed", "snack", notes="nuts")
        overrides = worker.list_overrides("client-42", MONDAY)
        assert [(o.day_key, o.slot_key) for o in overrides] == [
            (DayKey.MON, "lunch"),
            (DayKey.WED, "snack"),
        ]
        assert overrides[0].snapshot == PlanEntry("mon", "lunch")
        assert overrides[0].current == PlanEntry("mon", "lunch", notes="soup")
        assert overrides[1].snapshot is None

    def test_reset_slot_puts_back_the_snapshot(
        self, worker: WorkerPlanner, instance: WeekPlanInstance
    ) -> None:
        worker.set_slot("client-42", MONDAY, "mon", "dinner", notes="pizza")
        worker.set_slot("client-42", MONDAY, "wed", "snack", notes="nuts")
        worker.reset_slot("client-42", MONDAY, "mon", "dinner")
        week = worker.reset_slot("client-42", MONDAY, "wed", "snack")
        assert sorted(week.days, key=repr) == sorted(instance.days, key=repr)
        assert worker.list_overrides("client-42", MONDAY) == ()

    def test_a_deleted_instance_is_gone_and_can_be_cloned_again(
        self, worker: WorkerPlanner, template: WeekPlanTemplate, instance: WeekPlanInstance
    ) -> None:
        worker.delete_instance("client-42", MONDAY)
        with pytest.raises(InstanceNotFound):
            worker.get_instance("client-42", MONDAY)
        again = worker.create_instance(template.id, "client-42", MONDAY)
        assert again.id != instance.id

    def test_instances_list_by_week_then_client_and_filter(
        self, worker: WorkerPlanner, template: WeekPlanTemplate
    ) -> None:
        for weeks, client in [(1, "b"), (0, "b"), (0, "a"), (2, "a"), (1, "c")]:
            worker.create_instance(template.id, client, monday_plus(weeks))
        everything = worker.list_instances().items
        assert [(i.week_start_date, i.client_ref) for i in everything] == [
            (monday_plus(0), "a"),
            (monday_plus(0), "b"),
            (monday_plus(1), "b"),
            (monday_plus(1), "c"),
            (monday_plus(2), "a"),
        ]
        of_a = worker.list_instances(client_ref="a").items
        assert [i.week_start_date for i in of_a] == [monday_plus(0), monday_plus(2)]
        of_week = worker.list_instances(week_start_date=monday_plus(1).isoformat()).items
        assert [i.client_ref for i in of_week] == ["b", "c"]
        both = worker.list_instances(client_ref="c", week_start_date=monday_plus(1)).items
        assert [i.client_ref for i in both] == ["c"]
        paged = all_pages(lambda c: worker.list_instances(limit=2, cursor=c))
        assert paged == everything

    def test_a_template_cursor_is_not_an_instance_cursor(self, worker: WorkerPlanner) -> None:
        for n in range(3):
            worker.create_template(f"T{n}")
        cursor = worker.list_templates(limit=1).next_cursor
        with pytest.raises(InvalidInput):
            worker.list_instances(cursor=cursor)
