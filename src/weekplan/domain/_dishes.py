"""The dishes of a tenant's catalog, which plan entries point at by ``dish_template_id``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from weekplan.domain._fields import to_id, to_name, to_tenant_id
from weekplan.domain._limits import (
    INGREDIENT_MAX,
    INT_MAX,
    MAX_CHOICES,
    MAX_INGREDIENTS,
    MAX_STEPS,
    MAX_TAGS,
    STEP_MAX,
    TAG_MAX,
)
from weekplan.domain._meal_types import MealType
from weekplan.domain._sequences import take_items
from weekplan.domain.text import check_text, search_key
from weekplan.errors import ErrorItem, InvalidInput

__all__ = ["Dish", "parse_meal_types", "parse_texts"]


def parse_meal_types(value: Any, field: str = "meal_types") -> tuple[MealType, ...]:
    """Meal types as given (``"lunch"`` or ``MealType.LUNCH``), without repeats, in meal order.

    >>> parse_meal_types(["snack", "breakfast", "snack"])
    (<MealType.BREAKFAST: 'breakfast'>, <MealType.SNACK: 'snack'>)
    """
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidInput.at((field,), "must be a list of meal types")
    found: set[MealType] = set()
    errors: list[ErrorItem] = []
    for index, item in enumerate(take_items(value, field, max_items=MAX_CHOICES)):
        # Only a string can be a meal type; anything else would be shown in the enum's error.
        if isinstance(item, str) and item in MealType._value2member_map_:
            found.add(MealType(item))
        else:
            choices = ", ".join(m.value for m in MealType)
            errors.append({"loc": [field, index], "msg": f"must be one of {choices}"})
    if errors:
        raise InvalidInput(errors)
    return tuple(sorted(found, key=lambda m: m.position))


def parse_texts(
    value: Any, field: str, *, max_items: int, max_length: int, unique: bool
) -> tuple[str, ...]:
    """A list of short trimmed texts; with ``unique``, repeats (case and accents ignored) go.

    >>> parse_texts(["vegan", " Vegan ", "quick"], "tags", max_items=5, max_length=20, unique=True)
    ('vegan', 'quick')
    """
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidInput.at((field,), "must be a list of strings")
    items = take_items(value, field, max_items=max_items)
    texts: list[str] = []
    seen: set[str] = set()
    errors: list[ErrorItem] = []
    for index, item in enumerate(items):
        try:
            text = check_text(item, field, max_length=max_length)
        except InvalidInput as exc:
            errors.extend({"loc": [field, index], "msg": e["msg"]} for e in exc.errors)
            continue
        if unique:
            if search_key(text) in seen:
                continue
            seen.add(search_key(text))
        texts.append(text)
    if errors:
        raise InvalidInput(errors)
    return tuple(texts)


def _tags(value: Any) -> tuple[str, ...]:
    return parse_texts(value, "tags", max_items=MAX_TAGS, max_length=TAG_MAX, unique=True)


def _ingredients(value: Any) -> tuple[str, ...]:
    return parse_texts(
        value, "ingredients", max_items=MAX_INGREDIENTS, max_length=INGREDIENT_MAX, unique=False
    )


def _steps(value: Any) -> tuple[str, ...]:
    return parse_texts(value, "steps", max_items=MAX_STEPS, max_length=STEP_MAX, unique=False)


def _positive_version(_instance: object, _attribute: object, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= INT_MAX:
        raise InvalidInput.at(("version",), f"must be an integer between 1 and {INT_MAX}")


def _optional_aware(
    _instance: object, attribute: attrs.Attribute[datetime | None], value: datetime | None
) -> None:
    if value is not None and (not isinstance(value, datetime) or value.tzinfo is None):
        raise InvalidInput.at((attribute.name,), "must be a timezone-aware datetime or null")


@attrs.frozen
class Dish:
    """A dish in one tenant's catalog.

    ``meal_types`` says which meals the dish is meant for (it ranks the dish first
    in suggestions for those slots); ``tags``, ``ingredients`` and ``steps`` are
    the dish's detail as a client or a guardrail sees it.
    ``version`` and the timestamps are kept by weekplan's own catalog; a host that
    plugs in its own catalog may leave them at their defaults.

    >>> Dish("d1", "tenant-a", " Havermout met banaan ", meal_types=["breakfast"])
    ... # doctest: +NORMALIZE_WHITESPACE
    Dish(id='d1', tenant_id='tenant-a', name='Havermout met banaan',
         meal_types=(<MealType.BREAKFAST: 'breakfast'>,), tags=(), ingredients=(), steps=(),
         version=1, created_at=None, updated_at=None)
    """

    id: str = attrs.field(converter=to_id)
    tenant_id: str = attrs.field(converter=to_tenant_id)
    name: str = attrs.field(converter=to_name)
    meal_types: tuple[MealType, ...] = attrs.field(default=(), converter=parse_meal_types)
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tags)
    ingredients: tuple[str, ...] = attrs.field(default=(), converter=_ingredients)
    steps: tuple[str, ...] = attrs.field(default=(), converter=_steps)
    version: int = attrs.field(default=1, validator=_positive_version, kw_only=True)
    created_at: datetime | None = attrs.field(default=None, validator=_optional_aware, kw_only=True)
    updated_at: datetime | None = attrs.field(default=None, validator=_optional_aware, kw_only=True)

    def same_content(self, other: Dish) -> bool:
        """Whether two versions of a dish say the same thing (ignoring version and times)."""
        return (
            attrs.evolve(
                self,
                version=other.version,
                created_at=other.created_at,
                updated_at=other.updated_at,
            )
            == other
        )
