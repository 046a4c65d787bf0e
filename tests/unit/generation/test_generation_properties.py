"""Properties of the solver on small random problems, with brute force as the oracle.

Whatever the catalog, diet, locks and seed: a generated week holds no hard
violation, never changes a locked or out-of-scope slot, meets every quota it
reports as met; and the solver calls a problem infeasible only when trying
every assignment finds no week either, and finds a week whenever one exists.
"""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weekplan import Dish, GenerationInfeasible, PlanEntry
from weekplan.generation import CpSatGenerator, GenerationRequest, profile_catalog, slot_fit
from weekplan.guardrails import (
    DietLogicConstraint,
    GuardrailsRuleset,
    MatchEffect,
    evaluate,
    plan_targets,
)
from weekplan.testing._generation_problems import block, diet, quota

pytest.importorskip("ortools", reason="the solver needs the generate extra")

TERMS = ("melk", "vis", "rund", "kaas", "bonen", "appel")
MEALS = ("breakfast", "lunch", "dinner")
SLOTS = ("breakfast", "lunch", "dinner", "snack")
SOLVER = CpSatGenerator()


@st.composite
def dishes(draw: st.DrawFn) -> list[Dish]:
    count = draw(st.integers(1, 6))
    return [
        Dish(
            f"d{i}",
            "tenant-a",
            f"Dish {i}",
            draw(st.lists(st.sampled_from(MEALS), max_size=2)),
            ingredients=draw(st.lists(st.sampled_from(TERMS), max_size=3)),
        )
        for i in range(count)
    ]


@st.composite
def rulesets(draw: st.DrawFn) -> GuardrailsRuleset | None:
    if draw(st.booleans()):
        return None
    parts: list[object] = [
        block(term, draw(st.sampled_from(["hard", "soft"])))
        for term in draw(st.lists(st.sampled_from(TERMS), max_size=2, unique=True))
    ]
    for index, term in enumerate(draw(st.lists(st.sampled_from(TERMS), max_size=3))):
        kind = draw(st.sampled_from(["force", "limit"]))
        scope = draw(st.sampled_from(["day", "week"]))
        bound = draw(st.integers(0, 2))
        field = f"{'min' if kind == 'force' else 'max'}_per_{scope}"
        strictness = draw(st.sampled_from(["hard", "hard", "soft"]))
        parts.append(quota(f"q{index}", kind, term, strictness, **{field: bound}))
    return diet(*parts)  # type: ignore[arg-type]


@st.composite
def requests(draw: st.DrawFn) -> GenerationRequest:
    catalog = draw(dishes())
    days = draw(
        st.lists(st.sampled_from(["mon", "tue", "wed"]), min_size=1, max_size=2, unique=True)
    )
    slots = draw(st.lists(st.sampled_from(SLOTS), min_size=1, max_size=2, unique=True))
    ids = [dish.id for dish in catalog]
    week = [
        PlanEntry(day, slot, dish_template_id=draw(st.none() | st.sampled_from(ids)))
        for day in days
        for slot in slots
    ]
    keys = [entry.key for entry in week]
    fill = draw(st.lists(st.sampled_from(keys), unique=True, max_size=4))
    locked = draw(st.lists(st.sampled_from(keys), unique=True, max_size=2))
    return GenerationRequest(
        "tenant-a",
        "client-1",
        "2026-11-23",  # type: ignore[arg-type]
        week=week,
        fill=fill,
        catalog=catalog,
        ruleset=draw(rulesets()),
        recent_dish_ids=draw(st.lists(st.sampled_from(ids), max_size=2)),
        locked=locked,
        seed=draw(st.integers(0, 1000)),
        max_repeats=draw(st.integers(1, 2)),
    )


def brute_force_has_a_week(request: GenerationRequest) -> bool:
    profiles = profile_catalog(request.catalog, request.ruleset)
    allowed = [d for d in request.catalog if not profiles[d.id].blocked]
    options = [
        slot_fit(slot, allowed, request.vocabulary).dish_ids for _, slot in request.slots_to_fill
    ]
    kept = Counter(
        e.dish_template_id
        for e in request.week
        if e.key not in request.slots_to_fill and e.dish_template_id is not None
    )
    for picks in itertools.product(*options):
        uses = Counter(picks)
        if any(uses[d] + kept[d] > request.max_repeats for d in uses):
            continue
        chosen = dict(zip(request.slots_to_fill, picks, strict=True))
        week = tuple(
            PlanEntry(e.day_key, e.slot_key, chosen.get(e.key, e.dish_template_id), e.notes)
            for e in request.week
        )
        if (
            request.ruleset is None
            or evaluate(request.ruleset, plan_targets(week, {d.id: d for d in request.catalog})).ok
        ):
            return True
    return False


@settings(max_examples=80)
@given(requests())
def test_a_generated_week_is_sound_and_infeasible_exactly_when_no_week_exists(
    request: GenerationRequest,
) -> None:
    if not brute_force_has_a_week(request):
        with pytest.raises(GenerationInfeasible) as caught:
            SOLVER.generate(request)
        assert caught.value.conflicts
        return
    # A week exists, so the solver finds one.
    result = SOLVER.generate(request)
    week = result.apply_to(request.week)
    # Exactly the slots to fill were filled; every other slot is as it was.
    assert sorted(e.key for e in result.entries) == sorted(request.slots_to_fill)
    for before, after in zip(request.week, week, strict=True):
        if before.key not in request.slots_to_fill:
            assert after == before
    if request.ruleset is None:
        return
    decision = evaluate(request.ruleset, plan_targets(week, {d.id: d for d in request.catalog}))
    # No hard violation: nothing blocked matched, and no hard quota failed.
    assert decision.ok, decision.summary
    assert not any(m.effect is MatchEffect.BLOCK for m in decision.matches)
    # Every quota the solver reports as met is met by the guardrails' own count.
    for check in decision.quota_checks:
        if check.rule_id in result.quotas_met:
            assert check.ok, check
    hard_quotas = {
        c.id
        for c in request.ruleset.diet_logic
        if isinstance(c, DietLogicConstraint) and c.strictness.value == "hard"
    }
    assert {check.rule_id for check in decision.quota_checks} & hard_quotas <= set(
        result.quotas_met
    )
