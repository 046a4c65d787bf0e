"""Conformance: suggestions read through the store's meal-signal index.

A store whose dish repository is a :class:`~weekplan.ports.MealSignalIndex`
keeps each dish's meal signals beside it; these tests hold it to the catalog
scan of :mod:`weekplan.testing._suggestions_reference`, and check that signals
follow every write of a dish, stay within their tenant, and are recomputed
when the vocabulary changes. A store without the index passes them by scanning.
"""

from __future__ import annotations

import uuid
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from weekplan.domain._dishes import Dish
from weekplan.domain._entries import PlanEntry
from weekplan.domain._history import HistoryKey
from weekplan.domain._meal_types import MealType, MealVocabulary, slot_kind
from weekplan.guardrails import GuardrailsRuleset, GuardRule, RuleMatch
from weekplan.planner._planner import Planner
from weekplan.planner._worker import WorkerPlanner
from weekplan.ports import Store, meal_signal_index_of
from weekplan.testing._base import ConformanceBase, all_pages, shared_store
from weekplan.testing._suggestions_reference import scan_suggestions

__all__ = ["MealSignalConformance"]

# Words that hit and miss the default hints: whole words, compounds, short hints.
_WORDS = (
    "Havermout", "pap", "Tomatensoep", "soep", "pasta", "curry", "Broodje", "appel",
    "bar", "barbecue", "salad", "Overnight", "oats", "kaas", "rijst", "Crème",
)  # fmt: skip
_SLOTS = ("breakfast", "Lunch", "Avondeten", "snack_2", "pre-workout", "Ontbijt 2")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_names = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(" ".join)
# Name, labels, and whether the dish holds milk (which the client's diet blocks).
_dishes = st.lists(
    st.tuples(_names, st.sets(st.sampled_from(list(MealType)), max_size=2), st.booleans()),
    max_size=30,
)


def _no_milk() -> GuardrailsRuleset:
    rule = GuardRule("geen-melk", "block", "hard", 1, "ingredient", RuleMatch("melk"))
    return GuardrailsRuleset("geen-melk", rules=[rule])


def _fresh() -> str:
    return f"tenant-{uuid.uuid4().hex[:12]}"


def _catalog(worker: WorkerPlanner) -> tuple[Dish, ...]:
    return all_pages(lambda cursor: worker.list_dishes(limit=100, cursor=cursor))


def _is_current(store: Store, tenant_id: str, vocabulary: MealVocabulary) -> bool | None:
    """Whether the tenant's signals are current; ``None`` for a store without the index."""
    with store.unit_of_work() as uow:
        index = meal_signal_index_of(uow.dishes)
        return None if index is None else index.signals_current(tenant_id, vocabulary.fingerprint)


