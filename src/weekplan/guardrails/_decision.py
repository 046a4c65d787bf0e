"""What an evaluation returns: a :class:`GuardDecision` and its parts.

:class:`Outcome` is the domain's, which names the outcomes a week's stored check
can have; it is exported here too, beside the decision that computes one.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from weekplan.domain._days import DayKey
from weekplan.domain._guardrails_check import Outcome
from weekplan.guardrails._model import RuleTarget

__all__ = [
    "GuardDecision",
    "GuardMatch",
    "MatchEffect",
    "Outcome",
    "QuotaCheck",
    "QuotaScope",
    "ReasonCode",
    "SourceKind",
    "TraceResult",
    "TraceStep",
]


class MatchEffect(enum.StrEnum):
    """What one match did to the decision."""

    BLOCK = "block"
    """A hard block rule or ``drop`` matched: the plan is blocked."""
    WARN = "warn"
    """A soft block rule or ``drop`` matched: the plan is allowed with a warning."""
    ALLOW = "allow"
    """An allow rule or a ``pass`` item matched; it exempts what lies strictly inside it."""
    EXEMPTED = "exempted"
    """A match strictly inside an allow match: it has no effect."""
    COUNT = "count"
    """An item of a ``force`` or ``limit`` category: the dish counts towards the quota."""


class SourceKind(enum.StrEnum):
    """Where a trace step or a match comes from: a rule or one Diet Logic phase."""

    RULE = "rule"
    DROP = "drop"
    FORCE = "force"
    LIMIT = "limit"
    PASS = "pass"


class TraceResult(enum.StrEnum):
    """The result of one evaluated rule or constraint."""

    VIOLATED = "violated"
    WARNED = "warned"
    ALLOWED = "allowed"
    EXEMPTED = "exempted"
    SATISFIED = "satisfied"


class ReasonCode(enum.StrEnum):
    """Reason codes used when a rule has no ``rule_code`` of its own."""

    BLOCKED_INGREDIENT = "blocked_ingredient"
    BLOCKED_STEP = "blocked_step"
    BLOCKED_METADATA = "blocked_metadata"
    BLOCKED_NOTES = "blocked_notes"
    DIET_LOGIC_DROP = "diet_logic_drop"
    DIET_LOGIC_FORCE_PER_DAY = "diet_logic_force_per_day"
    DIET_LOGIC_FORCE_PER_WEEK = "diet_logic_force_per_week"
    DIET_LOGIC_LIMIT_PER_DAY = "diet_logic_limit_per_day"
    DIET_LOGIC_LIMIT_PER_WEEK = "diet_logic_limit_per_week"


class QuotaScope(enum.StrEnum):
    """A quota is counted per planned day or over the week."""

    DAY = "day"
    WEEK = "week"


@attrs.frozen
class GuardMatch:
    """One term of one rule found in one text of one planned dish.

    ``start``/``end`` delimit ``matched`` in the original ``text``;
    ``index`` is the position of ``text`` among the dish's ingredients, steps or
    metadata; ``exempted_by`` names the allow rule that exempted the match.
    """

    rule_id: str
    effect: MatchEffect
    term: str
    matched: str
    day_key: DayKey
    slot_key: str
    dish_id: str | None
    target: RuleTarget
    index: int
    text: str
    start: int
    end: int
    exempted_by: str | None = None


@attrs.frozen
class QuotaCheck:
    """One ``force`` or ``limit`` count compared with its bound."""

    rule_id: str
    kind: SourceKind
    scope: QuotaScope
    day_key: DayKey | None
    count: int
    bound: int
    ok: bool


@attrs.frozen
class TraceStep:
    """One rule or constraint that took part in a decision, in evaluation order.

    The trace lists every rule and constraint that matched something, and every
    quota that was counted, ordered by priority (then id); rules that matched
    nothing are left out, so a trace stays short however large the ruleset.
    """

    rule_id: str
    source: SourceKind
    priority: int
    result: TraceResult
    detail: str


@attrs.frozen
class GuardDecision:
    """The verdict of the guardrails on a plan, with everything needed to explain it.

    ``ok`` is false only when the outcome is ``blocked``; a ``warned`` plan may be
    saved.
    ``applied_rule_ids`` are the rules and constraints that were violated, most
    important first; ``content_hash`` identifies the ruleset that decided.
    """

    ok: bool
    outcome: Outcome
    matches: tuple[GuardMatch, ...]
    applied_rule_ids: tuple[str, ...]
    reason_codes: tuple[str, ...]
    remediation_hints: tuple[str, ...]
    summary: str
    trace: tuple[TraceStep, ...]
    quota_checks: tuple[QuotaCheck, ...]
    content_hash: str

    def compact(self) -> dict[str, Any]:
        """A short JSON-ready summary, as an error body carries it."""
        return {
            "outcome": self.outcome.value,
            "reason_codes": list(self.reason_codes),
            "applied_rule_ids": list(self.applied_rule_ids),
            "summary": self.summary,
        }
