"""The in-memory store's dish indexes: by name, and per meal by signal rank.

Per tenant it keeps every dish's name key and :class:`MealSignals`, a sorted
list of ``(name_key, id)`` and, per meal type, a sorted list of
``(rank, name_key, id)`` of the dishes with a signal for that meal, so listing
the catalog and ranking a meal's dishes start with a binary search instead of
sorting the catalog. Like the store's tables, changes go to an overlay and reach
the sorted lists on ``commit``; a read inside a transaction that changed the
tenant's dishes sorts the merged rows instead (it is never the hot path).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Collection, Iterator
from typing import TypeVar

import attrs

from weekplan.domain._meal_types import MealType
from weekplan.domain._suggestions import NO_SIGNAL, MealSignals
from weekplan.ports import DishSortKey, MealRankKey

__all__ = ["MemoryDishIndex"]

_K = TypeVar("_K", DishSortKey, MealRankKey)


@attrs.frozen
class _Entry:
    name_key: str
    signals: MealSignals | None


class _Gone:
    """Marks a dish deleted in the overlay."""


_GONE = _Gone()


def _vocabulary(entry: _Entry) -> str:
    return "" if entry.signals is None else entry.signals.vocabulary


class MemoryDishIndex:
    """Sorted per-tenant indexes of the dish table, committed and rolled back with it."""

    def __init__(self) -> None:
        self._entries: dict[str, dict[str, _Entry]] = {}
        self._names: dict[str, list[DishSortKey]] = {}
        self._ranks: dict[tuple[str, MealType], list[MealRankKey]] = {}
        self._vocabularies: dict[str, Counter[str]] = {}
        self._pending: dict[str, dict[str, _Entry | _Gone]] = {}

    # -- writes (to the overlay) -----------------------------------------------------

    def put(self, tenant_id: str, dish_id: str, name_key: str, signals: MealSignals | None) -> None:
        """Index the dish under its name key, with ``signals`` (or none)."""
        self._pending.setdefault(tenant_id, {})[dish_id] = _Entry(name_key, signals)

    def delete(self, tenant_id: str, dish_id: str) -> None:
        """Forget the dish."""
        self._pending.setdefault(tenant_id, {})[dish_id] = _GONE

    def commit(self) -> None:
        """Apply the overlay to the sorted lists."""
        for tenant_id, changes in self._pending.items():
            entries = self._entries.setdefault(tenant_id, {})
            names = self._names.setdefault(tenant_id, [])
            counts = self._vocabularies.setdefault(tenant_id, Counter())
            for dish_id, change in changes.items():
                old = entries.pop(dish_id, None)
                if old is not None:
                    _remove(names, (old.name_key, dish_id))
                    counts[_vocabulary(old)] -= 1
                    for meal, key in _rank_keys(old, dish_id):
                        _remove(self._ranks[(tenant_id, meal)], key)
                if isinstance(change, _Gone):
                    continue
                entries[dish_id] = change
                bisect.insort(names, (change.name_key, dish_id))
                counts[_vocabulary(change)] += 1
                for meal, key in _rank_keys(change, dish_id):
                    bisect.insort(self._ranks.setdefault((tenant_id, meal), []), key)
            if not entries:
                self._forget(tenant_id)
        self._pending.clear()

    def rollback(self) -> None:
        """Drop the overlay."""
        self._pending.clear()

    def _forget(self, tenant_id: str) -> None:
        del self._entries[tenant_id]
        del self._names[tenant_id]
        del self._vocabularies[tenant_id]
        for meal in MealType:
            self._ranks.pop((tenant_id, meal), None)

    # -- reads -----------------------------------------------------------------------

    def _merged(self, tenant_id: str) -> dict[str, _Entry]:
        merged: dict[str, _Entry | _Gone] = {
            **self._entries.get(tenant_id, {}),
            **self._pending.get(tenant_id, {}),
        }
        return {k: v for k, v in merged.items() if isinstance(v, _Entry)}

    def names(self, tenant_id: str, after: DishSortKey | None) -> Iterator[DishSortKey]:
        """``(name_key, id)`` of the tenant's dishes in order, strictly after ``after``."""
        if self._pending.get(tenant_id):
            keys = sorted((e.name_key, i) for i, e in self._merged(tenant_id).items())
        else:
            keys = self._names.get(tenant_id, [])
        start = 0 if after is None else bisect.bisect_right(keys, after)
        return (keys[n] for n in range(start, len(keys)))

    def ranked(
        self, tenant_id: str, meal_type: MealType, after: MealRankKey | None
    ) -> Iterator[MealRankKey]:
        """``(rank, name_key, id)`` of the dishes with a signal for the meal, in order."""
        if self._pending.get(tenant_id):
            merged = self._merged(tenant_id).items()
            keys = sorted(
                key for i, e in merged for meal, key in _rank_keys(e, i) if meal is meal_type
            )
        else:
            keys = self._ranks.get((tenant_id, meal_type), [])
        start = 0 if after is None else bisect.bisect_right(keys, after)
        return (keys[n] for n in range(start, len(keys)))

    def rank_keys(
        self, tenant_id: str, meal_type: MealType | None, dish_ids: Collection[str]
    ) -> dict[str, MealRankKey]:
        """``(rank, name_key, id)`` of each of the tenant's dishes among ``dish_ids``."""
        entries = self._merged(tenant_id) if self._pending.get(tenant_id) else None
        committed = self._entries.get(tenant_id, {})
        found: dict[str, MealRankKey] = {}
        for dish_id in dish_ids:
            entry = (entries if entries is not None else committed).get(dish_id)
            if entry is None:
                continue
            rank = NO_SIGNAL
            if meal_type is not None and entry.signals is not None:
                rank = entry.signals.rank(meal_type)
            found[dish_id] = (rank, entry.name_key, dish_id)
        return found

    def signals(self, tenant_id: str, dish_id: str) -> MealSignals | None:
        """The dish's stored signals."""
        entry = self._merged(tenant_id).get(dish_id) if self._pending.get(tenant_id) else None
        if entry is None:
            entry = self._entries.get(tenant_id, {}).get(dish_id)
        return None if entry is None else entry.signals

    def current(self, tenant_id: str, vocabulary: str) -> bool:
        """Whether every dish of the tenant has signals of ``vocabulary``."""
        if self._pending.get(tenant_id):
            return all(_vocabulary(e) == vocabulary for e in self._merged(tenant_id).values())
        counts = self._vocabularies.get(tenant_id, Counter())
        return counts[vocabulary] == len(self._entries.get(tenant_id, {}))

    def stale(self, tenant_id: str, vocabulary: str, after: str | None, limit: int) -> list[str]:
        """Ids of up to ``limit`` dishes after id ``after`` with signals of another vocabulary."""
        merged = self._merged(tenant_id)
        ids = sorted(
            dish_id
            for dish_id, entry in merged.items()
            if _vocabulary(entry) != vocabulary and (after is None or dish_id > after)
        )
        return ids[:limit]


def _rank_keys(entry: _Entry, dish_id: str) -> Iterator[tuple[MealType, MealRankKey]]:
    if entry.signals is None:
        return
    for meal in MealType:
        rank = entry.signals.rank(meal)
        if rank < NO_SIGNAL:
            yield meal, (rank, entry.name_key, dish_id)


def _remove(keys: list[_K], key: _K) -> None:
    at = bisect.bisect_left(keys, key)
    if at < len(keys) and keys[at] == key:
        del keys[at]
