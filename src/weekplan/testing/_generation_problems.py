"""Synthetic generation problems: a catalog, a diet and a week to fill, from a seed.

Used by the generation tests and benchmark, and usable by hosts that want to
try a generator of their own on a problem of known shape. Pure and
deterministic: the same arguments give the same problem.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from weekplan.domain._days import DAY_ORDER
from weekplan.domain._dishes import Dish
from weekplan.domain._entries import PlanEntry
from weekplan.generation._request import GenerationRequest
from weekplan.guardrails._model import (
    DietLogicConstraint,
    DietLogicItem,
    GuardrailsRuleset,
    GuardRule,
    RuleMatch,
)

__all__ = [
    "DAY_SLOTS",
    "block",
    "diet",
    "dish",
    "quota",
    "small_request",
    "synthetic_request",
    "synthetic_ruleset",
    "week",
]

DAY_SLOTS = ("breakfast", "snack_1", "lunch", "snack_2", "dinner", "snack_3")
"""Six slots a day, 42 a week."""

_MEALS = ("breakfast", "lunch", "dinner", "snack")
_WEEK = date(2026, 11, 23)


def _quota_term(category: int, item: int) -> str:
    return f"quota{category}item{item}"


def synthetic_ruleset(*, quotas: int = 10, blocks: int = 50) -> GuardrailsRuleset:
    """``blocks`` hard block rules and ``quotas`` Diet Logic quotas, half force, half limit."""
    rules = [
        GuardRule(f"block-{i}", "block", "hard", 10, "ingredient", RuleMatch(f"blockterm{i}"))
        for i in range(blocks)
    ]
    logic = []
    for category in range(quotas):
        items = [DietLogicItem(_quota_term(category, item)) for item in range(3)]
        bounds: dict[str, int]
        if category % 2 == 0:
            bounds = {"min_per_day": 1} if category % 4 == 0 else {"min_per_week": 3}
            kind = "force"
        else:
            bounds = {"max_per_day": 1} if category % 4 == 1 else {"max_per_week": 4}
            kind = "limit"
        logic.append(
            DietLogicConstraint(f"quota-{category}", kind, f"category {category}", items, **bounds)
        )
    return GuardrailsRuleset("synthetic", rules=rules, diet_logic=logic)


def synthetic_request(
    seed: int = 0,
    *,
    dishes: int = 1000,
    quotas: int = 10,
    blocks: int = 50,
    locked: int = 0,
) -> GenerationRequest:
    """A 42-slot week to fill from ``dishes`` dishes under :func:`synthetic_ruleset`.

    About one dish in seven contains a blocked ingredient, and each quota
    category is in about one dish in six. The catalog depends on ``seed``
    only through the request's seed: the problem is the same for every seed
    so that seeds compare generators, not catalogs.
    """
    shape = random.Random(f"catalog-{dishes}-{quotas}-{blocks}")
    catalog = []
    for index in range(dishes):
        meal_types = shape.sample(_MEALS, 2 if shape.random() < 0.2 else 1)
        ingredients = [f"filler{shape.randrange(300)}" for _ in range(shape.randint(3, 6))]
        if blocks and shape.random() < 0.15:
            ingredients.append(f"blockterm{shape.randrange(blocks)}")
        for category in range(quotas):
            if shape.random() < 0.16:
                ingredients.append(_quota_term(category, shape.randrange(3)))
        catalog.append(
            Dish(
                f"dish-{index:04d}",
                "tenant-a",
                f"Dish {index}",
                meal_types,
                ingredients=ingredients,
            )
        )
    week = [PlanEntry(day, slot) for day in DAY_ORDER for slot in DAY_SLOTS]
    lock_rng = random.Random(f"locks-{seed}")
    locked_entries = lock_rng.sample(range(len(week)), locked)
    for position in locked_entries:
        week[position] = PlanEntry(week[position].day_key, week[position].slot_key, notes="kept")
    recent = {
        catalog[i].id for i in random.Random(f"recent-{seed}").sample(range(dishes), dishes // 20)
    }
    return GenerationRequest(
        "tenant-a",
        "client-1",
        _WEEK,
        week=week,
        fill=[entry.key for entry in week],
        catalog=catalog,
        ruleset=synthetic_ruleset(quotas=quotas, blocks=blocks),
        recent_dish_ids=recent,
        locked=[week[position].key for position in locked_entries],
        seed=seed,
    )


def dish(dish_id: str, meal: str, *ingredients: str, name: str | None = None) -> Dish:
    """A dish of tenant-a for one meal type."""
    return Dish(dish_id, "tenant-a", name or dish_id.title(), [meal], ingredients=ingredients)


def week(days: Iterable[str], slots: Sequence[str]) -> list[PlanEntry]:
    """Empty slots ``slots`` on each of ``days``."""
    return [PlanEntry(day, slot) for day in days for slot in slots]


def block(term: str, strictness: str = "hard") -> GuardRule:
    """A block rule on an ingredient term."""
    return GuardRule(f"no-{term}", "block", strictness, 1, "ingredient", RuleMatch(term))


def quota(
    cid: str, kind: str, term: str, strictness: str = "hard", **bounds: int
) -> DietLogicConstraint:
    """A force or limit constraint on one ingredient term."""
    return DietLogicConstraint(
        cid, kind, cid, [DietLogicItem(term)], strictness=strictness, **bounds
    )


def diet(*parts: GuardRule | DietLogicConstraint) -> GuardrailsRuleset:
    """A ruleset of rules and Diet Logic constraints."""
    return GuardrailsRuleset(
        "test-diet",
        rules=[p for p in parts if isinstance(p, GuardRule)],
        diet_logic=[p for p in parts if isinstance(p, DietLogicConstraint)],
    )


def small_request(
    entries: Sequence[PlanEntry],
    catalog: Sequence[Dish],
    ruleset: GuardrailsRuleset | None = None,
    **options: Any,
) -> GenerationRequest:
    """A request to fill every slot of ``entries`` (unless ``fill`` is given)."""
    fill = options.pop("fill", [entry.key for entry in entries])
    return GenerationRequest(
        "tenant-a",
        "client-1",
        _WEEK,
        week=entries,
        fill=fill,
        catalog=catalog,
        ruleset=ruleset,
        **options,
    )
