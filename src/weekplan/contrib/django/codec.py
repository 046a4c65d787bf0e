"""Plan entries to JSON text and back, at the edge between rows and domain values.

A list of entries is stored as a JSON array of objects with the seed's field
names, in canonical order::

    [{"day_key": "mon", "slot_key": "lunch", "dish_template_id": "d-1", "notes": null}]

It is the same text weekplan's SQLAlchemy store writes, so data can move between
the two stores as it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Final

from weekplan.domain.entries import PlanEntry
from weekplan.errors import InvalidInput, StorageError

__all__ = ["decode_entries", "decode_texts", "encode_entries", "encode_texts"]

_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode_entries(entries: Iterable[PlanEntry]) -> str:
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


def decode_entries(text: str) -> tuple[PlanEntry, ...]:
    """The entries of a JSON text written by :func:`encode_entries`."""
    try:
        raw: Any = json.loads(text)
        return tuple(
            PlanEntry(item["day_key"], item["slot_key"], item["dish_template_id"], item["notes"])
            for item in raw
        )
    except (ValueError, TypeError, KeyError, InvalidInput) as exc:
        # Only a row written by something other than weekplan can get here.
        raise StorageError("a stored plan is not valid weekplan JSON") from exc


def encode_texts(texts: Iterable[str]) -> str:
    """The JSON text of a list of strings (a dish's tags, ingredients, steps, meal types)."""
    return _ENCODER.encode(list(texts))


def decode_texts(text: str) -> Sequence[str]:
    """The strings of a JSON text written by :func:`encode_texts`."""
    try:
        raw: Any = json.loads(text)
    except ValueError as exc:
        raise StorageError("a stored list is not valid JSON") from exc
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise StorageError("a stored list is not a JSON list of strings")
    return raw
