"""Request payloads: what a host's routes accept, as attrs classes.

Each class checks its values on construction with the same rules the planner
applies, so a payload that parses is well-formed; whether the template exists
or the version is current is for the planner to say.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import attrs

from weekplan.domain._bulk import parse_day_scope
from weekplan.domain._days import DayKey
from weekplan.domain._entries import PlanEntry, parse_entries
from weekplan.domain._inputs import check_client_ref, check_expected_version
from weekplan.domain._limits import ID_MAX, NAME_MAX, SLOT_KEY_MAX
from weekplan.domain._meal_types import MealType
from weekplan.domain.text import check_key, check_text

__all__ = [
    "BulkAssign",
    "ChangeQuery",
    "DishQuery",
    "DishUpsert",
    "DraftApply",
    "DraftGenerate",
    "InstanceCreate",
    "InstanceQuery",
    "InstanceUpdate",
    "LockSlot",
    "RulesetAssign",
    "RulesetQuery",
    "RunQuery",
    "SlotUpdate",
    "SuggestionQuery",
    "TemplateCreate",
    "TemplateQuery",
    "TemplateUpdate",
    "WeekQuery",
]


def _name(value: Any) -> str:
    return check_text(value, "name", max_length=NAME_MAX)


def _optional_name(value: Any) -> str | None:
    return None if value is None else _name(value)


def _days(value: Any) -> tuple[PlanEntry, ...]:
    return parse_entries(value, "days")


def _optional_days(value: Any) -> tuple[PlanEntry, ...] | None:
    return None if value is None else _days(value)


def _template_id(value: Any) -> str:
    return check_key(value, "template_id", max_length=ID_MAX)


def _optional_template_id(value: Any) -> str | None:
    return None if value is None else _template_id(value)


def _expected_version(value: Any) -> int | None:
    return check_expected_version(value)


def _slot_key(value: Any) -> str:
    return check_text(value, "slot_key", max_length=SLOT_KEY_MAX)


def _dish_id(value: Any) -> str:
    return check_key(value, "dish_template_id", max_length=ID_MAX)


def _day_scope(value: Any) -> tuple[DayKey, ...]:
    return parse_day_scope(value, "days")


#: ``days`` of a bulk assignment in JSON: ``"week"``, one day key, or a list of day keys.
DayScopeJson = str | tuple[str, ...]


@attrs.frozen(kw_only=True)
class TemplateCreate:
    """Body of "create a template": a name and, optionally, its entries."""

    name: str = attrs.field(converter=_name)
    days: tuple[PlanEntry, ...] = attrs.field(default=(), converter=_days)


@attrs.frozen(kw_only=True)
class TemplateUpdate:
    """Body of "update a template": a field left out (or null) keeps its value."""

    name: str | None = attrs.field(default=None, converter=_optional_name)
    days: tuple[PlanEntry, ...] | None = attrs.field(default=None, converter=_optional_days)
    expected_version: int | None = attrs.field(default=None, converter=_expected_version)

    def changes(self) -> dict[str, Any]:
        """The keyword arguments of :meth:`~weekplan.WorkerPlanner.update_template`."""
        given = {"name": self.name, "days": self.days}
        return {
            **{key: value for key, value in given.items() if value is not None},
            "expected_version": self.expected_version,
        }


@attrs.frozen(kw_only=True)
class InstanceCreate:
    """Body of "create a client's week from a template"."""

    template_id: str = attrs.field(converter=_template_id)
    client_ref: str = attrs.field(converter=check_client_ref)
    week_start_date: date


@attrs.frozen(kw_only=True)
class InstanceUpdate:
    """Body of "replace a client's week entries"."""

    days: tuple[PlanEntry, ...] = attrs.field(converter=_days)
    expected_version: int | None = attrs.field(default=None, converter=_expected_version)


@attrs.frozen(kw_only=True)
class SlotUpdate:
    """Body of "set one slot": the slot becomes exactly this (null clears a field)."""

    dish_template_id: str | None = None
    notes: str | None = None
    expected_version: int | None = attrs.field(default=None, converter=_expected_version)


@attrs.frozen(kw_only=True)
class LockSlot:
    """Body of "lock one slot": whole, or only ``ingredients`` of its dish (the planner checks)."""

    reason: str | None = None
    ingredients: tuple[str, ...] | None = None
    expected_version: int | None = attrs.field(default=None, converter=_expected_version)


@attrs.frozen(kw_only=True)
class DraftApply:
    """Body of "apply the week's draft": the draft version that was reviewed, and a reason."""

    expected_version: int | None = attrs.field(default=None, converter=_expected_version)
    reason: str | None = None


@attrs.frozen(kw_only=True)
class DraftGenerate:
    """Body of "generate the week's draft": the days to fill and, optionally, a seed.

    ``days`` is ``"week"`` (the default, a generation), one day key, or a list
    of day keys (a regeneration of those days); ``seed`` makes the result
    repeatable (the planner checks its range); ``template_id`` gives a week
    that does not exist yet its slots.
    """

    days: DayScopeJson = attrs.field(default="week", converter=_day_scope)
    seed: int | None = None
    template_id: str | None = attrs.field(default=None, converter=_optional_template_id)


@attrs.frozen(kw_only=True)
class RunQuery:
    """Query string of "list generation runs": ``?client_ref=&limit=&cursor=``."""

    client_ref: str | None = None
    limit: int = 50
    cursor: str | None = None


@attrs.frozen(kw_only=True)
class TemplateQuery:
    """Query string of "list templates": ``?search=&limit=&cursor=``."""

    search: str | None = None
    limit: int = 50
    cursor: str | None = None


@attrs.frozen(kw_only=True)
class ChangeQuery:
    """Query string of "list the tenant's changes": ``?client_ref=&since=&until=&limit=&cursor=``.

    ``since`` and ``until`` are ISO date-times with a UTC offset.
    """

    client_ref: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 50
    cursor: str | None = None


@attrs.frozen(kw_only=True)
class InstanceQuery:
    """Query string of "list client weeks": ``?client_ref=&week_start_date=&limit=&cursor=``."""

    client_ref: str | None = None
    week_start_date: str | None = None
    limit: int = 50
    cursor: str | None = None


@attrs.frozen(kw_only=True)
class WeekQuery:
    """Query string naming one week: ``?week_start_date=``."""

    week_start_date: str


@attrs.frozen(kw_only=True)
class BulkAssign:
    """Body of "put one dish in one slot on a day, several days or the whole week".

    ``days`` is ``"week"`` (the default), one day key, or a list of day keys; it
    is kept as the days it covers, Monday first.
    """

    slot_key: str = attrs.field(converter=_slot_key)
    dish_template_id: str = attrs.field(converter=_dish_id)
    days: DayScopeJson = attrs.field(default="week", converter=_day_scope)
    expected_version: int | None = attrs.field(default=None, converter=_expected_version)


@attrs.frozen(kw_only=True)
class DishUpsert:
    """Body of "create or replace the dish with this id"; the planner checks each list."""

    name: str
    meal_types: tuple[MealType, ...] = ()
    tags: tuple[str, ...] = ()
    ingredients: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    expected_version: int | None = attrs.field(default=None, converter=_expected_version)


@attrs.frozen(kw_only=True)
class DishQuery:
    """Query string of "list dishes": ``?search=&limit=&cursor=``."""

    search: str | None = None
    limit: int = 50
    cursor: str | None = None


@attrs.frozen(kw_only=True)
class SuggestionQuery:
    """Query string of "dish suggestions": ``?slot_key=&query=&limit=&client_ref=``.

    With ``client_ref``, dishes that client's guardrails ruleset blocks are left out.
    """

    slot_key: str
    query: str | None = None
    limit: int = 10
    client_ref: str | None = None


@attrs.frozen(kw_only=True)
class RulesetQuery:
    """Query string of "list guardrails rulesets": ``?diet_id=&limit=&cursor=``."""

    diet_id: str | None = None
    limit: int = 50
    cursor: str | None = None


@attrs.frozen(kw_only=True)
class RulesetAssign:
    """Body of "put a client on a stored guardrails ruleset": its ``content_hash``."""

    content_hash: str
