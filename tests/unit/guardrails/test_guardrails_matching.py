"""Matching semantics: modes, targets, actions, strictness, Dutch and English terms."""

from __future__ import annotations

import itertools

import pytest

from weekplan.errors import InvalidInput
from weekplan.guardrails import (
    GuardDecision,
    GuardrailsRuleset,
    GuardRule,
    MatchEffect,
    MatchMode,
    Outcome,
    PlanTarget,
    RuleAction,
    RuleMatch,
    RuleTarget,
    Strictness,
    evaluate,
)
from weekplan.testing._guardrails_reference import reference_evaluate


def rule(
    term: str,
    *,
    rule_id: str = "r",
    action: str = "block",
    strictness: str = "hard",
    priority: int = 10,
    target: str = "ingredient",
    mode: str = "word_boundary",
    synonyms: tuple[str, ...] = (),
    canonical_id: str | None = None,
    compounds: bool = False,
) -> GuardRule:
    return GuardRule(
        rule_id,
        action,
        strictness,
        priority,
        target,
        RuleMatch(
            term, synonyms=synonyms, canonical_id=canonical_id, mode=mode, compounds=compounds
        ),
    )


def dish(
    *ingredients: str,
    steps: tuple[str, ...] = (),
    metadata: tuple[str, ...] = (),
    day: str = "mon",
    slot: str = "dinner",
    ids: tuple[str | None, ...] = (),
    notes: tuple[str, ...] = (),
) -> PlanTarget:
    return PlanTarget(
        day,
        slot,
        dish_id="d1",
        ingredients=ingredients,
        steps=steps,
        metadata=metadata,
        ingredient_ids=ids,
        notes=notes,
    )


def check(rules: list[GuardRule], *targets: PlanTarget) -> GuardDecision:
    """Evaluate with the compiled evaluator, and insist the reference agrees."""
    ruleset = GuardrailsRuleset("diet", rules=rules)
    decision = evaluate(ruleset, targets)
    assert decision == reference_evaluate(ruleset, targets)
    return decision


def matched(decision: GuardDecision) -> list[str]:
    return [m.matched for m in decision.matches]


# For each mode: a text of the target kind that matches "melk", and one that does not.
MODE_CASES = {
    MatchMode.EXACT: ("Melk", "halfvolle melk"),
    MatchMode.WORD_BOUNDARY: ("halfvolle melk", "karnemelk"),
    MatchMode.SUBSTRING: ("karnemelk", "kaas"),
    MatchMode.CANONICAL_ID: ("verse melk", "verse kaas"),
}


def target_with(kind: RuleTarget, text: str, canonical_id: str | None) -> PlanTarget:
    if kind is RuleTarget.INGREDIENT:
        return dish(text, ids=(canonical_id,))
    if kind is RuleTarget.STEP:
        return dish(steps=(text,))
    if kind is RuleTarget.NOTES:
        return dish(notes=(text,))
    return dish(metadata=(text,))


EXPECTED = {
    (RuleAction.BLOCK, Strictness.HARD): (Outcome.BLOCKED, MatchEffect.BLOCK),
    (RuleAction.BLOCK, Strictness.SOFT): (Outcome.WARNED, MatchEffect.WARN),
    (RuleAction.ALLOW, Strictness.HARD): (Outcome.ALLOWED, MatchEffect.ALLOW),
    (RuleAction.ALLOW, Strictness.SOFT): (Outcome.ALLOWED, MatchEffect.ALLOW),
}

COMBINATIONS = [
    (action, strictness, kind, mode)
    for action, strictness, kind, mode in itertools.product(
        RuleAction, Strictness, RuleTarget, MatchMode
    )
    if not (mode is MatchMode.CANONICAL_ID and kind is not RuleTarget.INGREDIENT)
]


