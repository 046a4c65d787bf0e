"""A real store in process memory: thread-safe and transactional.

It is not a mock: it keeps the same promises as a database store and passes the
same conformance suite (:mod:`weekplan.testing`).
One unit of work runs at a time (a re-entrant lock is held from ``__enter__`` to
``__exit__``), so transactions are serializable; changes are written to an
overlay and reach the shared state only on ``commit``, so a failed call leaves
nothing behind.

>>> from weekplan import Planner
>>> from weekplan.adapters.memory import InMemoryStore
>>> worker = Planner(InMemoryStore()).worker("tenant-a")
>>> worker.create_template("Cut, week 1").version
1
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Hashable, Iterator, Mapping, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Final, Generic, Protocol, Self, TypeVar

from weekplan.adapters._memory_meal_index import MemoryDishIndex
from weekplan.adapters._memory_schedules import MemorySchedules
from weekplan.adapters._memory_workflow import (
    LockKey,
    MemoryChangeLog,
    MemoryDrafts,
    MemorySlotLocks,
    WeekKey,
)
from weekplan.domain._dishes import Dish
from weekplan.domain._drafts import WeekDraft
from weekplan.domain._history import HistoryKey
from weekplan.domain._locks import SlotLock
from weekplan.domain._meal_types import MealType
from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.domain._runs import GenerationRun
from weekplan.domain._schedules import Schedule
from weekplan.domain._suggestions import MealSignals
from weekplan.domain.changes import ChangeSet
from weekplan.domain.text import search_key
from weekplan.errors import InstanceExists
from weekplan.guardrails._model import GuardrailsRuleset
from weekplan.ports import (
    DishSortKey,
    InstanceSortKey,
    MealRankKey,
    RulesetSortKey,
    RunSortKey,
    TemplateSortKey,
)

__all__ = ["InMemoryStore"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
S = TypeVar("S", TemplateSortKey, InstanceSortKey, DishSortKey, RulesetSortKey)


class _Transactional(Protocol):
    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class _Deleted:
    """Marks a row deleted in a transaction's overlay."""


_DELETED: Final = _Deleted()


class _Table(Generic[K, V]):
    """Committed rows per tenant, plus one open transaction's overlay of changes.

    Rows are frozen attrs values, so handing them out shares nothing a caller could change.
    """

    def __init__(self) -> None:
        self.committed: dict[str, dict[K, V]] = {}
        self.pending: dict[str, dict[K, V | _Deleted]] = {}

    def get(self, tenant_id: str, key: K) -> V | None:
        pending = self.pending.get(tenant_id, {})
        if key in pending:
            value = pending[key]
            return None if isinstance(value, _Deleted) else value
        return self.committed.get(tenant_id, {}).get(key)

    def rows(self, tenant_id: str) -> Iterator[V]:
        merged: dict[K, V | _Deleted] = {
            **self.committed.get(tenant_id, {}),
            **self.pending.get(tenant_id, {}),
        }
        return (value for value in merged.values() if not isinstance(value, _Deleted))

    def items(self, tenant_id: str) -> Iterator[tuple[K, V]]:
        merged: dict[K, V | _Deleted] = {
            **self.committed.get(tenant_id, {}),
            **self.pending.get(tenant_id, {}),
        }
        return ((k, v) for k, v in merged.items() if not isinstance(v, _Deleted))

    def put(self, tenant_id: str, key: K, value: V) -> None:
        self.pending.setdefault(tenant_id, {})[key] = value

    def delete(self, tenant_id: str, key: K) -> bool:
        existed = self.get(tenant_id, key) is not None
        if existed:
            self.pending.setdefault(tenant_id, {})[key] = _DELETED
        return existed

    def commit(self) -> None:
        for tenant_id, changes in self.pending.items():
            rows = self.committed.setdefault(tenant_id, {})
            for key, value in changes.items():
                if isinstance(value, _Deleted):
                    rows.pop(key, None)
                else:
                    rows[key] = value
            if not rows:
                del self.committed[tenant_id]
        self.pending.clear()

    def rollback(self) -> None:
        self.pending.clear()


def _page(rows: Iterator[V], sort_key: Callable[[V], S], after: S | None, limit: int) -> list[V]:
    ordered = sorted(rows, key=sort_key)
    if after is not None:
        ordered = [row for row in ordered if sort_key(row) > after]
    return ordered[:limit]


