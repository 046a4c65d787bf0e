"""Use cases on the tenant's dish catalog, and dish suggestions for a slot.

It is the base of the worker's use cases, because every write of a template or
instance passes through :meth:`DishUseCases._plan_changed`: it refuses dish ids
that are not in the tenant's catalog and keeps the planning history in step.

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
from weekplan.domain.entries import PlanEntry
from weekplan.domain.history import history_delta, introduced_dish_ids
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
    ReadOnlyAccess,
    VersionConflict,
)
from weekplan.planner.access import writes
from weekplan.planner.enforcement import blocked_dish_ids, client_ruleset
from weekplan.planner.session import Session
from weekplan.ports import DishCatalog, UnitOfWork

__all__ = ["SUGGESTION_LIMIT_MAX", "DishUseCases", "check_dish_id"]

_CURSOR_KIND = "dishes"
SUGGESTION_LIMIT_MAX = 100
# Suggestions read the whole catalog (never the history) in pages of this size.
_SCAN_PAGE = 1000


def check_dish_id(value: Any, field: str = "dish_id") -> str:
    """A dish id as given by a caller."""
    return check_key(value, field, max_length=ID_MAX)


class DishUseCases(Session):
    """The tenant's dishes: the catalog, suggestions, and the checks every plan write makes."""

    @writes
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
        """Create the dish with this id, or replace what it says.

        A new dish starts at version 1; a change bumps the version and one that
        changes nothing keeps it. With ``expected_version``, a dish changed since
        raises :class:`~weekplan.VersionConflict`.

        >>> from weekplan import Planner
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> worker = Planner(InMemoryStore()).worker("tenant-a")
        >>> worker.upsert_dish("oats", name="Havermout", meal_types=["breakfast"]).version
        1
        >>> worker.upsert_dish("oats", name="Havermout met appel").version
        2
        """
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
        self._check_catalog_writable()
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
        """The dish, or :class:`~weekplan.DishNotFound` (also for another tenant's id)."""
        dish_id = check_dish_id(dish_id)
        with self._reading(single_statement=True) as uow:
            dish = self._catalog(uow).get_many(self.tenant_id, (dish_id,)).get(dish_id)
        if dish is None:
            raise DishNotFound()
        return dish

    def list_dishes(
        self, *, search: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Dish]:
        """Dishes whose name contains ``search`` (case and accents ignored), by name.

        Pass a page's ``next_cursor`` as ``cursor`` to continue.
        """
        needle, limit = collect_errors(lambda: check_search(search), lambda: check_limit(limit))
        position = decode_cursor(_CURSOR_KIND, cursor, arity=2)
        after = (position[0], position[1]) if position else None
        with self._reading(single_statement=True) as uow:
            rows = list(
                self._catalog(uow).list(self.tenant_id, search=needle, after=after, limit=limit + 1)
            )
        items = tuple(rows[:limit])
        next_cursor = None
        if len(rows) > limit:
            last = items[-1]
            next_cursor = encode_cursor(_CURSOR_KIND, (search_key(last.name), last.id))
        return Page(items, next_cursor)

    @writes
    def delete_dish(self, dish_id: str) -> None:
        """Delete the dish from the catalog.

        Plans that name it keep the id and show the dish as missing; see the
        module documentation for why this is not refused.
        """
        dish_id = check_dish_id(dish_id)
        self._check_catalog_writable()
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
        """Dishes for a slot, the likeliest first, each saying why it ranked there.

        The slot's meal type comes from the planner's vocabulary. Dishes planned
        most often for that meal come first, then dishes labelled with it, then
        dishes whose name hints at it; ties go by name, then id (the full rule is
        in :mod:`weekplan.domain.suggestions`). If no dish matches the meal, every
        dish is suggested by name. ``query`` keeps only dishes whose name contains
        it, case and accents ignored. ``limit`` is 1 to 100.

        With ``client_ref``, dishes that a hard rule or ``drop`` of that client's
        guardrails ruleset blocks are left out, each dish judged on its own
        (``force``/``limit`` quotas depend on the whole week and leave nothing
        out). A client without a ruleset gets every dish.

        It reads the catalog and the running totals of the planning history, never
        past plans, so its cost does not grow with the history.

        >>> from weekplan import Planner
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> worker = Planner(InMemoryStore()).worker("tenant-a")
        >>> for dish_id, name in [("d1", "Pasta pesto"), ("d2", "Havermout"), ("d3", "Omelette")]:
        ...     _ = worker.upsert_dish(dish_id, name=name)
        >>> [s.dish.name for s in worker.suggest_dishes("Ontbijt")]
        ['Havermout', 'Omelette']
        """
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

    # -- shared steps -------------------------------------------------------------

    def _catalog(self, uow: UnitOfWork) -> DishCatalog:
        return self._options.dish_catalog or uow.dishes

    def _check_catalog_writable(self) -> None:
        # A host's own catalog is only read: its dishes are edited in the host.
        if self._options.dish_catalog is not None:
            raise ReadOnlyAccess("dishes are kept in the host's catalog")

    def _scan_catalog(self, uow: UnitOfWork, needle: str | None) -> Iterable[Dish]:
        catalog = self._catalog(uow)
        after = None
        while True:
            page = catalog.list(self.tenant_id, search=needle, after=after, limit=_SCAN_PAGE)
            yield from page
            if len(page) < _SCAN_PAGE:
                return
            after = (search_key(page[-1].name), page[-1].id)

    def _require_dishes(self, uow: UnitOfWork, dish_ids: Iterable[str]) -> None:
        """:class:`~weekplan.DishNotFound` unless every id names a dish of this tenant."""
        wanted = frozenset(dish_ids)
        if not wanted:
            return
        found = self._catalog(uow).get_many(self.tenant_id, wanted)
        missing = sorted(wanted - found.keys())
        if missing:
            raise DishNotFound(f"no dish {missing[0]!r} in this tenant")

    def _plan_changed(
        self,
        uow: UnitOfWork,
        before: Iterable[PlanEntry],
        after: Iterable[PlanEntry],
        *,
        check_dishes: bool = True,
    ) -> None:
        """Every write of a plan's entries calls this, in its unit of work.

        It checks the dish ids the write introduces (one batched lookup) and
        applies the write's difference to the planning history.
        """
        before, after = tuple(before), tuple(after)
        if check_dishes:
            self._require_dishes(uow, introduced_dish_ids(before, after))
        delta = history_delta(before, after)
        if delta:
            uow.meal_history.apply_delta(self.tenant_id, delta)
