"""Assigning one dish to one slot on several days at once.

A scope is one day (``"tue"``), several days (``["mon", "thu"]``) or the whole
week (``"week"``).

>>> entries = (PlanEntry("mon", "lunch", notes="no onion"), PlanEntry("mon", "dinner"))
>>> for entry in assign_dish(entries, parse_day_scope(["mon", "tue"]), "lunch", "soup"):
...     print(entry.day_key.value, entry.slot_key, entry.dish_template_id, entry.notes)
mon lunch soup no onion
mon dinner None None
tue lunch soup None
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import attrs

from weekplan.domain._days import DAY_ORDER, DayKey
from weekplan.domain._entries import PlanEntry, parse_entries
from weekplan.domain._limits import MAX_CHOICES
from weekplan.domain._sequences import take_items
from weekplan.errors import ErrorItem, InvalidInput

__all__ = ["WEEK", "DayScope", "assign_dish", "parse_day_scope"]

WEEK: Final = "week"
"""The scope of every day of the week."""

#: What ``days=`` accepts: ``"week"``, one day key, or several day keys.
DayScope = str | DayKey | Iterable[str | DayKey]

_CHOICES = "mon, tue, wed, thu, fri, sat, sun"


def parse_day_scope(value: Any, field: str = "days") -> tuple[DayKey, ...]:
    """The days a scope covers, Monday first, each once.

    >>> parse_day_scope("week") == DAY_ORDER
    True
    >>> parse_day_scope(["thu", "mon", "thu"])
    (<DayKey.MON: 'mon'>, <DayKey.THU: 'thu'>)
    >>> parse_day_scope([])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    weekplan.errors.InvalidInput: invalid input: days: must name at least one day
    """
    problem = InvalidInput.at((field,), f'must be "week", one of {_CHOICES}, or a list of days')
    if isinstance(value, str):
        if value == WEEK:
            return DAY_ORDER
        try:
            return (DayKey(value),)
        except ValueError:
            raise problem from None
    if isinstance(value, bytes | dict) or not isinstance(value, Iterable):
        raise problem
    days: set[DayKey] = set()
    errors: list[ErrorItem] = []
    for index, item in enumerate(take_items(value, field, max_items=MAX_CHOICES)):
        # Only a string can be a day; anything else would be shown in the enum's error.
        if isinstance(item, str) and item in DayKey._value2member_map_:
            days.add(DayKey(item))
        else:
            errors.append({"loc": [field, index], "msg": f"must be one of {_CHOICES}"})
    if errors:
        raise InvalidInput(errors)
    if not days:
        raise InvalidInput.at((field,), "must name at least one day")
    return tuple(day for day in DAY_ORDER if day in days)


def assign_dish(
    entries: Iterable[PlanEntry], days: Iterable[DayKey], slot_key: str, dish_id: str
) -> tuple[PlanEntry, ...]:
    """``entries`` with ``dish_id`` in ``slot_key`` on each of ``days``.

    A slot that exists keeps its notes and its place in the day; a day without
    the slot gets it after its other slots. Other slots and days are untouched,
    so assigning the same dish twice gives the same entries.
    """
    scope = set(days)
    result: list[PlanEntry] = []
    covered: set[DayKey] = set()
    for entry in entries:
        if entry.day_key in scope and entry.slot_key == slot_key:
            covered.add(entry.day_key)
            result.append(attrs.evolve(entry, dish_template_id=dish_id))
        else:
            result.append(entry)
    result.extend(PlanEntry(day, slot_key, dish_id) for day in DAY_ORDER if day in scope - covered)
    return parse_entries(result)
