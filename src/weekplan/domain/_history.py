"""How often each dish is planned in each kind of slot, kept as running totals.

Suggestions rank dishes by how often the tenant plans them for a meal.
Counting past entries on every request would grow with the tenant's history, so
every write of a template or instance instead adjusts a few totals by the
difference between the entries before and after it (:func:`history_delta`).

The totals are keyed by ``(slot_kind, dish_id)`` rather than by meal type: the
meal type of a slot kind depends on the planner's vocabulary, which a host may
change at any time, while the slot kind does not.
A total therefore always describes what is planned *now*; removing or
overwriting an entry (or deleting its template or instance) takes it back out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from weekplan.domain._entries import PlanEntry
from weekplan.domain._meal_types import slot_kind

__all__ = ["HistoryKey", "history_delta", "introduced_dish_ids"]

#: ``(slot_kind, dish_id)``: one running total of the planning history.
HistoryKey = tuple[str, str]


def _tally(entries: Iterable[PlanEntry]) -> Counter[HistoryKey]:
    return Counter(
        (slot_kind(entry.slot_key), entry.dish_template_id)
        for entry in entries
        if entry.dish_template_id is not None
    )


def history_delta(
    before: Iterable[PlanEntry], after: Iterable[PlanEntry]
) -> Mapping[HistoryKey, int]:
    """What to add to each total when a plan's entries change from ``before`` to ``after``.

    Only non-zero changes are returned, so an edit of notes costs nothing.

    >>> old = [PlanEntry("mon", "lunch", "soup"), PlanEntry("tue", "lunch", "soup")]
    >>> new = [PlanEntry("mon", "lunch", "soup"), PlanEntry("tue", "Lunch 2", "wrap")]
    >>> sorted(history_delta(old, new).items())
    [(('lunch', 'soup'), -1), (('lunch', 'wrap'), 1)]
    """
    delta = _tally(after)
    delta.subtract(_tally(before))
    return {key: change for key, change in delta.items() if change}


def introduced_dish_ids(before: Iterable[PlanEntry], after: Iterable[PlanEntry]) -> frozenset[str]:
    """Dish ids that ``after`` names and ``before`` did not: the ones a write must check.

    Ids a plan already held are not checked again, so a plan that names a dish
    deleted since stays editable.
    """
    held = {entry.dish_template_id for entry in before}
    return frozenset(
        entry.dish_template_id
        for entry in after
        if entry.dish_template_id is not None and entry.dish_template_id not in held
    )
