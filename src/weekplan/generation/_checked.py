"""Every proposal checked by the guardrails, and asked again with what was wrong.

:func:`generate_checked` is the loop the seed app runs (generate, check, retry
with stricter constraints): a proposal that breaks the request (a locked slot
changed, a dish that is not in the catalog, a slot left empty) or that the
guardrails block is fed back as :class:`Violation` values in the next request,
up to ``max_attempts`` times. A good solver passes the first time; a generator
that sees less (a language model) may need the retries.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from weekplan.domain._dishes import Dish
from weekplan.domain._entries import PlanEntry
from weekplan.errors import GenerationFailed, GuardrailsViolation, InvalidInput
from weekplan.generation._port import PlanGenerator
from weekplan.generation._request import GeneratedWeek, GenerationRequest, Violation
from weekplan.guardrails import plan_targets
from weekplan.guardrails._decision import GuardDecision, MatchEffect, SourceKind, TraceResult
from weekplan.guardrails._evaluator import evaluate

__all__ = [
    "DEFAULT_MAX_ATTEMPTS",
    "CheckedWeek",
    "decision_violations",
    "generate_checked",
    "proposal_violations",
]

DEFAULT_MAX_ATTEMPTS = 3
"""How many proposals :func:`generate_checked` asks for before it gives up."""


@attrs.frozen
class CheckedWeek:
    """A proposal the guardrails passed: the new week, the proposal and the decision.

    ``decision`` is ``None`` when the client has no diet; ``attempts`` counts the
    proposals it took, this one included.
    """

    week: tuple[PlanEntry, ...]
    proposal: GeneratedWeek
    decision: GuardDecision | None
    attempts: int


def proposal_violations(request: GenerationRequest, proposal: GeneratedWeek) -> list[Violation]:
    """What a proposal does that the request forbids, whatever the diet says."""
    wanted = set(request.slots_to_fill)
    catalog = {dish.id for dish in request.catalog}
    problems: list[Violation] = []
    seen: set[object] = set()
    for entry in proposal.entries:
        where = f"{entry.day_key.value}/{entry.slot_key}"
        if entry.key not in wanted:
            reason = "is locked" if entry.key in request.locked else "is not to be filled"
            problems.append(
                Violation("proposal", f"slot {where} {reason}", entry.day_key, entry.slot_key)
            )
        elif entry.key in seen:
            problems.append(
                Violation(
                    "proposal", f"slot {where} is filled twice", entry.day_key, entry.slot_key
                )
            )
        elif entry.dish_id not in catalog:
            problems.append(
                Violation(
                    "proposal",
                    f"dish {entry.dish_id!r} in {where} is not in the catalog",
                    entry.day_key,
                    entry.slot_key,
                    entry.dish_id,
                )
            )
        seen.add(entry.key)
    for day, slot in request.slots_to_fill:
        if (day, slot) not in seen:
            problems.append(
                Violation("proposal", f"slot {day.value}/{slot} is left empty", day, slot)
            )
    return problems


def decision_violations(decision: GuardDecision) -> list[Violation]:
    """The hard violations of a decision, one per blocked match and per missed hard quota."""
    hard = {step.rule_id for step in decision.trace if step.result is TraceResult.VIOLATED}
    found = [
        Violation(
            match.rule_id,
            f"{match.dish_id} in {match.day_key.value}/{match.slot_key} contains {match.matched!r}",
            match.day_key,
            match.slot_key,
            match.dish_id,
        )
        for match in decision.matches
        if match.effect is MatchEffect.BLOCK
    ]
    found += [
        Violation(
            check.rule_id,
            f"{check.rule_id}: {check.count} where "
            f"{'at least' if check.kind is SourceKind.FORCE else 'at most'} {check.bound} "
            f"{'on ' + check.day_key.value if check.day_key else 'per week'}",
            check.day_key,
        )
        for check in decision.quota_checks
        if not check.ok and check.rule_id in hard
    ]
    return found


def _decide(request: GenerationRequest, week: Iterable[PlanEntry]) -> GuardDecision | None:
    if request.ruleset is None:
        return None
    dishes: dict[str, Dish] = {}
    for dish in request.catalog:
        dishes.setdefault(dish.id, dish)  # the first of a repeated id counts, as for the solver
    targets = plan_targets(week, dishes)
    if request.rulesets is None:
        return evaluate(request.ruleset, targets)
    return request.rulesets.evaluate(request.ruleset, targets)


def generate_checked(
    generator: PlanGenerator,
    request: GenerationRequest,
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> CheckedWeek:
    """Ask ``generator`` until a proposal passes, at most ``max_attempts`` times.

    Raises :class:`~weekplan.GuardrailsViolation` with the last decision when every
    proposal was blocked, :class:`~weekplan.GenerationFailed` when the last one
    could not even be read or broke the request, and lets
    :class:`~weekplan.GenerationInfeasible` through (asking again cannot help).
    """
    if isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1:
        raise InvalidInput.at(("max_attempts",), "must be a positive integer")
    last_decision: GuardDecision | None = None
    last_failure = "no attempt made"
    for attempt in range(1, max_attempts + 1):
        try:
            proposal = generator.generate(request)
        except GenerationFailed as exc:
            last_decision, last_failure = None, str(exc)
            request = request.with_violations([Violation("proposal", str(exc))])
            continue
        broken = proposal_violations(request, proposal)
        if broken:
            last_decision = None
            last_failure = "; ".join(violation.message for violation in broken)
            request = request.with_violations(broken)
            continue
        week = proposal.apply_to(request.week)
        decision = _decide(request, week)
        if decision is None or decision.ok:
            return CheckedWeek(week, proposal, decision, attempt)
        last_decision = decision
        request = request.with_violations(decision_violations(decision))
    if last_decision is not None:
        raise GuardrailsViolation(last_decision)
    raise GenerationFailed(f"no usable week after {max_attempts} attempts: {last_failure}")
