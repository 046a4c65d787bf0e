"""The check every integer a caller gives passes: an ``int`` within bounds every store holds."""

from __future__ import annotations

from typing import Any

from weekplan.domain._limits import INT_MAX
from weekplan.errors import InvalidInput

__all__ = ["check_int"]


def check_int(value: Any, field: str, *, minimum: int, maximum: int = INT_MAX) -> int:
    """``value`` if it is an integer between ``minimum`` and ``maximum`` (never a bool).

    >>> check_int(7, "version", minimum=1)
    7
    >>> check_int(2**31, "version", minimum=1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    weekplan.errors.InvalidInput: invalid input: version: must be an integer between 1 and 2147...
    """
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise InvalidInput.at((field,), f"must be an integer between {minimum} and {maximum}")
    return value
