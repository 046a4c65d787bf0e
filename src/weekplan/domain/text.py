"""Checks and normal forms for the strings weekplan stores.

Every string that enters the domain passes one of these checks, so a store never
sees a value its columns cannot hold (too long, a NUL byte PostgreSQL rejects, a
control character in a key, a lone surrogate no UTF-8 column can encode).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Final

from weekplan.errors import InvalidInput

__all__ = [
    "check_characters",
    "check_key",
    "check_optional_text",
    "check_text",
    "search_key",
]


# Unicode's control characters (category Cc, fixed by its stability policy) and
# the surrogate code points (Cs), as one character class each way: a search in C
# instead of a category look-up per character, for every key and text checked.
_FORBIDDEN: Final = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_FORBIDDEN_BESIDE_WHITESPACE: Final = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]"
)


def _character_problem(value: str, *, allow_whitespace: bool) -> str | None:
    forbidden = _FORBIDDEN_BESIDE_WHITESPACE if allow_whitespace else _FORBIDDEN
    found = forbidden.search(value)
    if found is None:
        return None
    if "\ud800" <= found.group() <= "\udfff":
        # Python strings may hold half of a UTF-16 pair; no database can store one.
        return "must be valid Unicode text (no lone surrogates)"
    return "must not contain control characters"


def check_characters(value: str, field: str, *, allow_whitespace: bool = False) -> str:
    """``value`` unless it holds a control character or a lone surrogate.

    With ``allow_whitespace``, tabs and line breaks are allowed.

    >>> check_characters("soup\\x00", "search")
    Traceback (most recent call last):
    ...
    weekplan.errors.InvalidInput: invalid input: search: must not contain control characters
    """
    problem = _character_problem(value, allow_whitespace=allow_whitespace)
    if problem is not None:
        raise InvalidInput.at((field,), problem)
    return value


def check_text(
    value: Any, field: str, max_length: int, *, max_key_length: int | None = None
) -> str:
    """A required human text (a name): trimmed, non-empty, bounded, no control characters.

    With ``max_key_length``, its :func:`search_key` must fit too: stores index it.

    >>> check_text("\ufb03" * 3, "name", max_length=10, max_key_length=6)
    Traceback (most recent call last):
    ...
    weekplan.errors.InvalidInput: invalid input: name: is too long once normalised for search
    """
    if not isinstance(value, str):
        raise InvalidInput.at((field,), "must be a string")
    trimmed = value.strip()
    if not trimmed:
        raise InvalidInput.at((field,), "must not be empty")
    if len(trimmed) > max_length:
        raise InvalidInput.at((field,), f"must be at most {max_length} characters")
    check_characters(trimmed, field)
    if max_key_length is not None and len(search_key(trimmed)) > max_key_length:
        # Only texts made mostly of ligatures that unfold into many letters get here.
        raise InvalidInput.at((field,), "is too long once normalised for search")
    return trimmed


def check_key(value: Any, field: str, *, max_length: int) -> str:
    """An opaque identifier (tenant id, ``client_ref``, a dish id): kept exactly as given.

    Surrounding whitespace is refused rather than trimmed, so that two keys that
    look alike are never silently merged or split.
    """
    if not isinstance(value, str):
        raise InvalidInput.at((field,), "must be a string")
    if not value:
        raise InvalidInput.at((field,), "must not be empty")
    if value != value.strip():
        raise InvalidInput.at((field,), "must not start or end with whitespace")
    if len(value) > max_length:
        raise InvalidInput.at((field,), f"must be at most {max_length} characters")
    return check_characters(value, field)


def check_optional_text(value: Any, field: str, *, max_length: int) -> str | None:
    """Free text such as ``notes``: ``None`` or a bounded string (newlines and tabs allowed)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput.at((field,), "must be a string or null")
    if len(value) > max_length:
        raise InvalidInput.at((field,), f"must be at most {max_length} characters")
    return check_characters(value, field, allow_whitespace=True)


def search_key(text: str) -> str:
    """The form names are searched and sorted by: case-folded, accents removed.

    >>> search_key("Crème Brûlée")
    'creme brulee'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
