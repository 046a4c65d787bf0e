"""How ``suggest_dishes`` scales with the planning history of a tenant.

Plain script, not a test: it prints a table and never fails on time.

    PYTHONPATH=src python benchmarks/bench_suggestions.py [--sizes 10000 1000000]

Each history is written through the planner (templates of 140 entries), so
the running totals are built exactly as in production; then ``suggest_dishes``
is timed for a few slot keys. Suggestions read the totals and the catalog only,
so the time should stay flat as the history grows.
"""

from __future__ import annotations

import argparse
import functools
import random
import statistics
import time
from collections.abc import Callable

from weekplan import PlanEntry, Planner, WorkerPlanner
from weekplan.adapters.memory import InMemoryStore
from weekplan.demo_catalog import DEMO_DISHES, seed_dish_catalog
from weekplan.domain.days import DAY_ORDER

SLOTS = (
    "breakfast",
    "lunch",
    "dinner",
    "snack_1",
    "snack_2",
    "Ontbijt",
    "avondeten",
    "tussendoortje",
    "lunch 2",
    "late dinner",
    "pre-workout",
    "supper",
    "brunch",
    "snack-3",
    "Middageten",
    "diner",
    "hapje",
    "second breakfast",
    "evening meal",
    "post-workout",
)
ENTRIES_PER_TEMPLATE = len(DAY_ORDER) * len(SLOTS)  # 140, the most one plan may hold
QUERIES = (
    ("breakfast", None),
    ("Avondeten", None),
    ("snack_4", None),
    ("lunch", "soep"),
    ("pre-workout", None),
)


def _seed_history(worker: WorkerPlanner, entries: int, rng: random.Random) -> None:
    dish_ids = [dish_id for dish_id, *_ in DEMO_DISHES]
    for n in range(entries // ENTRIES_PER_TEMPLATE):
        worker.create_template(
            f"History {n}",
            [PlanEntry(day, slot, rng.choice(dish_ids)) for day in DAY_ORDER for slot in SLOTS],
        )


def _time(call: Callable[[], object], repeat: int) -> float:
    call()  # warm-up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    rng = random.Random(4)
    rows: list[tuple[int, float, float, int]] = []
    for size in args.sizes:
        planner = Planner(InMemoryStore())
        worker = planner.worker("bench-tenant")
        seed_dish_catalog(worker)
        started = time.perf_counter()
        _seed_history(worker, size, rng)
        seeding = time.perf_counter() - started
        per_query = [
            _time(functools.partial(worker.suggest_dishes, slot, query=query), args.repeat)
            for slot, query in QUERIES
        ]
        planned = (size // ENTRIES_PER_TEMPLATE) * ENTRIES_PER_TEMPLATE
        rows.append((planned, statistics.mean(per_query) * 1000, seeding, len(DEMO_DISHES)))
    base = rows[0][1]
    print(
        f"suggest_dishes on InMemoryStore, median of {args.repeat} calls, mean over "
        f"{len(QUERIES)} slot keys"
    )
    print(
        f"{'history entries':>16} | {'dishes':>6} | {'ms / call':>9} | {'vs first':>8} | "
        f"{'seeding s':>9}"
    )
    print(f"{'-' * 16}-+-{'-' * 6}-+-{'-' * 9}-+-{'-' * 8}-+-{'-' * 9}")
    for planned, ms, seeding, dishes in rows:
        print(f"{planned:>16,} | {dishes:>6} | {ms:>9.3f} | {ms / base:>7.2f}x | {seeding:>9.1f}")


if __name__ == "__main__":
    main()
