"""Whether a change makes a plan worse: the "never worse" rule for edits.

A week saved before its client's diet, or one planned slot by slot towards a
weekly minimum, can have hard violations that no single edit fixes.
Refusing every edit of such a week until it is compliant would make it
impossible to plan; letting every edit through would let forbidden food in.
So an edit is judged against the week before it:

- every hard firewall or ``drop`` violation of the new week must already have
  been in the old one (same rule, slot, dish and term);
- no hard ``force`` or ``limit`` quota may end further from its bound than it
  was: a ``force`` quota of a day or week with nothing planned is as far from
  its bound as the bound itself, so the first fish dinner of an empty week
  brings "fish twice a week" closer, never further.

>>> from weekplan.guardrails import DietLogicConstraint, DietLogicItem, GuardrailsRuleset
>>> from weekplan.guardrails import PlanTarget, evaluate
>>> fish = DietLogicConstraint("vis", "force", "vis", [DietLogicItem("fish", "vis")],
...                            min_per_week=2)
>>> ruleset = GuardrailsRuleset("visrijk", diet_logic=[fish])
>>> after = evaluate(ruleset, [PlanTarget("mon", "diner", ingredients=["zalm", "vis"])])
>>> after.ok, worsened(ruleset, None, after)
(False, ())
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable

from weekplan.guardrails._decision import GuardDecision, MatchEffect, QuotaCheck, SourceKind
from weekplan.guardrails._model import GuardrailsRuleset, Strictness

__all__ = ["worsened"]

_Violation = tuple[object, ...]


def _violations(decision: GuardDecision | None) -> Counter[_Violation]:
    if decision is None:
        return Counter()
    return Counter(
        (m.rule_id, m.day_key, m.slot_key, m.dish_id, m.target, m.term, m.matched.casefold())
        for m in decision.matches
        if m.effect is MatchEffect.BLOCK
    )


def _distance(check: QuotaCheck) -> int:
    if check.kind is SourceKind.FORCE:
        return max(0, check.bound - check.count)
    return max(0, check.count - check.bound)


def _quota_key(check: QuotaCheck) -> Hashable:
    return (check.rule_id, check.scope, check.day_key)


def worsened(
    ruleset: GuardrailsRuleset, before: GuardDecision | None, after: GuardDecision
) -> tuple[str, ...]:
    """The ids of the hard rules and quotas ``after`` is worse on than ``before``, in order.

    ``before`` is ``None`` for a plan that did not exist: an empty plan.
    An empty result means the change may be saved.
    """
    worse: dict[str, None] = {}
    added = _violations(after) - _violations(before)
    for key in added:
        worse[str(key[0])] = None
    hard = {c.id for c in ruleset.diet_logic if c.strictness is Strictness.HARD}
    previous = {_quota_key(check): check for check in (before.quota_checks if before else ())}
    for check in after.quota_checks:
        if check.rule_id not in hard:
            continue
        old = previous.get(_quota_key(check))
        if old is None:
            # Nothing was planned where this check now counts: a minimum was missed
            # by its whole bound, a maximum not at all.
            old_distance = check.bound if check.kind is SourceKind.FORCE else 0
        else:
            old_distance = _distance(old)
        if _distance(check) > old_distance:
            worse[check.rule_id] = None
    return tuple(worse)
