"""Conformance: the dish catalog, suggestions, bulk assign and the client's week view.

The planning history behind suggestions is kept by the store's
``MealHistoryRepository``; these tests observe it only through
``suggest_dishes``, so they hold for any correct implementation.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from weekplan.domain._days import DAY_ORDER, DayKey
from weekplan.domain._dishes import Dish
from weekplan.domain._entries import PlanEntry
from weekplan.domain._meal_types import MealType
from weekplan.domain._plans import WeekPlanTemplate
from weekplan.errors import (
    DishNotFound,
    InstanceNotFound,
    InvalidInput,
    ReadOnlyAccess,
    SlotNotFound,
    VersionConflict,
)
from weekplan.planner._client import ClientPlanner
from weekplan.planner._planner import Planner
from weekplan.planner._worker import WorkerPlanner
from weekplan.testing import strategies as wps
from weekplan.testing._base import MONDAY, ConformanceBase, all_pages, monday_plus, shared_store

__all__ = ["DishConformance"]


_CATALOG = (
    ("oats", "Havermout met appel", ()),
    ("omelette", "Spinach omelette", ()),
    ("yoghurt", "Greek yoghurt bowl", (MealType.BREAKFAST,)),
    ("soup", "Tomatensoep", (MealType.LUNCH,)),
    ("wrap", "Chicken wrap", ()),
    ("curry", "Chickpea curry", (MealType.DINNER,)),
    ("stamppot", "Boerenkool stamppot", ()),
    ("nuts", "Notenmix", (MealType.SNACK,)),
    ("plain", "Quinoa", ()),
)


def _entry(day: str, slot: str, dish: str | None = None, notes: str | None = None) -> PlanEntry:
    return PlanEntry(day, slot, dish, notes)


class DishConformance(ConformanceBase):
    @pytest.fixture
    def catalog(self, worker: WorkerPlanner) -> dict[str, Dish]:
        return {
            dish_id: worker.upsert_dish(dish_id, name=name, meal_types=meal_types)
            for dish_id, name, meal_types in _CATALOG
        }

    # -- catalog --------------------------------------------------------------------

    def test_a_dish_round_trips_through_the_store(self, worker: WorkerPlanner) -> None:
        dish = worker.upsert_dish(
            "d-1",
            name="Crème brûlée",
            meal_types=["snack", "dinner"],
            tags=["dessert", "zoet"],
            ingredients=["room", "eidooier", "suiker"],
            steps=["Verwarm de room.", "Karamelliseer de suiker."],
        )
        assert worker.get_dish("d-1") == dish
        assert dish.meal_types == (MealType.DINNER, MealType.SNACK)
        assert (dish.version, dish.created_at) == (1, dish.updated_at)

    def test_upsert_bumps_the_version_only_on_change(self, worker: WorkerPlanner) -> None:
        first = worker.upsert_dish("d-1", name="Soup")
        assert worker.upsert_dish("d-1", name="Soup") == first
        second = worker.upsert_dish("d-1", name="Lentil soup", expected_version=1)
        assert (second.version, second.created_at) == (2, first.created_at)
        with pytest.raises(VersionConflict):
            worker.upsert_dish("d-1", name="Pea soup", expected_version=1)
        assert worker.get_dish("d-1") == second

    def test_bad_dish_input_names_every_field(self, worker: WorkerPlanner) -> None:
        with pytest.raises(InvalidInput) as caught:
            worker.upsert_dish("", name=" ", meal_types=["brunch"], tags=["x" * 51])
        locs = [e["loc"] for e in caught.value.errors]
        assert locs == [["dish_id"], ["name"], ["meal_types", 0], ["tags", 0]]
        assert worker.list_dishes().items == ()

    def test_dishes_list_by_name_with_search_and_cursor(self, worker: WorkerPlanner) -> None:
        for n, name in enumerate(["Éclair", "eclair", "Curry", "Crêpe", "Soep", "Salade"]):
            worker.upsert_dish(f"d-{n}", name=name)
        listed = all_pages(lambda c: worker.list_dishes(limit=2, cursor=c))
        assert [d.name for d in listed] == ["Crêpe", "Curry", "Éclair", "eclair", "Salade", "Soep"]
        assert [d.id for d in worker.list_dishes(search="ECLA").items] == ["d-0", "d-1"]

    def test_a_deleted_dish_is_gone(self, worker: WorkerPlanner) -> None:
        worker.upsert_dish("d-1", name="Soup")
        worker.delete_dish("d-1")
        with pytest.raises(DishNotFound):
            worker.get_dish("d-1")
        with pytest.raises(DishNotFound):
            worker.delete_dish("d-1")

    def test_another_tenants_dish_is_indistinguishable_from_a_missing_one(
        self, planner: Planner, worker: WorkerPlanner, other_tenant: str
    ) -> None:
        theirs = planner.worker(other_tenant)
        secret = theirs.upsert_dish("shared-id", name="Secret stew")
        template = worker.create_template("Mine")
        worker.create_instance(template.id, "client-42", MONDAY)
        for attempt in (
            lambda: worker.get_dish("shared-id"),
            lambda: worker.delete_dish("shared-id"),
            lambda: worker.create_template("T", [_entry("mon", "dinner", "shared-id")]),
            lambda: worker.update_template(template.id, days=[_entry("mon", "x", "shared-id")]),
            lambda: worker.set_slot("client-42", MONDAY, "mon", "x", dish_template_id="shared-id"),
            lambda: worker.bulk_assign(
                "client-42", MONDAY, slot_key="dinner", dish_template_id="shared-id"
            ),
            lambda: worker.bulk_assign_template(
                template.id, slot_key="dinner", dish_template_id="shared-id"
            ),
        ):
            with pytest.raises(DishNotFound) as caught:
                attempt()
            assert caught.value.to_dict() == DishNotFound().to_dict()
        assert worker.list_dishes().items == ()
        assert worker.list_dishes(search="secret").items == ()
        assert worker.suggest_dishes("dinner") == []
        # A tenant may use the same dish id for a dish of its own.
        mine = worker.upsert_dish("shared-id", name="My stew")
        assert theirs.get_dish("shared-id") == secret
        assert worker.get_dish("shared-id") == mine

    def test_a_read_only_worker_cannot_change_the_catalog(
        self, planner: Planner, tenant: str, catalog: dict[str, Dish]
    ) -> None:
        viewer = planner.worker(tenant, read_only=True)
        with pytest.raises(ReadOnlyAccess):
            viewer.upsert_dish("oats", name="Changed")
        with pytest.raises(ReadOnlyAccess):
            viewer.delete_dish("oats")
        with pytest.raises(ReadOnlyAccess):
            viewer.bulk_assign("client-42", MONDAY, slot_key="lunch", dish_template_id="soup")
        assert viewer.get_dish("oats") == catalog["oats"]
        assert [s.dish.id for s in viewer.suggest_dishes("lunch")] == ["soup", "wrap"]

    def test_deleting_a_planned_dish_keeps_the_plans_and_shows_it_missing(
        self, planner: Planner, tenant: str, worker: WorkerPlanner, catalog: dict[str, Dish]
    ) -> None:
        template = worker.create_template("T", [_entry("mon", "lunch", "soup")])
        worker.create_instance(template.id, "client-42", MONDAY)
        worker.delete_dish("soup")
        edited = worker.set_slot("client-42", MONDAY, "mon", "lunch", notes="warm")
        assert edited.days == (_entry("mon", "lunch", "soup", "warm"),)
        assert worker.update_template(template.id, name="Renamed").days == template.days
        slot = planner.client(tenant, "client-42").weekly_plan(MONDAY).slot("mon", "lunch")
        assert (slot.dish_template_id, slot.dish_name, slot.dish_missing) == ("soup", None, True)

    # -- suggestions ----------------------------------------------------------------

    def test_suggestions_rank_history_then_label_then_hints(
        self, worker: WorkerPlanner, catalog: dict[str, Dish]
    ) -> None:
        assert [s.dish.id for s in worker.suggest_dishes("breakfast")] == [
            "yoghurt",  # labelled breakfast, and "yoghurt" is a hint
            "oats",  # "havermout"
            "omelette",  # "omelette"
        ]
        worker.create_template("T", [_entry(day, "Ontbijt", "omelette") for day in ("mon", "tue")])
        ranked = worker.suggest_dishes("2nd breakfast")
        assert [(s.dish.id, s.history_count, s.score) for s in ranked] == [
            ("omelette", 2, 9),
            ("yoghurt", 0, 3),
            ("oats", 0, 1),
        ]
        assert ranked[0].matched_hints == ("omelette", "omelet")
        assert ranked[0].meal_type is MealType.BREAKFAST
        assert (ranked[1].labelled, ranked[1].matched_hints) == (True, ("yoghurt",))

    def test_history_counts_instances_and_templates_and_forgets_removed_entries(
        self, worker: WorkerPlanner, catalog: dict[str, Dish]
    ) -> None:
        def count(dish_id: str) -> int:
            found = [s for s in worker.suggest_dishes("dinner") if s.dish.id == dish_id]
            return found[0].history_count if found else 0

        template = worker.create_template("T", [_entry("mon", "dinner", "plain")])
        assert count("plain") == 1
        worker.create_instance(template.id, "client-42", MONDAY)
        assert count("plain") == 2
        worker.bulk_assign("client-42", MONDAY, slot_key="avondeten", dish_template_id="plain")
        assert count("plain") == 9
        worker.update_template(template.id, days=[])
        assert count("plain") == 8
        worker.set_slot("client-42", MONDAY, "tue", "avondeten", dish_template_id="curry")
        assert count("plain") == 7
        worker.delete_instance("client-42", MONDAY)
        assert count("plain") == 0
        worker.delete_template(template.id)
        assert [s.dish.id for s in worker.suggest_dishes("dinner")] == ["curry", "stamppot"]

    def test_a_failed_write_leaves_the_history_as_it_was(
        self, worker: WorkerPlanner, catalog: dict[str, Dish]
    ) -> None:
        template = worker.create_template("T", [_entry("mon", "lunch", "wrap")])
        before = worker.suggest_dishes("lunch")
        with pytest.raises(DishNotFound):
            worker.update_template(
                template.id, days=[_entry("tue", "lunch", "wrap"), _entry("wed", "lunch", "nope")]
            )
        with pytest.raises(VersionConflict):
            worker.update_template(template.id, days=[], expected_version=7)
        assert worker.suggest_dishes("lunch") == before

    def test_without_a_meal_match_every_dish_is_suggested_by_name(
        self, worker: WorkerPlanner, catalog: dict[str, Dish]
    ) -> None:
        fallback = worker.suggest_dishes("pre-workout", limit=3)
        assert [s.dish.name for s in fallback] == [
            "Boerenkool stamppot",
            "Chicken wrap",
            "Chickpea curry",
        ]
        assert all(s.meal_type is None and s.score == 0 and not s.matched for s in fallback)
        worker.create_template("T", [_entry("fri", "pre workout 2", "nuts")])
        assert [s.dish.id for s in worker.suggest_dishes("Pre-Workout")] == ["nuts"]

    def test_the_query_filters_case_and_accent_insensitively(
        self, worker: WorkerPlanner, catalog: dict[str, Dish]
    ) -> None:
        assert [s.dish.id for s in worker.suggest_dishes("lunch", query="SOEP")] == ["soup"]
        worker.upsert_dish("creme", name="Crème fraîche dip")
        assert [s.dish.id for s in worker.suggest_dishes("snack", query="creme")] == ["creme"]
        # No lunch dish matches "curry": fall back to every dish that does.
        assert [s.dish.id for s in worker.suggest_dishes("lunch", query="curry")] == ["curry"]
        assert worker.suggest_dishes("lunch", query="zzz") == []

    @pytest.mark.parametrize("limit", [0, 101, -1, 2.0, True, "5", None])
    def test_suggestion_limit_is_1_to_100(self, worker: WorkerPlanner, limit: Any) -> None:
        with pytest.raises(InvalidInput) as caught:
            worker.suggest_dishes("lunch", limit=limit)
        assert caught.value.errors[0]["loc"] == ["limit"]

    def test_suggestion_input_names_the_field(self, worker: WorkerPlanner) -> None:
        with pytest.raises(InvalidInput) as caught:
            worker.suggest_dishes("", query=3)  # type: ignore[arg-type]
        assert [e["loc"] for e in caught.value.errors] == [["slot_key"], ["query"]]

    def test_suggestions_are_deterministic_with_ties_broken_by_name_then_id(
        self, worker: WorkerPlanner
    ) -> None:
        for dish_id in ("b", "a", "c"):
            worker.upsert_dish(dish_id, name="Soup")
        worker.upsert_dish("d", name="Apple soup")
        ids = [s.dish.id for s in worker.suggest_dishes("lunch")]
        assert ids == ["d", "a", "b", "c"]
        assert [s.dish.id for s in worker.suggest_dishes("lunch", limit=2)] == ids[:2]

    @shared_store
    @given(
        mine=st.lists(wps.names(), max_size=4),
        theirs=st.lists(wps.names(), min_size=1, max_size=4),
        slot_key=wps.slot_keys(),
        # Any text a search may hold: control characters and lone surrogates are refused.
        query=st.one_of(
            st.none(), st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=3)
        ),
    )
    def test_suggestions_never_contain_another_tenants_dish(
        self,
        planner: Planner,
        mine: list[str],
        theirs: list[str],
        slot_key: str,
        query: str | None,
    ) -> None:
        me, other = planner.worker(_fresh()), planner.worker(_fresh())
        for n, name in enumerate(theirs):
            other.upsert_dish(f"dish-{n}", name=name, meal_types=list(MealType))
        other.create_template("Theirs", [_entry(day, slot_key, "dish-0") for day in ("mon", "tue")])
        for n, name in enumerate(mine):
            me.upsert_dish(f"dish-{n + 10}", name=name)
        suggested = me.suggest_dishes(slot_key, query=query, limit=100)
        assert {s.dish.tenant_id for s in suggested} <= {me.tenant_id}
        assert {s.dish.id for s in suggested} <= {f"dish-{n + 10}" for n in range(len(mine))}
        assert all(s.history_count == 0 for s in suggested)

    # -- bulk assign ----------------------------------------------------------------

    def test_bulk_assign_fills_the_week_in_one_version(
        self, worker: WorkerPlanner, catalog: dict[str, Dish]
    ) -> None:
        template = worker.create_template(
            "T", [_entry("mon", "lunch", notes="no onion"), _entry("mon", "dinner", "curry")]
        )
        worker.create_instance(template.id, "client-42", MONDAY)
        week = worker.bulk_assign("client-42", MONDAY, slot_key="lunch", dish_template_id="soup")
        assert week.version == 2
        lunches = [e for e in week.days if e.slot_key == "lunch"]
        assert [e.day_key for e in lunches] == list(DAY_ORDER)
        assert {e.dish_template_id for e in lunches} == {"soup"}
        assert lunches[0].notes == "no onion"
        assert _entry("mon", "dinner", "curry") in week.days
        again = worker.bulk_assign("client-42", MONDAY, slot_key="lunch", dish_template_id="soup")
        assert again == week
        assert worker.get_template(template.id) == template

    def test_bulk_assign_scopes(self, worker: WorkerPlanner, catalog: dict[str, Dish]) -> None:
        template = worker.create_template("T")
        worker.create_instance(template.id, "client-42", MONDAY)
        one = worker.bulk_assign(
            "client-42", MONDAY, slot_key="snack_1", dish_template_id="nuts", days="tue"
        )
        assert one.days == (_entry("tue", "snack_1", "nuts"),)
        some = worker.bulk_assign(
            "client-42", MONDAY, slot_key="snack_1", dish_template_id="nuts", days=["thu", "mon"]
        )
        assert [e.day_key.value for e in some.days] == ["mon", "tue", "thu"]
        assert some.version == 3

    @pytest.mark.parametrize("days", ["Week", "monday", [], ["mon", "funday"], 7, None])
    def test_bulk_assign_refuses_a_bad_scope_naming_days(
        self, worker: WorkerPlanner, catalog: dict[str, Dish], days: Any
    ) -> None:
        template = worker.create_template("T")
        with pytest.raises(InvalidInput) as caught:
            worker.bulk_assign_template(
                template.id, slot_key="lunch", dish_template_id="soup", days=days
            )
        assert caught.value.errors[0]["loc"][0] == "days"
        assert worker.get_template(template.id) == template

    def test_bulk_assign_needs_an_existing_plan_and_dish(
        self, worker: WorkerPlanner, catalog: dict[str, Dish]
    ) -> None:
        template = worker.create_template("T")
        worker.create_instance(template.id, "client-42", MONDAY)
        with pytest.raises(DishNotFound):
            worker.bulk_assign("client-42", MONDAY, slot_key="lunch", dish_template_id="nope")
        with pytest.raises(InstanceNotFound):
            worker.bulk_assign("client-7", MONDAY, slot_key="lunch", dish_template_id="soup")
        assert worker.get_instance("client-42", MONDAY).version == 1

    def test_bulk_assign_on_a_template_leaves_its_instances_alone(
        self, worker: WorkerPlanner, catalog: dict[str, Dish]
    ) -> None:
        template = worker.create_template("T", [_entry("wed", "dinner", "curry")])
        week = worker.create_instance(template.id, "client-42", MONDAY)
        updated = worker.bulk_assign_template(
            template.id, slot_key="dinner", dish_template_id="stamppot", days=["wed", "sat"]
        )
        assert updated.version == 2
        assert updated.days == (
            _entry("wed", "dinner", "stamppot"),
            _entry("sat", "dinner", "stamppot"),
        )
        assert worker.get_instance("client-42", MONDAY) == week

    @shared_store
    @given(
        entries=wps.entry_lists(max_size=12, dishes=st.sampled_from(["oats", "soup", None])),
        scope=st.one_of(
            st.just("week"),
            st.sampled_from([d.value for d in DayKey]),
            st.lists(st.sampled_from(DAY_ORDER), min_size=1, max_size=7),
        ),
        slot_key=wps.slot_keys(),
    )
    def test_bulk_assign_touches_exactly_the_scoped_days_and_never_the_template(
        self, planner: Planner, entries: tuple[PlanEntry, ...], scope: Any, slot_key: str
    ) -> None:
        worker = planner.worker(_fresh())
        for dish_id in ("oats", "soup", "curry"):
            worker.upsert_dish(dish_id, name=dish_id.title())
        template = worker.create_template("T", entries)
        before = worker.create_instance(template.id, "client-42", MONDAY)
        after = worker.bulk_assign(
            "client-42", MONDAY, slot_key=slot_key, dish_template_id="curry", days=scope
        )
        days = set(DAY_ORDER) if scope == "week" else {DayKey(d) for d in _as_list(scope)}
        old = {e.key: e for e in before.days}
        new = {e.key: e for e in after.days}
        assert set(new) == set(old) | {(d, slot_key) for d in days}
        for key, entry in new.items():
            if key[0] in days and key[1] == slot_key:
                assert entry.dish_template_id == "curry"
                assert entry.notes == (old[key].notes if key in old else None)
            else:
                assert entry == old[key]
        assert after.version == before.version + (1 if new != old else 0)
        assert worker.get_template(template.id) == template

    # -- the client's view -------------------------------------------------------------

    @pytest.fixture
    def planned_week(self, worker: WorkerPlanner, catalog: dict[str, Dish]) -> WeekPlanTemplate:
        template = worker.create_template(
            "T",
            [
                _entry("tue", "snack_10", "nuts"),
                _entry("tue", "dinner", "curry", "extra spicy"),
                _entry("tue", "snack_2"),
                _entry("tue", "zzz", notes="stretch"),
                _entry("tue", "Ontbijt", "oats"),
                _entry("fri", "lunch", "soup"),
            ],
        )
        worker.create_instance(template.id, "client-42", MONDAY)
        return template

    @pytest.fixture
    def client(self, planner: Planner, tenant: str) -> ClientPlanner:
        return planner.client(tenant, "client-42")

    def test_the_client_sees_every_day_with_slots_in_the_order_of_the_day(
        self, client: ClientPlanner, planned_week: WeekPlanTemplate
    ) -> None:
        view = client.weekly_plan(MONDAY)
        assert [d.day_key for d in view.days] == list(DAY_ORDER)
        assert [d.date for d in view.days] == [MONDAY.replace(day=23 + n) for n in range(7)]
        assert view.day("mon").slots == ()
        tuesday = [(s.slot_key, s.meal_type, s.dish_name) for s in view.day("tue").slots]
        assert tuesday == [
            # The order of the day: snack_2 is the afternoon snack, snack_10 a late one.
            ("Ontbijt", MealType.BREAKFAST, "Havermout met appel"),
            ("snack_2", MealType.SNACK, None),
            ("dinner", MealType.DINNER, "Chickpea curry"),
            ("snack_10", MealType.SNACK, "Notenmix"),
            ("zzz", None, None),
        ]
        detail = view.slot("tue", "dinner")
        assert (detail.notes, detail.dish is not None and detail.dish.id) == (
            "extra spicy",
            "curry",
        )
        assert view.client_ref == "client-42"

    def test_slot_detail_errors_are_clear(
        self, client: ClientPlanner, planned_week: WeekPlanTemplate
    ) -> None:
        view = client.weekly_plan(MONDAY)
        with pytest.raises(SlotNotFound):
            view.slot("mon", "dinner")
        with pytest.raises(InvalidInput) as caught:
            view.slot("funday", "dinner")
        assert caught.value.errors[0]["loc"] == ["day_key"]

    def test_a_client_sees_only_its_own_weeks(
        self,
        planner: Planner,
        tenant: str,
        other_tenant: str,
        worker: WorkerPlanner,
        planned_week: WeekPlanTemplate,
    ) -> None:
        worker.create_instance(planned_week.id, "client-7", monday_plus(1))
        assert [
            w.week_start_date for w in planner.client(tenant, "client-42").list_weeks().items
        ] == [MONDAY]
        for outsider in (
            planner.client(tenant, "client-7"),
            planner.client(other_tenant, "client-42"),
        ):
            with pytest.raises(InstanceNotFound):
                outsider.weekly_plan(MONDAY)
        assert planner.client(other_tenant, "client-42").list_weeks().items == ()
        with pytest.raises(InvalidInput):
            planner.client(tenant, "client-42").weekly_plan("2026-11-24")


def _fresh() -> str:
    return f"tenant-{uuid.uuid4().hex[:12]}"


def _as_list(scope: Any) -> list[Any]:
    return [scope] if isinstance(scope, str) else list(scope)
