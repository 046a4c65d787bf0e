"""Plans and change sets as weekplan stored them before their compact forms."""

from __future__ import annotations

import json
from collections.abc import Iterable

from weekplan.domain._entries import PlanEntry
from weekplan.domain.changes import SlotChange


def object_form(days: Iterable[PlanEntry]) -> str:
    """``days`` as an array of objects with the entry's field names, as stored before."""
    return json.dumps(
        [
            {
                "day_key": e.day_key.value,
                "slot_key": e.slot_key,
                "dish_template_id": e.dish_template_id,
                "notes": e.notes,
            }
            for e in days
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def change_items_form(changes: Iterable[SlotChange]) -> str:
    """Slot changes as weekplan stored them before runs (``weekplan_0015``).

    One array ``[change type, day, slot, old, new]`` per change, each entry
    ``[dish id, notes]`` or ``null``.
    """

    def pair(entry: PlanEntry | None) -> list[str | None] | None:
        return None if entry is None else [entry.dish_template_id, entry.notes]

    return json.dumps(
        [
            [c.change_type.value, c.day_key.value, c.slot_key, pair(c.old), pair(c.new)]
            for c in changes
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
