"""The dish catalog: tenant-scoped CRUD, and plans may only name the tenant's dishes."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime

import pytest

from weekplan import (
    Dish,
    DishNotFound,
    InvalidInput,
    MealType,
    Planner,
    ReadOnlyAccess,
    VersionConflict,
    WorkerPlanner,
)
from weekplan.adapters.memory import InMemoryStore
from weekplan.domain.text import search_key
from weekplan.ports import DishSortKey

WEEK = "2026-11-23"


@pytest.fixture
def planner() -> Planner:
    return Planner(InMemoryStore())


@pytest.fixture
def worker(planner: Planner) -> WorkerPlanner:
    return planner.worker("tenant-a")


def test_upsert_creates_then_bumps_only_on_change(worker: WorkerPlanner) -> None:
    created = worker.upsert_dish(
        "oats", name="Havermout", meal_types=["breakfast"], tags=["vegan"], ingredients=["oats"]
    )
    assert (created.version, created.meal_types, created.tenant_id) == (
        1,
        (MealType.BREAKFAST,),
        "tenant-a",
    )
    same = worker.upsert_dish(
        "oats", name="Havermout", meal_types=["breakfast"], tags=["vegan"], ingredients=["oats"]
    )
    assert same == created
    changed = worker.upsert_dish("oats", name="Havermout met appel", expected_version=1)
    assert changed.version == 2
    assert changed.created_at == created.created_at
    assert worker.get_dish("oats") == changed


def test_upsert_with_a_stale_version_conflicts(worker: WorkerPlanner) -> None:
    worker.upsert_dish("oats", name="Havermout")
    worker.upsert_dish("oats", name="Porridge")
    with pytest.raises(VersionConflict):
        worker.upsert_dish("oats", name="Pap", expected_version=1)


def test_bad_dish_fields_are_all_named(worker: WorkerPlanner) -> None:
    with pytest.raises(InvalidInput) as caught:
        worker.upsert_dish(
            " x", name="", meal_types=["brunch"], tags=["ok", ""], ingredients="flour"
        )
    locs = [e["loc"] for e in caught.value.errors]
    assert locs == [["dish_id"], ["name"], ["meal_types", 0], ["tags", 1], ["ingredients"]]


def test_another_tenants_dish_is_not_found(planner: Planner) -> None:
    planner.worker("tenant-b").upsert_dish("oats", name="Secret oats")
    worker = planner.worker("tenant-a")
    with pytest.raises(DishNotFound):
        worker.get_dish("oats")
    with pytest.raises(DishNotFound):
        worker.delete_dish("oats")
    assert worker.list_dishes().items == ()
    with pytest.raises(DishNotFound):
        worker.create_template(
            "T", [{"day_key": "mon", "slot_key": "lunch", "dish_template_id": "oats"}]
        )


def test_list_dishes_searches_and_pages(worker: WorkerPlanner) -> None:
    for i, name in enumerate(["Crème brûlée", "Soep", "Crepes", "Curry", "Salade"]):
        worker.upsert_dish(f"d{i}", name=name)
    assert [d.name for d in worker.list_dishes(search="CRE").items] == ["Crème brûlée", "Crepes"]
    first = worker.list_dishes(limit=2)
    second = worker.list_dishes(limit=2, cursor=first.next_cursor)
    third = worker.list_dishes(limit=2, cursor=second.next_cursor)
    names = [d.name for page in (first, second, third) for d in page.items]
    assert names == ["Crème brûlée", "Crepes", "Curry", "Salade", "Soep"]
    assert third.next_cursor is None


def test_plans_may_only_name_dishes_of_the_tenant(worker: WorkerPlanner) -> None:
    worker.upsert_dish("soup", name="Soup")
    template = worker.create_template(
        "T", [{"day_key": "mon", "slot_key": "lunch", "dish_template_id": "soup"}]
    )
    with pytest.raises(DishNotFound):
        worker.update_template(
            template.id, days=[{"day_key": "mon", "slot_key": "lunch", "dish_template_id": "nope"}]
        )
    worker.create_instance(template.id, "c1", WEEK)
    with pytest.raises(DishNotFound):
        worker.set_slot("c1", WEEK, "tue", "lunch", dish_template_id="nope")
    assert worker.get_instance("c1", WEEK).version == 1


def test_deleting_a_dish_that_plans_name_keeps_those_plans_editable(
    planner: Planner, worker: WorkerPlanner
) -> None:
    worker.upsert_dish("soup", name="Soup")
    template = worker.create_template(
        "T", [{"day_key": "mon", "slot_key": "lunch", "dish_template_id": "soup"}]
    )
    worker.create_instance(template.id, "c1", WEEK)
    worker.delete_dish("soup")
    week = worker.set_slot("c1", WEEK, "mon", "lunch", notes="warm")
    assert week.days[0].dish_template_id == "soup"
    slot = planner.client("tenant-a", "c1").weekly_plan(WEEK).slot("mon", "lunch")
    assert (slot.dish_name, slot.dish_missing, slot.notes) == (None, True, "warm")
    with pytest.raises(DishNotFound):
        worker.delete_dish("soup")


def test_a_read_only_worker_cannot_touch_the_catalog(planner: Planner) -> None:
    viewer = planner.worker("tenant-a", read_only=True)
    with pytest.raises(ReadOnlyAccess):
        viewer.upsert_dish("oats", name="Oats")
    with pytest.raises(ReadOnlyAccess):
        viewer.delete_dish("oats")
    assert viewer.list_dishes().items == ()


class HostCatalog:
    """A host's own dish table, read through the DishCatalog port."""

    def __init__(self, dishes: Sequence[Dish]) -> None:
        self.dishes = list(dishes)
        self.lookups = 0

    def get_many(self, tenant_id: str, dish_ids: Collection[str]) -> Mapping[str, Dish]:
        self.lookups += 1
        return {d.id: d for d in self.dishes if d.tenant_id == tenant_id and d.id in dish_ids}

    def list(
        self, tenant_id: str, *, search: str | None, after: DishSortKey | None, limit: int
    ) -> Sequence[Dish]:
        rows = sorted(
            (d for d in self.dishes if d.tenant_id == tenant_id),
            key=lambda d: (search_key(d.name), d.id),
        )
        rows = [d for d in rows if not search or search in search_key(d.name)]
        rows = [d for d in rows if after is None or (search_key(d.name), d.id) > after]
        return rows[:limit]


def test_a_host_catalog_replaces_the_stored_one() -> None:
    catalog = HostCatalog(
        [
            Dish("h1", "tenant-a", "Host porridge", created_at=datetime(2026, 1, 1, tzinfo=UTC)),
            Dish("h2", "tenant-b", "Other tenant stew"),
        ]
    )
    planner = Planner(InMemoryStore(), dish_catalog=catalog)
    worker = planner.worker("tenant-a")
    assert [d.id for d in worker.list_dishes().items] == ["h1"]
    days = [
        {"day_key": d, "slot_key": s, "dish_template_id": "h1"}
        for d in ("mon", "tue", "wed")
        for s in ("breakfast", "snack")
    ]
    lookups = catalog.lookups
    worker.create_template("T", days)
    assert catalog.lookups == lookups + 1
    with pytest.raises(DishNotFound):
        worker.create_template("T", [{"day_key": "mon", "slot_key": "x", "dish_template_id": "h2"}])
    with pytest.raises(ReadOnlyAccess):
        worker.upsert_dish("h3", name="New")
    assert [s.dish.id for s in worker.suggest_dishes("breakfast")] == ["h1"]
