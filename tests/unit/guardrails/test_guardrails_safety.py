"""The safety rules of the evaluator, one table per rule, with Dutch and English examples.

Every decision is also held to the reference evaluator.
"""

from __future__ import annotations

from typing import Any

import pytest

from weekplan.errors import InvalidInput
from weekplan.guardrails import (
    AllowScope,
    DietLogicConstraint,
    DietLogicItem,
    GuardDecision,
    GuardrailsRuleset,
    GuardRule,
    Outcome,
    PlanTarget,
    RuleMatch,
    RuleMetadata,
    evaluate,
    ruleset_from_dict,
)
from weekplan.guardrails._progress import worsened
from weekplan.testing._guardrails_reference import reference_evaluate

DAIRY = RuleMetadata(category="zuivel")


def decide(ruleset: GuardrailsRuleset, *targets: PlanTarget) -> GuardDecision:
    decision = evaluate(ruleset, targets)
    assert decision == reference_evaluate(ruleset, targets)
    return decision


def dish(*ingredients: str, notes: tuple[str, ...] = (), day: str = "mon") -> PlanTarget:
    return PlanTarget(day, "diner", dish_id="d", ingredients=ingredients, notes=notes)


# --- 1. an allow never lifts another diet's block --------------------------------------

NUTS = DietLogicConstraint(
    "noten",
    "drop",
    "noten",
    [DietLogicItem("almond", "amandel"), DietLogicItem("peanut", "pinda")],
)
PLANT_MILK_ALLOW = GuardRule(
    "plantaardig",
    "allow",
    "hard",
    2,
    "ingredient",
    RuleMatch("peanut butter", synonyms=["amandelmelk", "pindakaas"]),
    metadata=DAIRY,
)
DAIRY_BLOCK = GuardRule(
    "geen-zuivel",
    "block",
    "hard",
    1,
    "ingredient",
    RuleMatch("butter", term_nl="melk", compounds=True),
    metadata=DAIRY,
)
KOEMELKVRIJ_AND_NUTS = GuardrailsRuleset(
    "koemelkvrij-notenallergie", rules=[DAIRY_BLOCK, PLANT_MILK_ALLOW], diet_logic=[NUTS]
)


@pytest.mark.parametrize(
    ("food", "outcome", "violated"),
    [
        ("amandelmelk", Outcome.BLOCKED, ("noten",)),
        ("pindakaas", Outcome.BLOCKED, ("noten",)),
        ("peanut butter", Outcome.BLOCKED, ("noten",)),
        ("Peanut Butter, smooth", Outcome.BLOCKED, ("noten",)),
        ("karnemelk", Outcome.BLOCKED, ("geen-zuivel",)),
        ("rijst", Outcome.ALLOWED, ()),
    ],
)
def test_a_plant_milk_allow_never_lifts_the_nut_drop(
    food: str, outcome: Outcome, violated: tuple[str, ...]
) -> None:
    decision = decide(KOEMELKVRIJ_AND_NUTS, dish(food))
    assert (decision.outcome, decision.applied_rule_ids) == (outcome, violated)


def test_the_allow_still_exempts_the_dairy_inside_its_own_match() -> None:
    decision = decide(KOEMELKVRIJ_AND_NUTS, dish("amandelmelk"))
    effects = {(m.rule_id, m.matched): m.effect.value for m in decision.matches}
    assert effects == {
        ("geen-zuivel", "melk"): "exempted",
        ("plantaardig", "amandelmelk"): "allow",
        ("noten", "amandel"): "block",
    }


@pytest.mark.parametrize(
    ("scope", "exempted"),
    [
        (None, False),  # another category: never
        (AllowScope(categories=["Noten"]), True),  # named, folded
        (AllowScope(rule_ids=["noten"]), True),
        (AllowScope(rule_ids=["geen-zuivel"]), False),
    ],
)
def test_a_scope_names_what_an_allow_may_exempt(scope: AllowScope | None, exempted: bool) -> None:
    allow = GuardRule(
        "amandelmelk-mag",
        "allow",
        "hard",
        1,
        "ingredient",
        RuleMatch("amandelmelk"),
        metadata=DAIRY,
        exempts=scope,
    )
    ruleset = GuardrailsRuleset("d", rules=[DAIRY_BLOCK, allow], diet_logic=[NUTS])
    decision = decide(ruleset, dish("amandelmelk"))
    nut = next(m for m in decision.matches if m.rule_id == "noten")
    assert nut.effect.value == ("exempted" if exempted else "block")


