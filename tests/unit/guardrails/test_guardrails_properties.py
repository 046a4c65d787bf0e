"""Properties of the evaluator and the content hash, on random rulesets and plans.

Terms and texts are drawn from a tiny alphabet (with accents, capitals, spaces
and a hyphen) so that terms really occur in texts, inside words, at word edges
and overlapping.
"""

from __future__ import annotations

from random import Random

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from weekplan.domain._days import DayKey
from weekplan.guardrails import (
    AllowScope,
    DietLogicConstraint,
    DietLogicItem,
    GuardDecision,
    GuardrailsRuleset,
    GuardRule,
    MatchMode,
    Outcome,
    PlanTarget,
    RuleMatch,
    RuleMetadata,
    RuleTarget,
    clear_cache,
    evaluate,
)
from weekplan.testing._guardrails_reference import reference_evaluate

TERM_CHARS = "abé e"
TEXT_CHARS = "abéeÉA -"
CANONICAL_IDS = ("x", "y")

terms = st.text(TERM_CHARS, min_size=1, max_size=4).filter(lambda t: t.strip())
words = st.text("abé", min_size=1, max_size=4)
texts = st.text(TEXT_CHARS, max_size=12)
CATEGORIES = ("zuivel", "noten", None)


@st.composite
def rules(draw: st.DrawFn, rule_id: str, category: str | None = "*") -> GuardRule:
    mode = draw(st.sampled_from(MatchMode))
    target = (
        RuleTarget.INGREDIENT
        if mode is MatchMode.CANONICAL_ID
        else draw(st.sampled_from(RuleTarget))
    )
    action = draw(st.sampled_from(["allow", "block"]))
    canonical = mode is MatchMode.CANONICAL_ID
    compounds = mode is MatchMode.WORD_BOUNDARY and draw(st.booleans())
    # Compound terms are one word each; others may hold spaces.
    term_strategy = words if compounds else terms
    chosen_category = draw(st.sampled_from(CATEGORIES)) if category == "*" else category
    return GuardRule(
        rule_id,
        action,
        draw(st.sampled_from(["hard", "soft"])),
        draw(st.integers(1, 5)),
        target,
        RuleMatch(
            draw(term_strategy),
            synonyms=draw(st.lists(term_strategy, max_size=2)),
            canonical_id=draw(st.sampled_from(CANONICAL_IDS)) if canonical else None,
            mode=mode,
            compounds=compounds,
            term_nl=None if canonical else draw(st.none() | term_strategy),
            exceptions=draw(st.lists(words, max_size=1))
            if mode in (MatchMode.WORD_BOUNDARY, MatchMode.SUBSTRING)
            else (),
        ),
        metadata=RuleMetadata(category=chosen_category),
        exempts=AllowScope(categories=[draw(st.sampled_from(["zuivel", "noten"]))])
        if action == "allow" and draw(st.booleans())
        else None,
        check_notes=draw(st.none() | st.booleans())
        if target is RuleTarget.INGREDIENT and not canonical
        else None,
    )


@st.composite
def constraints(draw: st.DrawFn, constraint_id: str) -> DietLogicConstraint:
    kind = draw(st.sampled_from(["drop", "force", "limit", "pass"]))
    bound = st.none() | st.integers(0, 3)
    bounds: dict[str, int | None] = {}
    if kind == "force":
        bounds = {"min_per_day": draw(bound), "min_per_week": draw(st.integers(0, 4))}
    elif kind == "limit":
        bounds = {"max_per_day": draw(st.integers(0, 2)), "max_per_week": draw(bound)}
    items = draw(
        st.lists(
            st.builds(
                DietLogicItem,
                terms,
                st.none() | terms,
                st.lists(terms, max_size=1),
                st.lists(words, max_size=1),
            ),
            min_size=1,
            max_size=2,
        )
    )
    return DietLogicConstraint(
        constraint_id,
        kind,
        draw(st.sampled_from(["zuivel", "noten"])),
        items,
        check_notes=draw(st.booleans()),
        strictness=draw(st.sampled_from(["hard", "soft"])),
        priority=draw(st.integers(1, 5)),
        **bounds,
    )


@st.composite
def rulesets(draw: st.DrawFn) -> GuardrailsRuleset:
    n_rules = draw(st.integers(0, 6))
    n_logic = draw(st.integers(0, 2))
    return GuardrailsRuleset(
        "diet",
        rules=[draw(rules(f"r{i}")) for i in range(n_rules)],
        diet_logic=[draw(constraints(f"c{i}")) for i in range(n_logic)],
    )