def _template_sort_key(template: WeekPlanTemplate) -> TemplateSortKey:
    return (search_key(template.name), template.id)


def _instance_sort_key(instance: WeekPlanInstance) -> InstanceSortKey:
    return (instance.week_start_date, instance.client_ref)


class _Templates:
    def __init__(self, table: _Table[str, WeekPlanTemplate]) -> None:
        self._table = table

    def get(self, tenant_id: str, template_id: str) -> WeekPlanTemplate | None:
        return self._table.get(tenant_id, template_id)

    def list(
        self, tenant_id: str, *, search: str | None, after: TemplateSortKey | None, limit: int
    ) -> Sequence[WeekPlanTemplate]:
        rows = self._table.rows(tenant_id)
        if search:
            rows = (t for t in rows if search in search_key(t.name))
        return _page(rows, _template_sort_key, after, limit)

    def add(self, tenant_id: str, template: WeekPlanTemplate) -> None:
        _same_tenant(tenant_id, template.tenant_id)
        self._table.put(tenant_id, template.id, template)

    def replace(self, tenant_id: str, template: WeekPlanTemplate, *, expected_version: int) -> bool:
        _same_tenant(tenant_id, template.tenant_id)
        stored = self._table.get(tenant_id, template.id)
        if stored is None or stored.version != expected_version:
            return False
        self._table.put(tenant_id, template.id, template)
        return True

    def remove(self, tenant_id: str, template_id: str) -> bool:
        return self._table.delete(tenant_id, template_id)


class _Instances:
    def __init__(self, table: _Table[tuple[str, date], WeekPlanInstance]) -> None:
        self._table = table

    def get(
        self, tenant_id: str, client_ref: str, week_start_date: date
    ) -> WeekPlanInstance | None:
        return self._table.get(tenant_id, (client_ref, week_start_date))

    def list(
        self,
        tenant_id: str,
        *,
        client_ref: str | None,
        week_start_date: date | None,
        after: InstanceSortKey | None,
        limit: int,
    ) -> Sequence[WeekPlanInstance]:
        rows = (
            i
            for i in self._table.rows(tenant_id)
            if (client_ref is None or i.client_ref == client_ref)
            and (week_start_date is None or i.week_start_date == week_start_date)
        )
        return _page(rows, _instance_sort_key, after, limit)

    def add(self, tenant_id: str, instance: WeekPlanInstance) -> None:
        _same_tenant(tenant_id, instance.tenant_id)
        key = (instance.client_ref, instance.week_start_date)
        if self._table.get(tenant_id, key) is not None:
            raise InstanceExists()
        self._table.put(tenant_id, key, instance)

    def replace(self, tenant_id: str, instance: WeekPlanInstance, *, expected_version: int) -> bool:
        _same_tenant(tenant_id, instance.tenant_id)
        key = (instance.client_ref, instance.week_start_date)
        stored = self._table.get(tenant_id, key)
        if stored is None or stored.id != instance.id or stored.version != expected_version:
            return False
        self._table.put(tenant_id, key, instance)
        return True

    def remove(self, tenant_id: str, client_ref: str, week_start_date: date) -> bool:
        return self._table.delete(tenant_id, (client_ref, week_start_date))


