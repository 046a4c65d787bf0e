"""What a client receives over HTTP: its own week, without the worker's bookkeeping.

A client sees each day's slots with dish names, notes and dish detail; never
the tenant, the template a week was cloned from, or the template's snapshot.

>>> from datetime import date
>>> from weekplan.domain._client_view import group_days
>>> payload = client_week(group_days("client-42", date(2026, 11, 23), (), version=1))
>>> sorted(attrs.asdict(payload))
['client_ref', 'days', 'updated_at', 'version', 'week_start_date']
"""

from __future__ import annotations

from datetime import date, datetime

import attrs

from weekplan.domain._client_view import ClientSlot, ClientWeekView
from weekplan.domain._days import DayKey
from weekplan.domain._dishes import Dish
from weekplan.domain._meal_types import MealType
from weekplan.domain._paging import Page
from weekplan.domain._plans import WeekPlanInstance

__all__ = [
    "ClientDayPayload",
    "ClientDishPayload",
    "ClientSlotPayload",
    "ClientWeekPayload",
    "ClientWeekSummary",
    "client_slot",
    "client_week",
    "client_weeks",
]


@attrs.frozen
class ClientDishPayload:
    """The dish of a slot, as the client reads it in the slot's detail."""

    name: str
    meal_types: tuple[MealType, ...]
    tags: tuple[str, ...]
    ingredients: tuple[str, ...]
    steps: tuple[str, ...]


@attrs.frozen
class ClientSlotPayload:
    """One slot of the client's day: the dish's name, the worker's notes, the dish's detail."""

    day_key: DayKey
    slot_key: str
    meal_type: MealType | None
    dish_template_id: str | None
    dish_name: str | None
    dish_missing: bool
    notes: str | None
    dish: ClientDishPayload | None


@attrs.frozen
class ClientDayPayload:
    """One day of the client's week; ``slots`` is empty on a day with nothing planned."""

    day_key: DayKey
    date: date
    slots: tuple[ClientSlotPayload, ...]


@attrs.frozen
class ClientWeekPayload:
    """The client's week: every day Monday to Sunday, even the empty ones."""

    client_ref: str
    week_start_date: date
    version: int
    updated_at: datetime | None
    days: tuple[ClientDayPayload, ...]


@attrs.frozen
class ClientWeekSummary:
    """One of the client's weeks in the list of its weeks."""

    week_start_date: date
    version: int
    updated_at: datetime


def _dish(dish: Dish | None) -> ClientDishPayload | None:
    if dish is None:
        return None
    return ClientDishPayload(dish.name, dish.meal_types, dish.tags, dish.ingredients, dish.steps)


def client_slot(slot: ClientSlot) -> ClientSlotPayload:
    """The client's payload of one slot."""
    return ClientSlotPayload(
        day_key=slot.day_key,
        slot_key=slot.slot_key,
        meal_type=slot.meal_type,
        dish_template_id=slot.dish_template_id,
        dish_name=slot.dish_name,
        dish_missing=slot.dish_missing,
        notes=slot.notes,
        dish=_dish(slot.dish),
    )


def client_week(view: ClientWeekView) -> ClientWeekPayload:
    """The client's payload of its week."""
    days = tuple(
        ClientDayPayload(day.day_key, day.date, tuple(client_slot(s) for s in day.slots))
        for day in view.days
    )
    return ClientWeekPayload(
        view.client_ref, view.week_start_date, view.version, view.updated_at, days
    )


def client_weeks(page: Page[WeekPlanInstance]) -> Page[ClientWeekSummary]:
    """The client's payload of a page of its weeks."""
    items = tuple(
        ClientWeekSummary(week.week_start_date, week.version, week.updated_at)
        for week in page.items
    )
    return Page(items=items, next_cursor=page.next_cursor)
