"""What the evaluator looks at: one planned dish in one slot, as plain texts.

Dishes are modelled elsewhere; a host (or the planner) turns each planned slot
into a :class:`PlanTarget`, so the guardrails need to know nothing about dishes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs

from weekplan.domain._days import DayKey
from weekplan.domain._limits import ID_MAX, NAME_MAX, NOTES_MAX, SLOT_KEY_MAX
from weekplan.domain.text import check_key, check_text
from weekplan.errors import InvalidInput
from weekplan.guardrails._model import RuleTarget

__all__ = ["PlanTarget"]

MAX_TEXTS = 500


def _day_key(value: Any) -> DayKey:
    if isinstance(value, DayKey):
        return value
    if isinstance(value, str) and value in DayKey._value2member_map_:
        return DayKey(value)
    raise InvalidInput.at(("day_key",), "must be one of mon, tue, wed, thu, fri, sat, sun")


def _slot_key(value: Any) -> str:
    return check_text(value, "slot_key", max_length=SLOT_KEY_MAX)


def _dish_id(value: Any) -> str | None:
    return None if value is None else check_key(value, "dish_id", max_length=ID_MAX)


def _dish_name(value: Any) -> str | None:
    return None if value is None else check_text(value, "dish_name", max_length=NAME_MAX)


def _texts(field: str, *, optional: bool = False) -> Callable[[Any], tuple[Any, ...]]:
    def convert(value: Any) -> tuple[Any, ...]:
        if isinstance(value, str | bytes) or not isinstance(value, Iterable):
            raise InvalidInput.at((field,), "must be a list of strings")
        items = tuple(value)
        if len(items) > MAX_TEXTS:
            raise InvalidInput.at((field,), f"must have at most {MAX_TEXTS} items")
        for index, item in enumerate(items):
            if item is None and optional:
                continue
            if not isinstance(item, str) or len(item) > NOTES_MAX:
                raise InvalidInput.at(
                    (field, index), f"must be a string of at most {NOTES_MAX} characters"
                )
        return items

    return convert


def _plantarget_ingredients(value: Any) -> tuple[str, ...]:
    return _texts("ingredients")(value)


def _plantarget_steps(value: Any) -> tuple[str, ...]:
    return _texts("steps")(value)


def _plantarget_metadata(value: Any) -> tuple[str, ...]:
    return _texts("metadata")(value)


def _plantarget_notes(value: Any) -> tuple[str, ...]:
    return _texts("notes")(value)


def _plantarget_ingredient_ids(value: Any) -> tuple[str | None, ...]:
    return _texts("ingredient_ids", optional=True)(value)


@attrs.frozen
class PlanTarget:
    """One planned dish: where it is, and the texts rules are matched against.

    ``ingredient_ids`` is empty, or holds one canonical id (or ``None``) per
    ingredient, in the same order; ``canonical_id`` rules compare with it.
    ``dish_name`` is context for people and is never matched.
    ``notes`` are the slot's free text, read by ``notes`` rules and, unless they
    say otherwise, by ``ingredient`` rules and Diet Logic.
    A target without a dish (``dish_id`` and texts other than notes empty) is a
    slot planned by its notes alone.

    >>> target = PlanTarget("mon", "dinner", ingredients=["havermelk", "muesli"])
    >>> target.texts(RuleTarget.INGREDIENT)
    ('havermelk', 'muesli')
    """

    day_key: DayKey = attrs.field(converter=_day_key)
    slot_key: str = attrs.field(converter=_slot_key)
    dish_id: str | None = attrs.field(default=None, converter=_dish_id)
    dish_name: str | None = attrs.field(default=None, converter=_dish_name)
    ingredients: tuple[str, ...] = attrs.field(default=(), converter=_plantarget_ingredients)
    steps: tuple[str, ...] = attrs.field(default=(), converter=_plantarget_steps)
    metadata: tuple[str, ...] = attrs.field(default=(), converter=_plantarget_metadata)
    ingredient_ids: tuple[str | None, ...] = attrs.field(
        default=(), converter=_plantarget_ingredient_ids
    )
    notes: tuple[str, ...] = attrs.field(default=(), converter=_plantarget_notes)

    def __attrs_post_init__(self) -> None:
        if self.ingredient_ids and len(self.ingredient_ids) != len(self.ingredients):
            raise InvalidInput.at(
                ("ingredient_ids",), "must be empty or have one entry per ingredient"
            )

    def texts(self, kind: RuleTarget) -> tuple[str, ...]:
        """The texts of one kind: ingredients, steps, metadata or notes."""
        if kind is RuleTarget.INGREDIENT:
            return self.ingredients
        if kind is RuleTarget.STEP:
            return self.steps
        if kind is RuleTarget.NOTES:
            return self.notes
        return self.metadata
