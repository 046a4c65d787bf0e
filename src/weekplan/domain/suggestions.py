"""Ranking a tenant's dishes for one slot.

Dishes the tenant has planned most often for the slot's meal come first.
On a tie, a dish labelled with that meal comes before one whose name only
sounds like it (``porridge``, ``havermout``), and then names go alphabetically.

Precisely: a dish *matches* the slot when the slot has a meal type and the dish
lists it in ``meal_types``, or when the dish is planned in slots of that meal
type (or of the same slot kind, which also serves slots without a meal type),
or when its name contains one of the meal's hint words.
``score = 4 * history_count + 2 * labelled + (1 if any hint matched)``, so
history decides first, the label second and the hints third.
Suggestions are ordered by score (highest first), then by name (case and
accents ignored), then by dish id, which makes the order total.
If no dish matches, every dish is suggested with score 0, by name then id.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping

import attrs

from weekplan.domain.dishes import Dish
from weekplan.domain.meal_types import MealType, MealVocabulary
from weekplan.domain.text import search_key

__all__ = ["DishSuggestion", "history_for_slot", "rank_dishes"]


@attrs.frozen
class DishSuggestion:
    """One suggested dish and why it ranked where it did.

    ``matched`` is ``False`` for the fallback list of a slot no dish matches.
    """

    dish: Dish
    meal_type: MealType | None
    history_count: int
    labelled: bool
    matched_hints: tuple[str, ...]
    score: int

    @property
    def matched(self) -> bool:
        """Whether the dish matches the slot's meal (history, label or a hint)."""
        return self.score > 0


def history_for_slot(
    counts: Mapping[tuple[str, str], int],
    kind: str,
    meal_type: MealType | None,
    vocabulary: MealVocabulary,
) -> dict[str, int]:
    """Per dish, how often it is planned in slots of this meal type or this slot kind.

    ``counts`` are the tenant's running totals by ``(slot_kind, dish_id)``; their
    number depends on the catalog and the slot kinds in use, not on the history.
    """
    meal_of_kind: dict[str, MealType | None] = {}
    totals: dict[str, int] = {}
    for (other_kind, dish_id), count in counts.items():
        if other_kind not in meal_of_kind:
            meal_of_kind[other_kind] = vocabulary.meal_type_of_kind(other_kind)
        same_meal = meal_type is not None and meal_of_kind[other_kind] == meal_type
        if count > 0 and (same_meal or other_kind == kind):
            totals[dish_id] = totals.get(dish_id, 0) + count
    return totals


def _order(suggestion: DishSuggestion) -> tuple[int, str, str]:
    return (-suggestion.score, search_key(suggestion.dish.name), suggestion.dish.id)


def rank_dishes(
    dishes: Iterable[Dish],
    *,
    meal_type: MealType | None,
    history: Mapping[str, int],
    vocabulary: MealVocabulary,
    limit: int,
) -> list[DishSuggestion]:
    """The top ``limit`` suggestions among ``dishes`` (already filtered by the query)."""
    ranked: list[DishSuggestion] = []
    for dish in dishes:
        count = history.get(dish.id, 0)
        labelled = meal_type is not None and meal_type in dish.meal_types
        hints = vocabulary.matched_hints(dish.name, meal_type) if meal_type is not None else ()
        score = 4 * count + 2 * labelled + (1 if hints else 0)
        ranked.append(DishSuggestion(dish, meal_type, count, labelled, hints, score))
    matches = [s for s in ranked if s.matched]
    return heapq.nsmallest(limit, matches or ranked, key=_order)
