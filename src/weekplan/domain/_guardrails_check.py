"""What a client's week remembers of the guardrails check it last passed.

The domain sits below the guardrails: it names the outcomes a check can have
(:class:`Outcome`) and keeps what a decision said, while the guardrails, one
layer up, compute decisions. :meth:`GuardrailsCheck.of` therefore reads a
ruleset and a decision through the few attributes it needs
(:class:`RulesetLabels`, :class:`DecisionSummary`), which
:class:`~weekplan.guardrails.GuardrailsRuleset` and
:class:`~weekplan.guardrails.GuardDecision` have.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import Any, Protocol

import attrs

from weekplan.domain._limits import INT_MAX
from weekplan.domain.text import check_key, check_text
from weekplan.errors import InvalidInput

__all__ = ["DecisionSummary", "GuardrailsCheck", "Outcome", "RulesetLabels"]


class Outcome(enum.StrEnum):
    """``blocked`` if any hard violation, else ``warned`` if any soft one, else ``allowed``."""

    ALLOWED = "allowed"
    BLOCKED = "blocked"
    WARNED = "warned"


class RulesetLabels(Protocol):
    """What a check keeps of the ruleset that decided: its hash and its labels."""

    @property
    def content_hash(self) -> str: ...

    @property
    def diet_id(self) -> str: ...

    @property
    def version(self) -> int: ...


class DecisionSummary(Protocol):
    """What a check keeps of a decision: its outcome and the violations, most important first."""

    @property
    def outcome(self) -> Outcome: ...

    @property
    def summary(self) -> str: ...

    @property
    def applied_rule_ids(self) -> tuple[str, ...]: ...

    @property
    def reason_codes(self) -> tuple[str, ...]: ...

    @property
    def remediation_hints(self) -> tuple[str, ...]: ...


_HASH_MAX = 100
_CODE_MAX = 200
_TEXT_MAX = 2000
_MAX_ITEMS = 1000


def _hash(value: Any) -> str:
    return check_key(value, "content_hash", max_length=_HASH_MAX)


def _diet_id(value: Any) -> str:
    return check_key(value, "diet_id", max_length=_CODE_MAX)


def _ruleset_version(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= INT_MAX:
        raise InvalidInput.at(("ruleset_version",), f"must be an integer between 1 and {INT_MAX}")
    return value


def _outcome(value: Any) -> Outcome:
    if isinstance(value, str) and value in Outcome._value2member_map_:
        return Outcome(value)
    raise InvalidInput.at(("outcome",), "must be allowed, warned or blocked")


def _texts(field: str, max_length: int) -> Callable[[Any], tuple[str, ...]]:
    def convert(value: Any) -> tuple[str, ...]:
        if isinstance(value, str | bytes) or not isinstance(value, Iterable):
            raise InvalidInput.at((field,), "must be a list of strings")
        items = tuple(value)
        if len(items) > _MAX_ITEMS:
            raise InvalidInput.at((field,), f"must have at most {_MAX_ITEMS} items")
        for index, item in enumerate(items):
            if not isinstance(item, str) or not item or len(item) > max_length:
                raise InvalidInput.at(
                    (field, index), f"must be a non-empty string of at most {max_length} characters"
                )
        return items

    return convert


def _applied_rule_ids(value: Any) -> tuple[str, ...]:
    return _texts("applied_rule_ids", _CODE_MAX)(value)


def _reason_codes(value: Any) -> tuple[str, ...]:
    return _texts("reason_codes", _CODE_MAX)(value)


def _remediation_hints(value: Any) -> tuple[str, ...]:
    return _texts("remediation_hints", _TEXT_MAX)(value)


def _summary(value: Any) -> str:
    return check_text(value, "summary", max_length=_TEXT_MAX)


def _clip(text: str) -> str:
    # A summary quotes the text that matched, and a step may be long: keep it storable.
    return text if len(text) <= _TEXT_MAX else text[: _TEXT_MAX - 1] + "…"


@attrs.frozen
class GuardrailsCheck:
    """The outcome of the guardrails check a client's week passed when it was last written.

    ``content_hash`` names the ruleset that decided; the ruleset itself stays
    retrievable by that hash (``WorkerPlanner.get_ruleset``), so the decision can
    be reproduced later. ``diet_id`` and ``ruleset_version`` are its labels, kept
    for people reading the week. ``outcome`` is ``allowed``, ``warned``, or
    ``blocked`` for a week that is not yet compliant: a write may leave hard
    violations that were there before it, never add one.
    ``applied_rule_ids``, ``reason_codes`` and ``remediation_hints`` list the
    violations, most important first; ``summary`` names the first.

    >>> from weekplan.guardrails import GuardRule, GuardrailsRuleset, PlanTarget, RuleMatch
    >>> from weekplan.guardrails import evaluate
    >>> soft = GuardRule("less-sugar", "block", "soft", 5, "ingredient", RuleMatch("sugar"))
    >>> ruleset = GuardrailsRuleset("low-sugar", rules=[soft])
    >>> decision = evaluate(ruleset, [PlanTarget("mon", "snack", ingredients=["sugar"])])
    >>> check = GuardrailsCheck.of(ruleset, decision)
    >>> (check.outcome.value, check.applied_rule_ids, check.warned)
    ('warned', ('less-sugar',), True)
    """

    content_hash: str = attrs.field(converter=_hash)
    diet_id: str = attrs.field(converter=_diet_id)
    # Named apart from the week's own ``version``, which a reader would confuse it with.
    ruleset_version: int = attrs.field(converter=_ruleset_version)
    outcome: Outcome = attrs.field(converter=_outcome)
    summary: str = attrs.field(converter=_summary)
    applied_rule_ids: tuple[str, ...] = attrs.field(default=(), converter=_applied_rule_ids)
    reason_codes: tuple[str, ...] = attrs.field(default=(), converter=_reason_codes)
    remediation_hints: tuple[str, ...] = attrs.field(default=(), converter=_remediation_hints)

    @classmethod
    def of(cls, ruleset: RulesetLabels, decision: DecisionSummary) -> GuardrailsCheck:
        """What a decision of ``ruleset`` says about a week."""
        return cls(
            content_hash=ruleset.content_hash,
            diet_id=ruleset.diet_id,
            ruleset_version=ruleset.version,
            outcome=decision.outcome,
            summary=_clip(decision.summary),
            applied_rule_ids=decision.applied_rule_ids,
            reason_codes=decision.reason_codes,
            remediation_hints=tuple(_clip(hint) for hint in decision.remediation_hints),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, for a store that keeps the check in one JSON column.

        >>> check = GuardrailsCheck("sha256:ab", "vegan", 2, "allowed", "allowed")
        >>> GuardrailsCheck.from_dict(check.to_dict()) == check
        True
        """
        return {
            "content_hash": self.content_hash,
            "diet_id": self.diet_id,
            "ruleset_version": self.ruleset_version,
            "outcome": self.outcome.value,
            "summary": self.summary,
            "applied_rule_ids": list(self.applied_rule_ids),
            "reason_codes": list(self.reason_codes),
            "remediation_hints": list(self.remediation_hints),
        }

    @classmethod
    def from_dict(cls, payload: Any) -> GuardrailsCheck:
        """The check of a dict written by :meth:`to_dict`; anything else is ``InvalidInput``."""
        if not isinstance(payload, dict):
            raise InvalidInput.at(("guardrails",), "must be an object")
        fields = attrs.fields_dict(cls)
        unknown = sorted(set(payload) - set(fields))
        if unknown:
            raise InvalidInput.at(("guardrails", unknown[0]), "is not a field of a check")
        try:
            return cls(**payload)
        except InvalidInput as exc:
            raise exc.prefixed("guardrails") from None
        except TypeError as exc:
            raise InvalidInput.at(("guardrails",), f"is missing a field: {exc}") from None

    @property
    def warned(self) -> bool:
        """Whether the week was saved with warnings (soft violations) and no hard one."""
        return self.outcome is Outcome.WARNED

    @property
    def compliant(self) -> bool:
        """Whether the week has no hard violation (``allowed`` or ``warned``)."""
        return self.outcome is not Outcome.BLOCKED
