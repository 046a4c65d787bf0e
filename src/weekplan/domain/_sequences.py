"""Reading a caller's collection without trusting its size."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from weekplan.errors import InvalidInput

__all__ = ["take_items"]


def take_items(value: Iterable[Any], field: str, *, max_items: int) -> list[Any]:
    """The items of ``value``, or :class:`~weekplan.InvalidInput` if it has more than ``max_items``.

    At most one item past the limit is read, so an endless or enormous iterable
    (``itertools.count()``, ``range(10**12)``) is refused at once instead of
    being read into memory.

    >>> take_items(range(10**12), "days", max_items=3)
    Traceback (most recent call last):
    ...
    weekplan.errors.InvalidInput: invalid input: days: must have at most 3 items
    """
    items = list(itertools.islice(value, max_items + 1))
    if len(items) > max_items:
        raise InvalidInput.at((field,), f"must have at most {max_items} items")
    return items
