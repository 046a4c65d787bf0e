"""The week as a client sees it: seven days, each slot with its dish and notes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

import attrs

from weekplan.domain._days import DAY_ORDER, DayKey
from weekplan.domain._dishes import Dish
from weekplan.domain._display import html_of, text_of
from weekplan.domain._entries import PlanEntry
from weekplan.domain._guardrails_check import GuardrailsCheck
from weekplan.domain._meal_types import MealType, MealVocabulary, day_position
from weekplan.domain._plans import WeekPlanInstance
from weekplan.domain.text import search_key
from weekplan.errors import InvalidInput, SlotNotFound

__all__ = [
    "ClientDay",
    "ClientSlot",
    "ClientWeekView",
    "build_client_view",
    "dish_ids",
    "group_days",
    "slot_order",
]

_DIGITS = re.compile(r"(\d+)")


def slot_order(meal_type: MealType | None, slot_key: str) -> tuple[Any, ...]:
    """How slots are ordered within a day: in the order of the day, then by slot key.

    The order of the day is :func:`~weekplan.domain._meal_types.day_position`
    (breakfast, morning snack, lunch, afternoon snack, dinner, evening snack,
    slots of no known meal). Slot keys compare case- and accent-insensitively
    with numbers by value, so ``snack_2`` comes before ``snack_10``.
    """
    natural = tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in _DIGITS.split(search_key(slot_key))
        if part
    )
    return (day_position(meal_type, slot_key), natural, slot_key)


@attrs.frozen
class ClientSlot:
    """One slot of one day: what the client eats, and the worker's notes.

    ``dish`` is ``None`` when no dish is planned, and also when the planned dish
    has since been deleted from the catalog (then ``dish_missing`` is true).
    """

    day_key: DayKey
    slot_key: str
    meal_type: MealType | None
    dish_template_id: str | None
    dish: Dish | None
    notes: str | None

    @property
    def dish_name(self) -> str | None:
        """The dish's name, or ``None`` if there is no dish (or it is missing)."""
        return None if self.dish is None else self.dish.name

    @property
    def dish_missing(self) -> bool:
        """Whether the slot names a dish that is no longer in the catalog."""
        return self.dish_template_id is not None and self.dish is None


@attrs.frozen
class ClientDay:
    """One day of the client's week; ``slots`` is empty on a day with nothing planned."""

    day_key: DayKey
    date: date
    slots: tuple[ClientSlot, ...]


def _to_day(value: Any) -> DayKey:
    if isinstance(value, str) and value in DayKey._value2member_map_:
        return DayKey(value)
    raise InvalidInput.at(("day_key",), "must be one of mon, tue, wed, thu, fri, sat, sun")


def _seven_days(_instance: object, _attribute: object, value: tuple[ClientDay, ...]) -> None:
    if tuple(day.day_key for day in value) != DAY_ORDER:
        raise InvalidInput.at(("days",), "must hold each day mon..sun once, in that order")


@attrs.frozen
class ClientWeekView:
    """A client's week, read-only: every day Monday to Sunday, even the empty ones.

    Build one with :func:`build_client_view` (``ClientPlanner.weekly_plan`` does).

    >>> from datetime import date
    >>> view = group_days("client-42", date(2026, 11, 23), (), version=1)
    >>> [day.day_key.value for day in view.days]
    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
    >>> view.day("sun").date, view.day("sun").slots
    (datetime.date(2026, 11, 29), ())
    """

    client_ref: str
    week_start_date: date
    days: tuple[ClientDay, ...] = attrs.field(validator=_seven_days)
    version: int
    updated_at: datetime | None = None
    guardrails: GuardrailsCheck | None = None
    """The check of the client's diet the week was last stored with, or ``None``."""

    def _repr_html_(self) -> str:
        """The week as a Monday→Sunday table with dish names, for notebooks."""
        return html_of(self)

    def __str__(self) -> str:
        return text_of(self)

    def day(self, day_key: DayKey | str) -> ClientDay:
        """One day of the week; a day key that is not ``mon``..``sun`` is ``InvalidInput``."""
        return self.days[_to_day(day_key).position]

    def slot(self, day_key: DayKey | str, slot_key: str) -> ClientSlot:
        """The detail of one slot; :class:`~weekplan.SlotNotFound` if the day lacks it."""
        day = self.day(day_key)
        for slot in day.slots:
            if slot.slot_key == slot_key:
                return slot
        raise SlotNotFound(f"no slot {slot_key!r} on {day.day_key.value}")


def group_days(
    client_ref: str,
    week_start_date: date,
    slots: Iterable[ClientSlot],
    *,
    version: int,
    updated_at: datetime | None = None,
    week_starts_on: DayKey = DayKey.MON,
) -> ClientWeekView:
    """A week view of loose slots: grouped by day, each day's slots in :func:`slot_order`."""
    by_day: dict[DayKey, list[ClientSlot]] = {day: [] for day in DAY_ORDER}
    for slot in slots:
        by_day[slot.day_key].append(slot)
    start = week_starts_on.position
    days = tuple(
        ClientDay(
            day,
            week_start_date + timedelta(days=(day.position - start) % 7),
            tuple(sorted(by_day[day], key=lambda s: slot_order(s.meal_type, s.slot_key))),
        )
        for day in DAY_ORDER
    )
    return ClientWeekView(client_ref, week_start_date, days, version, updated_at)


def build_client_view(
    instance: WeekPlanInstance,
    dishes: Mapping[str, Dish],
    vocabulary: MealVocabulary,
    week_starts_on: DayKey,
) -> ClientWeekView:
    """The client's view of an instance, with dishes looked up in ``dishes`` by id.

    The view carries the week's stored guardrails check, so a client app can say
    whether the week fits the diet yet.
    """
    view = group_days(
        instance.client_ref,
        instance.week_start_date,
        (_client_slot(entry, dishes, vocabulary) for entry in instance.days),
        version=instance.version,
        updated_at=instance.updated_at,
        week_starts_on=week_starts_on,
    )
    return attrs.evolve(view, guardrails=instance.guardrails)


def _client_slot(
    entry: PlanEntry, dishes: Mapping[str, Dish], vocabulary: MealVocabulary
) -> ClientSlot:
    dish = None if entry.dish_template_id is None else dishes.get(entry.dish_template_id)
    return ClientSlot(
        entry.day_key,
        entry.slot_key,
        vocabulary.meal_type(entry.slot_key),
        entry.dish_template_id,
        dish,
        entry.notes,
    )


def dish_ids(entries: Iterable[PlanEntry]) -> frozenset[str]:
    """The dish ids a list of entries names."""
    return frozenset(e.dish_template_id for e in entries if e.dish_template_id is not None)
