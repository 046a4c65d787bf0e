"""Conformance: templates (create, read, update, delete, list, search, paginate)."""

from __future__ import annotations

import pytest

from weekplan.domain._entries import PlanEntry
from weekplan.domain._limits import MAX_ENTRIES, NAME_MAX, NOTES_MAX
from weekplan.domain._plans import WeekPlanTemplate
from weekplan.errors import InvalidInput, TemplateNotFound, VersionConflict
from weekplan.planner._worker import WorkerPlanner
from weekplan.testing._base import ConformanceBase, all_pages, sample_days, snapshot_of

__all__ = ["TemplateConformance"]


class TemplateConformance(ConformanceBase):
    def test_a_created_template_reads_back_equal(self, worker: WorkerPlanner) -> None:
        created = worker.create_template("  Balanced week ", sample_days())
        assert created.name == "Balanced week"
        assert created.version == 1
        assert created.tenant_id == worker.tenant_id
        assert worker.get_template(created.id) == created

    def test_entries_come_back_monday_first_keeping_slot_order(self, worker: WorkerPlanner) -> None:
        days = [
            {"day_key": "sun", "slot_key": "dinner"},
            {"day_key": "mon", "slot_key": "lunch"},
            {"day_key": "mon", "slot_key": "breakfast"},
        ]
        created = worker.create_template("Order", days)
        stored = worker.get_template(created.id)
        assert [(e.day_key.value, e.slot_key) for e in stored.days] == [
            ("mon", "lunch"),
            ("mon", "breakfast"),
            ("sun", "dinner"),
        ]

    def test_longest_allowed_values_and_any_script_round_trip(self, worker: WorkerPlanner) -> None:
        days = [PlanEntry("mon", "ontbijt", notes="crème brûlée 🍮 — 早餐\nline two")]
        days += [PlanEntry("tue", f"slot-{n}") for n in range(MAX_ENTRIES - 2)]
        days.append(PlanEntry("wed", "long", notes="n" * NOTES_MAX))
        created = worker.create_template("é" * NAME_MAX, days)
        assert worker.get_template(created.id) == created

    def test_a_missing_template_is_template_not_found(self, worker: WorkerPlanner) -> None:
        with pytest.raises(TemplateNotFound) as caught:
            worker.get_template("no-such-template")
        assert caught.value.status_code == 404
        assert caught.value.to_dict() == {"detail": "week_plan_template_not_found"}

    def test_bad_template_input_names_every_field_and_stores_nothing(
        self, worker: WorkerPlanner
    ) -> None:
        before = snapshot_of(worker)
        with pytest.raises(InvalidInput) as caught:
            worker.create_template(
                "  ",
                [{"day_key": "mon", "slot_key": "lunch"}, {"day_key": "funday", "slot_key": "x"}],
            )
        locs = [e["loc"] for e in caught.value.errors]
        assert locs == [["name"], ["days", 1, "day_key"]]
        assert caught.value.status_code == 422
        assert snapshot_of(worker) == before

    def test_duplicate_slots_and_too_many_entries_are_invalid(self, worker: WorkerPlanner) -> None:
        with pytest.raises(InvalidInput) as dup:
            worker.create_template("Dup", [PlanEntry("mon", "lunch"), PlanEntry("mon", "lunch")])
        assert dup.value.errors[0]["loc"] == ["days", 1, "slot_key"]
        too_many = [{"day_key": "mon", "slot_key": f"s{n}"} for n in range(MAX_ENTRIES + 1)]
        with pytest.raises(InvalidInput) as big:
            worker.create_template("Big", too_many)
        assert big.value.errors[0]["loc"] == ["days"]

    def test_a_nul_character_is_invalid_input_not_a_database_error(
        self, worker: WorkerPlanner
    ) -> None:
        with pytest.raises(InvalidInput) as caught:
            worker.create_template("Nul", [{"day_key": "mon", "slot_key": "x", "notes": "a\x00b"}])
        assert caught.value.errors[0]["loc"] == ["days", 0, "notes"]

    def test_updating_bumps_the_version_and_keeps_what_was_not_given(
        self, worker: WorkerPlanner, template: WeekPlanTemplate
    ) -> None:
        renamed = worker.update_template(template.id, name="Renamed")
        assert (renamed.name, renamed.days, renamed.version) == ("Renamed", template.days, 2)
        assert renamed.created_at == template.created_at
        assert renamed.updated_at > template.updated_at
        emptied = worker.update_template(template.id, days=[], expected_version=2)
        assert (emptied.name, emptied.days, emptied.version) == ("Renamed", (), 3)
        assert worker.get_template(template.id) == emptied

    def test_an_update_that_changes_nothing_keeps_the_version(
        self, worker: WorkerPlanner, template: WeekPlanTemplate
    ) -> None:
        same = worker.update_template(template.id, name=template.name, days=template.days)
        assert same == template
        assert worker.get_template(template.id).version == 1

    def test_a_stale_expected_version_is_a_conflict_and_changes_nothing(
        self, worker: WorkerPlanner, template: WeekPlanTemplate
    ) -> None:
        worker.update_template(template.id, name="First edit")
        with pytest.raises(VersionConflict) as caught:
            worker.update_template(template.id, name="Lost edit", expected_version=1)
        assert caught.value.status_code == 409
        assert caught.value.detail == "week_plan_version_conflict"
        assert worker.get_template(template.id).name == "First edit"

    def test_updating_or_deleting_a_missing_template_is_not_found(
        self, worker: WorkerPlanner
    ) -> None:
        with pytest.raises(TemplateNotFound):
            worker.update_template("missing", name="x")
        with pytest.raises(TemplateNotFound):
            worker.delete_template("missing")

    def test_a_deleted_template_is_gone(
        self, worker: WorkerPlanner, template: WeekPlanTemplate
    ) -> None:
        worker.delete_template(template.id)
        with pytest.raises(TemplateNotFound):
            worker.get_template(template.id)
        assert worker.list_templates().items == ()

    def test_templates_list_by_name_ignoring_case_and_accents(self, worker: WorkerPlanner) -> None:
        for name in ["zucchini week", "Éclair week", "apple week", "Banana week"]:
            worker.create_template(name)
        names = [t.name for t in worker.list_templates().items]
        assert names == ["apple week", "Banana week", "Éclair week", "zucchini week"]

    def test_search_matches_part_of_the_name_ignoring_case_and_accents(
        self, worker: WorkerPlanner
    ) -> None:
        for name in ["Crème week", "Cream week", "Summer cut", "100% vegan", "snack_time"]:
            worker.create_template(name)
        assert [t.name for t in worker.list_templates(search="CREME").items] == ["Crème week"]
        assert [t.name for t in worker.list_templates(search="week").items] == [
            "Cream week",
            "Crème week",
        ]
        assert [t.name for t in worker.list_templates(search="0%").items] == ["100% vegan"]
        assert [t.name for t in worker.list_templates(search="k_t").items] == ["snack_time"]
        assert worker.list_templates(search="nothing like it").items == ()
        assert len(worker.list_templates(search="   ").items) == 5

    def test_pages_cover_every_template_once_in_order(self, worker: WorkerPlanner) -> None:
        created = [worker.create_template(f"Plan {n:02d}") for n in range(7)]
        created.append(worker.create_template("Plan 03"))  # a tie on the name breaks on id
        pages = []
        cursor = None
        while True:
            page = worker.list_templates(limit=3, cursor=cursor)
            pages.append(page.items)
            cursor = page.next_cursor
            if cursor is None:
                break
        assert [len(p) for p in pages] == [3, 3, 2]
        listed = [t for page in pages for t in page]
        assert sorted(t.id for t in listed) == sorted(t.id for t in created)
        assert [t.name for t in listed] == sorted(t.name for t in created)

    def test_a_search_paginates_too(self, worker: WorkerPlanner) -> None:
        for n in range(5):
            worker.create_template(f"Keto {n}")
            worker.create_template(f"Vegan {n}")
        found = all_pages(lambda c: worker.list_templates(search="keto", limit=2, cursor=c))
        assert [t.name for t in found] == [f"Keto {n}" for n in range(5)]

    @pytest.mark.parametrize("limit", [0, -1, 201, "10", 2.5, True])
    def test_a_page_size_out_of_range_is_invalid(
        self, worker: WorkerPlanner, limit: object
    ) -> None:
        with pytest.raises(InvalidInput) as caught:
            worker.list_templates(limit=limit)  # type: ignore[arg-type]
        assert caught.value.errors[0]["loc"] == ["limit"]

    @pytest.mark.parametrize("cursor", ["garbage", "", "e30", 12])
    def test_a_cursor_that_is_not_ours_is_invalid(
        self, worker: WorkerPlanner, cursor: object
    ) -> None:
        with pytest.raises(InvalidInput) as caught:
            worker.list_templates(cursor=cursor)  # type: ignore[arg-type]
        assert caught.value.errors[0]["loc"] == ["cursor"]