# --- 2. word forms from a real stemmer ---------------------------------------------------


@pytest.mark.parametrize(
    ("item", "text"),
    [
        (DietLogicItem("tomato", "tomaat"), "tomaten"),
        (DietLogicItem("nut", "noot"), "gemengde noten"),
        (DietLogicItem("bean", "boon"), "bruine bonen"),
        (DietLogicItem("chicken", "kip"), "kippen"),
        (DietLogicItem("potato", "aardappel"), "aardappelen"),
        (DietLogicItem("egg", "ei", synonyms=["eieren"]), "2 eieren"),
        (DietLogicItem("egg", "ei"), "3 eggs"),
        (DietLogicItem("tomato", "tomaat"), "cherry tomatoes"),
        (DietLogicItem("peanut", "pinda"), "salted peanuts"),
    ],
)
def test_inflected_forms_match_through_stems(item: DietLogicItem, text: str) -> None:
    drop = DietLogicConstraint("c", "drop", "c", [item])
    decision = decide(GuardrailsRuleset("d", diet_logic=[drop]), dish(text))
    assert decision.outcome is Outcome.BLOCKED
    match = decision.matches[0]
    assert text[match.start : match.end] == match.matched  # the span is in the original text


# --- 3. compounds and exceptions ----------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "exceptions", "text", "found"),
    [
        ("kip", (), "kipfilet", ["kip"]),
        ("kip", (), "kippenbouillon", ["kip"]),
        ("vis", (), "vissaus", ["vis"]),
        ("vis", (), "tonijnvis", ["vis"]),
        ("vis", (), "bevissen", []),  # a short term never in the middle of a word
        ("room", (), "slagroomtaart", ["room"]),
        ("room", (), "champignonroomsaus", ["room"]),
        ("melk", (), "karnemelk", ["melk"]),
        ("ei", ("prei", "reis", "weide"), "prei", []),
        ("ei", ("prei", "reis", "weide"), "eierkoek", ["ei"]),
        ("ei", ("prei",), "preien", []),  # the exception's stem too
        ("egg", (), "eggplant", ["egg"]),
        ("egg", ("eggplant",), "grilled eggplant", []),
    ],
)
def test_compounds_and_exceptions(
    term: str, exceptions: tuple[str, ...], text: str, found: list[str]
) -> None:
    rule = GuardRule(
        "r",
        "block",
        "hard",
        1,
        "ingredient",
        RuleMatch(term, compounds=True, exceptions=exceptions),
    )
    decision = decide(GuardrailsRuleset("d", rules=[rule]), dish(text))
    assert [m.matched for m in decision.matches] == found


@pytest.mark.parametrize(
    ("rule", "loc"),
    [
        ({"match": {"term": "melk", "mode": "substring", "compounds": True}}, "compounds"),
        ({"match": {"term": "coconut milk", "compounds": True}}, "compounds"),
        ({"match": {"term": "ei", "mode": "exact", "exceptions": ["prei"]}}, "exceptions"),
        ({"match": {"term": "ei", "exceptions": ["prei saus"]}}, "exceptions"),
        (
            {"match": {"term": "x", "mode": "canonical_id", "canonical_id": "x", "term_nl": "x"}},
            "term_nl",
        ),
        ({"match": {"term": "melk"}, "exempts": {"categories": ["zuivel"]}}, "exempts"),
        ({"match": {"term": "melk"}, "target": "step", "check_notes": False}, "check_notes"),
        ({"match": {"term": "melk"}, "action": "allow", "exempts": {}}, "exempts"),
    ],
)
def test_an_option_that_cannot_apply_is_invalid_at_load(rule: dict[str, Any], loc: str) -> None:
    payload = {
        "id": "r",
        "action": "block",
        "strictness": "hard",
        "priority": 1,
        "target": "ingredient",
        **rule,
    }
    with pytest.raises(InvalidInput) as caught:
        ruleset_from_dict({"diet_id": "d", "rules": [payload]})
    assert loc in caught.value.errors[0]["loc"]


def test_a_scope_naming_an_unknown_rule_is_invalid_at_load() -> None:
    allow = {
        "id": "a",
        "action": "allow",
        "strictness": "hard",
        "priority": 1,
        "target": "ingredient",
        "match": {"term": "kokosmelk"},
        "exempts": {"rule_ids": ["geen-melk"]},
    }
    with pytest.raises(InvalidInput) as caught:
        ruleset_from_dict({"diet_id": "d", "rules": [allow]})
    assert caught.value.errors[0]["loc"] == ["rules", 0, "exempts", "rule_ids", 0]


