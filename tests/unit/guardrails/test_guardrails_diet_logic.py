"""Diet Logic: drop, force, limit and pass, per day and per week."""

from __future__ import annotations

import pytest

from weekplan.errors import InvalidInput
from weekplan.guardrails import (
    AllowScope,
    DietLogicConstraint,
    DietLogicItem,
    GuardDecision,
    GuardrailsRuleset,
    GuardRule,
    MatchEffect,
    Outcome,
    PlanTarget,
    QuotaScope,
    RuleMatch,
    TraceResult,
    evaluate,
)
from weekplan.testing._guardrails_reference import reference_evaluate

VEGETABLES = [
    DietLogicItem("carrot", "wortel", synonyms=["carrots"]),
    DietLogicItem("spinach", "spinazie"),
]
DAIRY = [DietLogicItem("milk", "melk"), DietLogicItem("cheese", "kaas")]


def constraint(kind: str, items: list[DietLogicItem], **bounds: object) -> DietLogicConstraint:
    return DietLogicConstraint(
        f"{kind}-rule",
        kind,
        "groente" if items is VEGETABLES else "zuivel",
        items,
        strictness=str(bounds.pop("strictness", "hard")),
        **bounds,
    )


def run(constraints: list[DietLogicConstraint], *targets: PlanTarget) -> GuardDecision:
    ruleset = GuardrailsRuleset("diet", diet_logic=constraints)
    decision = evaluate(ruleset, targets)
    assert decision == reference_evaluate(ruleset, targets)
    return decision


def meal(day: str, slot: str, *ingredients: str) -> PlanTarget:
    return PlanTarget(day, slot, ingredients=ingredients)


def test_drop_blocks_on_any_item_in_english_or_dutch() -> None:
    drop = constraint("drop", DAIRY)
    assert run([drop], meal("mon", "lunch", "geraspte kaas")).outcome is Outcome.BLOCKED
    assert run([drop], meal("mon", "lunch", "karnemelk")).outcome is Outcome.BLOCKED
    assert run([drop], meal("mon", "lunch", "cheeses")).outcome is Outcome.BLOCKED
    assert run([drop], meal("mon", "lunch", "tofu")).outcome is Outcome.ALLOWED


def test_a_soft_drop_only_warns() -> None:
    decision = run([constraint("drop", DAIRY, strictness="soft")], meal("mon", "x", "kaas"))
    assert (decision.outcome, decision.ok) == (Outcome.WARNED, True)
    assert decision.reason_codes == ("diet_logic_drop",)


def test_pass_items_exempt_the_shorter_terms_inside_them_of_the_categories_in_scope() -> None:
    plant_milk = DietLogicConstraint(
        "plantaardig",
        "pass",
        "plantaardige melk",
        [DietLogicItem("oat milk", "havermelk")],
        exempts=AllowScope(categories=["zuivel"]),
    )
    drop = constraint("drop", DAIRY)
    assert run([drop, plant_milk], meal("mon", "x", "havermelk")).outcome is Outcome.ALLOWED
    assert run([drop, plant_milk], meal("mon", "x", "karnemelk")).outcome is Outcome.BLOCKED


def test_a_pass_without_scope_exempts_only_its_own_category() -> None:
    plant_milk = DietLogicConstraint(
        "plantaardig", "pass", "plantaardige melk", [DietLogicItem("oat milk", "havermelk")]
    )
    drop = constraint("drop", DAIRY)
    assert run([drop, plant_milk], meal("mon", "x", "havermelk")).outcome is Outcome.BLOCKED


def test_force_per_day_counts_dishes_on_each_planned_day() -> None:
    force = constraint("force", VEGETABLES, min_per_day=2)
    decision = run(
        [force],
        meal("mon", "lunch", "wortel", "spinazie"),  # one dish, two items: counts once
        meal("mon", "dinner", "carrots"),
        meal("tue", "lunch", "spinach"),
    )
    assert decision.outcome is Outcome.BLOCKED
    checks = [(c.day_key and c.day_key.value, c.count, c.ok) for c in decision.quota_checks]
    assert checks == [("mon", 2, True), ("tue", 1, False)]
    assert decision.reason_codes == ("diet_logic_force_per_day",)
    assert decision.remediation_hints == ("include groente: tue: 1 of at least 2",)


def test_force_per_week_counts_dishes_over_the_week() -> None:
    force = constraint("force", VEGETABLES, min_per_week=3, strictness="soft")
    two = [meal("mon", "x", "wortel"), meal("fri", "x", "spinazie"), meal("sat", "x", "rijst")]
    decision = run([force], *two)
    assert decision.outcome is Outcome.WARNED
    assert [(c.scope, c.count, c.bound) for c in decision.quota_checks] == [(QuotaScope.WEEK, 2, 3)]
    three = run([force], *two, meal("sun", "x", "worteltjes", "spinazie"))
    assert three.outcome is Outcome.ALLOWED
    assert three.trace[0].result is TraceResult.SATISFIED


def test_limit_per_day_and_per_week() -> None:
    limit = constraint("limit", DAIRY, max_per_day=1, max_per_week=2)
    week = [meal("mon", "lunch", "kaas"), meal("wed", "lunch", "melk")]
    assert run([limit], *week).outcome is Outcome.ALLOWED
    too_much_monday = run([limit], *week, meal("mon", "dinner", "cheese"))
    assert too_much_monday.outcome is Outcome.BLOCKED
    assert too_much_monday.reason_codes == (
        "diet_logic_limit_per_day",
        "diet_logic_limit_per_week",
    )
    failed = [(c.scope, c.count) for c in too_much_monday.quota_checks if not c.ok]
    assert failed == [(QuotaScope.DAY, 2), (QuotaScope.WEEK, 3)]


def test_an_empty_plan_checks_no_quota() -> None:
    decision = run([constraint("force", VEGETABLES, min_per_week=5)])
    assert decision.outcome is Outcome.ALLOWED
    assert decision.quota_checks == ()


def test_items_in_allow_matches_do_not_count_towards_a_limit() -> None:
    limit = constraint("limit", DAIRY, max_per_week=0)
    coconut = GuardRule(
        "kokos",
        "allow",
        "hard",
        1,
        "ingredient",
        RuleMatch("kokosmelk", mode="exact"),
        exempts=AllowScope(rule_ids=["limit-rule"]),
    )
    ruleset = GuardrailsRuleset("diet", rules=[coconut], diet_logic=[limit])
    targets = [meal("mon", "x", "kokosmelk")]
    decision = evaluate(ruleset, targets)
    assert decision == reference_evaluate(ruleset, targets)
    assert decision.outcome is Outcome.ALLOWED
    assert {m.effect for m in decision.matches} == {MatchEffect.ALLOW, MatchEffect.EXEMPTED}


@pytest.mark.parametrize(
    ("kind", "bounds"),
    [
        ("force", {}),
        ("force", {"max_per_day": 1, "min_per_day": 1}),
        ("limit", {"min_per_week": 1, "max_per_week": 2}),
        ("drop", {"max_per_day": 1}),
        ("pass", {"min_per_week": 1}),
    ],
)
def test_bounds_that_do_not_fit_the_kind_are_refused(kind: str, bounds: dict[str, int]) -> None:
    with pytest.raises(InvalidInput):
        DietLogicConstraint("c", kind, "groente", VEGETABLES, **bounds)
