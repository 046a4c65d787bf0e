"""How a client's diet is enforced on the writes of their weeks: never worse.

Every write of a client's week calls :func:`enforce` on the week as it would be
after the write, inside the write's unit of work and before anything is saved.
A write that adds a hard violation, or moves a hard quota further from its
bound, than the week had before it raises :class:`~weekplan.GuardrailsViolation`;
the unit of work is left without a commit, and so nothing of the write is kept
(:mod:`weekplan.guardrails._progress`). Otherwise the week carries a
:class:`~weekplan.domain._guardrails_check.GuardrailsCheck` of the ruleset that
checked it: ``allowed``, ``warned``, or ``blocked`` for a week that is not yet
compliant.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from weekplan.domain._client_view import dish_ids
from weekplan.domain._days import DayKey
from weekplan.domain._dishes import Dish
from weekplan.domain._entries import PlanEntry
from weekplan.domain._guardrails_check import GuardrailsCheck
from weekplan.domain._plans import WeekPlanInstance
from weekplan.domain._trusted import evolve_checked
from weekplan.errors import GuardrailsViolation, RulesetNotFound
from weekplan.guardrails import dish_target, plan_targets
from weekplan.guardrails._cache import RulesetCache
from weekplan.guardrails._decision import GuardDecision, MatchEffect
from weekplan.guardrails._model import GuardrailsRuleset
from weekplan.guardrails._progress import worsened
from weekplan.ports import DishCatalog, UnitOfWork

__all__ = ["blocked_dish_ids", "client_ruleset", "decide_plan", "enforce", "recheck"]


def client_ruleset(uow: UnitOfWork, tenant_id: str, client_ref: str) -> GuardrailsRuleset | None:
    """The ruleset ``client_ref`` is on, or ``None`` if the client has no diet."""
    content_hash = uow.rulesets.assigned(tenant_id, client_ref)
    if content_hash is None:
        return None
    ruleset = uow.rulesets.get(tenant_id, content_hash)
    if ruleset is None:
        # Stored rulesets never go away; if a store lost one, refuse rather than let the diet lapse.
        raise RulesetNotFound(f"the ruleset {content_hash} of this client is missing")
    return ruleset


def decide_plan(
    catalog: DishCatalog,
    tenant_id: str,
    ruleset: GuardrailsRuleset,
    entries: Iterable[PlanEntry],
    *,
    rulesets: RulesetCache,
) -> GuardDecision:
    """The decision of ``ruleset`` on a plan, its dishes read in one batched lookup.

    ``rulesets`` keeps the compiled form of ``ruleset`` (the planner's cache).
    """
    entries = tuple(entries)
    wanted = dish_ids(entries)
    dishes = catalog.get_many(tenant_id, wanted) if wanted else {}
    return rulesets.evaluate(ruleset, plan_targets(entries, dishes))


def enforce(
    uow: UnitOfWork,
    catalog: DishCatalog,
    tenant_id: str,
    candidate: WeekPlanInstance,
    previous: tuple[PlanEntry, ...] | None = None,
    *,
    rulesets: RulesetCache,
    strict: bool = False,
) -> WeekPlanInstance:
    """``candidate`` with the check of its client's diet, or :class:`GuardrailsViolation`.

    ``previous`` holds the days the week had before the write (``None`` for a
    new week, judged against an empty one). The write is refused when it makes
    the week worse on a hard rule or quota; with ``strict`` (applying a reviewed
    plan as a whole) every hard violation refuses it.
    A client without a diet gets ``guardrails=None``: an earlier check no longer
    describes the changed week.
    """
    ruleset = client_ruleset(uow, tenant_id, candidate.client_ref)
    if ruleset is None:
        # Frozen: a week that has no check already is the answer itself.
        return (
            candidate
            if candidate.guardrails is None
            else evolve_checked(candidate, guardrails=None)
        )
    decision = decide_plan(catalog, tenant_id, ruleset, candidate.days, rulesets=rulesets)
    if not decision.ok:
        if strict:
            raise GuardrailsViolation(decision)
        before = (
            None
            if previous is None
            else decide_plan(catalog, tenant_id, ruleset, previous, rulesets=rulesets)
        )
        if worsened(ruleset, before, decision):
            raise GuardrailsViolation(decision)
    return evolve_checked(candidate, guardrails=GuardrailsCheck.of(ruleset, decision))


def recheck(
    catalog: DishCatalog,
    tenant_id: str,
    ruleset: GuardrailsRuleset | None,
    instance: WeekPlanInstance,
    *,
    rulesets: RulesetCache,
) -> WeekPlanInstance:
    """``instance`` with the check of ``ruleset`` (or none), its days and version untouched."""
    if ruleset is None:
        return attrs.evolve(instance, guardrails=None)
    decision = decide_plan(catalog, tenant_id, ruleset, instance.days, rulesets=rulesets)
    return attrs.evolve(instance, guardrails=GuardrailsCheck.of(ruleset, decision))


def blocked_dish_ids(
    ruleset: GuardrailsRuleset, dishes: Sequence[Dish], slot_key: str, *, rulesets: RulesetCache
) -> frozenset[str]:
    """The ids of the dishes that a hard rule or ``drop`` of ``ruleset`` blocks on their own.

    Only what is in a dish decides: ``force`` and ``limit`` quotas depend on the
    rest of the week, so they never count against a single dish. Firewall
    matches (and allow exemptions) never reach across dishes, so every dish is
    judged in one pass of the compiled matcher and the answer is the same as
    evaluating each dish alone.
    """
    if not dishes or not (ruleset.rules or ruleset.diet_logic):
        return frozenset()
    targets = [dish_target(dish, DayKey.MON, slot_key) for dish in dishes]
    decision = rulesets.compiled(ruleset).evaluate(targets)
    return frozenset(
        match.dish_id
        for match in decision.matches
        if match.effect is MatchEffect.BLOCK and match.dish_id is not None
    )
