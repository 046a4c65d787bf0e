"""A week as a plain-text grid: days as columns, slots as rows.

>>> from weekplan import PlanEntry
>>> print(render_week([PlanEntry("mon", "lunch", notes="soup"), PlanEntry("wed", "lunch")]))
slot  | mon  | tue | wed | thu | fri | sat | sun
------+------+-----+-----+-----+-----+-----+----
lunch | soup |     | -   |     |     |     |
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from weekplan.domain.days import DAY_ORDER
from weekplan.domain.entries import PlanEntry, SlotKey

__all__ = ["render_week"]

_EMPTY_SLOT = "-"


def _cell(entry: PlanEntry | None, width: int) -> str:
    if entry is None:
        return ""
    parts = [p for p in (entry.dish_template_id, entry.notes) if p]
    text = " / ".join(parts).replace("\n", " ") or _EMPTY_SLOT
    return text if len(text) <= width else text[: width - 1] + "…"


def render_week(
    entries: Iterable[PlanEntry],
    *,
    marked: Collection[SlotKey] = (),
    locked: Collection[SlotKey] = (),
    cell_width: int = 18,
) -> str:
    """The entries as a Monday→Sunday grid, one row per slot key (in first-seen order).

    A slot that exists but is empty shows ``-``; a day without the slot shows nothing.
    Slots in ``marked`` (e.g. an instance's overrides) get a ``*``, slots in
    ``locked`` a ``#``.
    """
    by_key = {entry.key: entry for entry in entries}
    slots = list(dict.fromkeys(slot for _, slot in by_key))
    header = ["slot", *(day.value for day in DAY_ORDER)]
    rows = [
        [
            slot,
            *(
                _cell(by_key.get((day, slot)), cell_width)
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