class MealSignalConformance(ConformanceBase):
    @shared_store
    @given(
        dishes=_dishes,
        planned=st.lists(
            st.tuples(st.sampled_from(_DAYS), st.sampled_from(_SLOTS), st.integers(0, 9)),
            max_size=12,
        ),
        ask=st.tuples(
            st.sampled_from(_SLOTS),
            st.one_of(st.none(), st.sampled_from(["a", "soep", "pa", "zz", " KAAS "])),
            st.integers(1, 12),
            st.booleans(),
        ),
    )
    def test_indexed_suggestions_equal_the_catalog_scan(
        self,
        planner: Planner,
        store: Store,
        dishes: list[tuple[str, set[MealType], bool]],
        planned: list[tuple[str, str, int]],
        ask: tuple[str, str | None, int, bool],
    ) -> None:
        slot_key, query, limit, on_diet = ask
        worker = planner.worker(_fresh())
        for n, (name, meals, milk) in enumerate(dishes):
            worker.upsert_dish(
                f"dish-{n:02}", name=name, meal_types=meals, ingredients=["melk"] if milk else []
            )
        entries: dict[tuple[str, str], str] = {}
        for day, slot, n in planned:
            if n < len(dishes):
                entries[(day, slot)] = f"dish-{n:02}"
        worker.create_template(
            "History", [PlanEntry(day, slot, dish) for (day, slot), dish in entries.items()]
        )
        counts: Counter[HistoryKey] = Counter(
            (slot_kind(slot), dish) for (_, slot), dish in entries.items()
        )
        vocabulary = MealVocabulary.default()
        assert _is_current(store, worker.tenant_id, vocabulary) in (True, None)
        client = None
        blocked: set[str] = set()
        if on_diet:
            client = "client-on-diet"
            worker.assign_ruleset(client, worker.save_ruleset(_no_milk()).content_hash)
            blocked = {f"dish-{n:02}" for n, (_, _, milk) in enumerate(dishes) if milk}
        expected = scan_suggestions(
            _catalog(worker),
            counts,
            slot_key,
            vocabulary=vocabulary,
            query=query,
            limit=limit,
            blocked=blocked,
        )
        found = worker.suggest_dishes(slot_key, query=query, limit=limit, client_ref=client)
        assert found == expected

    def test_dishes_with_the_same_history_rank_by_label_then_hint_then_name(
        self, worker: WorkerPlanner
    ) -> None:
        worker.upsert_dish("a", name="Broodje kaas")
        worker.upsert_dish("b", name="Pap met appel")  # the hint "pap"
        worker.upsert_dish("c", name="Kaas", meal_types=["breakfast"])
        worker.upsert_dish("d", name="Appel")  # no history: after every planned dish
        planned = (("mon", "a"), ("tue", "b"), ("wed", "c"))
        worker.create_template("T", [PlanEntry(day, "ontbijt", dish) for day, dish in planned])
        ranked = worker.suggest_dishes("breakfast", limit=3)
        assert [(s.dish.id, s.score) for s in ranked] == [("c", 6), ("b", 5), ("a", 4)]
        for limit in (1, 2):
            assert worker.suggest_dishes("breakfast", limit=limit) == ranked[:limit]

    def test_signals_follow_a_rename_a_relabel_and_a_delete(self, worker: WorkerPlanner) -> None:
        worker.upsert_dish("d1", name="Quinoa")
        worker.upsert_dish("d2", name="Rijst")
        assert [s.matched for s in worker.suggest_dishes("lunch")] == [False, False]
        worker.upsert_dish("d1", name="Quinoa salad")
        assert [(s.dish.id, s.score) for s in worker.suggest_dishes("lunch")] == [("d1", 1)]
        worker.upsert_dish("d2", name="Rijst", meal_types=["lunch"])
        assert [(s.dish.id, s.score) for s in worker.suggest_dishes("lunch")] == [
            ("d2", 2),
            ("d1", 1),
        ]
        worker.upsert_dish("d1", name="Quinoa")
        assert [(s.dish.id, s.score) for s in worker.suggest_dishes("lunch")] == [("d2", 2)]
        worker.delete_dish("d2")
        assert [(s.dish.id, s.score) for s in worker.suggest_dishes("lunch")] == [("d1", 0)]
        worker.delete_dish("d1")
        assert worker.suggest_dishes("lunch") == []

    def test_signals_never_reach_another_tenant(self, planner: Planner, store: Store) -> None:
        mine, theirs = planner.worker(_fresh()), planner.worker(_fresh())
        theirs.upsert_dish("shared-id", name="Tomatensoep", meal_types=["lunch"])
        mine.upsert_dish("shared-id", name="Quinoa")
        mine.upsert_dish("other", name="Rijst")
        suggested = mine.suggest_dishes("lunch")
        assert [(s.dish.id, s.dish.name, s.score) for s in suggested] == [
            ("shared-id", "Quinoa", 0),
            ("other", "Rijst", 0),
        ]
        theirs.delete_dish("shared-id")
        assert [s.dish.id for s in mine.suggest_dishes("lunch")] == ["shared-id", "other"]
        # Another vocabulary in one tenant leaves the other tenant's signals current.
        extended = MealVocabulary.default().extended(hints={"lunch": ["rijst"]})
        Planner(store, meal_vocabulary=extended).worker(theirs.tenant_id).upsert_dish(
            "x", name="Rijst"
        )
        assert _is_current(store, mine.tenant_id, MealVocabulary.default()) in (True, None)

    def test_a_new_vocabulary_scans_until_recomputed_then_uses_the_index(
        self, store: Store, tenant: str
    ) -> None:
        old = Planner(store).worker(tenant)
        for n, name in enumerate(["Rijst met kip", "Tomatensoep", "Quinoa", "Rijstwafel"]):
            old.upsert_dish(f"d{n}", name=name)
        vocabulary = MealVocabulary.default().extended(hints={"lunch": ["rijst", "quinoa"]})
        new = Planner(store, meal_vocabulary=vocabulary).worker(tenant)
        expected = scan_suggestions(_catalog(new), {}, "lunch", vocabulary=vocabulary)
        assert [s.dish.id for s in expected] == ["d2", "d0", "d3", "d1"]
        assert _is_current(store, tenant, vocabulary) in (False, None)
        # Before the recompute: the scan, with the same answer the index will give.
        assert new.suggest_dishes("lunch") == expected
        rewritten = new.recompute_meal_signals(batch_size=3)
        assert _is_current(store, tenant, vocabulary) in (True, None)
        assert rewritten == (0 if _is_current(store, tenant, vocabulary) is None else 4)
        assert new.suggest_dishes("lunch") == expected
        # Idempotent: nothing left to rewrite, and a second worker agrees.
        assert new.recompute_meal_signals() == 0
        assert (
            Planner(store, meal_vocabulary=vocabulary).worker(tenant).recompute_meal_signals() == 0
        )
        # The old planner now scans, and still gets its own answer.
        default = MealVocabulary.default()
        assert old.suggest_dishes("lunch") == scan_suggestions(
            _catalog(old), {}, "lunch", vocabulary=default
        )