class _Dishes:
    """The catalog, with its name index and per-meal signal index (a :class:`MealSignalIndex`)."""

    def __init__(self, table: _Table[str, Dish], index: MemoryDishIndex) -> None:
        self._table = table
        self._index = index

    def get_many(self, tenant_id: str, dish_ids: Collection[str]) -> Mapping[str, Dish]:
        found = {dish_id: self._table.get(tenant_id, dish_id) for dish_id in dish_ids}
        return {dish_id: dish for dish_id, dish in found.items() if dish is not None}

    def list(
        self, tenant_id: str, *, search: str | None, after: DishSortKey | None, limit: int
    ) -> Sequence[Dish]:
        page: list[Dish] = []
        for name_key, dish_id in self._index.names(tenant_id, after):
            if len(page) >= limit:
                break
            if not search or search in name_key:
                page.append(self._dish(tenant_id, dish_id))
        return page

    def add(self, tenant_id: str, dish: Dish, *, signals: MealSignals | None = None) -> None:
        _same_tenant(tenant_id, dish.tenant_id)
        self._table.put(tenant_id, dish.id, dish)
        self._index.put(tenant_id, dish.id, search_key(dish.name), signals)

    def replace(
        self,
        tenant_id: str,
        dish: Dish,
        *,
        expected_version: int,
        signals: MealSignals | None = None,
    ) -> bool:
        _same_tenant(tenant_id, dish.tenant_id)
        stored = self._table.get(tenant_id, dish.id)
        if stored is None or stored.version != expected_version:
            return False
        self._table.put(tenant_id, dish.id, dish)
        self._index.put(tenant_id, dish.id, search_key(dish.name), signals)
        return True

    def remove(self, tenant_id: str, dish_id: str) -> bool:
        removed = self._table.delete(tenant_id, dish_id)
        if removed:
            self._index.delete(tenant_id, dish_id)
        return removed

    def set_signals(
        self, tenant_id: str, dish_id: str, *, version: int, signals: MealSignals
    ) -> bool:
        stored = self._table.get(tenant_id, dish_id)
        if stored is None or stored.version != version:
            return False
        self._index.put(tenant_id, dish_id, search_key(stored.name), signals)
        return True

    def signals_current(self, tenant_id: str, vocabulary: str) -> bool:
        return self._index.current(tenant_id, vocabulary)

    def stale_signals(
        self, tenant_id: str, vocabulary: str, *, after: str | None, limit: int
    ) -> Sequence[Dish]:
        ids = self._index.stale(tenant_id, vocabulary, after, limit)
        return [self._dish(tenant_id, dish_id) for dish_id in ids]

    def meal_ranks(
        self, tenant_id: str, meal_type: MealType | None, dish_ids: Collection[str]
    ) -> Mapping[str, MealRankKey]:
        return self._index.rank_keys(tenant_id, meal_type, dish_ids)

    def ranked_for_meal(
        self,
        tenant_id: str,
        meal_type: MealType,
        *,
        search: str | None,
        after: MealRankKey | None,
        limit: int,
    ) -> Sequence[tuple[int, Dish]]:
        page: list[tuple[int, Dish]] = []
        for rank, name_key, dish_id in self._index.ranked(tenant_id, meal_type, after):
            if len(page) >= limit:
                break
            if not search or search in name_key:
                page.append((rank, self._dish(tenant_id, dish_id)))
        return page

    def _dish(self, tenant_id: str, dish_id: str) -> Dish:
        dish = self._table.get(tenant_id, dish_id)
        if dish is None:  # pragma: no cover - the index and the table change together
            raise AssertionError(f"dish {dish_id!r} is indexed but not stored")
        return dish


class _MealHistory:
    def __init__(self, table: _Table[HistoryKey, int]) -> None:
        self._table = table

    def apply_delta(self, tenant_id: str, deltas: Mapping[HistoryKey, int]) -> None:
        for key, change in deltas.items():
            total = (self._table.get(tenant_id, key) or 0) + change
            if total > 0:
                self._table.put(tenant_id, key, total)
            else:
                self._table.delete(tenant_id, key)

    def counts(self, tenant_id: str) -> Mapping[HistoryKey, int]:
        return dict(self._table.items(tenant_id))


def _ruleset_sort_key(ruleset: GuardrailsRuleset) -> RulesetSortKey:
    return (ruleset.diet_id, ruleset.version, ruleset.content_hash)


class _Rulesets:
    def __init__(
        self,
        rulesets: _Table[str, GuardrailsRuleset],
        assignments: _Table[str, str],
    ) -> None:
        self._rulesets = rulesets
        self._assignments = assignments

    def get(self, tenant_id: str, content_hash: str) -> GuardrailsRuleset | None:
        return self._rulesets.get(tenant_id, content_hash)

    def list(
        self,
        tenant_id: str,
        *,
        diet_id: str | None,
        after: RulesetSortKey | None,
        limit: int,
    ) -> Sequence[GuardrailsRuleset]:
        rows = self._rulesets.rows(tenant_id)
        if diet_id is not None:
            rows = (r for r in rows if r.diet_id == diet_id)
        return _page(rows, _ruleset_sort_key, after, limit)

    def add(self, tenant_id: str, ruleset: GuardrailsRuleset) -> None:
        if self._rulesets.get(tenant_id, ruleset.content_hash) is None:
            self._rulesets.put(tenant_id, ruleset.content_hash, ruleset)

    def assigned(self, tenant_id: str, client_ref: str) -> str | None:
        return self._assignments.get(tenant_id, client_ref)

    def assign(self, tenant_id: str, client_ref: str, content_hash: str | None) -> None:
        if content_hash is None:
            self._assignments.delete(tenant_id, client_ref)
        else:
            self._assignments.put(tenant_id, client_ref, content_hash)

    def lock_client(self, tenant_id: str, client_ref: str) -> None:
        # Units of work already run one at a time (the store's lock): nothing more to hold.
        return None


