"""A week as an HTML table: days Monday to Sunday as columns, slots as rows.

Rows follow the order of the day (breakfast, morning snack, lunch, afternoon
snack, dinner, evening snack, then slots of no known meal) in every table.
A template or instance shows dish ids unless given the catalog's names
(:meth:`weekplan.WorkerPlanner.grid` gives them); the client's week shows names.

Jupyter shows templates, instances and client weeks through these functions
(their ``_repr_html_``). Every text is escaped, so a note reading
``<script>`` is shown, never run:

>>> from weekplan import PlanEntry
>>> html = week_table([PlanEntry("mon", "lunch", notes="<script>alert(1)</script>")])
>>> "<script>" in html, "&lt;script&gt;" in html
(False, True)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING

from weekplan.domain._days import DAY_ORDER, DayKey
from weekplan.domain._entries import PlanEntry, SlotKey
from weekplan.domain._meal_types import DEFAULT_VOCABULARY, MealType, MealVocabulary
from weekplan.rendering._rows import dish_label, ordered_slot_keys

if TYPE_CHECKING:
    from weekplan.domain._client_view import ClientSlot, ClientWeekView
    from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate

__all__ = ["client_week_html", "instance_html", "template_html", "week_table"]

#: Marks a slot that differs from the template it was cloned from.
OVERRIDE_MARK = "✎"
#: Marks a locked slot.
LOCK_MARK = "🔒"

_STYLE = (
    "<style>"
    ".weekplan-week{border-collapse:collapse;font-size:0.9em}"
    ".weekplan-week th,.weekplan-week td{border:1px solid #ccc;padding:2px 6px;"
    "vertical-align:top;text-align:left}"
    ".weekplan-week .weekplan-override{background:#fff4d6}"
    ".weekplan-week .weekplan-locked{outline:2px solid #7a8ca3}"
    ".weekplan-week .weekplan-notes{color:#555;white-space:pre-wrap}"
    "</style>"
)

Cell = Callable[[DayKey, str], str | None]


def _table(
    caption: str,
    slots: Sequence[str],
    cell: Cell,
    *,
    marked: Collection[SlotKey] = (),
    locked: Collection[SlotKey] = (),
    day_labels: Callable[[DayKey], str] = lambda day: day.value,
) -> str:
    head = "".join(
        f'<th scope="col" data-day="{day.value}">{escape(day_labels(day))}</th>'
        for day in DAY_ORDER
    )
    rows = []
    for slot in slots:
        cells = []
        for day in DAY_ORDER:
            content = cell(day, slot)
            changed = (day, slot) in marked
            is_locked = (day, slot) in locked
            classes = " ".join(
                name
                for name, wanted in (
                    ("weekplan-slot", content is not None),
                    ("weekplan-override", changed),
                    ("weekplan-locked", is_locked),
                )
                if wanted
            )
            mark = (
                f' <span title="changed from the template">{OVERRIDE_MARK}</span>'
                if changed
                else ""
            ) + (f' <span title="locked">{LOCK_MARK}</span>' if is_locked else "")
            attributes = f' data-day="{day.value}"' + (f' class="{classes}"' if classes else "")
            cells.append(f"<td{attributes}>{content or ''}{mark}</td>")
        header = f'<th scope="row">{escape(slot)}</th>'
        rows.append(f'<tr data-slot="{escape(slot)}">{header}{"".join(cells)}</tr>')
    return (
        f'{_STYLE}<table class="weekplan-week"><caption>{escape(caption)}</caption>'
        f'<thead><tr><th scope="col">slot</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _content(dish: str | None, notes: str | None, *, dish_class: str = "weekplan-dish") -> str:
    parts = []
    if dish:
        parts.append(f'<span class="{dish_class}">{escape(dish)}</span>')
    if notes:
        parts.append(f'<span class="weekplan-notes">{escape(notes)}</span>')
    return "<br>".join(parts) or "-"


def _entry_content(entry: PlanEntry, dish_names: Mapping[str, str] | None) -> str:
    dish = entry.dish_template_id
    return _content(None if dish is None else dish_label(dish, dish_names), entry.notes)


def week_table(
    entries: Iterable[PlanEntry],
    *,
    marked: Collection[SlotKey] = (),
    caption: str = "",
    dish_names: Mapping[str, str] | None = None,
    vocabulary: MealVocabulary = DEFAULT_VOCABULARY,
) -> str:
    """The entries as a table, one row per slot key in the order of the day.

    A cell shows the dish (its name from ``dish_names``, else its id) and the notes.
    A slot that exists but is empty shows ``-``; a day without the slot is blank.
    Slots in ``marked`` get the ``weekplan-override`` class and a mark.
    """
    by_key = {entry.key: entry for entry in entries}

    def cell(day: DayKey, slot: str) -> str | None:
        entry = by_key.get((day, slot))
        return None if entry is None else _entry_content(entry, dish_names)

    slots = ordered_slot_keys((slot for _, slot in by_key), vocabulary.meal_type)
    return _table(caption, slots, cell, marked=marked)


def template_html(
    template: WeekPlanTemplate,
    *,
    dish_names: Mapping[str, str] | None = None,
    vocabulary: MealVocabulary = DEFAULT_VOCABULARY,
) -> str:
    """A template as a table captioned with its name and version."""
    return week_table(
        template.days,
        caption=f"{template.name} (version {template.version})",
        dish_names=dish_names,
        vocabulary=vocabulary,
    )


def instance_html(
    instance: WeekPlanInstance,
    *,
    dish_names: Mapping[str, str] | None = None,
    vocabulary: MealVocabulary = DEFAULT_VOCABULARY,
) -> str:
    """A client's week; slots that differ from the template snapshot are marked, and locked slots.

    A slot the worker removed is shown as removed, so every override is visible.
    """
    overrides = {(o.day_key, o.slot_key): o for o in instance.overrides()}
    current = {entry.key: entry for entry in instance.days}

    def cell(day: DayKey, slot: str) -> str | None:
        entry = current.get((day, slot))
        if entry is not None:
            return _entry_content(entry, dish_names)
        if (day, slot) in overrides:
            return '<span class="weekplan-removed">removed</span>'
        return None

    slots = ordered_slot_keys(
        [e.slot_key for e in instance.days] + [s for _, s in overrides], vocabulary.meal_type
    )
    locked = {lock.key for lock in instance.locks}
    legend = f"; {LOCK_MARK} = locked" if locked else ""
    caption = (
        f"{instance.client_ref}, week of {instance.week_start_date.isoformat()} "
        f"(version {instance.version}; {OVERRIDE_MARK} = changed from the template{legend})"
    )
    return _table(caption, slots, cell, marked=overrides, locked=locked)


def client_week_html(view: ClientWeekView) -> str:
    """The client's week with dish names and each day's date."""
    by_key: dict[SlotKey, ClientSlot] = {
        (slot.day_key, slot.slot_key): slot for day in view.days for slot in day.slots
    }
    dates = {day.day_key: day.date for day in view.days}

    def cell(day: DayKey, slot_key: str) -> str | None:
        slot = by_key.get((day, slot_key))
        if slot is None:
            return None
        if slot.dish_missing:
            return _content("dish no longer available", slot.notes, dish_class="weekplan-missing")
        return _content(slot.dish_name, slot.notes)

    # The view already read each slot's meal with the planner's vocabulary; keep it.
    meals: dict[str, MealType | None] = {key: slot.meal_type for (_, key), slot in by_key.items()}
    return _table(
        f"{view.client_ref}, week of {view.week_start_date.isoformat()}",
        ordered_slot_keys(meals, meals.get),
        cell,
        day_labels=lambda day: f"{day.value} {dates[day].isoformat()}",
    )
