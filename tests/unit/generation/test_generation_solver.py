"""The CP-SAT generator: diet, meal types, variety, locks, determinism and infeasibility."""

from __future__ import annotations

from collections import Counter

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from weekplan import Dish, GenerationInfeasible, InvalidInput, MealType, MealVocabulary, PlanEntry
from weekplan.generation import CpSatGenerator, GeneratedWeek, slot_fit
from weekplan.guardrails import DietLogicConstraint, DietLogicItem, evaluate, plan_targets
from weekplan.testing._generation_problems import (
    block,
    diet,
    dish,
    quota,
    small_request,
    synthetic_request,
    week,
)

pytest.importorskip("ortools", reason="the solver needs the generate extra")

SOLVER = CpSatGenerator()
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def chosen(result: GeneratedWeek) -> dict[tuple[str, str], str]:
    return {(e.day_key.value, e.slot_key): e.dish_id for e in result.entries}


def test_a_hard_blocked_dish_is_never_chosen_even_when_it_is_the_cheaper_fit() -> None:
    catalog = [dish("milk-soup", "dinner", "melk"), dish("fish", "dinner", "kabeljauw")]
    req = small_request(
        week(["mon", "tue"], ["dinner"]), catalog, diet(block("melk")), max_repeats=2
    )
    for seed in range(5):
        assert set(chosen(SOLVER.generate(attrs.evolve(req, seed=seed))).values()) == {"fish"}


def test_a_dropped_category_is_never_chosen() -> None:
    dropped = diet(DietLogicConstraint("dairy", "drop", "dairy", [DietLogicItem("kaas")]))
    catalog = [dish("cheese", "lunch", "kaas"), dish("salad", "lunch", "sla")]
    req = small_request(week(["mon", "tue"], ["lunch"]), catalog, dropped, max_repeats=2)
    assert set(chosen(SOLVER.generate(req)).values()) == {"salad"}


def test_force_and_limit_per_day_and_per_week_hold() -> None:
    catalog = [dish(f"fish-{i}", "dinner", "vis") for i in range(4)]
    catalog += [dish(f"beef-{i}", "dinner", "rund") for i in range(8)]
    catalog += [dish(f"veg-{i}", "dinner", "bonen") for i in range(8)]
    catalog += [dish(f"oats-{i}", "breakfast", "haver", "appel") for i in range(7)]
    catalog += [dish(f"yogurt-{i}", "breakfast", "yoghurt") for i in range(7)]
    ruleset = diet(
        quota("fish", "force", "vis", min_per_week=2),
        quota("red-meat", "limit", "rund", max_per_week=2),
        quota("fruit", "force", "appel", min_per_day=1),
        quota("one-beef-a-day", "limit", "rund", max_per_day=1),
    )
    req = small_request(week(DAYS, ["breakfast", "dinner"]), catalog, ruleset)
    for seed in range(4):
        result = SOLVER.generate(attrs.evolve(req, seed=seed))
        picks = list(chosen(result).values())
        assert sum(p.startswith("fish") for p in picks) >= 2
        assert sum(p.startswith("beef") for p in picks) <= 2
        assert all(chosen(result)[(day, "breakfast")].startswith("oats") for day in DAYS), (
            "fruit at least once a day can only come from breakfast oats"
        )
        assert set(result.quotas_met) == {"fish", "red-meat", "fruit", "one-beef-a-day"}


def test_soft_rules_and_soft_quotas_are_penalties_not_walls() -> None:
    catalog = [dish("sweet", "snack", "suiker"), dish("nuts", "snack", "noten")]
    ruleset = diet(block("suiker", "soft"), quota("fish", "force", "vis", "soft", min_per_week=1))
    result = SOLVER.generate(small_request(week(["mon"], ["snack"]), catalog, ruleset))
    assert chosen(result) == {("mon", "snack"): "nuts"}
    # The soft fish quota cannot be met (no fish at all): the week is made, the quota not claimed.
    assert "fish" not in result.quotas_met


