"""Plan entries to JSON text and back, at the edge between rows and domain values.

A list of entries is stored as a JSON array of objects with the seed's field
names, in canonical order::

    [{"day_key": "mon", "slot_key": "lunch", "dish_template_id": "d-1", "notes": null}]

It is the same text weekplan's SQLAlchemy store writes, in the same tables of
weekplan's one schema, so a database written through either store is read
through the other as it is (``tests/contrib_django/test_django_sql_shared_rows.py``
proves it both ways on SQLite, PostgreSQL and MariaDB).

Guardrails rulesets and an instance's guardrails check are JSON text of the dicts
their own ``to_dict`` functions make, so the shape is defined in one place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Final

from weekplan.domain.entries import PlanEntry
from weekplan.domain.guardrails_check import GuardrailsCheck
from weekplan.errors import InvalidInput, StorageError
from weekplan.guardrails.loading import ruleset_from_dict, ruleset_to_dict
from weekplan.guardrails.model import GuardrailsRuleset

__all__ = [
    "decode_check",
    "decode_entries",
    "decode_ruleset",
    "decode_texts",
    "encode_check",
    "encode_entries",
    "encode_ruleset",
    "encode_texts",
]

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


def encode_check(check: GuardrailsCheck | None) -> str | None:
    """The JSON text of an instance's guardrails check; ``None`` stays ``None`` (SQL ``NULL``)."""
    return None if check is None else _ENCODER.encode(check.to_dict())


def decode_check(text: str | None) -> GuardrailsCheck | None:
    """The check of a JSON text written by :func:`encode_check`."""
    if text is None:
        return None
    try:
        return GuardrailsCheck.from_dict(json.loads(text))
    except (ValueError, InvalidInput) as exc:
        raise StorageError("a stored guardrails check is not valid weekplan JSON") from exc


def encode_ruleset(ruleset: GuardrailsRuleset) -> str:
    """The JSON text of a ruleset, content hash included."""
    return _ENCODER.encode(ruleset_to_dict(ruleset))


def decode_ruleset(text: str) -> GuardrailsRuleset:
    """The ruleset of a JSON text written by :func:`encode_ruleset`.

    Parsing checks the stored hash against the rules, so a row edited by hand
    cannot pass for the ruleset a recorded decision names.
    """
    try:
        return ruleset_from_dict(json.loads(text))
    except (ValueError, InvalidInput) as exc:
        raise StorageError("a stored ruleset is not valid weekplan JSON") from exc
