"""Generating a client's week: a generator port, a constraint-solver default, checked retries.

- :class:`GenerationRequest` is everything a generator may look at; a
  :class:`PlanGenerator` answers with a :class:`GeneratedWeek` (a dish and a
  short reason per slot).
- :class:`CpSatGenerator` solves the week with OR-Tools CP-SAT (the ``generate``
  extra): hard rules, Diet Logic quotas, meal types, variety and locks are
  constraints, soft rules and recent weeks penalties; when no week exists it
  names the constraints that conflict (:class:`~weekplan.GenerationInfeasible`).
- :func:`generate_checked` checks every proposal with the guardrails evaluator
  and asks again with the violations, so a generator that sees less (a language
  model behind :class:`PromptedGenerator`) still yields only weeks the diet allows.
- :class:`GenerationQuota` decides whether one more generation may start.

Nothing here touches storage, and importing it does not import OR-Tools.
"""

from weekplan.generation._catalog import DishProfile, SlotFit, profile_catalog, slot_fit
from weekplan.generation._checked import (
    DEFAULT_MAX_ATTEMPTS,
    CheckedWeek,
    decision_violations,
    generate_checked,
    proposal_violations,
)
from weekplan.generation._port import PlanGenerator
from weekplan.generation._prompted import PromptedGenerator, build_prompt
from weekplan.generation._quota import GenerationQuota, QuotaVerdict
from weekplan.generation._request import (
    DEFAULT_MAX_REPEATS,
    GeneratedEntry,
    GeneratedWeek,
    GenerationRequest,
    Violation,
)
from weekplan.generation._solver import CpSatGenerator

__all__ = [
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_MAX_REPEATS",
    "CheckedWeek",
    "CpSatGenerator",
    "DishProfile",
    "GeneratedEntry",
    "GeneratedWeek",
    "GenerationQuota",
    "GenerationRequest",
    "PlanGenerator",
    "PromptedGenerator",
    "QuotaVerdict",
    "SlotFit",
    "Violation",
    "build_prompt",
    "decision_violations",
    "generate_checked",
    "profile_catalog",
    "proposal_violations",
    "slot_fit",
]
