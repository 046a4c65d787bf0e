"""Loading rulesets from dicts, JSON and seed rows; the error and the prompt constraints."""

from __future__ import annotations

import json
from typing import Any

import pytest

from weekplan import GuardrailsViolation
from weekplan.errors import InvalidInput
from weekplan.guardrails import (
    DietLogicKind,
    GuardrailsRuleset,
    MatchMode,
    Outcome,
    PlanTarget,
    compile_constraints,
    evaluate,
    ruleset_from_dict,
    ruleset_from_json,
    ruleset_from_seed_tables,
    ruleset_to_dict,
)


def rule_dict(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "no-milk",
        "action": "block",
        "strictness": "hard",
        "priority": 10,
        "target": "ingredient",
        "match": {"term": "melk", "synonyms": ["zuivel"], "mode": "word_boundary"},
        "remediation": {"substitutes": ["havermelk", "sojamelk"]},
    }
    return base | changes


SEED_CATEGORIES: list[dict[str, Any]] = [
    {
        "id": "cat-dairy",
        "code": "dairy",
        "name": "Dairy",
        "name_nl": "zuivel",
        "items": [
            {"term": "milk", "term_nl": "melk", "synonyms": ["buttermilk"]},
            {"term": "cheese", "term_nl": "kaas", "is_active": False},
        ],
    },
    {
        "id": "cat-veg",
        "code": "vegetables",
        "name": "Vegetables",
        "name_nl": "groente",
        "items": [{"term": "carrot", "term_nl": "wortel", "synonyms": []}],
    },
    {
        "id": "cat-plant",
        "code": "plant_milk",
        "name": "Plant milk",
        "items": [{"term": "oat milk", "term_nl": "havermelk"}],
    },
]
SEED_CONSTRAINTS: list[dict[str, Any]] = [
    {
        "category_id": "cat-dairy",
        "constraint_type": "forbidden",
        "strictness": "hard",
        "rule_action": "block",
        "rule_priority": 1,
        "created_at": "2026-01-31",
    },
    {
        "category_id": "cat-veg",
        "constraint_type": "required",
        "strictness": "soft",
        "rule_action": "block",
        "rule_priority": 20,
        "min_per_day": 1,
        "min_per_week": None,
    },
    {"category_id": "cat-plant", "constraint_type": "forbidden", "rule_action": "allow"},
    {"category_id": "cat-veg", "constraint_type": "forbidden", "is_active": False},
]


def test_a_ruleset_survives_a_round_trip_through_a_dict_and_json() -> None:
    ruleset = ruleset_from_dict({"diet_id": "koemelkvrij", "version": 3, "rules": [rule_dict()]})
    payload = ruleset_to_dict(ruleset)
    assert payload["rules"][0]["match"]["mode"] == "word_boundary"
    assert payload["content_hash"] == ruleset.content_hash
    assert ruleset_from_dict(payload) == ruleset
    assert ruleset_to_dict(ruleset_from_json(json.dumps(payload))) == payload


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        (
            {
                "diet_id": "d",
                "rules": [rule_dict()] * 3 + [rule_dict(match={"term": "m", "mode": "fuzzy"})],
            },
            [
                (
                    ["rules", 3, "match", "mode"],
                    "must be one of exact, word_boundary, substring, canonical_id",
                )
            ],
        ),
        (
            {"diet_id": "d", "rules": [rule_dict(priority=0)]},
            [(["rules", 0, "priority"], "must be between 1 (highest) and 65500")],
        ),
        (
            {"diet_id": "d", "rules": [rule_dict(priority="1", extra=1)]},
            [
                (["rules", 0, "priority"], "must be an integer"),
                (["rules", 0, "extra"], "unknown field"),
            ],
        ),
        (
            {"diet_id": "d", "rules": [{"id": "r"}]},
            [
                (["rules", 0, "action"], "field required"),
                (["rules", 0, "strictness"], "field required"),
                (["rules", 0, "priority"], "field required"),
                (["rules", 0, "target"], "field required"),
                (["rules", 0, "match"], "field required"),
            ],
        ),
        (
            {"diet_id": "d", "rules": "melk"},
            [(["rules"], "must be a list")],
        ),
        (
            {"diet_id": "d", "rules": [rule_dict(), rule_dict()]},
            [(["rules", 1, "id"], "duplicate id 'no-milk' (also in rules)")],
        ),
        (
            {"diet_id": "d", "rules": [rule_dict(match={"term": "m", "synonyms": ["a", 5]})]},
            [(["rules", 0, "match", "synonyms", 1], "must be a string")],
        ),
        (
            {
                "diet_id": "d",
                "diet_logic": [
                    {
                        "id": "c",
                        "kind": "force",
                        "category": "groente",
                        "items": [{"term": "wortel"}],
                    }
                ],
            },
            [(["diet_logic", 0, "min_per_day"], "force needs min_per_day or min_per_week")],
        ),
        ([1], [([], "must be an object")]),
        (
            {"diet_id": "d", "rules": [rule_dict(match="melk")], "provenance": []},
            [(["rules", 0, "match"], "must be an object"), (["provenance"], "must be an object")],
        ),
    ],
)
def test_a_malformed_payload_names_each_bad_field_by_its_path(
    payload: Any, errors: list[tuple[list[Any], str]]
) -> None:
    with pytest.raises(InvalidInput) as err:
        ruleset_from_dict(payload)
    assert [(e["loc"], e["msg"]) for e in err.value.errors] == errors


