"""Diet guardrails: rulesets, a firewall evaluator with Diet Logic, and constraints.

A :class:`GuardrailsRuleset` holds a diet's :class:`GuardRule` firewall rules and
its :class:`DietLogicConstraint` quotas; :func:`evaluate` checks a plan, given
as :class:`PlanTarget` values, and returns a :class:`GuardDecision` that says
whether the plan is allowed, blocked or allowed with warnings, and why.
Everything here is pure: no I/O, no storage.

>>> from weekplan.guardrails import GuardRule, GuardrailsRuleset, PlanTarget, RuleMatch, evaluate
>>> rule = GuardRule("geen-melk", "block", "hard", 1, "ingredient", RuleMatch("melk"))
>>> decision = evaluate(
...     GuardrailsRuleset("koemelkvrij", rules=[rule]),
...     [PlanTarget("mon", "ontbijt", ingredients=["halfvolle melk"])],
... )
>>> (decision.ok, decision.applied_rule_ids)
(False, ('geen-melk',))
"""

from weekplan.guardrails._cache import RulesetCache
from weekplan.guardrails._compiled import CompiledRuleset, clear_cache, compile_ruleset
from weekplan.guardrails._constraints import CompiledConstraints, compile_constraints
from weekplan.guardrails._decision import (
    GuardDecision,
    GuardMatch,
    MatchEffect,
    Outcome,
    QuotaCheck,
    QuotaScope,
    ReasonCode,
    SourceKind,
    TraceResult,
    TraceStep,
)
from weekplan.guardrails._evaluator import evaluate
from weekplan.guardrails._loading import (
    ruleset_from_dict,
    ruleset_from_json,
    ruleset_from_seed_tables,
    ruleset_to_dict,
)
from weekplan.guardrails._model import (
    PRIORITY_HIGHEST,
    PRIORITY_LOWEST,
    AllowScope,
    DietLogicConstraint,
    DietLogicItem,
    DietLogicKind,
    GuardrailsRuleset,
    GuardRule,
    MatchMode,
    Provenance,
    Remediation,
    RuleAction,
    RuleMatch,
    RuleMetadata,
    RuleTarget,
    Strictness,
)
from weekplan.guardrails._plan_targets import dish_target, plan_targets
from weekplan.guardrails._targets import PlanTarget

__all__ = [
    "PRIORITY_HIGHEST",
    "PRIORITY_LOWEST",
    "AllowScope",
    "CompiledConstraints",
    "CompiledRuleset",
    "DietLogicConstraint",
    "DietLogicItem",
    "DietLogicKind",
    "GuardDecision",
    "GuardMatch",
    "GuardRule",
    "GuardrailsRuleset",
    "MatchEffect",
    "MatchMode",
    "Outcome",
    "PlanTarget",
    "Provenance",
    "QuotaCheck",
    "QuotaScope",
    "ReasonCode",
    "Remediation",
    "RuleAction",
    "RuleMatch",
    "RuleMetadata",
    "RuleTarget",
    "RulesetCache",
    "SourceKind",
    "Strictness",
    "TraceResult",
    "TraceStep",
    "clear_cache",
    "compile_constraints",
    "compile_ruleset",
    "dish_target",
    "evaluate",
    "plan_targets",
    "ruleset_from_dict",
    "ruleset_from_json",
    "ruleset_from_seed_tables",
    "ruleset_to_dict",
]
