"""Planned dishes as the guardrails see them: plan entries and dishes to :class:`PlanTarget`.

The guardrails know nothing about dishes; this is the one place that says which
texts of a dish a rule looks at: its ingredients, its preparation steps and its
tags (as metadata). The dish name goes along for people and is never matched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from weekplan.domain.days import DayKey
from weekplan.domain.dishes import Dish
from weekplan.domain.entries import PlanEntry
from weekplan.guardrails.targets import PlanTarget

__all__ = ["dish_target", "plan_targets"]


def dish_target(dish: Dish, day_key: DayKey | str, slot_key: str) -> PlanTarget:
    """One dish planned in one slot.

    >>> dish = Dish("d1", "tenant-a", "Pap", tags=["ontbijt"], ingredients=["melk", "havermout"])
    >>> target = dish_target(dish, "mon", "breakfast")
    >>> (target.dish_name, target.ingredients, target.metadata)
    ('Pap', ('melk', 'havermout'), ('ontbijt',))
    """
    return PlanTarget(
        day_key,
        slot_key,
        dish_id=dish.id,
        dish_name=dish.name,
        ingredients=dish.ingredients,
        steps=dish.steps,
        metadata=dish.tags,
    )


def plan_targets(
    entries: Iterable[PlanEntry], dishes: Mapping[str, Dish]
) -> tuple[PlanTarget, ...]:
    """One target per entry that names a dish, in the entries' order.

    Entries without a dish are not planned dishes and are left out, so a day
    with only notes does not count as a planned day for per-day quotas.
    An entry whose dish is missing from ``dishes`` (deleted from the catalog)
    still counts as a planned dish, with no texts to match.
    """
    targets: list[PlanTarget] = []
    for entry in entries:
        if entry.dish_template_id is None:
            continue
        dish = dishes.get(entry.dish_template_id)
        if dish is None:
            targets.append(
                PlanTarget(entry.day_key, entry.slot_key, dish_id=entry.dish_template_id)
            )
        else:
            targets.append(dish_target(dish, entry.day_key, entry.slot_key))
    return tuple(targets)