def test_a_payload_whose_rules_changed_after_hashing_is_refused() -> None:
    payload = ruleset_to_dict(ruleset_from_dict({"diet_id": "d", "rules": [rule_dict()]}))
    payload["rules"][0]["match"]["term"] = "kaas"
    with pytest.raises(InvalidInput) as err:
        ruleset_from_dict(payload)
    assert err.value.errors[0]["loc"] == ["content_hash"]


def test_invalid_json_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        ruleset_from_json("{not json")


def test_seed_tables_map_onto_diet_logic_and_rules() -> None:
    ruleset = ruleset_from_seed_tables(
        "koemelkvrij",
        SEED_CATEGORIES,
        SEED_CONSTRAINTS,
        [
            {
                "id": "adapt-1",
                "term": "boter",
                "synonyms": ["roomboter"],
                "rule_code": "NO_BUTTER",
                "rule_label": "Geen boter",
                "substitution_suggestions": ["olijfolie"],
                "priority": 5,
                "match_mode": "word_boundary",
            }
        ],
    )
    kinds = {c.id: (c.kind, c.strictness.value, c.priority) for c in ruleset.diet_logic}
    assert kinds == {
        "koemelkvrij:dairy": (DietLogicKind.DROP, "hard", 1),
        "koemelkvrij:vegetables": (DietLogicKind.FORCE, "soft", 20),
        "koemelkvrij:plant_milk": (DietLogicKind.PASS, "hard", 65500),
    }
    dairy = next(c for c in ruleset.diet_logic if c.kind is DietLogicKind.DROP)
    assert [item.term for item in dairy.items] == ["milk"]  # the inactive item is left out
    (butter,) = ruleset.rules
    assert (butter.match.mode, butter.metadata.rule_code) == (MatchMode.WORD_BOUNDARY, "NO_BUTTER")

    week = [
        PlanTarget("mon", "ontbijt", ingredients=["havermelk", "wortel"]),
        PlanTarget("tue", "ontbijt", ingredients=["karnemelk", "roomboter"]),
    ]
    decision = evaluate(ruleset, week)
    assert decision.outcome is Outcome.BLOCKED
    assert decision.applied_rule_ids == (
        "koemelkvrij:dairy",
        "adapt-1",
        "koemelkvrij:vegetables",
    )
    assert "Geen boter: use olijfolie instead" in decision.remediation_hints


def test_bad_seed_rows_are_reported_with_their_table_and_index() -> None:
    constraints = [*SEED_CONSTRAINTS, {"category_id": "nope", "constraint_type": "forbidden"}]
    rules = [{"term": "", "id": "x"}]
    with pytest.raises(InvalidInput) as err:
        ruleset_from_seed_tables("d", SEED_CATEGORIES, constraints, rules)
    assert [e["loc"] for e in err.value.errors] == [
        ["constraints", 4, "category_id"],
        ["adaptation_rules", 0, "term"],
    ]


def test_guardrails_violation_carries_the_decision_and_a_compact_body() -> None:
    ruleset = ruleset_from_dict({"diet_id": "d", "rules": [rule_dict()]})
    decision = evaluate(ruleset, [PlanTarget("mon", "lunch", ingredients=["melk"])])
    error = GuardrailsViolation(decision)
    assert (error.status_code, error.decision) == (422, decision)
    assert error.to_dict() == {
        "detail": "guardrails_violation",
        "decision": {
            "outcome": "blocked",
            "reason_codes": ["blocked_ingredient"],
            "applied_rule_ids": ["no-milk"],
            "summary": decision.summary,
        },
    }


def test_prompt_constraints_are_deterministic_and_name_the_dutch_terms() -> None:
    ruleset = ruleset_from_seed_tables("koemelkvrij", SEED_CATEGORIES, SEED_CONSTRAINTS)
    shuffled = GuardrailsRuleset(
        "koemelkvrij", rules=ruleset.rules[::-1], diet_logic=ruleset.diet_logic[::-1]
    )
    compiled = compile_constraints(ruleset)
    assert compiled == compile_constraints(shuffled)
    assert compiled.text.splitlines() == [
        "Diet koemelkvrij, ruleset version 1.",
        "Avoid (hard): milk (nl: melk) (also: buttermilk) [zuivel].",
        "Allowed: oat milk (nl: havermelk) [Plant milk].",
        "Include: carrot (nl: wortel) [groente at least 1 per day] (soft).",
    ]
    data = compiled.as_json()
    assert [c["id"] for c in data["include"]] == ["koemelkvrij:vegetables"]
    data["include"].clear()
    assert compiled.as_json()["include"]  # as_json hands out a copy


def test_seed_items_may_carry_exceptions() -> None:
    categories = [
        {
            "id": 1,
            "code": "egg",
            "name": "Eggs",
            "items": [{"term": "egg", "term_nl": "ei", "exceptions": ["prei", "reis"]}],
        }
    ]
    constraints = [{"category_id": 1, "constraint_type": "forbidden"}]
    ruleset = ruleset_from_seed_tables("eivrij", categories, constraints)
    assert ruleset.diet_logic[0].items[0].exceptions == ("prei", "reis")
    leek = evaluate(ruleset, [PlanTarget("mon", "diner", ingredients=["prei"])])
    eggs = evaluate(ruleset, [PlanTarget("mon", "diner", ingredients=["eiersalade"])])
    assert (leek.ok, eggs.ok) == (True, False)