def test_a_slot_takes_dishes_of_its_meal_type() -> None:
    catalog = [dish("porridge", "breakfast"), dish("stew", "dinner"), dish("apple", "snack")]
    result = SOLVER.generate(
        small_request(week(["mon"], ["breakfast", "dinner", "snack_2"]), catalog)
    )
    assert chosen(result) == {
        ("mon", "breakfast"): "porridge",
        ("mon", "dinner"): "stew",
        ("mon", "snack_2"): "apple",
    }
    assert result.entries[0].reason.startswith("breakfast dish")


def test_a_meal_type_the_catalog_lacks_falls_back_to_any_allowed_dish() -> None:
    catalog = [dish("stew", "dinner"), dish("curry", "dinner", "melk")]
    result = SOLVER.generate(small_request(week(["mon"], ["lunch"]), catalog, diet(block("melk"))))
    assert chosen(result) == {("mon", "lunch"): "stew"}
    assert "no allowed lunch dish" in result.entries[0].reason


def test_a_dish_appears_at_most_max_repeats_times() -> None:
    catalog = [dish(f"d{i}", "dinner") for i in range(4)]
    req = small_request(week(DAYS, ["dinner"]), catalog, max_repeats=2)
    counts = Counter(chosen(SOLVER.generate(req)).values())
    assert max(counts.values()) <= 2
    assert sum(counts.values()) == 7


def test_recent_dishes_are_avoided_while_the_catalog_allows_it() -> None:
    catalog = [dish(f"d{i}", "dinner") for i in range(10)]
    recent = {f"d{i}" for i in range(5)}
    req = small_request(week(DAYS[:5], ["dinner"]), catalog, recent_dish_ids=recent)
    for seed in range(3):
        picks = set(chosen(SOLVER.generate(attrs.evolve(req, seed=seed))).values())
        assert not picks & recent


def test_recent_dishes_are_used_when_the_catalog_is_too_small_and_the_reason_says_so() -> None:
    catalog = [dish(f"d{i}", "dinner") for i in range(3)]
    req = small_request(week(DAYS[:3], ["dinner"]), catalog, recent_dish_ids={"d0", "d1"})
    result = SOLVER.generate(req)
    assert set(chosen(result).values()) == {"d0", "d1", "d2"}
    reasons = {e.dish_id: e.reason for e in result.entries}
    assert "recent week" in reasons["d0"]
    assert "recent week" not in reasons["d2"]


def test_locked_and_out_of_scope_slots_are_kept_and_count_towards_quotas() -> None:
    entries = week(["mon", "tue"], ["lunch", "dinner"])
    entries[0] = PlanEntry("mon", "lunch", dish_template_id="fish-0", notes="bought")
    entries[3] = PlanEntry("tue", "dinner", dish_template_id="fish-1")
    catalog = [dish(f"fish-{i}", "dinner", "vis") for i in range(3)]
    catalog += [dish(f"veg-{i}", "dinner", "bonen") for i in range(3)]
    catalog += [dish("salad", "lunch")]
    ruleset = diet(quota("fish", "limit", "vis", max_per_week=2))
    req = small_request(
        entries,
        catalog,
        ruleset,
        fill=[("mon", "lunch"), ("mon", "dinner"), ("tue", "lunch")],
        locked=[("mon", "lunch")],
    )
    result = SOLVER.generate(req)
    assert set(chosen(result)) == {("mon", "dinner"), ("tue", "lunch")}
    assert not chosen(result)[("mon", "dinner")].startswith("fish")
    applied = result.apply_to(req.week)
    assert applied[0] == entries[0]
    assert applied[3] == entries[3]


def test_the_same_request_and_seed_give_the_same_week_and_seeds_vary_it() -> None:
    req = synthetic_request(3, dishes=300)
    first = SOLVER.generate(req)
    assert SOLVER.generate(req) == first
    others = {tuple(chosen(SOLVER.generate(attrs.evolve(req, seed=s))).values()) for s in range(4)}
    assert len(others) > 1


def test_the_synthetic_week_passes_the_guardrails() -> None:
    req = synthetic_request(0)
    result = SOLVER.generate(req)
    dishes = {d.id: d for d in req.catalog}
    assert req.ruleset is not None
    decision = evaluate(req.ruleset, plan_targets(result.apply_to(req.week), dishes))
    assert decision.ok, decision.summary
    assert len(result.entries) == 42


