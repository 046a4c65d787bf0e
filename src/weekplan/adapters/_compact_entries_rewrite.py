"""The rewrite of stored plans between the object form and the compact form, for the migrations.

Alembic revision ``weekplan_0013`` and Django migration ``0016_compact_entries``
rewrite every stored plan from
``[{"day_key":"mon","slot_key":"lunch","dish_template_id":"d-1","notes":null}]``
to ``[["mon","lunch","d-1",null]]`` and back. Both take the rewrite from here,
so the two stores' migrations convert alike; like the migrations, this module
is frozen: it never follows later changes of the live codec
(:mod:`weekplan.adapters._rows`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, Final

__all__ = ["BATCH", "PLANS", "Entry", "as_array", "as_object", "rewritten_rows"]

#: Rows read and rewritten at a time.
BATCH: Final = 1000
#: ``(table, its key columns, its plan columns)``.
PLANS: Final = (
    ("weekplan_templates", ("tenant_id", "id"), ("days",)),
    ("weekplan_instances", ("tenant_id", "id"), ("days", "template_snapshot")),
    ("weekplan_drafts", ("tenant_id", "client_ref", "week_start_date"), ("days",)),
)

_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_FIELDS: Final = ("day_key", "slot_key", "dish_template_id", "notes")

Entry = list[Any] | dict[str, Any]


def as_array(entry: Entry) -> list[Any]:
    """An entry in the compact form: ``[day, slot, dish id, notes]``."""
    if isinstance(entry, dict):
        return [entry[name] for name in _FIELDS]
    if len(entry) != len(_FIELDS):
        raise ValueError("not an entry")
    return entry


def as_object(entry: Entry) -> dict[str, Any]:
    """An entry in the object form weekplan wrote before the compact one."""
    if isinstance(entry, list):
        if len(entry) != len(_FIELDS):
            raise ValueError("not an entry")
        return dict(zip(_FIELDS, entry, strict=True))
    return {name: entry[name] for name in _FIELDS}


def _rewrite(text: str, form: Callable[[Entry], Any]) -> str | None:
    """``text`` with every entry in ``form``; ``None`` if it is not a plan of either form."""
    try:
        raw = json.loads(text)
        if not isinstance(raw, list) or not all(isinstance(e, list | dict) for e in raw):
            return None
        return _ENCODER.encode([form(entry) for entry in raw])
    except (ValueError, KeyError):
        return None


def rewritten_rows(
    rows: Sequence[Sequence[Any]], keys: int, form: Callable[[Entry], Any]
) -> list[tuple[tuple[Any, ...], list[Any]]]:
    """``(key, new plans)`` of each row (its ``keys`` key columns, then its plans) that changes.

    Each plan is rewritten entry by entry, whichever form each entry is in, so
    a rerun finds nothing left to do; a text that is not a plan of either form
    (not written by weekplan) is left as it is.
    """
    changed = []
    # A week's snapshot is often its days' text: rewrite each text once.
    texts: dict[str, str | None] = {}
    for row in rows:
        key, old = tuple(row[:keys]), list(row[keys:])
        new = []
        for text in old:
            if text not in texts:
                texts[text] = _rewrite(text, form)
            new.append(texts[text] or text)
        if new != old:
            changed.append((key, new))
    return changed
