"""A plan's JSON text as weekplan stored it before the compact form (``weekplan_0013``)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from weekplan.domain._entries import PlanEntry


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
