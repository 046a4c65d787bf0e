"""The catalog as a generator sees it: each dish judged by the diet once, and fit per slot.

What a dish contains never depends on where it is planned, so one pass of the
compiled guardrails matcher over the whole catalog tells, for every dish,
whether a hard rule or ``drop`` blocks it, which soft rules it trips, and which
``force``/``limit`` categories it counts towards.
Those per-dish facts are all a generator needs to keep a week within the diet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from weekplan.domain._days import DayKey
from weekplan.domain._dishes import Dish
from weekplan.domain._meal_types import _AFFIX_MIN, _PLURALS, MealType, MealVocabulary, name_words
from weekplan.guardrails import dish_target
from weekplan.guardrails._cache import RulesetCache
from weekplan.guardrails._compiled import compile_ruleset
from weekplan.guardrails._decision import MatchEffect
from weekplan.guardrails._model import DietLogicConstraint, DietLogicKind, GuardrailsRuleset

__all__ = ["DishProfile", "SlotFit", "profile_catalog", "quota_constraints", "slot_fit"]


@attrs.frozen
class DishProfile:
    """What the diet says about one dish on its own.

    ``blocked_by`` lists the hard rules and ``drop`` constraints it breaks (it is
    never chosen when not empty); ``warned_by`` the soft ones; ``counts_for``
    the ``force``/``limit`` constraints it counts towards.
    """

    dish: Dish
    blocked_by: tuple[str, ...] = ()
    warned_by: tuple[str, ...] = ()
    counts_for: frozenset[str] = frozenset()

    @property
    def blocked(self) -> bool:
        """Whether a hard rule or ``drop`` forbids the dish."""
        return bool(self.blocked_by)


def quota_constraints(ruleset: GuardrailsRuleset | None) -> tuple[DietLogicConstraint, ...]:
    """The ``force`` and ``limit`` constraints of a ruleset, by priority then id."""
    if ruleset is None:
        return ()
    quotas = [c for c in ruleset.diet_logic if c.kind in (DietLogicKind.FORCE, DietLogicKind.LIMIT)]
    return tuple(sorted(quotas, key=lambda c: (c.priority, c.id)))


def profile_catalog(
    dishes: Sequence[Dish],
    ruleset: GuardrailsRuleset | None,
    *,
    rulesets: RulesetCache | None = None,
) -> dict[str, DishProfile]:
    """Every dish's profile under ``ruleset``, from one evaluation of the whole catalog.

    ``rulesets`` keeps the compiled ruleset (a request's, see
    :class:`~weekplan.generation.GenerationRequest`); without it, it is compiled here.

    Firewall matches and allow exemptions never reach across dishes, so judging
    all dishes in one pass gives what judging each alone would.
    """
    if ruleset is None or not (ruleset.rules or ruleset.diet_logic) or not dishes:
        return {dish.id: DishProfile(dish) for dish in dishes}
    targets = [dish_target(dish, DayKey.MON, "generation") for dish in dishes]
    # Positions, not ids: a catalog given by a host may hold one id twice.
    blocked: list[list[str]] = [[] for _ in dishes]
    warned: list[list[str]] = [[] for _ in dishes]
    counted: list[set[str]] = [set() for _ in dishes]
    compiled = compile_ruleset(ruleset) if rulesets is None else rulesets.compiled(ruleset)
    decision = compiled.evaluate(targets)
    by_dish: dict[str, list[int]] = {}
    for position, dish in enumerate(dishes):
        by_dish.setdefault(dish.id, []).append(position)
    for match in decision.matches:
        for position in by_dish.get(match.dish_id or "", ()):
            if match.effect is MatchEffect.BLOCK and match.rule_id not in blocked[position]:
                blocked[position].append(match.rule_id)
            elif match.effect is MatchEffect.WARN and match.rule_id not in warned[position]:
                warned[position].append(match.rule_id)
            elif match.effect is MatchEffect.COUNT:
                counted[position].add(match.rule_id)
    return {
        dish.id: DishProfile(dish, tuple(blocked[i]), tuple(warned[i]), frozenset(counted[i]))
        for i, dish in enumerate(dishes)
    }


@attrs.frozen
class SlotFit:
    """The dishes that fit one kind of slot, and whether the fallback was needed.

    ``fallback`` is true when no dish of the catalog matches the slot's meal
    type, so, as the suggestion ranking does, every dish is allowed.
    """

    meal_type: MealType | None
    dish_ids: tuple[str, ...]
    fallback: bool


class _HintIndex:
    """One meal type's hint words, indexed so a dish name is checked in a few lookups.

    Decides exactly as :meth:`MealVocabulary.matched_hints` is non-empty (a test
    holds the two together), but with sets and tuple prefix/suffix checks instead
    of a loop over every hint for every word: the catalog is checked once per
    generation, and it may hold thousands of dishes.
    """

    def __init__(self, hints: Iterable[str]) -> None:
        words = [hint for hint in hints if " " not in hint]
        self.phrases = tuple(f" {hint} " for hint in hints if " " in hint)
        self.whole = frozenset(
            form for hint in words for form in (hint, *(hint + end for end in _PLURALS))
        )
        self.affixes = tuple(hint for hint in words if len(hint) >= _AFFIX_MIN)

    def hinted(self, dish_name: str) -> bool:
        words = name_words(dish_name)
        if any(
            w in self.whole or w.startswith(self.affixes) or w.endswith(self.affixes) for w in words
        ):
            return True
        if self.phrases:
            padded = f" {' '.join(words)} "
            return any(phrase in padded for phrase in self.phrases)
        return False


def slot_fit(slot_key: str, dishes: Iterable[Dish], vocabulary: MealVocabulary) -> SlotFit:
    """Which dishes suit ``slot_key``: the ones the suggestion ranking calls a match.

    A dish matches when it is labelled with the slot's meal type or its name
    carries one of the meal's hint words (history aside, the ranking's rule);
    a slot whose meal type no dish matches, or a slot without a meal type,
    accepts every dish, as the ranking falls back to every dish.
    """
    dishes = list(dishes)
    meal_type = vocabulary.meal_type(slot_key)
    if meal_type is None:
        return SlotFit(None, tuple(dish.id for dish in dishes), fallback=True)
    index = _HintIndex(vocabulary.hints.get(meal_type, ()))
    matched = tuple(
        dish.id for dish in dishes if meal_type in dish.meal_types or index.hinted(dish.name)
    )
    if matched:
        return SlotFit(meal_type, matched, fallback=False)
    return SlotFit(meal_type, tuple(dish.id for dish in dishes), fallback=True)
