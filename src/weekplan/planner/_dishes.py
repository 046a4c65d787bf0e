"""Use cases on the tenant's dish catalog, and dish suggestions for a slot.

Every write of a template or instance passes through
:func:`weekplan.planner._history.plan_changed`: it refuses dish ids that are not
in the tenant's catalog and keeps the planning history in step.

Deleting a dish that plans still name is allowed: those plans keep the id, the
client's view shows the slot's dish as missing, and the plans stay editable
(only dish ids that a write *introduces* are checked).
Refusing instead would make a catalog clean-up wait on every past week, and a
host that plugs in its own catalog can delete dishes without asking anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from weekplan.domain._dishes import Dish, parse_meal_types, parse_texts
from weekplan.domain._inputs import (
    check_client_ref,
    check_expected_version,
    check_search,
    collect_errors,
)
from weekplan.domain._limits import (
    ID_MAX,
    INGREDIENT_MAX,
    MAX_INGREDIENTS,
    MAX_STEPS,
    MAX_TAGS,
    NAME_KEY_MAX,
    NAME_MAX,
    SLOT_KEY_MAX,
    STEP_MAX,
    TAG_MAX,
)
from weekplan.domain._meal_types import MealType, MealVocabulary, slot_kind
from weekplan.domain._paging import Page, check_limit, decode_cursor, encode_cursor
from weekplan.domain._suggestions import (
    DishSuggestion,
    history_for_slot,
    meal_signals,
    rank_dishes,
)
from weekplan.domain.text import check_key, check_text, search_key
from weekplan.errors import (
    ConcurrentUpdate,
    DishNotFound,
    VersionConflict,
)
from weekplan.guardrails._cache import RulesetCache
from weekplan.guardrails._model import GuardrailsRuleset
from weekplan.planner._catalog import catalog_of, check_catalog_writable
from weekplan.planner._enforcement import blocked_dish_ids, client_ruleset
from weekplan.planner._session import UseCases
from weekplan.ports import (
    DishRepository,
    MealRankKey,
    MealSignalIndex,
    UnitOfWork,
    meal_signal_index_of,
)

__all__ = ["RECOMPUTE_BATCH_MAX", "SUGGESTION_LIMIT_MAX", "DishUseCases", "check_dish_id"]

_CURSOR_KIND = "dishes"
SUGGESTION_LIMIT_MAX = 100
# Suggestions read the whole catalog (never the history) in pages of this size.
_SCAN_PAGE = 1000
RECOMPUTE_BATCH_MAX = 10_000


def check_dish_id(value: Any, field: str = "dish_id") -> str:
    """A dish id as given by a caller."""
    return check_key(value, field, max_length=ID_MAX)


class DishUseCases(UseCases):
    """The tenant's dishes: the catalog, suggestions, and the checks every plan write makes."""

    def upsert_dish(
        self,
        dish_id: str,
        *,
        name: str,
        meal_types: Iterable[MealType | str] = (),
        tags: Iterable[str] = (),
        ingredients: Iterable[str] = (),
        steps: Iterable[str] = (),
        expected_version: int | None = None,
    ) -> Dish:
        """See :meth:`weekplan.WorkerPlanner.upsert_dish`."""
        values = collect_errors(
            lambda: check_dish_id(dish_id),
            lambda: check_text(name, "name", max_length=NAME_MAX, max_key_length=NAME_KEY_MAX),
            lambda: parse_meal_types(meal_types),
            lambda: parse_texts(tags, "tags", max_items=MAX_TAGS, max_length=TAG_MAX, unique=True),
            lambda: parse_texts(
                ingredients,
                "ingredients",
                max_items=MAX_INGREDIENTS,
                max_length=INGREDIENT_MAX,
                unique=False,
            ),
            lambda: parse_texts(
                steps, "steps", max_items=MAX_STEPS, max_length=STEP_MAX, unique=False
            ),
            lambda: check_expected_version(expected_version),
        )
        dish_id, expected = values[0], values[-1]
        check_catalog_writable(self._options)
        now = self._options.clock()
        candidate = Dish(dish_id, self.tenant_id, *values[1:-1], created_at=now, updated_at=now)
        with self._transaction() as uow:
            repository = uow.dishes
            current = repository.get_many(self.tenant_id, (dish_id,)).get(dish_id)
            if current is None:
                if expected is not None:
                    raise DishNotFound()
                self._store_dish(repository, candidate, expected_version=None)
                uow.commit()
                return candidate
            if expected is not None and current.version != expected:
                raise VersionConflict()
            if candidate.same_content(current):
                return current
            updated = attrs.evolve(
                candidate, version=current.version + 1, created_at=current.created_at
            )
            if not self._store_dish(repository, updated, expected_version=current.version):
                # Changed since it was read, by a call that got in first: run this one again.
                raise ConcurrentUpdate()
            uow.commit()
        return updated

    def _store_dish(
        self, repository: DishRepository, dish: Dish, *, expected_version: int | None
    ) -> bool:
        """Add or replace the dish, with its meal signals where the store indexes them."""
        index = meal_signal_index_of(repository)
        if index is not None:
            signals = meal_signals(dish, self._options.meal_vocabulary)
            if expected_version is None:
                index.add(self.tenant_id, dish, signals=signals)
                return True
            return index.replace(
                self.tenant_id, dish, expected_version=expected_version, signals=signals
            )
        if expected_version is None:
            repository.add(self.tenant_id, dish)
            return True
        return repository.replace(self.tenant_id, dish, expected_version=expected_version)

    def get_dish(self, dish_id: str) -> Dish:
        """See :meth:`weekplan.WorkerPlanner.get_dish`."""
        dish_id = check_dish_id(dish_id)
        with self._reading(single_statement=True) as uow:
            dish = catalog_of(self._options, uow).get_many(self.tenant_id, (dish_id,)).get(dish_id)
        if dish is None:
            raise DishNotFound()
        return dish

    def list_dishes(
        self, *, search: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Dish]:
        """See :meth:`weekplan.WorkerPlanner.list_dishes`."""
        needle, limit = collect_errors(lambda: check_search(search), lambda: check_limit(limit))
        position = decode_cursor(_CURSOR_KIND, cursor, arity=2)
        after = (position[0], position[1]) if position else None
        with self._reading(single_statement=True) as uow:
            rows = list(
                catalog_of(self._options, uow).list(
                    self.tenant_id, search=needle, after=after, limit=limit + 1
                )
            )
        items = tuple(rows[:limit])
        next_cursor = None
        if len(rows) > limit:
            last = items[-1]
            next_cursor = encode_cursor(_CURSOR_KIND, (search_key(last.name), last.id))
        return Page(items, next_cursor)

    def delete_dish(self, dish_id: str) -> None:
        """See :meth:`weekplan.WorkerPlanner.delete_dish`."""
        dish_id = check_dish_id(dish_id)
        check_catalog_writable(self._options)
        with self._transaction() as uow:
            if not uow.dishes.remove(self.tenant_id, dish_id):
                raise DishNotFound()
            uow.commit()

    def suggest_dishes(
        self,
        slot_key: str,
        *,
        query: str | None = None,
        limit: int = 10,
        client_ref: str | None = None,
    ) -> list[DishSuggestion]:
        """See :meth:`weekplan.WorkerPlanner.suggest_dishes`."""
        key, needle, limit, client = collect_errors(
            lambda: check_text(slot_key, "slot_key", max_length=SLOT_KEY_MAX),
            lambda: check_search(query, "query"),
            lambda: check_limit(limit, maximum=SUGGESTION_LIMIT_MAX),
            lambda: None if client_ref is None else check_client_ref(client_ref),
        )
        vocabulary = self._options.meal_vocabulary
        kind = slot_kind(key)
        meal_type = vocabulary.meal_type_of_kind(kind)
        with self._transaction() as uow:
            counts = uow.meal_history.counts(self.tenant_id)
            history = history_for_slot(counts, kind, meal_type, vocabulary)
            ruleset = None if client is None else client_ruleset(uow, self.tenant_id, client)
            index = self._meal_index(uow)
            if index is not None and index.signals_current(self.tenant_id, vocabulary.fingerprint):
                return _indexed_suggestions(
                    index,
                    self.tenant_id,
                    _Query(
                        key,
                        meal_type,
                        history,
                        needle,
                        ruleset,
                        vocabulary,
                        limit,
                        self._options.rulesets,
                    ),
                )
            dishes = list(self._scan_catalog(uow, needle))
        if ruleset is not None:
            blocked = blocked_dish_ids(ruleset, dishes, key, rulesets=self._options.rulesets)
            dishes = [dish for dish in dishes if dish.id not in blocked]
        return rank_dishes(
            dishes, meal_type=meal_type, history=history, vocabulary=vocabulary, limit=limit
        )

    def recompute_meal_signals(self, *, batch_size: int = 500) -> int:
        """See :meth:`weekplan.WorkerPlanner.recompute_meal_signals`."""
        size = check_limit(batch_size, maximum=RECOMPUTE_BATCH_MAX)
        vocabulary = self._options.meal_vocabulary
        rewritten, after = 0, None
        while True:
            with self._transaction() as uow:
                index = self._meal_index(uow)
                if index is None:
                    return rewritten
                stale = index.stale_signals(
                    self.tenant_id, vocabulary.fingerprint, after=after, limit=size
                )
                for dish in stale:
                    signals = meal_signals(dish, vocabulary)
                    if index.set_signals(
                        self.tenant_id, dish.id, version=dish.version, signals=signals
                    ):
                        rewritten += 1
                uow.commit()
            if len(stale) < size:
                return rewritten
            after = stale[-1].id

    # -- shared steps -------------------------------------------------------------

    def _meal_index(self, uow: UnitOfWork) -> MealSignalIndex | None:
        # A host's own catalog has no signals of weekplan's: it is always scanned.
        if self._options.dish_catalog is not None:
            return None
        return meal_signal_index_of(uow.dishes)

    def _scan_catalog(self, uow: UnitOfWork, needle: str | None) -> Iterable[Dish]:
        catalog = catalog_of(self._options, uow)
        after = None
        while True:
            page = catalog.list(self.tenant_id, search=needle, after=after, limit=_SCAN_PAGE)
            yield from page
            if len(page) < _SCAN_PAGE:
                return
            after = (search_key(page[-1].name), page[-1].id)


