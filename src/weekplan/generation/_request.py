"""What a generator is asked for and what it answers: plain, frozen values.

A :class:`GenerationRequest` carries everything a generator may look at, so a
generator needs no store and the same request always means the same problem.
A :class:`GeneratedWeek` is a generator's answer: one :class:`GeneratedEntry`
(a dish and a short reason) per slot it was asked to fill.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import attrs

from weekplan.domain._days import DayKey
from weekplan.domain._dishes import Dish
from weekplan.domain._entries import PlanEntry, SlotKey
from weekplan.domain._fields import to_id, to_tenant_id
from weekplan.domain._meal_types import MealVocabulary
from weekplan.errors import InvalidInput
from weekplan.guardrails._cache import RulesetCache
from weekplan.guardrails._model import GuardrailsRuleset

__all__ = [
    "DEFAULT_MAX_REPEATS",
    "GeneratedEntry",
    "GeneratedWeek",
    "GenerationRequest",
    "Violation",
]

DEFAULT_MAX_REPEATS = 1
"""How often one dish may appear in a generated week unless the request says otherwise."""


def _entries(value: Any) -> tuple[PlanEntry, ...]:
    entries = tuple(value)
    seen: set[SlotKey] = set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, PlanEntry):
            raise InvalidInput.at(("week", index), "must be a PlanEntry")
        if entry.key in seen:
            raise InvalidInput.at(("week", index), "repeats a slot of the week")
        seen.add(entry.key)
    return entries


def _slot_keys(field: str) -> Callable[[Any], frozenset[SlotKey]]:
    def convert(value: Any) -> frozenset[SlotKey]:
        keys: set[SlotKey] = set()
        for index, item in enumerate(value):
            try:
                day, slot = item
                keys.add((DayKey(day), str(slot)))
            except (TypeError, ValueError):
                raise InvalidInput.at(
                    (field, index), "must be a (day_key, slot_key) pair"
                ) from None
        return frozenset(keys)

    return convert


def _fill(value: Any) -> frozenset[SlotKey]:
    return _slot_keys("fill")(value)


def _locked(value: Any) -> frozenset[SlotKey]:
    return _slot_keys("locked")(value)


def _violations(value: Any) -> tuple[Violation, ...]:
    return tuple(value)


def _generated(value: Any) -> tuple[GeneratedEntry, ...]:
    return tuple(value)


def _ids(value: Any) -> tuple[str, ...]:
    return tuple(value)


def _dishes(value: Any) -> tuple[Dish, ...]:
    dishes = tuple(value)
    for index, dish in enumerate(dishes):
        if not isinstance(dish, Dish):
            raise InvalidInput.at(("catalog", index), "must be a Dish")
    return dishes


def _recent(value: Any) -> frozenset[str]:
    return frozenset(str(dish_id) for dish_id in value)


def _max_repeats(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput.at(("max_repeats",), "must be a positive integer")
    return value


def _seed(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise InvalidInput.at(("seed",), "must be an integer from 0 to 2**31 - 1")
    return value


@attrs.frozen
class Violation:
    """One thing a rejected proposal did wrong, fed back into the next attempt.

    ``rule_id`` names the guardrail rule or constraint (or ``proposal`` for a
    proposal that broke the request itself, such as filling a locked slot).
    """

    rule_id: str
    message: str
    day_key: DayKey | None = None
    slot_key: str | None = None
    dish_id: str | None = None


@attrs.frozen
class GenerationRequest:
    """Everything a generator may use to fill one client's week.

    - ``week``: the week's slots as they are now (every slot, filled or not);
    - ``fill``: the ``(day_key, slot_key)`` slots in scope; slots of ``week``
      outside it, and ``locked`` slots, are kept exactly as they are;
    - ``catalog``: the dishes to choose from; ``ruleset``: the client's diet
      (``None`` for no diet); ``recent_dish_ids``: dishes of the client's last
      weeks, avoided when the catalog allows it;
    - ``max_repeats``: how often one dish may appear in the week;
    - ``seed``: the same request and seed give the same week;
    - ``violations``: what earlier attempts got wrong (see :func:`generate_checked`);
    - ``rulesets``: where the compiled form of ``ruleset`` is kept (a planner
      passes its own cache); without it, the ruleset is compiled for each use.

    >>> from datetime import date
    >>> request = GenerationRequest(
    ...     "tenant-a", "client-1", date(2026, 11, 23),
    ...     week=[PlanEntry("mon", "dinner"), PlanEntry("tue", "dinner")],
    ...     fill=[("mon", "dinner"), ("tue", "dinner")], locked=[("tue", "dinner")],
    ... )
    >>> request.slots_to_fill
    ((<DayKey.MON: 'mon'>, 'dinner'),)
    """

    tenant_id: str = attrs.field(converter=to_tenant_id)
    client_ref: str = attrs.field(converter=to_id)
    week_start_date: date
    week: tuple[PlanEntry, ...] = attrs.field(converter=_entries)
    fill: frozenset[SlotKey] = attrs.field(converter=_fill)
    catalog: tuple[Dish, ...] = attrs.field(default=(), converter=_dishes)
    ruleset: GuardrailsRuleset | None = None
    recent_dish_ids: frozenset[str] = attrs.field(default=frozenset(), converter=_recent)
    locked: frozenset[SlotKey] = attrs.field(default=frozenset(), converter=_locked)
    seed: int = attrs.field(default=0, converter=_seed)
    max_repeats: int = attrs.field(default=DEFAULT_MAX_REPEATS, converter=_max_repeats)
    violations: tuple[Violation, ...] = attrs.field(default=(), converter=_violations)
    vocabulary: MealVocabulary = attrs.field(factory=MealVocabulary.default, eq=False)
    rulesets: RulesetCache | None = attrs.field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        known = {entry.key for entry in self.week}
        for day, slot in sorted(self.fill - known):
            raise InvalidInput.at(("fill",), f"{day.value}/{slot} is not a slot of the week")

    @property
    def slots_to_fill(self) -> tuple[SlotKey, ...]:
        """The slots a generator fills: in scope and not locked, in week order."""
        wanted = self.fill - self.locked
        return tuple(entry.key for entry in self.week if entry.key in wanted)

    def with_violations(self, violations: Iterable[Violation]) -> GenerationRequest:
        """The same request with more violations to avoid."""
        return attrs.evolve(self, violations=(*self.violations, *violations))


@attrs.frozen
class GeneratedEntry:
    """One filled slot: the dish chosen and a short reason why."""

    day_key: DayKey = attrs.field(converter=DayKey)
    slot_key: str
    dish_id: str
    reason: str = ""

    @property
    def key(self) -> SlotKey:
        """``(day_key, slot_key)``."""
        return (self.day_key, self.slot_key)


@attrs.frozen
class GeneratedWeek:
    """A generator's answer: entries for the slots it filled, and who made them.

    ``quotas_met`` lists the ``force``/``limit`` constraint ids the generator
    promises the whole week meets (the solver's hard quotas); the guardrails
    evaluator can hold it to that promise.
    """

    entries: tuple[GeneratedEntry, ...] = attrs.field(converter=_generated)
    generator: str
    generator_version: str
    quotas_met: tuple[str, ...] = attrs.field(default=(), converter=_ids)

    def apply_to(self, week: Iterable[PlanEntry]) -> tuple[PlanEntry, ...]:
        """``week`` with the generated dishes in their slots; notes and other slots kept."""
        chosen = {entry.key: entry.dish_id for entry in self.entries}
        return tuple(
            attrs.evolve(entry, dish_template_id=chosen[entry.key])
            if entry.key in chosen
            else entry
            for entry in week
        )
