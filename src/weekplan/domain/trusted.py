"""Building domain values from rows a store wrote itself, without checking them again.

For stores only. Every domain value checks and converts its fields on
construction, which is what keeps bad input out. A row that a store reads back
from its own tables was such a value when it was written, so checking it again
on every read only costs time: for a week of 42 entries, most of a read.
:func:`from_trusted_fields` builds the same frozen value from fields already in
their converted form (``DayKey`` members, tuples of ``PlanEntry``, ``MealType``
members, aware datetimes), setting them directly.

Giving it anything else builds a value that breaks the domain's invariants, so
never pass it input from outside the store; a test proves that for valid values
it gives exactly what the checking constructor gives.
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

import attrs

from weekplan.domain.dishes import Dish
from weekplan.domain.entries import PlanEntry
from weekplan.domain.plans import WeekPlanInstance, WeekPlanTemplate

__all__ = ["from_trusted_fields"]

T = TypeVar("T", WeekPlanTemplate, WeekPlanInstance, PlanEntry, Dish)

_FIELDS: Final[dict[type[Any], tuple[str, ...]]] = {
    cls: tuple(field.name for field in attrs.fields(cls))
    for cls in (WeekPlanTemplate, WeekPlanInstance, PlanEntry, Dish)
}
_new = object.__new__
_set = object.__setattr__


def from_trusted_fields(cls: type[T], *values: Any) -> T:
    """A ``cls`` holding ``values``, in the order of its fields, set without any check.

    >>> from weekplan.domain.days import DayKey
    >>> entry = from_trusted_fields(PlanEntry, DayKey.MON, "lunch", None, None)
    >>> entry == PlanEntry("mon", "lunch")
    True
    """
    names = _FIELDS[cls]
    if len(values) != len(names):
        raise TypeError(f"{cls.__name__} has {len(names)} fields, got {len(values)} values")
    value = _new(cls)
    for name, field_value in zip(names, values, strict=True):
        _set(value, name, field_value)
    return value
