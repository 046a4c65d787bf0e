"""Any ``prompt -> JSON text`` callable as a generator (a language model a host plugs in).

The prompt is built from :func:`~weekplan.guardrails.compile_constraints` (what to
avoid, include and limit), the slots to fill with the allowed dishes of each
slot's meal, the dishes of recent weeks, and the violations of earlier attempts.
The answer must be JSON: ``{"entries": [{"day_key", "slot_key", "dish_id", "reason"}]}``.
What the model gets wrong, :func:`~weekplan.generation.generate_checked` catches
and feeds back.

>>> import json
>>> from datetime import date
>>> from weekplan import Dish, PlanEntry
>>> def model(prompt):
...     return json.dumps({"entries": [
...         {"day_key": "mon", "slot_key": "dinner", "dish_id": "soup", "reason": "warm"}]})
>>> request = GenerationRequest(
...     "tenant-a", "client-1", date(2026, 11, 23), week=[PlanEntry("mon", "dinner")],
...     fill=[("mon", "dinner")], catalog=[Dish("soup", "tenant-a", "Soup", ["dinner"])])
>>> PromptedGenerator(model).generate(request).entries[0].dish_id
'soup'
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

from weekplan.errors import GenerationFailed
from weekplan.generation._catalog import profile_catalog, slot_fit
from weekplan.generation._request import GeneratedEntry, GeneratedWeek, GenerationRequest
from weekplan.guardrails._constraints import compile_constraints

__all__ = ["PromptedGenerator", "build_prompt"]

DEFAULT_DISHES_PER_SLOT_KIND = 40


def build_prompt(request: GenerationRequest, *, dishes_per_slot_kind: int) -> str:
    """The prompt for one request: constraints, slots, dishes, recent dishes, violations."""
    profiles = profile_catalog(request.catalog, request.ruleset, rulesets=request.rulesets)
    allowed = [dish for dish in request.catalog if not profiles[dish.id].blocked]
    lines = ["Plan meals for one week. Answer with JSON only:"]
    lines.append(
        '{"entries": [{"day_key": "mon", "slot_key": "...", "dish_id": "...", "reason": "..."}]}'
    )
    if request.ruleset is not None:
        lines += ["", "Diet constraints:", compile_constraints(request.ruleset).text]
    lines.append(f"Use a dish at most {request.max_repeats} time(s) in the week.")
    kept = [
        f"{entry.day_key.value}/{entry.slot_key}: {entry.dish_template_id}"
        for entry in request.week
        if entry.key not in set(request.slots_to_fill) and entry.dish_template_id is not None
    ]
    if kept:
        lines += ["", "Already planned (keep, do not return):", *kept]
    lines += ["", "Fill exactly these slots:"]
    shown: dict[str, list[str]] = {}
    shuffle = random.Random(request.seed)
    for day, slot in request.slots_to_fill:
        lines.append(f"- {day.value}/{slot}")
        if slot not in shown:
            ids = list(slot_fit(slot, allowed, request.vocabulary).dish_ids)
            shuffle.shuffle(ids)
            shown[slot] = ids[:dishes_per_slot_kind]
    names = {dish.id: dish.name for dish in request.catalog}
    for slot, ids in shown.items():
        lines += ["", f"Dishes for {slot} (id: name):"]
        lines += [f"- {dish_id}: {names[dish_id]}" for dish_id in ids]
    if request.recent_dish_ids:
        lines += [
            "",
            "Avoid if you can (planned recently): " + ", ".join(sorted(request.recent_dish_ids)),
        ]
    if request.violations:
        lines += ["", "Your earlier answers were rejected; fix these:"]
        lines += [f"- {violation.rule_id}: {violation.message}" for violation in request.violations]
    return "\n".join(lines)


def _entries(answer: Any) -> tuple[GeneratedEntry, ...]:
    try:
        data = json.loads(answer)
        raw_entries = data["entries"]
        return tuple(
            GeneratedEntry(
                item["day_key"],
                str(item["slot_key"]),
                str(item["dish_id"]),
                str(item.get("reason", ""))[:200],
            )
            for item in raw_entries
        )
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise GenerationFailed(f"the answer is not the JSON asked for: {exc!r}"[:500]) from None


class PromptedGenerator:
    """A :class:`~weekplan.generation.PlanGenerator` around a ``prompt -> JSON text`` callable.

    ``dishes_per_slot_kind`` bounds how many allowed dishes the prompt lists per
    kind of slot (picked by the request's seed), so a large catalog still fits
    in a prompt.
    """

    def __init__(
        self,
        complete: Callable[[str], str],
        *,
        name: str = "prompted",
        version: str = "1",
        dishes_per_slot_kind: int = DEFAULT_DISHES_PER_SLOT_KIND,
    ) -> None:
        self._complete = complete
        self._name = name
        self._version = version
        self.dishes_per_slot_kind = dishes_per_slot_kind

    @property
    def name(self) -> str:
        """The name given (``prompted`` unless the host names its model)."""
        return self._name

    @property
    def version(self) -> str:
        """The version given by the host."""
        return self._version

    def generate(self, request: GenerationRequest) -> GeneratedWeek:
        """Ask the callable once and read its answer; unreadable is ``GenerationFailed``."""
        prompt = build_prompt(request, dishes_per_slot_kind=self.dishes_per_slot_kind)
        return GeneratedWeek(_entries(self._complete(prompt)), self.name, self.version)
