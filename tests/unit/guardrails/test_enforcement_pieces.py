"""The pieces enforcement is built from: dishes as targets, the stored check, dish filtering."""

from __future__ import annotations

import json

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from weekplan.domain._dishes import Dish
from weekplan.domain._entries import PlanEntry
from weekplan.domain._guardrails_check import GuardrailsCheck
from weekplan.errors import GuardrailsViolation, InvalidInput
from weekplan.guardrails import (
    DietLogicConstraint,
    DietLogicItem,
    GuardrailsRuleset,
    GuardRule,
    Outcome,
    PlanTarget,
    RuleMatch,
    RulesetCache,
    dish_target,
    evaluate,
    plan_targets,
)
from weekplan.planner._enforcement import blocked_dish_ids
from weekplan.testing import strategies as wps

WORDS = ("melk", "karnemelk", "kokosmelk", "room", "suiker", "ei", "prei", "rijst")


def _dish(dish_id: str, ingredients: list[str], steps: list[str], tags: list[str]) -> Dish:
    return Dish(dish_id, "tenant-a", dish_id, ingredients=ingredients, steps=steps, tags=tags)


def test_a_dish_is_seen_through_its_ingredients_steps_and_tags() -> None:
    dish = _dish("pap", ["melk", "havermout"], ["Kook de melk."], ["ontbijt"])
    target = dish_target(dish, "tue", "ontbijt")
    assert target == PlanTarget(
        "tue",
        "ontbijt",
        dish_id="pap",
        dish_name="pap",
        ingredients=("melk", "havermout"),
        steps=("Kook de melk.",),
        metadata=("ontbijt",),
    )


def test_entries_with_a_dish_or_notes_are_planned_and_notes_go_along() -> None:
    dishes = {"pap": _dish("pap", ["melk"], [], [])}
    entries = [
        PlanEntry("mon", "ontbijt", "pap", "met een glas melk"),
        PlanEntry("mon", "lunch", None, "iets lichts"),
        PlanEntry("tue", "lunch", None, None),
        PlanEntry("wed", "diner", "verwijderd"),
    ]
    targets = plan_targets(entries, dishes)
    assert [(t.day_key.value, t.slot_key, t.dish_id, t.notes) for t in targets] == [
        ("mon", "ontbijt", "pap", ("met een glas melk",)),
        ("mon", "lunch", None, ("iets lichts",)),
        ("wed", "diner", "verwijderd", ()),
    ]
    assert targets[2].ingredients == ()  # a dish gone from the catalog has nothing to match


def _soft_and_hard() -> GuardrailsRuleset:
    return GuardrailsRuleset(
        "d",
        version=3,
        rules=[
            GuardRule("hard", "block", "hard", 1, "ingredient", RuleMatch("melk")),
            GuardRule("soft", "block", "soft", 2, "ingredient", RuleMatch("suiker")),
        ],
    )


def test_a_check_records_what_decided_and_a_blocked_week_is_not_compliant() -> None:
    ruleset = _soft_and_hard()
    warned = evaluate(ruleset, [PlanTarget("mon", "x", ingredients=["suiker"])])
    check = GuardrailsCheck.of(ruleset, warned)
    assert (check.content_hash, check.diet_id, check.ruleset_version) == (
        ruleset.content_hash,
        "d",
        3,
    )
    assert (check.outcome, check.applied_rule_ids, check.warned) == (
        Outcome.WARNED,
        ("soft",),
        True,
    )
    assert check.compliant
    blocked = evaluate(ruleset, [PlanTarget("mon", "x", ingredients=["melk"])])
    not_yet = GuardrailsCheck.of(ruleset, blocked)
    assert (not_yet.outcome, not_yet.compliant, not_yet.applied_rule_ids) == (
        Outcome.BLOCKED,
        False,
        ("hard",),
    )
    assert GuardrailsCheck.from_dict(not_yet.to_dict()) == not_yet


def test_a_long_summary_is_clipped_to_what_a_store_keeps() -> None:
    ruleset = _soft_and_hard()
    step = "suiker " + "x" * 1990
    rule = GuardRule("soft-step", "block", "soft", 1, "step", RuleMatch("suiker"))
    long_ruleset = GuardrailsRuleset("d", rules=[*ruleset.rules, rule])
    decision = evaluate(long_ruleset, [PlanTarget("mon", "x", steps=[step])])
    check = GuardrailsCheck.of(long_ruleset, decision)
    assert len(check.summary) == 2000
    assert check.summary.endswith("…")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("content_hash", ""),
        ("diet_id", None),
        ("ruleset_version", 0),
        ("outcome", "refused"),
        ("summary", "   "),
        ("applied_rule_ids", "r1"),
        ("reason_codes", [""]),
    ],
)
def test_a_malformed_check_names_the_field(field: str, value: object) -> None:
    fields: dict[str, object] = {
        "content_hash": "sha256:00",
        "diet_id": "d",
        "ruleset_version": 1,
        "outcome": "allowed",
        "summary": "allowed",
    }
    with pytest.raises(InvalidInput) as caught:
        GuardrailsCheck(**{**fields, field: value})
    assert caught.value.errors[0]["loc"][0] == field