@st.composite
def targets(draw: st.DrawFn) -> PlanTarget:
    ingredients = draw(st.lists(texts, max_size=3))
    ids = draw(
        st.lists(
            st.none() | st.sampled_from(CANONICAL_IDS),
            min_size=len(ingredients),
            max_size=len(ingredients),
        )
    )
    return PlanTarget(
        draw(st.sampled_from(DayKey)),
        draw(st.sampled_from(["lunch", "dinner"])),
        ingredients=ingredients,
        steps=draw(st.lists(texts, max_size=2)),
        metadata=draw(st.lists(texts, max_size=1)),
        ingredient_ids=ids if draw(st.booleans()) else (),
        notes=draw(st.lists(texts, max_size=1)),
    )


plans = st.lists(targets(), max_size=5)


@settings(max_examples=400)
@given(rulesets(), plans)
def test_the_compiled_evaluator_decides_exactly_as_the_reference(
    ruleset: GuardrailsRuleset, plan: list[PlanTarget]
) -> None:
    assert evaluate(ruleset, plan) == reference_evaluate(ruleset, plan)


@given(rulesets(), plans, rules("added"))
def test_adding_a_hard_block_rule_never_unblocks_a_plan(
    ruleset: GuardrailsRuleset, plan: list[PlanTarget], extra: GuardRule
) -> None:
    hard_block = attrs.evolve(extra, action="block", strictness="hard", exempts=None)
    before = evaluate(ruleset, plan)
    after = evaluate(attrs.evolve(ruleset, rules=(*ruleset.rules, hard_block)), plan)
    if before.outcome is Outcome.BLOCKED:
        assert after.outcome is Outcome.BLOCKED
    assert (
        set(before.applied_rule_ids)
        <= set(after.applied_rule_ids)
        | {step.rule_id for step in before.trace if step.rule_id in after.applied_rule_ids}
        or before.outcome is not Outcome.BLOCKED
    )


@given(rulesets(), plans, st.sampled_from(["zuivel", "noten"]), st.data())
def test_an_allow_scoped_to_one_category_never_changes_a_match_of_another(
    ruleset: GuardrailsRuleset, plan: list[PlanTarget], category: str, data: st.DataObject
) -> None:
    allow = attrs.evolve(
        data.draw(rules("added-allow", category=category)),
        action="allow",
        exempts=None,
    )
    before = evaluate(ruleset, plan)
    after = evaluate(attrs.evolve(ruleset, rules=(*ruleset.rules, allow)), plan)
    categories = {rule.id: rule.metadata.category for rule in ruleset.rules} | {
        constraint.id: constraint.category for constraint in ruleset.diet_logic
    }
    others = {rule_id for rule_id, found in categories.items() if found != category}

    def effects(decision: GuardDecision) -> list[tuple[object, ...]]:
        return sorted(
            (m.rule_id, m.day_key, m.slot_key, m.target, m.index, m.start, m.end, m.effect)
            for m in decision.matches
            if m.rule_id in others
        )

    assert effects(after) == effects(before)


@given(rulesets(), st.randoms(use_true_random=False))
def test_the_content_hash_ignores_the_order_of_rules_synonyms_and_items(
    ruleset: GuardrailsRuleset, random: Random
) -> None:
    rules_shuffled = list(ruleset.rules)
    logic_shuffled = list(ruleset.diet_logic)
    random.shuffle(rules_shuffled)
    random.shuffle(logic_shuffled)
    reversed_synonyms = [
        attrs.evolve(r, match=attrs.evolve(r.match, synonyms=r.match.synonyms[::-1]))
        for r in rules_shuffled
    ]
    other = attrs.evolve(ruleset, rules=reversed_synonyms, diet_logic=logic_shuffled)
    assert other.content_hash == ruleset.content_hash


@given(rulesets().filter(lambda r: bool(r.rules)), st.data())
def test_the_content_hash_changes_when_a_term_changes(
    ruleset: GuardrailsRuleset, data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(ruleset.rules) - 1))
    changed = ruleset.rules[index]
    changed = attrs.evolve(
        changed, match=attrs.evolve(changed.match, term=changed.match.term + "z")
    )
    rules_ = list(ruleset.rules)
    rules_[index] = changed
    assert attrs.evolve(ruleset, rules=rules_).content_hash != ruleset.content_hash


@given(rulesets(), plans, st.randoms(use_true_random=False))
def test_evaluation_is_deterministic_and_blind_to_rule_order(
    ruleset: GuardrailsRuleset, plan: list[PlanTarget], random: Random
) -> None:
    first = evaluate(ruleset, plan)
    clear_cache()
    shuffled = list(ruleset.rules)
    random.shuffle(shuffled)
    assert evaluate(attrs.evolve(ruleset, rules=shuffled), plan) == first
    assert evaluate(ruleset, plan) == first
    assert first.content_hash == ruleset.content_hash
