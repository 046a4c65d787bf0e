"""Compiled guardrails evaluator against the rule-by-rule reference.

A week of 42 dishes with 12 ingredients each is evaluated against rulesets of
100, 1,000 and 10,000 terms (each rule has two synonyms, so three times as many
terms are searched).
Figures are medians of several runs (the compile, one run); this script
prints, it never passes or fails on time. For figures that compare two source
trees, interleaved, see ``bench_store.py --only guardrails --compare``.

    python benchmarks/bench_guardrails.py
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

from harness import internal

from weekplan import DayKey
from weekplan.guardrails import (
    DietLogicConstraint,
    DietLogicItem,
    GuardDecision,
    GuardrailsRuleset,
    GuardRule,
    PlanTarget,
    RuleMatch,
    clear_cache,
    compile_ruleset,
    evaluate,
)

reference_evaluate = internal(
    "reference_evaluate",
    "weekplan.testing._guardrails_reference",
    "weekplan.testing.guardrails_reference",
)

SIZES = (100, 1_000, 10_000)
DISHES = 42
INGREDIENTS = 12
COMPILED_RUNS = 7
REFERENCE_RUNS = 3
# Enough syllables that random words rarely collide: a real week matches a handful
# of rules, not thousands, and the figures should show matching cost, not match count.
SYLLABLES = tuple(
    consonant + vowel
    for consonant in "bdfghjklmnprstvwz"
    for vowel in ("a", "e", "i", "o", "u", "è", "ë", "oe", "ij")
)
MODES = ("word_boundary", "word_boundary", "word_boundary", "substring", "exact")


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4)))


def ruleset_of(size: int, rng: random.Random) -> GuardrailsRuleset:
    rules = [
        GuardRule(
            f"rule-{index}",
            "allow" if index % 10 == 0 else "block",
            "hard" if index % 3 else "soft",
            rng.randint(1, 65500),
            "ingredient" if index % 5 else "step",
            RuleMatch(
                word(rng),
                synonyms=[word(rng), f"{word(rng)} {word(rng)}"],
                mode=MODES[index % len(MODES)],
                compounds=index % 7 == 0 and MODES[index % len(MODES)] == "word_boundary",
            ),
        )
        for index in range(size)
    ]
    logic = [
        DietLogicConstraint(
            "groente",
            "force",
            "groente",
            [DietLogicItem(word(rng), word(rng)) for _ in range(20)],
            min_per_day=2,
        ),
        DietLogicConstraint(
            "zuivel",
            "limit",
            "zuivel",
            [DietLogicItem(word(rng), word(rng)) for _ in range(20)],
            max_per_week=5,
        ),
    ]
    return GuardrailsRuleset(f"bench-{size}", rules=rules, diet_logic=logic)


def week(rng: random.Random, ruleset: GuardrailsRuleset) -> list[PlanTarget]:
    known = [rule.match.term for rule in ruleset.rules[:50]]
    days = list(DayKey)
    return [
        PlanTarget(
            days[index % 7],
            f"slot-{index // 7}",
            dish_id=f"dish-{index}",
            ingredients=[
                f"{rng.randint(1, 500)} g {rng.choice(known) if rng.random() < 0.1 else word(rng)}"
                for _ in range(INGREDIENTS)
            ],
            steps=[f"Meng de {word(rng)} met {word(rng)} en kook 10 minuten"],
        )
        for index in range(DISHES)
    ]


Evaluator = Callable[[GuardrailsRuleset, list[PlanTarget]], GuardDecision]


def median_seconds(
    run: Evaluator, ruleset: GuardrailsRuleset, plan: list[PlanTarget], runs: int
) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run(ruleset, plan)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    rng = random.Random(20260131)
    print(f"{DISHES} dishes x {INGREDIENTS} ingredients; medians of runs (ms)")
    header = (
        f"{'rules':>7} {'terms':>7} {'compile':>9} {'compiled':>9} {'reference':>10} {'ratio':>8}"
    )
    print(header)
    print("-" * len(header))
    for size in SIZES:
        ruleset = ruleset_of(size, rng)
        plan = week(rng, ruleset)
        n_terms = sum(len(rule.match.terms) for rule in ruleset.rules)
        clear_cache()
        start = time.perf_counter()
        matcher = compile_ruleset(ruleset)
        compile_ms = (time.perf_counter() - start) * 1000
        compiled = median_seconds(
            lambda _ruleset, targets, matcher=matcher: matcher.evaluate(targets),
            ruleset,
            plan,
            COMPILED_RUNS,
        )
        reference = median_seconds(reference_evaluate, ruleset, plan, REFERENCE_RUNS)
        assert evaluate(ruleset, plan) == reference_evaluate(ruleset, plan)
        print(
            f"{size:>7} {n_terms:>7} {compile_ms:>9.1f} {compiled * 1000:>9.2f} "
            f"{reference * 1000:>10.1f} {reference / compiled:>7.1f}x"
        )


if __name__ == "__main__":
    main()
