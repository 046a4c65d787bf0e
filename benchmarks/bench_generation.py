"""Week generation: the CP-SAT generator beside a random-by-meal-type baseline.

A 42-slot week (six slots a day) from a 1,000-dish catalog under a diet of
10 Diet Logic quotas (force and limit, per day and per week) and 50 hard block
rules, over 100 seeds. For each generator: the median and 95th percentile time
per week, and per week the hard violations (blocked matches plus missed hard
quotas, as the guardrails evaluator counts them), the quota misses and the
repeated dishes (slots minus distinct dishes).
The baseline picks, per slot, a random dish labelled with the slot's meal
type, as peers pick at random by tag. This script prints; it never passes or
fails on time.

    python benchmarks/bench_generation.py [--seeds 100] [--dishes 1000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from harness import internal

from weekplan import MealType
from weekplan.generation import (
    CpSatGenerator,
    GeneratedEntry,
    GeneratedWeek,
    GenerationRequest,
    slot_fit,
)
from weekplan.guardrails import MatchEffect, evaluate, plan_targets

synthetic_request = internal(
    "synthetic_request",
    "weekplan.testing._generation_problems",
    "weekplan.testing.generation_problems",
)


def random_by_meal_type(request: GenerationRequest) -> GeneratedWeek:
    """The peers' way: any dish tagged with the slot's meal type, at random."""
    rng = random.Random(request.seed)
    fits: dict[MealType | None, tuple[str, ...]] = {}
    entries = []
    for day, slot in request.slots_to_fill:
        meal_type = request.vocabulary.meal_type(slot)
        if meal_type not in fits:
            fits[meal_type] = slot_fit(slot, request.catalog, request.vocabulary).dish_ids
        options = fits[meal_type]
        entries.append(GeneratedEntry(day, slot, rng.choice(options), "random"))
    return GeneratedWeek(entries, "random-by-meal-type", "0")


def measure(
    generate: Callable[[GenerationRequest], GeneratedWeek], seeds: int, dishes: int
) -> dict[str, float]:
    times: list[float] = []
    hard: list[int] = []
    misses: list[int] = []
    repeats: list[int] = []
    base = synthetic_request(0, dishes=dishes)
    assert base.ruleset is not None
    catalog = {dish.id: dish for dish in base.catalog}
    for seed in range(seeds):
        request = synthetic_request(seed, dishes=dishes)
        started = time.perf_counter()
        result = generate(request)
        times.append(time.perf_counter() - started)
        week = result.apply_to(request.week)
        decision = evaluate(base.ruleset, plan_targets(week, catalog))
        blocked = sum(1 for match in decision.matches if match.effect is MatchEffect.BLOCK)
        missed = sum(1 for check in decision.quota_checks if not check.ok)
        hard.append(blocked + missed)  # every quota of this diet is hard
        misses.append(missed)
        ids = [entry.dish_template_id for entry in week if entry.dish_template_id]
        repeats.append(len(ids) - len(set(ids)))
    times.sort()
    return {
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(0.95 * (len(times) - 1))] * 1000,
        "hard": statistics.mean(hard),
        "hard_max": max(hard),
        "misses": statistics.mean(misses),
        "repeats": statistics.mean(repeats),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--dishes", type=int, default=1000)
    args = parser.parse_args()
    solver = CpSatGenerator()
    solver.generate(synthetic_request(0, dishes=args.dishes))  # load OR-Tools outside the timings
    rows = [
        ("CP-SAT (default)", measure(solver.generate, args.seeds, args.dishes)),
        ("random by meal type", measure(random_by_meal_type, args.seeds, args.dishes)),
    ]
    print(f"42-slot week, {args.dishes} dishes, 10 quotas, 50 block rules, {args.seeds} seeds")
    header = (
        f"{'generator':<22}{'median ms':>10}{'p95 ms':>9}{'hard viol./wk':>15}"
        f"{'max':>5}{'quota miss/wk':>15}{'repeats/wk':>12}"
    )
    print(header)
    for name, row in rows:
        print(
            f"{name:<22}{row['median_ms']:>10.0f}{row['p95_ms']:>9.0f}{row['hard']:>15.2f}"
            f"{row['hard_max']:>5.0f}{row['misses']:>15.2f}{row['repeats']:>12.2f}"
        )


if __name__ == "__main__":
    main()
