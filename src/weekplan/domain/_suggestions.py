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

Labels and hints depend only on the dish and the vocabulary's hints, so a store
can keep them as :class:`MealSignals`, computed when the dish is written, and
rank a meal's dishes with an index (see ``docs/suggestions.md``).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping

import attrs

from weekplan.domain._dishes import Dish
from weekplan.domain._meal_types import MealType, MealVocabulary
from weekplan.domain.text import search_key

__all__ = [
    "NO_SIGNAL",
    "DishSuggestion",
    "MealSignals",
    "history_for_slot",
    "meal_signals",
    "rank_dishes",
]

#: The rank stored for a meal that a dish says nothing about (score 0).
NO_SIGNAL = 3


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
    ranked = [_suggestion(dish, meal_type, history.get(dish.id, 0), vocabulary) for dish in dishes]
    matches = [s for s in ranked if s.matched]
    return heapq.nsmallest(limit, matches or ranked, key=_order)


def _suggestion(
    dish: Dish, meal_type: MealType | None, count: int, vocabulary: MealVocabulary
) -> DishSuggestion:
    labelled = meal_type is not None and meal_type in dish.meal_types
    hints = vocabulary.matched_hints(dish.name, meal_type) if meal_type is not None else ()
    score = 4 * count + 2 * labelled + (1 if hints else 0)
    return DishSuggestion(dish, meal_type, count, labelled, hints, score)


@attrs.frozen
class MealSignals:
    """What a dish says about each meal on its own, under one vocabulary.

    ``ranks`` has one entry per :class:`MealType`, in declaration order:
    0 when the dish is labelled with the meal and its name hints at it, 1 when
    only labelled, 2 when only hinted, :data:`NO_SIGNAL` (3) when neither.
    A lower rank is a higher score (``score = 3 - rank`` before history), so a
    store ranks a meal's dishes by an ascending index on ``(rank, name_key, id)``.
    ``vocabulary`` is the :attr:`MealVocabulary.fingerprint` they were computed under.
    """

    vocabulary: str
    ranks: tuple[int, ...]

    def rank(self, meal_type: MealType) -> int:
        """The dish's rank for ``meal_type``: 0 to 2, or :data:`NO_SIGNAL`."""
        return self.ranks[meal_type.position]


def meal_signals(dish: Dish, vocabulary: MealVocabulary) -> MealSignals:
    """The :class:`MealSignals` of a dish under ``vocabulary``.

    >>> from weekplan.domain._meal_types import DEFAULT_VOCABULARY
    >>> dish = Dish("d1", "tenant-a", "Havermout", meal_types=(MealType.BREAKFAST,))
    >>> meal_signals(dish, DEFAULT_VOCABULARY).ranks
    (0, 3, 3, 3)
    """
    ranks = tuple(NO_SIGNAL - (_suggestion(dish, meal, 0, vocabulary).score) for meal in MealType)
    return MealSignals(vocabulary.fingerprint, ranks)
