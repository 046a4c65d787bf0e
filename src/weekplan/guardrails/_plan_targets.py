"""Planned dishes as the guardrails see them: plan entries and dishes to :class:`PlanTarget`.

The guardrails know nothing about dishes; this is the one place that says which
texts of a planned slot a rule looks at: its dish's ingredients, preparation
steps and tags (as metadata), and the slot's notes, which the client reads and
follows as much as a dish. The dish name goes along for people and is never
matched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from weekplan.domain._days import DayKey
from weekplan.domain._dishes import Dish
from weekplan.domain._entries import PlanEntry
from weekplan.guardrails._targets import PlanTarget

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
    """One target per entry that names a dish or has notes, in the entries' order.

    An entry's notes go with its target: a week planned by notes alone
    (``notes="zalm met spinazie"``) is checked like one planned with dishes, and
    its days count as planned for per-day quotas. Entries with neither a dish
    nor notes are empty slots and are left out.
    An entry whose dish is missing from ``dishes`` (deleted from the catalog)
    still counts as a planned dish, with only its notes to match.
    """
    targets: list[PlanTarget] = []
    for entry in entries:
        notes = () if entry.notes is None else (entry.notes,)
        if entry.dish_template_id is None:
            if notes:
                targets.append(PlanTarget(entry.day_key, entry.slot_key, notes=notes))
            continue
        dish = dishes.get(entry.dish_template_id)
        if dish is None:
            target = PlanTarget(entry.day_key, entry.slot_key, dish_id=entry.dish_template_id)
        else:
            target = dish_target(dish, entry.day_key, entry.slot_key)
        targets.append(attrs.evolve(target, notes=notes) if notes else target)
    return tuple(targets)
