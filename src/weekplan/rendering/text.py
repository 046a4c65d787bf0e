"""Templates, instances and client weeks as plain-text grids, for terminals and logs.

A template or instance knows its dishes only by id, so ``print(week)`` shows
ids and says so under the grid; given the catalog's names (as
:meth:`weekplan.WorkerPlanner.grid` gives them) the same grid shows names, as the
client's view always does. Rows follow the order of the day in every grid.

Every grid is drawn by :func:`render_week`: days as columns, slots as rows.

>>> from weekplan import PlanEntry
>>> print(render_week([PlanEntry("mon", "lunch", notes="soup"), PlanEntry("wed", "lunch")]))
slot  | mon  | tue | wed | thu | fri | sat | sun
------+------+-----+-----+-----+-----+-----+----
lunch | soup |     | -   |     |     |     |

With ``dish_names`` a cell shows the dish's name rather than its id:

>>> print(render_week([PlanEntry("tue", "dinner", "oats"), PlanEntry("mon", "ontbijt", "oats")],
...                   dish_names={"oats": "Havermout"}))
slot    | mon       | tue       | wed | thu | fri | sat | sun
--------+-----------+-----------+-----+-----+-----+-----+----
ontbijt | Havermout |           |     |     |     |     |
dinner  |           | Havermout |     |     |     |     |
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import TYPE_CHECKING

from weekplan.domain._days import DAY_ORDER
from weekplan.domain._entries import PlanEntry, SlotKey
from weekplan.domain._meal_types import DEFAULT_VOCABULARY, MealType, MealVocabulary
from weekplan.rendering._rows import dish_label, ordered_slot_keys

if TYPE_CHECKING:
    from weekplan.domain._client_view import ClientWeekView
    from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate

__all__ = ["IDS_NOTE", "client_week_text", "instance_text", "render_week", "template_text"]

IDS_NOTE = "(dishes by id; WorkerPlanner.grid() shows their names)"
"""The line under a grid that shows dish ids because it was given no names."""

_EMPTY_SLOT = "-"


def _cell(entry: PlanEntry | None, width: int, dish_names: Mapping[str, str] | None) -> str:
    if entry is None:
        return ""
    dish = (
        None if entry.dish_template_id is None else dish_label(entry.dish_template_id, dish_names)
    )
    parts = [p for p in (dish, entry.notes) if p]
    text = " / ".join(parts).replace("\n", " ") or _EMPTY_SLOT
    return text if len(text) <= width else text[: width - 1] + "…"


def render_week(
    entries: Iterable[PlanEntry],
    *,
    marked: Collection[SlotKey] = (),
    locked: Collection[SlotKey] = (),
    cell_width: int = 18,
    dish_names: Mapping[str, str] | None = None,
    vocabulary: MealVocabulary = DEFAULT_VOCABULARY,
    meal_type: Callable[[str], MealType | None] | None = None,
) -> str:
    """The entries as a Monday→Sunday grid, one row per slot key in the order of the day.

    Rows go breakfast, morning snack, lunch, afternoon snack, dinner, evening
    snack, then slots ``vocabulary`` knows no meal for (``meal_type``, when
    given, reads a slot key's meal instead of ``vocabulary``).
    A cell shows the dish (its name from ``dish_names``, else its id) and the notes.
    A slot that exists but is empty shows ``-``; a day without the slot shows nothing.
    Slots in ``marked`` (e.g. an instance's overrides) get a ``*``, slots in
    ``locked`` a ``#``.
    """
    by_key = {entry.key: entry for entry in entries}
    slots = ordered_slot_keys((slot for _, slot in by_key), meal_type or vocabulary.meal_type)
    header = ["slot", *(day.value for day in DAY_ORDER)]
    rows = [
        [
            slot,
            *(
                _cell(by_key.get((day, slot)), cell_width, dish_names)
                + (" *" if (day, slot) in marked else "")
                + (" #" if (day, slot) in locked else "")
                for day in DAY_ORDER
            ),
        ]
        for slot in slots
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


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