def test_infeasible_quotas_are_named_together() -> None:
    catalog = [dish("fish-0", "dinner", "vis"), dish("veg", "dinner", "bonen")]
    catalog += [dish(f"other-{i}", "dinner") for i in range(5)]
    ruleset = diet(
        quota("fish", "force", "vis", min_per_week=3),
        quota("red-meat", "limit", "rund", max_per_week=1),
    )
    req = small_request(week(DAYS, ["dinner"]), catalog, ruleset)
    with pytest.raises(GenerationInfeasible) as caught:
        SOLVER.generate(req)
    conflicts = caught.value.conflicts
    assert any(c.startswith("force fish") for c in conflicts)
    assert any(c.startswith("variety") for c in conflicts)
    assert not any("red-meat" in c for c in conflicts), "only what conflicts is named"
    assert caught.value.to_dict()["detail"] == "generation_infeasible"
    assert caught.value.status_code == 422


def test_force_and_limit_on_the_same_day_conflict_by_name() -> None:
    catalog = [dish("fish-rice", "dinner", "vis", "rijst"), dish("plain", "dinner")]
    catalog += [dish("fish-2", "dinner", "vis", "rijst")]
    ruleset = diet(
        quota("fish-daily", "force", "vis", min_per_day=1),
        quota("rice", "limit", "rijst", max_per_day=0),
    )
    with pytest.raises(GenerationInfeasible) as caught:
        SOLVER.generate(small_request(week(["mon"], ["dinner"]), catalog, ruleset))
    assert sorted(c.split(" (")[0] for c in caught.value.conflicts) == [
        "force fish-daily",
        "limit rice",
    ]


def test_a_slot_whose_every_dish_is_blocked_is_infeasible_by_name() -> None:
    req = small_request(
        week(["mon"], ["dinner"]), [dish("curry", "dinner", "melk")], diet(block("melk"))
    )
    with pytest.raises(GenerationInfeasible, match="mon/dinner"):
        SOLVER.generate(req)


def test_a_kept_blocked_dish_is_named_as_the_conflict() -> None:
    entries = [PlanEntry("mon", "lunch", dish_template_id="curry"), PlanEntry("mon", "dinner")]
    catalog = [dish("curry", "lunch", "melk"), dish("stew", "dinner")]
    req = small_request(entries, catalog, diet(block("melk")), fill=[("mon", "dinner")])
    with pytest.raises(GenerationInfeasible, match="kept slot mon/lunch holds curry"):
        SOLVER.generate(req)


def test_the_request_refuses_a_scope_outside_the_week() -> None:
    with pytest.raises(InvalidInput, match="fill"):
        small_request(week(["mon"], ["dinner"]), [], fill=[("tue", "dinner")])


def test_the_generator_says_who_it_is() -> None:
    assert SOLVER.name == "cp-sat"
    assert SOLVER.version.startswith("1+ortools")


HINT_WORDS = [h for hints in MealVocabulary.default().hints.values() for h in hints]


@given(
    st.lists(
        st.sampled_from(HINT_WORDS)
        | st.sampled_from(["met", "en", "soep", "bar", "barbecue", "s", "pap"])
        | st.text(alphabet="abeimnoprstu", min_size=1, max_size=8),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(list(MealType)),
)
def test_slot_fit_matches_a_name_exactly_when_the_suggestion_ranking_does(
    words: list[str], meal_type: MealType
) -> None:
    vocabulary = MealVocabulary.default()
    name = " ".join(words) + "s" * (len(words) % 2)
    candidate = Dish("d1", "tenant-a", name)
    slot = {
        MealType.BREAKFAST: "breakfast",
        MealType.LUNCH: "lunch",
        MealType.DINNER: "dinner",
        MealType.SNACK: "snack",
    }[meal_type]
    fit = slot_fit(slot, [candidate], vocabulary)
    assert fit.fallback is not bool(vocabulary.matched_hints(name, meal_type))
