"""Conformance at the port level for the dish and ruleset capabilities.

As for the core (:mod:`weekplan.testing._core_ports`), the repositories are
called directly, so a failure names the method at fault.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from weekplan.adapters.memory import InMemoryStore
from weekplan.domain._dishes import Dish
from weekplan.domain.text import search_key
from weekplan.guardrails._loading import ruleset_from_dict
from weekplan.guardrails._model import GuardrailsRuleset
from weekplan.ports import (
    BulkInstances,
    BulkRulesetAssignments,
    SnapshotReads,
    Store,
    UnitOfWork,
)
from weekplan.testing._base import MONDAY, ConformanceBase, shared_store
from weekplan.testing._core_ports import instance_row, template_row

__all__ = [
    "BulkInstancePortConformance",
    "DishPortConformance",
    "RulesetPortConformance",
    "SnapshotReadConformance",
]

T = TypeVar("T")

_AT = datetime(2026, 11, 21, 8, 30, 0, 123457, tzinfo=UTC)

# Keys a store must keep as they are: quotes, backslashes, JSON's and SQL's own
# characters, accents, other scripts and emoji, besides arbitrary text (trimmed,
# without control characters or lone surrogates, as every key the planner makes).
_KEY_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=12
).filter(lambda key: key == key.strip())
_HOSTILE_KEYS = ("lunch", "it's", 'say "hi"', "back\\slash", "\\u0041", "{}[],:", "Ünïcødé 😀")
_HISTORY_KEYS = st.tuples(
    st.sampled_from(_HOSTILE_KEYS) | _KEY_TEXT, st.sampled_from(_HOSTILE_KEYS) | _KEY_TEXT
)
#: Sequences of deltas over a few keys, so that totals grow, shrink, reach zero and go below.
_HISTORY_DELTAS = st.lists(st.lists(_HISTORY_KEYS, min_size=1, max_size=8, unique=True)).flatmap(
    lambda pools: st.lists(
        st.dictionaries(
            st.sampled_from([key for pool in pools for key in pool] or [("lunch", "d")]),
            st.integers(-4, 4),
            max_size=10,
        ),
        min_size=1,
        max_size=6,
    )
)


def _dish(tenant_id: str, name: str = "Soup", dish_id: str | None = None) -> Dish:
    return Dish(
        dish_id or uuid.uuid4().hex,
        tenant_id,
        name,
        ingredients=("carrots", "onion"),
        created_at=_AT,
        updated_at=_AT,
    )


def _ruleset(diet_id: str, term: str) -> GuardrailsRuleset:
    return ruleset_from_dict(
        {
            "diet_id": diet_id,
            "rules": [
                {
                    "id": f"no-{term}",
                    "action": "block",
                    "strictness": "hard",
                    "priority": 1,
                    "target": "ingredient",
                    "match": {"term": term},
                }
            ],
        }
    )


class _PortBase(ConformanceBase):
    def _commit(self, store: Any, action: Callable[[UnitOfWork], T]) -> T:
        full: Store = store
        with full.unit_of_work() as uow:
            result = action(uow)
            uow.commit()
        return result

    def _peek(self, store: Any, action: Callable[[UnitOfWork], T]) -> T:
        full: Store = store
        with full.unit_of_work() as uow:
            return action(uow)


class DishPortConformance(_PortBase):
    """``uow.dishes`` and ``uow.meal_history``, method by method."""

    def _add_dishes(self, store: Any, dishes: list[Dish]) -> None:
        full: Store = store
        with full.unit_of_work() as uow:
            for dish in dishes:
                uow.dishes.add(dish.tenant_id, dish)
            uow.commit()

    def test_port_dishes_get_many_returns_what_add_stored_and_only_of_the_tenant(
        self, store: Any, tenant: str, other_tenant: str
    ) -> None:
        soup, stew = _dish(tenant, "Soup"), _dish(tenant, "Stew")
        self._add_dishes(store, [soup, stew])
        found = self._peek(store, lambda uow: uow.dishes.get_many(tenant, [soup.id, "missing"]))
        assert dict(found) == {soup.id: soup}
        assert self._peek(store, lambda uow: uow.dishes.get_many(other_tenant, [soup.id])) == {}

    def test_port_dishes_replace_is_a_compare_and_set_on_version(
        self, store: Any, tenant: str
    ) -> None:
        soup = _dish(tenant, "Soup")
        self._commit(store, lambda uow: uow.dishes.add(tenant, soup))
        newer = attrs.evolve(soup, name="Lentil soup", version=2, updated_at=_AT + timedelta(1))
        assert self._commit(
            store, lambda uow: uow.dishes.replace(tenant, newer, expected_version=1)
        )
        stale = attrs.evolve(soup, name="Stale", version=2)
        assert not self._commit(
            store, lambda uow: uow.dishes.replace(tenant, stale, expected_version=1)
        )
        assert self._peek(store, lambda uow: uow.dishes.get_many(tenant, [soup.id])) == {
            soup.id: newer
        }

    def test_port_dishes_remove_deletes_once_and_only_in_its_tenant(
        self, store: Any, tenant: str, other_tenant: str
    ) -> None:
        soup = _dish(tenant)
        self._commit(store, lambda uow: uow.dishes.add(tenant, soup))
        assert not self._commit(store, lambda uow: uow.dishes.remove(other_tenant, soup.id))
        assert self._commit(store, lambda uow: uow.dishes.remove(tenant, soup.id))
        assert not self._commit(store, lambda uow: uow.dishes.remove(tenant, soup.id))
        assert self._peek(store, lambda uow: uow.dishes.get_many(tenant, [soup.id])) == {}

    def test_port_dishes_list_pages_by_search_key_then_id_and_searches(
        self, store: Any, tenant: str, other_tenant: str
    ) -> None:
        mine = [_dish(tenant, name) for name in ("Zuurkool", "appel", "Äppel", "Bami", "Soep")]
        self._add_dishes(store, [*mine, _dish(other_tenant)])

        def key(dish: Dish) -> tuple[str, str]:
            return (search_key(dish.name), dish.id)

        def page_after(search: str | None, after: tuple[str, str] | None) -> list[Dish]:
            return self._peek(
                store,
                lambda uow: list(uow.dishes.list(tenant, search=search, after=after, limit=2)),
            )

        def listed(search: str | None) -> list[Dish]:
            rows: list[Dish] = []
            after: tuple[str, str] | None = None
            while True:
                page = page_after(search, after)
                rows.extend(page)
                if len(page) < 2:
                    return rows
                after = key(page[-1])

        assert listed(None) == sorted(mine, key=key)
        assert sorted(d.name for d in listed(search_key("ppel"))) == ["appel", "Äppel"]

    def test_port_meal_history_apply_delta_adds_up_per_key_and_drops_zeros(
        self, store: Any, tenant: str, other_tenant: str
    ) -> None:
        self._commit(store, lambda uow: uow.meal_history.apply_delta(tenant, {("lunch", "d1"): 2}))
        self._commit(
            store,
            lambda uow: uow.meal_history.apply_delta(
                tenant, {("lunch", "d1"): -1, ("dinner", "d2"): 3}
            ),
        )
        self._commit(
            store, lambda uow: uow.meal_history.apply_delta(tenant, {("dinner", "d2"): -3})
        )
        assert dict(self._peek(store, lambda uow: uow.meal_history.counts(tenant))) == {
            ("lunch", "d1"): 1
        }
        assert dict(self._peek(store, lambda uow: uow.meal_history.counts(other_tenant))) == {}

    @shared_store
    @given(deltas=_HISTORY_DELTAS)
    def test_port_meal_history_totals_are_the_in_memory_store_s_after_any_deltas(
        self, store: Any, deltas: list[dict[tuple[str, str], int]]
    ) -> None:
        # A fresh tenant per example: the store is shared by every example.
        tenant = f"tenant-{uuid.uuid4().hex[:12]}"
        reference = InMemoryStore()
        for delta in deltas:
            for each in (store, reference):
                with each.unit_of_work() as uow:
                    uow.meal_history.apply_delta(tenant, delta)
                    uow.commit()
        expected = dict(self._peek(reference, lambda uow: uow.meal_history.counts(tenant)))
        assert dict(self._peek(store, lambda uow: uow.meal_history.counts(tenant))) == expected


class RulesetPortConformance(_PortBase):
    """``uow.rulesets``, method by method."""

    def _add_rulesets(self, store: Any, tenant: str, rulesets: list[GuardrailsRuleset]) -> None:
        full: Store = store
        with full.unit_of_work() as uow:
            for ruleset in rulesets:
                uow.rulesets.add(tenant, ruleset)
            uow.commit()

    def test_port_rulesets_get_returns_what_add_stored_and_a_second_add_keeps_the_first(
        self, store: Any, tenant: str, other_tenant: str
    ) -> None:
        diet = _ruleset("dairy-free", "milk")
        self._commit(store, lambda uow: uow.rulesets.add(tenant, diet))
        self._commit(store, lambda uow: uow.rulesets.add(tenant, diet))
        assert self._peek(store, lambda uow: uow.rulesets.get(tenant, diet.content_hash)) == diet
        assert self._peek(store, lambda uow: uow.rulesets.get(other_tenant, diet.content_hash)) is (
            None
        )

    def test_port_rulesets_list_filters_by_diet_and_pages_in_order(
        self, store: Any, tenant: str
    ) -> None:
        # Distinct rules: the content hash covers the rules, not the labels.
        terms = {"b": ("milk", "nuts", "egg"), "a": ("fish", "soy", "wheat")}
        diets = [_ruleset(diet, term) for diet, some in terms.items() for term in some]
        self._add_rulesets(store, tenant, diets)

        def key(ruleset: GuardrailsRuleset) -> tuple[str, int, str]:
            return (ruleset.diet_id, ruleset.version, ruleset.content_hash)

        def page_after(after: tuple[str, int, str] | None) -> list[GuardrailsRuleset]:
            return self._peek(
                store,
                lambda uow: list(uow.rulesets.list(tenant, diet_id=None, after=after, limit=4)),
            )

        rows: list[GuardrailsRuleset] = []
        after: tuple[str, int, str] | None = None
        while True:
            page = page_after(after)
            rows.extend(page)
            if len(page) < 4:
                break
            after = key(page[-1])
        assert rows == sorted(diets, key=key)
        only_a = self._peek(
            store, lambda uow: list(uow.rulesets.list(tenant, diet_id="a", after=None, limit=10))
        )
        assert only_a == sorted((d for d in diets if d.diet_id == "a"), key=key)

    def test_port_rulesets_assign_puts_a_client_on_one_ruleset_per_tenant(
        self, store: Any, tenant: str, other_tenant: str
    ) -> None:
        first, second = _ruleset("x", "milk"), _ruleset("x", "nuts")
        self._add_rulesets(store, tenant, [first, second])
        self._commit(store, lambda uow: uow.rulesets.add(other_tenant, first))
        assert self._peek(store, lambda uow: uow.rulesets.assigned(tenant, "client-42")) is None
        self._commit(
            store, lambda uow: uow.rulesets.assign(tenant, "client-42", first.content_hash)
        )
        self._commit(
            store, lambda uow: uow.rulesets.assign(tenant, "client-42", second.content_hash)
        )
        assert self._peek(store, lambda uow: uow.rulesets.assigned(tenant, "client-42")) == (
            second.content_hash
        )
        assert self._peek(store, lambda uow: uow.rulesets.assigned(other_tenant, "client-42")) is (
            None
        )
        self._commit(store, lambda uow: uow.rulesets.assign(tenant, "client-42", None))
        assert self._peek(store, lambda uow: uow.rulesets.assigned(tenant, "client-42")) is None

    def test_port_rulesets_lock_client_works_before_the_client_has_any_row(
        self, store: Any, tenant: str
    ) -> None:
        diet = _ruleset("x", "milk")
        client = f"new-{uuid.uuid4().hex[:12]}"
        full: Store = store
        with full.unit_of_work() as uow:
            uow.rulesets.lock_client(tenant, client)
            uow.rulesets.add(tenant, diet)
            uow.rulesets.assign(tenant, client, diet.content_hash)
            uow.commit()
        assert self._peek(store, lambda uow: uow.rulesets.assigned(tenant, client)) == (
            diet.content_hash
        )


class BulkInstancePortConformance(_PortBase):
    """``add_new`` on ``uow.instances`` and ``assigned_many`` on ``uow.rulesets``, called directly.

    For a store that offers them (:class:`~weekplan.ports.BulkInstances`,
    :class:`~weekplan.ports.BulkRulesetAssignments`); each test is skipped on a
    store without its method.
    """

    def test_port_instances_add_new_stores_the_free_weeks_and_names_the_taken(
        self, store: Any, tenant: str, other_tenant: str
    ) -> None:
        taken = instance_row(tenant, "client-1")
        self._commit(store, lambda uow: uow.instances.add(tenant, taken))
        self._commit(store, lambda uow: uow.instances.add(other_tenant, instance_row(other_tenant)))
        batch = [instance_row(tenant, client) for client in ("client-1", "client-2", "client-42")]

        def add_new(uow: UnitOfWork) -> Collection[str]:
            if not hasattr(uow.instances, "add_new"):
                pytest.skip("the store has no add_new (an optional faster path)")
            bulk: BulkInstances = cast(BulkInstances, uow.instances)
            refused = bulk.add_new(tenant, batch)
            # The unit of work goes on after a refused week.
            uow.templates.get(tenant, "any")
            return refused

        assert set(self._commit(store, add_new)) == {"client-1"}
        stored = self._peek(
            store,
            lambda uow: [uow.instances.get(tenant, c, MONDAY) for c in ("client-1", "client-2")],
        )
        assert stored == [taken, batch[1]]
        assert (
            self._peek(store, lambda uow: uow.instances.get(tenant, "client-42", MONDAY))
            == (batch[2])
        )

    def test_port_rulesets_assigned_many_reads_each_client_s_ruleset_of_the_tenant(
        self, store: Any, tenant: str, other_tenant: str
    ) -> None:
        diet = _ruleset("x", "milk")

        def assign(uow: UnitOfWork) -> None:
            for who in (tenant, other_tenant):
                uow.rulesets.add(who, diet)
            uow.rulesets.assign(tenant, "on-diet", diet.content_hash)
            uow.rulesets.assign(other_tenant, "theirs", diet.content_hash)

        self._commit(store, assign)

        def read(uow: UnitOfWork) -> Mapping[str, str]:
            if not hasattr(uow.rulesets, "assigned_many"):
                pytest.skip("the store has no assigned_many (an optional faster path)")
            bulk: BulkRulesetAssignments = cast(BulkRulesetAssignments, uow.rulesets)
            return bulk.assigned_many(tenant, ["on-diet", "free", "theirs"])

        assert dict(self._peek(store, read)) == {"on-diet": diet.content_hash}


class SnapshotReadConformance(_PortBase):
    """``read_unit_of_work`` of the store (:class:`~weekplan.ports.SnapshotReads`)."""

    @pytest.mark.parametrize("single_statement", [True, False])
    def test_port_read_unit_of_work_sees_what_was_committed(
        self, store: Any, tenant: str, single_statement: bool
    ) -> None:
        if not hasattr(store, "read_unit_of_work"):
            pytest.skip("the store has no read_unit_of_work (an optional faster path)")
        template = template_row(tenant)
        self._commit(store, lambda uow: uow.templates.add(tenant, template))
        reading: SnapshotReads = store
        with reading.read_unit_of_work(single_statement=single_statement) as uow:
            assert uow.templates.get(tenant, template.id) == template