@pytest.mark.parametrize(("action", "strictness", "kind", "mode"), COMBINATIONS)
def test_every_action_strictness_target_and_mode_decides_as_documented(
    action: RuleAction, strictness: Strictness, kind: RuleTarget, mode: MatchMode
) -> None:
    hit, miss = MODE_CASES[mode]
    canonical = "ing:melk" if mode is MatchMode.CANONICAL_ID else None
    the_rule = rule(
        "melk",
        action=action,
        strictness=strictness,
        target=kind,
        mode=mode,
        canonical_id=canonical,
    )
    outcome, effect = EXPECTED[(action, strictness)]

    decision = check([the_rule], target_with(kind, hit, "ing:melk"))
    assert decision.outcome is outcome
    assert decision.ok is (outcome is not Outcome.BLOCKED)
    assert [m.effect for m in decision.matches] == [effect]
    assert decision.matches[0].target is kind

    missed = check([the_rule], target_with(kind, miss, "ing:kaas"))
    assert missed.outcome is Outcome.ALLOWED
    assert missed.matches == ()


@pytest.mark.parametrize("kind", [RuleTarget.STEP, RuleTarget.METADATA])
def test_canonical_id_mode_is_refused_outside_ingredients(kind: RuleTarget) -> None:
    with pytest.raises(InvalidInput) as err:
        rule("melk", target=kind, mode="canonical_id", canonical_id="ing:melk")
    assert err.value.errors[0]["loc"] == ["target"]


def test_a_rule_looks_only_at_its_own_target_kind() -> None:
    decision = check([rule("melk", target="step")], dish("melk", metadata=("melk",)))
    assert decision.outcome is Outcome.ALLOWED


# --- allow versus block ---------------------------------------------------------------

MILK = rule("milk", rule_id="no-milk", priority=5)
COCONUT = rule("coconut milk", rule_id="coconut-ok", action="allow", priority=50)


def test_allow_exempts_the_blocked_term_inside_its_own_match() -> None:
    decision = check([MILK, COCONUT], dish("coconut milk"))
    assert decision.outcome is Outcome.ALLOWED
    by_rule = {m.rule_id: m for m in decision.matches}
    assert by_rule["no-milk"].effect is MatchEffect.EXEMPTED
    assert by_rule["no-milk"].exempted_by == "coconut-ok"


def test_milk_elsewhere_in_the_same_ingredient_still_blocks() -> None:
    decision = check([MILK, COCONUT], dish("coconut milk and milk"))
    assert decision.outcome is Outcome.BLOCKED
    effects = [(m.start, m.effect) for m in decision.matches if m.rule_id == "no-milk"]
    assert effects == [(8, MatchEffect.EXEMPTED), (17, MatchEffect.BLOCK)]


def test_an_allow_in_another_ingredient_of_the_dish_exempts_nothing() -> None:
    decision = check([MILK, COCONUT], dish("coconut milk", "milk"))
    assert decision.outcome is Outcome.BLOCKED
    assert decision.applied_rule_ids == ("no-milk",)


def test_an_allow_of_the_very_same_term_never_unblocks() -> None:
    allow_milk = rule("milk", rule_id="milk-ok", action="allow", priority=1)
    decision = check([MILK, allow_milk], dish("milk"))
    assert decision.outcome is Outcome.BLOCKED


def test_a_soft_allow_exempts_a_hard_block_inside_it_just_the_same() -> None:
    soft_allow = rule("kokosmelk", rule_id="kokos", action="allow", strictness="soft")
    melk = rule("melk", rule_id="melk", compounds=True)
    assert check([melk, soft_allow], dish("kokosmelk")).outcome is Outcome.ALLOWED
    assert check([melk, soft_allow], dish("karnemelk")).outcome is Outcome.BLOCKED


def test_priority_orders_the_report_but_never_changes_the_outcome() -> None:
    low = rule("melk", rule_id="a-low", priority=900)
    high = rule("halfvolle melk", rule_id="z-high", priority=1, strictness="soft")
    decision = check([low, high], dish("halfvolle melk"))
    assert decision.outcome is Outcome.BLOCKED
    assert decision.applied_rule_ids == ("z-high", "a-low")
    assert [step.rule_id for step in decision.trace] == ["z-high", "a-low"]
    swapped = check(
        [
            rule("melk", rule_id="a-low", priority=1),
            rule("halfvolle melk", rule_id="z-high", priority=900, strictness="soft"),
        ],
        dish("halfvolle melk"),
    )
    assert swapped.outcome is Outcome.BLOCKED
    assert swapped.applied_rule_ids == ("a-low", "z-high")


