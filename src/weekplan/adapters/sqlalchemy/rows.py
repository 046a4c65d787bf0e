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

    def __init__(self, max_entries: int = 8192) -> None:
        self._max_entries = max_entries
        self._interned: dict[EntryKey, PlanEntry] = {}
        self._lock = threading.Lock()

    @staticmethod
    def encode(entries: Iterable[PlanEntry]) -> str:
        """The JSON text of ``entries``, in the order given."""
        return _ENCODER.encode(
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

    def decode(self, text: str) -> tuple[PlanEntry, ...]:
        """The entries of a JSON text written by :meth:`encode`."""
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
