"""Pages of results with opaque keyset cursors."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

import attrs

from weekplan.domain._limits import PAGE_LIMIT_MAX
from weekplan.domain._numbers import check_int
from weekplan.domain.text import check_characters
from weekplan.errors import InvalidInput

__all__ = ["Page", "check_limit", "decode_cursor", "encode_cursor"]

T = TypeVar("T")


@attrs.frozen
class Page(Generic[T]):
    """One page of a listing.

    ``next_cursor`` is ``None`` on the last page; otherwise pass it back as
    ``cursor=`` to get the next page.
    Cursors are keyset positions, so a page deep in a listing costs what the first does.
    """

    items: tuple[T, ...]
    next_cursor: str | None = None


def check_limit(value: Any, *, maximum: int = PAGE_LIMIT_MAX) -> int:
    """A page size between 1 and ``maximum``."""
    return check_int(value, "limit", minimum=1, maximum=maximum)


def encode_cursor(kind: str, position: Sequence[str]) -> str:
    """An opaque cursor for a position in a listing of one ``kind``."""
    raw = json.dumps([kind, *position], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: Any, *, arity: int) -> tuple[str, ...] | None:
    """The position a cursor of ``encode_cursor(kind, ...)`` names, or ``None`` for no cursor."""
    if cursor is None:
        return None
    problem = InvalidInput.at(("cursor",), "is not a cursor of this listing")
    if not isinstance(cursor, str) or len(cursor) > 4096:
        raise problem
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError, RecursionError):
        # RecursionError: a forged cursor of nested brackets; json gives up, so do we.
        raise problem from None
    if (
        not isinstance(decoded, list)
        or len(decoded) != arity + 1
        or decoded[0] != kind
        or not all(isinstance(part, str) and _storable(part) for part in decoded[1:])
    ):
        raise problem
    return tuple(decoded[1:])


def _storable(part: str) -> bool:
    # A forged position goes into a query: it must be text every store can compare.
    try:
        check_characters(part, "cursor")
    except InvalidInput:
        return False
    return True