# --- Dutch and English terms --------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "compounds", "text", "expected"),
    [
        ("melk", False, "Halfvolle MELK", ["MELK"]),
        ("melk", False, "karnemelk", []),
        ("melk", True, "karnemelk", ["melk"]),
        ("melk", True, "kokosmelk", ["melk"]),
        ("melk", True, "melkpoeder", ["melk"]),
        ("melk", True, "gemelkte", ["gemelkte", "melk"]),
        ("tarwebloem", False, "Tarwebloem, gezeefd", ["Tarwebloem"]),
        ("bloem", True, "tarwebloem", ["bloem"]),
        ("meel", True, "volkorenmeel", ["meel"]),
        ("volkoren", True, "volkorenmeel", ["volkoren"]),
        ("ei", True, "prei", ["ei"]),
        ("creme fraiche", False, "2 el crème fraîche", ["crème fraîche"]),
        ("crème fraîche", False, "CREME FRAICHE", ["CREME FRAICHE"]),
        ("creme", False, "crèmes brûlées", ["crèmes"]),
        ("crème", False, "crèmeux", []),
        ("rème", False, "crème", []),
        ("coconut milk", False, "coconut   milk", ["coconut   milk"]),
        ("straße", False, "STRASSE", ["STRASSE"]),
    ],
)
def test_dutch_and_english_terms_match_as_documented(
    term: str, compounds: bool, text: str, expected: list[str]
) -> None:
    decision = check([rule(term, compounds=compounds)], dish(text))
    assert matched(decision) == expected


@pytest.mark.parametrize(
    ("term", "text", "expected"),
    [
        ("egg", "2 eggs", "eggs"),
        ("tomato", "tomatoes", "tomatoes"),
        ("appel", "appels", "appels"),
        ("aardappel", "kruimige aardappelen", "aardappelen"),
        ("boon", "bonen", "bonen"),
        ("melk", "melks", "melks"),
    ],
)
def test_word_forms_match_by_their_stems(term: str, text: str, expected: str | None) -> None:
    decision = check([rule(term)], dish(text))
    assert matched(decision) == ([expected] if expected else [])


def test_a_plural_form_must_end_a_word() -> None:
    decision = check([rule("melk", compounds=True)], dish("melkschuim"))
    assert matched(decision) == ["melk"]


def test_exact_mode_accepts_the_plural_but_not_a_longer_text() -> None:
    assert matched(check([rule("egg", mode="exact")], dish(" Eggs "))) == ["Eggs"]
    assert matched(check([rule("egg", mode="exact")], dish("egg white"))) == []


def test_synonyms_match_and_the_longest_term_at_a_position_is_reported() -> None:
    decision = check([rule("milk", synonyms=("milk powder", "zuivel"))], dish("milk powder"))
    assert [(m.term, m.matched) for m in decision.matches] == [("milk powder", "milk powder")]


def test_spans_point_into_the_original_text() -> None:
    text = "  Crème  Fraîche (vol)"
    decision = check([rule("creme fraiche")], dish(text))
    match = decision.matches[0]
    assert (match.start, match.end) == (2, 16)
    assert text[match.start : match.end] == "Crème  Fraîche"


def test_decomposed_accents_stay_with_their_letter_in_spans() -> None:
    text = "cre\u0300me"
    decision = check([rule("creme")], dish(text))
    assert decision.matches[0].matched == text


def test_a_match_records_where_it_was_found() -> None:
    decision = check(
        [rule("melk", target="step")],
        dish("havermout", steps=("Verwarm", "Voeg de melk toe"), day="wed", slot="ontbijt"),
    )
    match = decision.matches[0]
    assert (match.day_key.value, match.slot_key, match.dish_id) == ("wed", "ontbijt", "d1")
    assert (match.target, match.index, match.text) == (RuleTarget.STEP, 1, "Voeg de melk toe")
    assert (match.start, match.end) == (8, 12)
