"""The rewrite of stored change sets from runs back to one array per change, for the migrations.

From Alembic revision ``weekplan_0015`` and Django migration ``0018_change_runs``
on, weekplan writes a change set's slot changes as runs of one change type::

    [["added",["mon","lunch","d-1",null],["tue","lunch",null,"soup"]]]

where before it wrote one array ``[change type, day, slot, old, new]`` per
change, each entry ``[dish id, notes]`` or ``null``::

    [["added","mon","lunch",null,["d-1",null]],["added","tue","lunch",null,[null,"soup"]]]

It reads both, so upgrading leaves the stored rows as they are; downgrading
rewrites every row in runs to the earlier form, which is all an earlier
weekplan reads. Both migrations take the rewrite from here, so the two stores'
migrations convert alike; like the migrations, this module is frozen: it never
follows later changes of the live codec (:mod:`weekplan.adapters._rows`).

A change in a run is ``[day, slot]`` and then: its one entry's dish id and
notes (four values), the new entry but in a ``removed`` run, where it is the
old one; both entries' (six values), old then new; nothing (two values), no
entry; or ``[dish id, notes]`` (three values), its one entry on the side other
than the four values'.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

__all__ = ["BATCH", "as_items", "rewritten_rows"]

#: Rows read and rewritten at a time.
BATCH: Final = 1000

_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _sides(kind: Any, change: list[Any]) -> list[Any]:
    """``[old, new]`` of a change of a run, each ``[dish id, notes]`` or ``None``."""
    removed = kind == "removed"
    size = len(change)
    if size == 6:
        return [change[2:4], change[4:6]]
    if size == 4:
        one = change[2:4]
        return [one, None] if removed else [None, one]
    if size == 3 and isinstance(change[2], list) and len(change[2]) == 2:
        return [None, change[2]] if removed else [change[2], None]
    if size == 2:
        return [None, None]
    raise ValueError("not a change of a run")


def as_items(text: str) -> str | None:
    """``text`` with every run split into one array per change; ``None`` if it is neither form.

    An element already in the earlier form is kept as it is, so a rerun finds
    nothing left to do.
    """
    try:
        raw = json.loads(text)
        if not isinstance(raw, list):
            return None
        items: list[Any] = []
        for element in raw:
            if not isinstance(element, list) or len(element) < 2:
                return None
            if isinstance(element[1], list):  # a run: [change type, change, ...]
                kind = element[0]
                for change in element[1:]:
                    if not isinstance(change, list) or len(change) < 2:
                        return None
                    items.append([kind, change[0], change[1], *_sides(kind, change)])
            else:
                items.append(element)
        return _ENCODER.encode(items)
    except (ValueError, TypeError):
        return None


def rewritten_rows(rows: Sequence[Sequence[Any]]) -> list[tuple[Any, Any, str]]:
    """``(tenant id, id, changes in the earlier form)`` of each row ``(tenant id, id, changes)``
    whose text changes.

    A text that is neither form (not written by weekplan) is left as it is.
    """
    changed = []
    # The weeks made together log the same changes: rewrite each text once.
    texts: dict[str, str | None] = {}
    for tenant_id, set_id, text in rows:
        if text not in texts:
            texts[text] = as_items(text)
        new = texts[text]
        if new is not None and new != text:
            changed.append((tenant_id, set_id, new))
    return changed
