"""A week as a plain-text grid: days as columns, slots as rows in the order of the day.

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

from weekplan.domain.days import DAY_ORDER
from weekplan.domain.entries import PlanEntry, SlotKey
from weekplan.domain.meal_types import DEFAULT_VOCABULARY, MealType, MealVocabulary
from weekplan.rendering.rows import dish_label, ordered_slot_keys

__all__ = ["render_week"]

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