def test_drawn_instances_come_with_and_without_a_check() -> None:
    # The first match proves the strategy draws it; shrinking a whole instance to
    # the smallest match would prove nothing more and took a minute. The example
    # budget is its own, not the profile's: a warned check is a rare draw, and
    # finding stops at the first match however large the budget.
    first_match = settings(phases=[Phase.generate], database=None, max_examples=2000)
    unchecked = find(wps.instances(), lambda i: i.guardrails is None, settings=first_match)
    assert unchecked.guardrails is None
    warned = find(
        wps.instances(),
        lambda i: i.guardrails is not None and i.guardrails.warned,
        settings=first_match,
    )
    assert warned.guardrails is not None
    assert warned.guardrails.warned


@given(wps.guardrails_checks())
def test_a_check_round_trips_through_its_dict_and_json(check: GuardrailsCheck) -> None:
    assert GuardrailsCheck.from_dict(json.loads(json.dumps(check.to_dict()))) == check


@pytest.mark.parametrize(
    ("payload", "loc"),
    [
        ([], ["guardrails"]),
        ({"content_hash": "sha256:00"}, ["guardrails"]),
        ({"content_hash": "sha256:00", "colour": "red"}, ["guardrails", "colour"]),
        (
            {
                "content_hash": "sha256:00",
                "diet_id": "d",
                "ruleset_version": 1,
                "outcome": "refused",
                "summary": "s",
            },
            ["guardrails", "outcome"],
        ),
    ],
)
def test_a_malformed_stored_check_names_the_field(payload: object, loc: list[str]) -> None:
    with pytest.raises(InvalidInput) as caught:
        GuardrailsCheck.from_dict(payload)
    assert caught.value.errors[0]["loc"] == loc


def test_a_violation_carries_the_decision_and_answers_422() -> None:
    ruleset = _soft_and_hard()
    decision = evaluate(ruleset, [PlanTarget("mon", "x", ingredients=["melk"])])
    error = GuardrailsViolation(decision)
    assert error.decision is decision
    assert error.status_code == 422
    assert error.to_dict()["detail"] == "guardrails_violation"
    assert error.to_dict()["decision"]["applied_rule_ids"] == ["hard"]


words = st.lists(st.sampled_from(WORDS), max_size=3)


@st.composite
def firewall_rulesets(draw: st.DrawFn) -> GuardrailsRuleset:
    rules = [
        GuardRule(f"r{i}", action, strictness, 1 + i, target, RuleMatch(term, compounds=compounds))
        for i, (action, strictness, target, term, compounds) in enumerate(
            draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(["block", "allow"]),
                        st.sampled_from(["hard", "soft"]),
                        st.sampled_from(["ingredient", "step", "metadata"]),
                        st.sampled_from(WORDS),
                        st.booleans(),
                    ),
                    max_size=5,
                )
            )
        )
    ]
    logic = [
        DietLogicConstraint(f"c{i}", kind, term, [DietLogicItem(term)], strictness=strictness)
        for i, (kind, strictness, term) in enumerate(
            draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(["drop", "pass"]),
                        st.sampled_from(["hard", "soft"]),
                        st.sampled_from(WORDS),
                    ),
                    max_size=2,
                )
            )
        )
    ]
    return GuardrailsRuleset("random", rules=rules, diet_logic=logic)


@given(
    ruleset=firewall_rulesets(),
    dishes=st.lists(st.tuples(words, words, words), max_size=6),
)
def test_suggestion_filtering_in_one_pass_equals_judging_each_dish_alone(
    ruleset: GuardrailsRuleset, dishes: list[tuple[list[str], list[str], list[str]]]
) -> None:
    catalog = [_dish(f"d{i}", *texts) for i, texts in enumerate(dishes)]
    alone = {
        dish.id for dish in catalog if not evaluate(ruleset, [dish_target(dish, "mon", "lunch")]).ok
    }
    assert blocked_dish_ids(ruleset, catalog, "lunch", rulesets=RulesetCache()) == alone


def test_quotas_never_block_a_single_dish() -> None:
    ruleset = GuardrailsRuleset(
        "q",
        diet_logic=[
            DietLogicConstraint("veg", "force", "veg", [DietLogicItem("wortel")], min_per_day=3),
            DietLogicConstraint("ei", "limit", "ei", [DietLogicItem("ei")], max_per_day=0),
        ],
    )
    catalog = [_dish("omelet", ["ei"], [], []), _dish("rijst", ["rijst"], [], [])]
    assert blocked_dish_ids(ruleset, catalog, "lunch", rulesets=RulesetCache()) == frozenset()