class _Runs:
    """Generation runs: added, listed and counted; nothing changes or removes one."""

    def __init__(self, table: _Table[str, GenerationRun]) -> None:
        self._table = table

    def add(self, tenant_id: str, run: GenerationRun) -> None:
        _same_tenant(tenant_id, run.tenant_id)
        if self._table.get(tenant_id, run.id) is not None:
            raise ValueError("a run is recorded once")
        self._table.put(tenant_id, run.id, run)

    def list(
        self,
        tenant_id: str,
        *,
        client_ref: str | None,
        before: RunSortKey | None,
        limit: int,
    ) -> Sequence[GenerationRun]:
        rows = (
            run
            for run in self._table.rows(tenant_id)
            if (client_ref is None or run.client_ref == client_ref)
            and (before is None or run.sort_key < before)
        )
        return sorted(rows, key=lambda run: run.sort_key, reverse=True)[:limit]

    def counted_starts(
        self, tenant_id: str, *, client_ref: str | None, after: datetime
    ) -> Sequence[datetime]:
        return [
            run.started_at
            for run in self._table.rows(tenant_id)
            if run.status.counts_towards_quota
            and run.started_at > after
            and (client_ref is None or run.client_ref == client_ref)
        ]

    def hold_quota(self, tenant_id: str) -> None:
        # One unit of work runs at a time: the store's lock already holds every quota.
        return


def _same_tenant(tenant_id: str, row_tenant_id: str) -> None:
    if tenant_id != row_tenant_id:
        # A caller bug, not bad input: the use cases always pass the row's own tenant.
        raise ValueError("a row can only be written under its own tenant_id")


class _MemoryUnitOfWork:
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store
        self.templates = _Templates(store._templates)
        self.instances = _Instances(store._instances)
        self.dishes = _Dishes(store._dishes, store._dish_index)
        self.meal_history = _MealHistory(store._meal_history)
        self.rulesets = _Rulesets(store._rulesets, store._ruleset_assignments)
        # The optional workflow capability (weekplan.workflow_ports).
        self.changes = MemoryChangeLog(store._changes)
        self.locks = MemorySlotLocks(store._locks)
        self.drafts = MemoryDrafts(store._drafts)
        self.runs = _Runs(store._runs)
        # The optional schedules capability (weekplan.schedule_ports).
        self.schedules = MemorySchedules(store._schedules)

    def __enter__(self) -> Self:
        self._store._lock.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.rollback()
        finally:
            self._store._lock.release()

    def commit(self) -> None:
        for table in self._store._tables:
            table.commit()

    def rollback(self) -> None:
        for table in self._store._tables:
            table.rollback()


class InMemoryStore:
    """Keeps every tenant's data in memory, for tests, notebooks and demos.

    Safe to share between threads. Nothing survives the process.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._templates: _Table[str, WeekPlanTemplate] = _Table()
        self._instances: _Table[tuple[str, date], WeekPlanInstance] = _Table()
        self._dishes: _Table[str, Dish] = _Table()
        self._dish_index = MemoryDishIndex()
        self._meal_history: _Table[HistoryKey, int] = _Table()
        self._rulesets: _Table[str, GuardrailsRuleset] = _Table()
        self._ruleset_assignments: _Table[str, str] = _Table()
        self._changes: _Table[str, ChangeSet] = _Table()
        self._locks: _Table[LockKey, SlotLock] = _Table()
        self._drafts: _Table[WeekKey, WeekDraft] = _Table()
        self._runs: _Table[str, GenerationRun] = _Table()
        self._schedules: _Table[str, Schedule] = _Table()
        self._tables: tuple[_Transactional, ...] = (
            self._templates,
            self._instances,
            self._dishes,
            self._dish_index,
            self._meal_history,
            self._rulesets,
            self._ruleset_assignments,
            self._changes,
            self._locks,
            self._drafts,
            self._runs,
            self._schedules,
        )

    def unit_of_work(self) -> _MemoryUnitOfWork:
        """A new unit of work; enter it with ``with``."""
        return _MemoryUnitOfWork(self)
