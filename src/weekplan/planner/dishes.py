"""Use cases on the tenant's dish catalog, and dish suggestions for a slot.

Every write of a template or instance passes through
:func:`weekplan.planner.history.plan_changed`: it refuses dish ids that are not
in the tenant's catalog and keeps the planning history in step.

Deleting a dish that plans still name is allowed: those plans keep the id, the
client's view shows the slot's dish as missing, and the plans stay editable
(only dish ids that a write *introduces* are checked).
Refusing instead would make a catalog clean-up wait on every past week, and a
host that plugs in its own catalog can delete dishes without asking anyway.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from weekplan.domain._inputs import (
    check_client_ref,
    check_expected_version,
    check_search,
    collect_errors,
)
from weekplan.domain.dishes import Dish, parse_meal_types, parse_texts
from weekplan.domain.limits import (
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
from weekplan.domain.meal_types import MealType, slot_kind
from weekplan.domain.paging import Page, check_limit, decode_cursor, encode_cursor
from weekplan.domain.suggestions import DishSuggestion, history_for_slot, rank_dishes
from weekplan.domain.text import check_key, check_text, search_key
from weekplan.errors import (
    ConcurrentUpdate,
    DishNotFound,
    VersionConflict,
)
from weekplan.planner.catalog import catalog_of, check_catalog_writable
from weekplan.planner.enforcement import blocked_dish_ids, client_ruleset
from weekplan.planner.session import UseCases
from weekplan.ports import UnitOfWork

__all__ = ["SUGGESTION_LIMIT_MAX", "DishUseCases", "check_dish_id"]

_CURSOR_KIND = "dishes"
SUGGESTION_LIMIT_MAX = 100
# Suggestions read the whole catalog (never the history) in pages of this size.
_SCAN_PAGE = 1000


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
                repository.add(self.tenant_id, candidate)
                uow.commit()
                return candidate
            if expected is not None and current.version != expected:
                raise VersionConflict()
            if candidate.same_content(current):
                return current
            updated = attrs.evolve(
                candidate, version=current.version + 1, created_at=current.created_at
            )
            if not repository.replace(self.tenant_id, updated, expected_version=current.version):
                # Changed since it was read, by a call that got in first: run this one again.
                raise ConcurrentUpdate()
            uow.commit()
        return updated

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
            dishes = list(self._scan_catalog(uow, needle))
            ruleset = None if client is None else client_ruleset(uow, self.tenant_id, client)
        if ruleset is not None:
            blocked = blocked_dish_ids(ruleset, dishes, key, rulesets=self._options.rulesets)
            dishes = [dish for dish in dishes if dish.id not in blocked]
        history = history_for_slot(counts, kind, meal_type, vocabulary)
        return rank_dishes(
            dishes, meal_type=meal_type, history=history, vocabulary=vocabulary, limit=limit
        )

    def _scan_catalog(self, uow: UnitOfWork, needle: str | None) -> Iterable[Dish]:
        catalog = catalog_of(self._options, uow)
        after = None
        while True:
            page = catalog.list(self.tenant_id, search=needle, after=after, limit=_SCAN_PAGE)
            yield from page
            if len(page) < _SCAN_PAGE:
                return
            after = (search_key(page[-1].name), page[-1].id)
