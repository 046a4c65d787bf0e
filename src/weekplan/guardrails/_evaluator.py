"""The evaluator: a plan's targets against a ruleset, to a :class:`GuardDecision`.

The ruleset is compiled once (:mod:`weekplan.guardrails._compiled`) and the
matches it finds are judged by :func:`weekplan.guardrails._verdict.decide`,
where the semantics of allow, block and Diet Logic are written down.
"""

from __future__ import annotations

from collections.abc import Iterable

from weekplan.errors import InvalidInput
from weekplan.guardrails._compiled import compile_ruleset
from weekplan.guardrails._decision import GuardDecision
from weekplan.guardrails._model import GuardrailsRuleset
from weekplan.guardrails._targets import PlanTarget

__all__ = ["check_targets", "evaluate"]


def check_targets(targets: Iterable[PlanTarget]) -> tuple[PlanTarget, ...]:
    """The targets as a tuple, refusing anything that is not a :class:`PlanTarget`."""
    given: object = targets
    if isinstance(given, str | bytes) or not isinstance(given, Iterable):
        raise InvalidInput.at(("targets",), "must be a list of PlanTarget")
    checked = tuple(given)
    for index, target in enumerate(checked):
        if not isinstance(target, PlanTarget):
            raise InvalidInput.at(("targets", index), "must be a PlanTarget")
    return checked  # every item was just checked


def evaluate(ruleset: GuardrailsRuleset, targets: Iterable[PlanTarget]) -> GuardDecision:
    """Evaluate a plan's targets against ``ruleset``; pure and deterministic.

    The ruleset is compiled on every call; to evaluate many plans against one
    ruleset, evaluate with a :class:`~weekplan.guardrails._cache.RulesetCache`
    (a :class:`~weekplan.Planner` has one) or with the result of
    :func:`~weekplan.guardrails.compile_ruleset`, so each plan costs one pass
    over its texts.

    >>> from weekplan.guardrails import GuardRule, RuleMatch
    >>> rules = [
    ...     GuardRule("no-milk", "block", "hard", 1, "ingredient", RuleMatch("milk")),
    ...     GuardRule("coconut", "allow", "hard", 2, "ingredient", RuleMatch("coconut milk")),
    ... ]
    >>> ruleset = GuardrailsRuleset("dairy-free", rules=rules)
    >>> evaluate(ruleset, [PlanTarget("mon", "dinner", ingredients=["coconut milk"])]).outcome
    <Outcome.ALLOWED: 'allowed'>
    >>> evaluate(ruleset, [PlanTarget("mon", "dinner", ingredients=["milk"])]).outcome
    <Outcome.BLOCKED: 'blocked'>
    """
    if not isinstance(ruleset, GuardrailsRuleset):
        raise InvalidInput.at(("ruleset",), "must be a GuardrailsRuleset")
    return compile_ruleset(ruleset).evaluate(check_targets(targets))
