"""Every grid names its dishes and puts its rows in the order of the day, the same in all views."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from tests.unit.test_rendering import Grid

from weekplan import (
    InvalidInput,
    MealType,
    PlanEntry,
    Planner,
    TemplateNotFound,
    WorkerPlanner,
    meal_type_for_slot,
)
from weekplan.adapters.memory import InMemoryStore
from weekplan.domain._meal_types import MealVocabulary, day_position
from weekplan.rendering.text import IDS_NOTE

MONDAY = "2026-11-23"


@pytest.mark.parametrize(
    ("slot_key", "position"),
    [
        ("breakfast", 0),
        ("Ontbijt", 0),
        ("2nd breakfast", 0),
        ("morning snack", 1),
        ("Ochtend-snack", 1),
        ("tienuurtje", 1),
        ("elevenses", 1),
        ("snack_1", 1),
        ("eerste tussendoortje", 1),
        ("lunch", 2),
        ("middageten", 2),
        ("afternoon snack", 3),
        ("vieruurtje", 3),
        ("snack", 3),
        ("snack_2", 3),
        ("Snack-2", 3),
        ("dinner", 4),
        ("Avondeten", 4),
        ("evening snack", 5),
        ("avond tussendoortje", 5),
        ("late night snack", 5),
        ("snack_3", 5),
        ("tussendoortje 4", 5),
        ("pre-workout", 6),
        ("Zumba", 6),
    ],
)
def test_each_slot_has_its_place_in_the_day(slot_key: str, position: int) -> None:
    assert day_position(meal_type_for_slot(slot_key), slot_key) == position


SCRAMBLED = [
    "Zumba", "dinner", "snack_2", "evening snack", "lunch", "tienuurtje", "ontbijt",
]  # fmt: skip
DAY_ORDER = ["ontbijt", "tienuurtje", "lunch", "snack_2", "dinner", "evening snack", "Zumba"]

ENTRIES = [
    PlanEntry("mon" if i % 2 else "wed", slot, "oats" if slot == "ontbijt" else None, notes=slot)
    for i, slot in enumerate(SCRAMBLED)
]


def _text_rows(text: str) -> list[str]:
    lines = text.splitlines()
    rule = next(i for i, line in enumerate(lines) if re.fullmatch(r"-+(-\+-+)+-*", line))
    return [line.split(" | ", 1)[0].strip() for line in lines[rule + 1 :] if " | " in line]


def _html_rows(html: str) -> list[str]:
    return [str(row["slot"]) for row in Grid(html).rows]


@pytest.fixture
def planner() -> Planner:
    return Planner(InMemoryStore())


@pytest.fixture
def worker(planner: Planner) -> WorkerPlanner:
    worker = planner.worker("tenant-a")
    worker.upsert_dish("oats", name="Havermout met appel")
    template = worker.create_template("Week", ENTRIES)
    worker.create_instance(template.id, "client-42", MONDAY)
    return worker


VIEWS: dict[str, Callable[[Planner, WorkerPlanner], list[str]]] = {
    "print(template)": lambda p, w: _text_rows(str(w.list_templates().items[0])),
    "template html": lambda p, w: _html_rows(w.list_templates().items[0]._repr_html_()),
    "print(week)": lambda p, w: _text_rows(str(w.get_instance("client-42", MONDAY))),
    "week html": lambda p, w: _html_rows(w.get_instance("client-42", MONDAY)._repr_html_()),
    "grid(template)": lambda p, w: _text_rows(str(w.grid(w.list_templates().items[0]))),
    "grid(template) html": lambda p, w: _html_rows(
        w.grid(w.list_templates().items[0])._repr_html_()
    ),
    "grid(week)": lambda p, w: _text_rows(str(w.grid(w.get_instance("client-42", MONDAY)))),
    "grid(week) html": lambda p, w: _html_rows(
        w.grid(w.get_instance("client-42", MONDAY))._repr_html_()
    ),
    "print(client view)": lambda p, w: _text_rows(
        str(p.client("tenant-a", "client-42").weekly_plan(MONDAY))
    ),
    "client view html": lambda p, w: _html_rows(
        p.client("tenant-a", "client-42").weekly_plan(MONDAY)._repr_html_()
    ),
    "client view, one day": lambda p, w: [
        slot.slot_key
        for day in p.client("tenant-a", "client-42").weekly_plan(MONDAY).days
        for slot in day.slots
        if day.day_key == "mon"
    ],
}


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_puts_rows_in_the_order_of_the_day(
    view: str, planner: Planner, worker: WorkerPlanner
) -> None:
    rows = VIEWS[view](planner, worker)
    expected = [slot for slot in DAY_ORDER if view != "client view, one day" or slot in _MONDAY]
    assert rows == expected


_MONDAY = {e.slot_key for e in ENTRIES if e.day_key == "mon"}


NAMED: dict[str, Callable[[Planner, WorkerPlanner], str]] = {
    "grid(template)": lambda p, w: str(w.grid(w.list_templates().items[0])),
    "grid(template) html": lambda p, w: w.grid(w.list_templates().items[0])._repr_html_(),
    "grid(week)": lambda p, w: str(w.grid(w.get_instance("client-42", MONDAY))),
    "grid(week) html": lambda p, w: w.grid(w.get_instance("client-42", MONDAY))._repr_html_(),
    "print(client view)": lambda p, w: str(p.client("tenant-a", "client-42").weekly_plan(MONDAY)),
    "client view html": lambda p, w: (
        p.client("tenant-a", "client-42").weekly_plan(MONDAY)._repr_html_()
    ),
}


@pytest.mark.parametrize("view", NAMED)
def test_worker_grids_and_the_client_view_show_dish_names(
    view: str, planner: Planner, worker: WorkerPlanner
) -> None:
    shown = NAMED[view](planner, worker)
    assert "Havermout met" in shown
    assert "oats" not in shown
    assert IDS_NOTE not in shown


@pytest.mark.parametrize("kind", ["template", "week"])
def test_print_alone_shows_dish_ids_and_says_where_the_names_are(
    kind: str, worker: WorkerPlanner
) -> None:
    plan = (
        worker.list_templates().items[0]
        if kind == "template"
        else worker.get_instance("client-42", MONDAY)
    )
    text = str(plan)
    assert "oats" in text
    assert "Havermout" not in text
    assert (
        text.splitlines()[-1]
        == IDS_NOTE
        == "(dishes by id; WorkerPlanner.grid() shows their names)"
    )


def test_a_plan_without_dishes_needs_no_note(worker: WorkerPlanner) -> None:
    template = worker.create_template("Notes only", [PlanEntry("mon", "lunch", notes="soup")])
    assert IDS_NOTE not in str(template)


def test_a_dish_deleted_from_the_catalog_shows_its_id_marked(worker: WorkerPlanner) -> None:
    week = worker.get_instance("client-42", MONDAY)
    worker.delete_dish("oats")
    grid = worker.grid(week)
    assert "oats (not in cata…" in str(grid)  # cut to the text grid's cell width
    assert "oats (not in catalog)" in grid._repr_html_()


def test_the_grid_follows_the_planner_s_vocabulary() -> None:
    vocabulary = MealVocabulary.default().extended(slots={"pre-workout": MealType.BREAKFAST})
    worker = Planner(InMemoryStore(), meal_vocabulary=vocabulary).worker("tenant-a")
    template = worker.create_template(
        "Week", [PlanEntry("mon", "lunch"), PlanEntry("mon", "pre-workout")]
    )
    assert _text_rows(str(worker.grid(template))) == ["pre-workout", "lunch"]
    assert _text_rows(str(template)) == ["lunch", "pre-workout"]  # default vocabulary


def test_another_tenant_s_plan_is_not_found_and_other_values_are_invalid(
    worker: WorkerPlanner, planner: Planner
) -> None:
    template = worker.list_templates().items[0]
    with pytest.raises(TemplateNotFound):
        planner.worker("tenant-b").grid(template)
    with pytest.raises(InvalidInput):
        worker.grid("not a plan")  # type: ignore[arg-type]
