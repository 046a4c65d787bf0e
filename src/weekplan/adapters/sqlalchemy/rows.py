"""Plan entries to JSON text and back, at the edge between rows and domain values.

A list of entries is stored as a JSON array of objects with the seed's field
names, in canonical order::

    [{"day_key": "mon", "slot_key": "lunch", "dish_template_id": "d-1", "notes": null}]

Decoding interns entries: the same ``(day, slot, dish, notes)`` read twice gives
the same frozen :class:`~weekplan.PlanEntry`, so the checks of its constructor
run once per distinct entry rather than once per row read. Plans repeat entries a
lot (every instance starts as a copy of its template), and the cache is bounded
and owned by one store, so it never grows without limit nor is shared between
stores.

Whole plans are remembered too, both ways: the same text decodes to the same
tuple without parsing it again, and a tuple this codec decoded or encoded
encodes to its text without building it again. A week's snapshot is its
template's text, and an edit rewrites a week whose entries were read a moment
before, so most plans a store reads or writes are ones it has just seen.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from typing import Any, Final

from weekplan.domain.entries import PlanEntry
from weekplan.errors import InvalidInput, StorageError

__all__ = ["EntryCodec"]

_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_DECODER: Final = json.JSONDecoder()

EntryKey = tuple[str, str, str | None, str | None]


class EntryCodec:
    """Encodes entry lists to JSON text and decodes them, interning the entries."""

    def __init__(self, max_entries: int = 8192, max_plans: int = 512) -> None:
        self._max_entries = max_entries
        self._max_plans = max_plans
        self._interned: dict[EntryKey, PlanEntry] = {}
        # Text -> plan, and id(plan) -> (plan, text): the plan is held, so its id
        # is not reused by another object while it is remembered.
        self._plans: dict[str, tuple[PlanEntry, ...]] = {}
        self._texts: dict[int, tuple[tuple[PlanEntry, ...], str]] = {}
        self._lock = threading.Lock()

    def encode(self, entries: Iterable[PlanEntry]) -> str:
        """The JSON text of ``entries``, in the order given."""
        known = self._texts.get(id(entries))
        if known is not None and known[0] is entries:
            return known[1]
        text = _ENCODER.encode(
            [
                {
                    "day_key": e.day_key.value,
                    "slot_key": e.slot_key,
                    "dish_template_id": e.dish_template_id,
                    "notes": e.notes,
                }
                for e in entries
            ]
        )
        if type(entries) is tuple:
            self._remember(text, entries)
        return text

    def decode(self, text: str) -> tuple[PlanEntry, ...]:
        """The entries of a JSON text written by :meth:`encode`."""
        known = self._plans.get(text)
        if known is not None:
            return known
        plan = self._decode(text)
        self._remember(text, plan)
        return plan

    def _remember(self, text: str, plan: tuple[PlanEntry, ...]) -> None:
        with self._lock:
            if len(self._plans) >= self._max_plans or len(self._texts) >= self._max_plans:
                self._plans.clear()
                self._texts.clear()
            self._plans[text] = plan
            self._texts[id(plan)] = (plan, text)

    def _decode(self, text: str) -> tuple[PlanEntry, ...]:
        try:
            raw: Any = _DECODER.decode(text)
            interned = self._interned
            entries = []
            for item in raw:
                key: EntryKey = (
                    item["day_key"],
                    item["slot_key"],
                    item["dish_template_id"],
                    item["notes"],
                )
                entry = interned.get(key)
                if entry is None:
                    entry = self._intern(key)
                entries.append(entry)
        except (ValueError, TypeError, KeyError, InvalidInput) as exc:
            # Only a row written by something else than weekplan can get here.
            raise StorageError("a stored plan is not valid weekplan JSON") from exc
        return tuple(entries)

    def _intern(self, key: EntryKey) -> PlanEntry:
        entry = PlanEntry(*key)
        with self._lock:
            if len(self._interned) >= self._max_entries:
                # Dropping everything is crude but cheap, and a bound is what matters.
                self._interned.clear()
            self._interned[key] = entry
        return entry
