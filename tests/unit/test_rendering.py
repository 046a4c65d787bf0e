"""Notebook and terminal rendering of templates, instances and client weeks."""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser
from typing import Any

from hypothesis import given

from weekplan import (
    DayKey,
    PlanEntry,
    Planner,
    WeekPlanInstance,
    WeekPlanTemplate,
    meal_type_for_slot,
)
from weekplan.adapters.memory import InMemoryStore
from weekplan.domain._client_view import build_client_view, slot_order
from weekplan.domain._display import html_of, text_of
from weekplan.domain._meal_types import DEFAULT_VOCABULARY
from weekplan.rendering.changes import changes_html
from weekplan.rendering.html import client_week_html, instance_html, template_html
from weekplan.rendering.text import client_week_text, instance_text, template_text
from weekplan.testing import strategies as wps

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
MONDAY = "2026-11-23"
ALLOWED_TAGS = {"style", "table", "caption", "thead", "tbody", "tr", "th", "td", "span", "br"}


class Grid(HTMLParser):
    """The table of a rendering: header cells, and per row its header and cells."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.columns: list[str] = []
        self.rows: list[dict[str, Any]] = []
        self.caption = ""
        self._in: list[str] = []
        self._cell: dict[str, Any] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in.append(tag)
        attributes = dict(attrs)
        if tag == "tr" and "data-slot" in attributes:
            self.rows.append({"slot": attributes["data-slot"], "header": "", "cells": []})
        if tag == "td":
            self._cell = {
                "day": attributes.get("data-day"),
                "classes": (attributes.get("class") or "").split(),
                "text": "",
            }
            self.rows[-1]["cells"].append(self._cell)

    def handle_endtag(self, tag: str) -> None:
        while self._in and self._in.pop() != tag:
            pass
        if tag == "td":
            self._cell = None

    def handle_data(self, data: str) -> None:
        if "caption" in self._in:
            self.caption += data
        elif "thead" in self._in and "th" in self._in:
            self.columns.append(data)
        elif self._cell is not None:
            self._cell["text"] += data
        elif "tbody" in self._in and "th" in self._in:
            self.rows[-1]["header"] += data


def _cells(grid: Grid, slot: str) -> dict[str, dict[str, Any]]:
    row = next(r for r in grid.rows if r["slot"] == slot)
    return {cell["day"]: cell for cell in row["cells"]}


@given(wps.templates())
def test_a_template_is_a_grid_of_days_as_columns_and_every_slot_as_a_row(
    template: WeekPlanTemplate,
) -> None:
    grid = Grid(template._repr_html_())
    assert grid.columns == ["slot", *DAYS]
    rows = [row["slot"] for row in grid.rows]
    assert sorted(rows) == sorted({e.slot_key for e in template.days})
    order = [slot_order(meal_type_for_slot(slot), slot) for slot in rows]
    assert order == sorted(order)
    assert all(row["header"] == row["slot"] for row in grid.rows)
    for entry in template.days:
        cell = _cells(grid, entry.slot_key)[entry.day_key.value]
        assert "weekplan-slot" in cell["classes"]
        if entry.notes:
            assert entry.notes in cell["text"]
    assert set(grid.tags) <= ALLOWED_TAGS


def test_notes_and_names_with_markup_are_shown_not_run() -> None:
    planner = Planner(InMemoryStore())
    worker = planner.worker("tenant-a")
    worker.upsert_dish("d1", name="<img src=x onerror=alert(1)>")
    template = worker.create_template(
        "<b>Week</b>",
        [
            PlanEntry("mon", "<i>lunch</i>", notes="<script>alert('x')</script>"),
            PlanEntry("tue", "dinner", dish_template_id="d1"),
        ],
    )
    grid = Grid(template._repr_html_())
    assert set(grid.tags) <= ALLOWED_TAGS
    assert grid.caption == "<b>Week</b> (version 1)"
    assert grid.rows[0]["slot"] == "<i>lunch</i>"
    assert _cells(grid, "<i>lunch</i>")["mon"]["text"] == "<script>alert('x')</script>"
    worker.create_instance(template.id, "client-1", MONDAY)
    client_view = planner.client("tenant-a", "client-1").weekly_plan(MONDAY)
    client_grid = Grid(client_view._repr_html_())
    assert set(client_grid.tags) <= ALLOWED_TAGS
    assert _cells(client_grid, "dinner")["tue"]["text"] == "<img src=x onerror=alert(1)>"


def test_an_instance_marks_its_overrides_and_shows_removed_slots() -> None:
    worker = Planner(InMemoryStore()).worker("tenant-a")
    template = worker.create_template(
        "Week", [PlanEntry("mon", "lunch", notes="soup"), PlanEntry("tue", "lunch", notes="salad")]
    )
    worker.create_instance(template.id, "client-1", MONDAY)
    worker.set_slot("client-1", MONDAY, "wed", "dinner", notes="fish")
    instance = worker.update_instance(
        "client-1",
        MONDAY,
        days=[e for e in worker.get_instance("client-1", MONDAY).days if e.day_key != "tue"],
    )
    grid = Grid(instance._repr_html_())
    lunch, dinner = _cells(grid, "lunch"), _cells(grid, "dinner")
    assert "weekplan-override" not in lunch["mon"]["classes"]
    assert "weekplan-override" in lunch["tue"]["classes"]
    assert "removed" in lunch["tue"]["text"]
    assert "weekplan-override" in dinner["wed"]["classes"]
    assert dinner["thu"] == {"day": "thu", "classes": [], "text": ""}
    assert "client-1, week of 2026-11-23" in grid.caption


def test_the_client_week_shows_dates_every_day_and_dish_names() -> None:
    planner = Planner(InMemoryStore())
    worker = planner.worker("tenant-a")
    worker.upsert_dish("oats", name="Havermout")
    template = worker.create_template(
        "Week", [PlanEntry("sun", "ontbijt", dish_template_id="oats", notes="with fruit")]
    )
    worker.create_instance(template.id, "client-1", MONDAY)
    view = planner.client("tenant-a", "client-1").weekly_plan(MONDAY)
    grid = Grid(view._repr_html_())
    assert grid.columns == ["slot", *(f"{d} 2026-11-{23 + i}" for i, d in enumerate(DAYS))]
    assert _cells(grid, "ontbijt")["sun"]["text"] == "Havermoutwith fruit"
    assert "Havermout" in str(view)


@given(wps.instances())
def test_the_text_grid_of_an_instance_stars_each_changed_slot(instance: WeekPlanInstance) -> None:
    text = str(instance)
    assert text.splitlines()[0].startswith(f"{instance.client_ref}, week of")
    changed_now = [o for o in instance.overrides() if o.current is not None]
    assert text.count(" *") >= len(changed_now)


def test_a_template_prints_as_its_name_over_a_grid() -> None:
    worker = Planner(InMemoryStore()).worker("tenant-a")
    template = worker.create_template("Week", [PlanEntry("mon", "lunch", notes="soup")])
    assert str(template).splitlines() == [
        "Week (version 1)",
        "slot  | mon  | tue | wed | thu | fri | sat | sun",
        "------+------+-----+-----+-----+-----+-----+----",
        "lunch | soup |     |     |     |     |     |",
    ]


def test_locked_slots_are_marked_in_the_text_and_html_grids() -> None:
    worker = Planner(InMemoryStore()).worker("tenant-a")
    plan = worker.create_template("Week", [PlanEntry("mon", "lunch"), PlanEntry("tue", "lunch")])
    worker.create_instance(plan.id, "client-42", "2026-11-23")
    unlocked = worker.get_instance("client-42", "2026-11-23")
    week = worker.lock_slot("client-42", "2026-11-23", "tue", "lunch", reason="bought")
    text = str(week)
    assert "# = locked" in text
    assert text.splitlines()[-1].split("|")[2].strip() == "- #"
    assert "#" not in str(unlocked)
    html = week._repr_html_()
    assert html.count('class="weekplan-slot weekplan-locked"') == 1
    assert 'data-day="tue" class="weekplan-slot weekplan-locked"' in html
    assert "weekplan-locked" not in unlocked._repr_html_().split("</style>")[1]


def test_change_records_render_escaped_in_html() -> None:
    worker = Planner(InMemoryStore()).worker("tenant-a", actor="user-17")
    plan = worker.create_template("Week", [PlanEntry("mon", "lunch")])
    worker.create_instance(plan.id, "client-42", "2026-11-23")
    worker.set_slot("client-42", "2026-11-23", "mon", "lunch", notes="<b>x</b>", reason="<i>")
    html = changes_html(worker.list_changes("client-42", "2026-11-23").items)
    assert "<b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert html.count("<tr data-change=") == 2


@given(wps.templates(), wps.instances())
def test_print_and_notebook_display_are_the_rendering_packages_grids(
    template: WeekPlanTemplate, instance: WeekPlanInstance
) -> None:
    # The domain imports no presentation; the rendering package gives it both displays.
    view = build_client_view(instance, {}, DEFAULT_VOCABULARY, DayKey.MON)
    assert str(template) == template_text(template)
    assert template._repr_html_() == template_html(template)
    assert str(instance) == instance_text(instance)
    assert instance._repr_html_() == instance_html(instance)
    assert str(view) == client_week_text(view)
    assert view._repr_html_() == client_week_html(view)


def test_a_value_no_renderer_knows_shows_its_repr() -> None:
    entry = PlanEntry("mon", "lunch", notes="<soup>")
    assert text_of(entry) == repr(entry)
    assert html_of(entry) == "<pre>" + escape(repr(entry)) + "</pre>"