@attrs.frozen
class _Query:
    slot_key: str
    meal_type: MealType | None
    history: Mapping[str, int]
    needle: str | None
    ruleset: GuardrailsRuleset | None
    vocabulary: MealVocabulary
    limit: int
    rulesets: RulesetCache

    def keep(self, dishes: Iterable[Dish]) -> list[Dish]:
        """The dishes that the query and the client's ruleset let through."""
        kept = [d for d in dishes if not self.needle or self.needle in search_key(d.name)]
        if self.ruleset is None or not kept:
            return kept
        blocked = blocked_dish_ids(self.ruleset, kept, self.slot_key, rulesets=self.rulesets)
        return [dish for dish in kept if dish.id not in blocked]

    def rank(self, dishes: Iterable[Dish], limit: int) -> list[DishSuggestion]:
        return rank_dishes(
            dishes,
            meal_type=self.meal_type,
            history=self.history,
            vocabulary=self.vocabulary,
            limit=limit,
        )


def _indexed_suggestions(
    index: MealSignalIndex, tenant_id: str, query: _Query
) -> list[DishSuggestion]:
    """What :func:`rank_dishes` returns for the whole catalog, read through the meal's index.

    A dish with history scores at least 4 and one without at most 3, so the
    dishes with history come first (see :func:`_planned_suggestions`), then
    the meal's index in its order (rank, name, id), which is the order of the
    score for dishes without history. Only when neither
    gives a dish does the catalog's own order (name, id) serve the fallback.
    """
    limit = query.limit
    found = _planned_suggestions(index, tenant_id, query)
    page_size = min(max(2 * limit, limit + len(query.history)), _SCAN_PAGE)
    after: MealRankKey | None = None
    while query.meal_type is not None and len(found) < limit:
        page = index.ranked_for_meal(
            tenant_id, query.meal_type, search=query.needle, after=after, limit=page_size
        )
        fresh = query.keep(dish for _, dish in page if dish.id not in query.history)
        # The page is in the order of the score: only the dishes returned are
        # scored again, for their hints (matching hints is the costly part).
        need = limit - len(found)
        found.extend(query.rank(fresh[:need], need))
        if len(page) < page_size:
            break
        rank, last = page[-1]
        after = (rank, search_key(last.name), last.id)
    if found:
        return found
    # No dish fits the meal: every dish, by name then id, as the scan does.
    position: tuple[str, str] | None = None
    while len(found) < limit:
        names = index.list(tenant_id, search=query.needle, after=position, limit=page_size)
        need = limit - len(found)
        found.extend(query.rank(query.keep(names)[:need], need))
        if len(names) < page_size:
            break
        position = (search_key(names[-1].name), names[-1].id)
    return found


def _planned_suggestions(
    index: MealSignalIndex, tenant_id: str, query: _Query
) -> list[DishSuggestion]:
    """The best of the dishes with history, reading the details of only the few it returns.

    The stored ranks give every such dish its score (``4 * count + 3 - rank``)
    and its name key without reading the dish; the dishes are then read in that
    order, a few at a time, until the query and the ruleset have let ``limit`` through.
    """
    if not query.history:
        return []
    keys = list(index.meal_ranks(tenant_id, query.meal_type, tuple(query.history)).values())
    if query.needle:
        keys = [key for key in keys if query.needle in key[1]]
    ordered = sorted(keys, key=lambda k: (k[0] - 4 * query.history[k[2]], k[1], k[2]))
    found: list[DishSuggestion] = []
    start, chunk = 0, query.limit
    while len(found) < query.limit and start < len(ordered):
        ids = [key[2] for key in ordered[start : start + chunk]]
        dishes = index.get_many(tenant_id, ids)
        kept = query.keep(dishes[dish_id] for dish_id in ids if dish_id in dishes)
        found.extend(query.rank(kept, query.limit - len(found)))
        start += chunk
        chunk = min(2 * chunk, _SCAN_PAGE)
    return found
