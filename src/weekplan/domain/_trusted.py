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

:func:`evolve_checked` is :func:`attrs.evolve` for a value that is already
checked: it checks the fields that change, as the constructor would, and copies
the others. An edit of a week's entries then checks those entries, not the ids,
dates and snapshot that did not change.
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

import attrs

from weekplan.domain._dishes import Dish
from weekplan.domain._entries import PlanEntry
from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate

__all__ = ["evolve_checked", "from_trusted_fields"]

T = TypeVar("T", WeekPlanTemplate, WeekPlanInstance, PlanEntry, Dish)

_FIELDS: Final[dict[type[Any], tuple[str, ...]]] = {
    cls: tuple(field.name for field in attrs.fields(cls))
    for cls in (WeekPlanTemplate, WeekPlanInstance, PlanEntry, Dish)
}
_ATTRIBUTES: Final[dict[type[Any], dict[str, attrs.Attribute[Any]]]] = {
    cls: attrs.fields_dict(cls) for cls in _FIELDS
}
_new = object.__new__
_set = object.__setattr__


def from_trusted_fields(cls: type[T], *values: Any) -> T:
    """A ``cls`` holding ``values``, in the order of its fields, set without any check.

    >>> from weekplan.domain._days import DayKey
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


def evolve_checked(value: T, **changes: Any) -> T:
    """``attrs.evolve(value, **changes)``, running the checks of the changed fields only.

    ``value`` must be a checked value (built by its constructor, or by
    :func:`from_trusted_fields` from a store's own row): its other fields are
    copied as they are. A change the constructor would refuse is refused the
    same way.

    >>> entry = PlanEntry("mon", "lunch")
    >>> evolve_checked(entry, notes=" soup ") == attrs.evolve(entry, notes=" soup ")
    True
    """
    cls = type(value)
    names = frozenset(changes)
    plan = _PLANS.get((cls, names))
    if plan is None:
        plan = _plan(cls, names)
    unchanged, changed = plan
    copy = _new(cls)
    for name in unchanged:
        _set(copy, name, getattr(value, name))
    # In field order, converters then validators, as the constructor runs them.
    for name, converter, _ in changed:
        given = changes[name]
        _set(copy, name, given if converter is None else converter(given))
    for name, _, attribute in changed:
        if attribute.validator is not None:
            attribute.validator(copy, attribute, getattr(copy, name))
    return copy


#: Per class and set of changed fields: the fields copied, and each changed
#: field's name, converter and attribute, in field order.
_Plan = tuple[tuple[str, ...], tuple[tuple[str, Any, Any], ...]]
_PLANS: Final[dict[tuple[type[Any], frozenset[str]], _Plan]] = {}


def _plan(cls: type[Any], names: frozenset[str]) -> _Plan:
    attributes = _ATTRIBUTES[cls]
    unknown = names - attributes.keys()
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {min(unknown)!r}")
    plan = (
        tuple(name for name in _FIELDS[cls] if name not in names),
        tuple(
            (name, attributes[name].converter, attributes[name])
            for name in _FIELDS[cls]
            if name in names
        ),
    )
    # A few shapes per class: the cache stays small.
    _PLANS[cls, names] = plan
    return plan
