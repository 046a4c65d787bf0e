"""Slot locks: slots of a week that later writes must leave alone.

A lock holds a whole slot, or only some ingredients of its dish (say, what was
already bought). A write may not change a slot locked whole in any way; a slot
locked on ingredients may only get notes changed, or a dish that still has
every locked ingredient.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date, datetime

import attrs

from weekplan.domain._days import DayKey
from weekplan.domain._dishes import Dish
from weekplan.domain._entries import SlotKey
from weekplan.domain.changes import SlotChange
from weekplan.domain.text import search_key


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


__all__ = ["SlotLock", "locked_changes"]


@attrs.frozen
class SlotLock:
    """One locked slot of one client's week.

    ``ingredients`` empty locks the whole slot; otherwise only those ingredients
    of its dish are held. ``reason`` and ``actor`` say why and by whom.
    """

    tenant_id: str
    client_ref: str
    week_start_date: date
    day_key: DayKey = attrs.field(converter=DayKey)
    slot_key: str
    reason: str | None = None
    ingredients: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    actor: str | None = None
    locked_at: datetime | None = None

    @property
    def key(self) -> SlotKey:
        """``(day_key, slot_key)`` of the locked slot."""
        return (self.day_key, self.slot_key)

    @property
    def whole_slot(self) -> bool:
        """Whether the whole slot is locked, not only some ingredients."""
        return not self.ingredients


def _keeps_ingredients(lock: SlotLock, dish: Dish | None) -> bool:
    if dish is None:
        return False
    held = {search_key(item) for item in dish.ingredients}
    return all(search_key(item) in held for item in lock.ingredients)


def locked_changes(
    changes: Iterable[SlotChange],
    locks: Iterable[SlotLock],
    dishes: Callable[[Collection[str]], Mapping[str, Dish]],
) -> tuple[SlotChange, ...]:
    """The changes among ``changes`` that a lock forbids, in the order given.

    ``dishes`` looks dishes up by id; it is called at most once, and only when a
    slot locked on ingredients gets a new dish.
    """
    by_slot = {lock.key: lock for lock in locks}
    if not by_slot:
        return ()
    touched = [
        (change, by_slot[(change.day_key, change.slot_key)])
        for change in changes
        if (change.day_key, change.slot_key) in by_slot
    ]
    wanted = {
        change.new.dish_template_id
        for change, lock in touched
        if not lock.whole_slot and change.new is not None and change.new.dish_template_id
    }
    found = dishes(wanted) if wanted else {}
    return tuple(change for change, lock in touched if not _allowed(change, lock, found))


def _allowed(change: SlotChange, lock: SlotLock, dishes: Mapping[str, Dish]) -> bool:
    if lock.whole_slot or change.new is None:
        return False
    if change.old is not None and change.new.dish_template_id == change.old.dish_template_id:
        return True  # only the notes changed
    dish_id = change.new.dish_template_id
    return _keeps_ingredients(lock, dishes.get(dish_id) if dish_id else None)