# --- 4. notes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "check_notes", "outcome"),
    [
        ("glas melk", None, Outcome.BLOCKED),
        ("a glass of milk", None, Outcome.BLOCKED),
        ("glas havermelk", None, Outcome.ALLOWED),
        ("glas melk", False, Outcome.ALLOWED),
    ],
)
def test_ingredient_rules_read_notes_unless_they_say_otherwise(
    note: str, check_notes: bool | None, outcome: Outcome
) -> None:
    rule = GuardRule(
        "geen-melk",
        "block",
        "hard",
        1,
        "ingredient",
        RuleMatch("milk", term_nl="melk"),
        check_notes=check_notes,
    )
    decision = decide(GuardrailsRuleset("d", rules=[rule]), dish(notes=(note,)))
    assert decision.outcome is outcome
    if outcome is Outcome.BLOCKED:
        match = decision.matches[0]
        assert (match.target.value, note[match.start : match.end]) == ("notes", match.matched)


def test_notes_rules_read_only_notes_and_diet_logic_counts_notes() -> None:
    rule = GuardRule("geen-suiker", "block", "soft", 1, "notes", RuleMatch("suiker"))
    fish = DietLogicConstraint(
        "vis", "force", "vis", [DietLogicItem("fish", "vis", synonyms=["zalm"])], min_per_week=1
    )
    ruleset = GuardrailsRuleset("d", rules=[rule], diet_logic=[fish])
    noted = PlanTarget("mon", "diner", notes=("zalm, zonder suiker",))
    decision = decide(ruleset, noted, dish("suiker"))
    assert decision.outcome is Outcome.WARNED
    assert [(m.rule_id, m.target.value) for m in decision.matches] == [
        ("geen-suiker", "notes"),
        ("vis", "notes"),
    ]


# --- 5. never worse -----------------------------------------------------------------------

FISH_TWICE = DietLogicConstraint(
    "vis", "force", "vis", [DietLogicItem("fish", "vis", synonyms=["zalm"])], min_per_week=2
)
SUGAR_ONCE = DietLogicConstraint(
    "suiker", "limit", "suiker", [DietLogicItem("sugar", "suiker")], max_per_week=1
)
NO_MILK = GuardRule(
    "geen-melk", "block", "hard", 1, "ingredient", RuleMatch("milk", term_nl="melk")
)
WEEK_RULES = GuardrailsRuleset("d", rules=[NO_MILK], diet_logic=[FISH_TWICE, SUGAR_ONCE])

PAP = dish("melk", "griesmeel", day="mon")
ZALM = dish("zalm", day="tue")
VIS = dish("gebakken vis", day="wed")
KOEK = dish("suiker", day="thu")
TAART = dish("suiker", day="fri")


@pytest.mark.parametrize(
    ("before", "after", "worse"),
    [
        (None, [ZALM], ()),  # the first fish dinner of an empty week
        ([ZALM], [ZALM, VIS], ()),
        ([ZALM, VIS], [ZALM], ("vis",)),  # further from the minimum again
        ([PAP], [PAP, ZALM], ()),  # an old violation may stay
        ([ZALM], [ZALM, PAP], ("geen-melk",)),  # a new one may not
        ([PAP], [dish("melk", day="sat")], ("geen-melk",)),  # nor move to another slot
        ([KOEK], [KOEK, ZALM], ()),
        ([KOEK], [KOEK, TAART], ("suiker",)),  # over the maximum
        ([KOEK, TAART], [KOEK], ()),
        (None, [PAP], ("geen-melk",)),  # a new week is compared with an empty one
    ],
)
def test_a_change_is_worse_only_when_it_adds_a_violation_or_moves_a_quota_away(
    before: list[PlanTarget] | None, after: list[PlanTarget], worse: tuple[str, ...]
) -> None:
    old = None if before is None else evaluate(WEEK_RULES, before)
    assert worsened(WEEK_RULES, old, evaluate(WEEK_RULES, after)) == worse


def test_soft_violations_never_make_a_week_worse() -> None:
    soft = GuardrailsRuleset(
        "d",
        rules=[GuardRule("minder-suiker", "block", "soft", 1, "ingredient", RuleMatch("sugar"))],
    )
    assert worsened(soft, None, evaluate(soft, [dish("sugar")])) == ()
