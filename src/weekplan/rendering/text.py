"""Templates, instances and client weeks as plain-text grids, for terminals and logs.

A template or instance knows its dishes only by id, so ``print(week)`` shows
ids and says so under the grid; given the catalog's names (as
:meth:`weekplan.WorkerPlanner.grid` gives them) the same grid shows names, as the
client's view always does. Rows follow the order of the day in every grid.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from weekplan.domain.entries import PlanEntry
from weekplan.domain.meal_types import DEFAULT_VOCABULARY, MealVocabulary
from weekplan.text_grid import render_week

if TYPE_CHECKING:
    from weekplan.domain.client_view import ClientWeekView
    from weekplan.domain.plans import WeekPlanInstance, WeekPlanTemplate

__all__ = ["IDS_NOTE", "client_week_text", "instance_text", "template_text"]

IDS_NOTE = "(dishes by id; WorkerPlanner.grid() shows their names)"
"""The line under a grid that shows dish ids because it was given no names."""


def _with_ids_note(grid: str, entries: tuple[PlanEntry, ...], dish_names: object) -> str:
    if dish_names is None and any(entry.dish_template_id for entry in entries):
        return f"{grid}\n{IDS_NOTE}"
    return grid


def template_text(
    template: WeekPlanTemplate,
    *,
    dish_names: Mapping[str, str] | None = None,
    vocabulary: MealVocabulary = DEFAULT_VOCABULARY,
) -> str:
    """The template's name and version over its grid (dish names when ``dish_names`` is given)."""
    grid = render_week(template.days, dish_names=dish_names, vocabulary=vocabulary)
    return _with_ids_note(
        f"{template.name} (version {template.version})\n{grid}", template.days, dish_names
    )


def instance_text(
    instance: WeekPlanInstance,
    *,
    dish_names: Mapping[str, str] | None = None,
    vocabulary: MealVocabulary = DEFAULT_VOCABULARY,
) -> str:
    """The client's week over its grid; ``*`` marks a slot changed from the template,
    ``#`` a locked slot."""
    marked = {(o.day_key, o.slot_key) for o in instance.overrides()}
    locked = {lock.key for lock in instance.locks}
    legend = "; # = locked" if locked else ""
    header = (
        f"{instance.client_ref}, week of {instance.week_start_date.isoformat()} "
        f"(version {instance.version}; * = changed from the template{legend})"
    )
    grid = render_week(
        instance.days,
        marked=marked,
        locked=locked,
        dish_names=dish_names,
        vocabulary=vocabulary,
    )
    return _with_ids_note(f"{header}\n{grid}", instance.days, dish_names)


def client_week_text(view: ClientWeekView) -> str:
    """The client's week with dish names, rows in the order the view gives each day's slots."""
    entries = [
        PlanEntry(slot.day_key, slot.slot_key, slot.dish_template_id, slot.notes)
        for day in view.days
        for slot in day.slots
    ]
    names = {
        slot.dish_template_id: slot.dish_name or "(dish removed)"
        for day in view.days
        for slot in day.slots
        if slot.dish_template_id is not None
    }
    # The view already read each slot's meal with the planner's vocabulary; keep it.
    meals = {slot.slot_key: slot.meal_type for day in view.days for slot in day.slots}
    grid = render_week(entries, dish_names=names, meal_type=meals.get)
    return f"{view.client_ref}, week of {view.week_start_date.isoformat()}\n{grid}"
