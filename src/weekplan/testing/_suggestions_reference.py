"""The catalog scan that ``suggest_dishes`` did before stores indexed meal signals.

It ranks every dish of a catalog with :func:`~weekplan.domain._suggestions.rank_dishes`,
exactly as the scan path of ``suggest_dishes`` still does for a host's own
catalog and for a tenant whose stored signals are not of the planner's
vocabulary. Tests hold the indexed path to it: for the same catalog, history and
query, both return the same suggestions.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from weekplan.domain._dishes import Dish
from weekplan.domain._history import HistoryKey
from weekplan.domain._meal_types import MealVocabulary, slot_kind
from weekplan.domain._suggestions import DishSuggestion, history_for_slot, rank_dishes
from weekplan.domain.text import search_key

__all__ = ["scan_suggestions"]


def scan_suggestions(
    catalog: Iterable[Dish],
    counts: Mapping[HistoryKey, int],
    slot_key: str,
    *,
    vocabulary: MealVocabulary,
    query: str | None = None,
    limit: int = 10,
    blocked: Collection[str] = (),
) -> list[DishSuggestion]:
    """The suggestions for ``slot_key`` among ``catalog``, ranked by reading every dish.

    ``counts`` are the history's running totals by ``(slot_kind, dish_id)``;
    ``blocked`` the ids a client's ruleset leaves out.
    """
    kind = slot_kind(slot_key)
    meal_type = vocabulary.meal_type_of_kind(kind)
    needle = (search_key(query.strip()) if query else None) or None
    dishes = [
        dish
        for dish in catalog
        if (not needle or needle in search_key(dish.name)) and dish.id not in blocked
    ]
    history = history_for_slot(counts, kind, meal_type, vocabulary)
    return rank_dishes(
        dishes, meal_type=meal_type, history=history, vocabulary=vocabulary, limit=limit
    )
