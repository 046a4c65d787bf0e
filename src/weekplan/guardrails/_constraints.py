"""A ruleset as constraints for a plan generator's prompt.

:func:`compile_constraints` describes what a plan must avoid, may use despite
that, must include and must limit, compactly and always in the same words and
order (priority, then id), so the same ruleset always yields the same prompt.

>>> from weekplan.guardrails import DietLogicConstraint, DietLogicItem, GuardrailsRuleset
>>> ruleset = GuardrailsRuleset("koemelkvrij", diet_logic=[
...     DietLogicConstraint("zuivel", "drop", "zuivel", [DietLogicItem("milk", "melk")]),
... ])
>>> print(compile_constraints(ruleset).text)
Diet koemelkvrij, ruleset version 1.
Avoid (hard): milk (nl: melk) [zuivel].
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

import attrs

from weekplan.guardrails._model import (
    DietLogicConstraint,
    DietLogicItem,
    DietLogicKind,
    GuardrailsRuleset,
    GuardRule,
    RuleAction,
)

__all__ = ["CompiledConstraints", "compile_constraints"]


@attrs.frozen
class CompiledConstraints:
    """Prompt text and the same content as JSON, for one ruleset."""

    text: str
    data: dict[str, Any] = attrs.field(eq=False)

    def as_json(self) -> dict[str, Any]:
        """The constraints as a JSON-ready dict (a copy: callers may change it)."""
        return copy.deepcopy(self.data)


def _item_words(item: DietLogicItem) -> str:
    words = item.term
    if item.term_nl and item.term_nl != item.term:
        words += f" (nl: {item.term_nl})"
    if item.synonyms:
        words += f" (also: {', '.join(item.synonyms)})"
    return words


def _rule_words(rule: GuardRule) -> str:
    words = rule.match.term
    if rule.match.synonyms:
        words += f" (also: {', '.join(rule.match.synonyms)})"
    if rule.remediation and rule.remediation.substitutes:
        words += f" -> use {', '.join(rule.remediation.substitutes)}"
    return words


def _constraint_words(constraint: DietLogicConstraint) -> str:
    items = "; ".join(_item_words(item) for item in constraint.items)
    bounds = [
        f"{relation} {bound} {unit}"
        for relation, bound, unit in (
            ("at least", constraint.min_per_day, "per day"),
            ("at least", constraint.min_per_week, "per week"),
            ("at most", constraint.max_per_day, "per day"),
            ("at most", constraint.max_per_week, "per week"),
        )
        if bound is not None
    ]
    quota = f" {', '.join(bounds)}" if bounds else ""
    return f"{items} [{constraint.category}{quota}]"


def _ordered(values: Iterable[Any]) -> list[Any]:
    return sorted(values, key=lambda value: (value.priority, value.id))


def _constraint_json(constraint: DietLogicConstraint) -> dict[str, Any]:
    return {
        "id": constraint.id,
        "category": constraint.category,
        "strictness": constraint.strictness.value,
        "items": [
            {"term": i.term, "term_nl": i.term_nl, "synonyms": list(i.synonyms)}
            for i in constraint.items
        ],
        "min_per_day": constraint.min_per_day,
        "min_per_week": constraint.min_per_week,
        "max_per_day": constraint.max_per_day,
        "max_per_week": constraint.max_per_week,
    }


def _rule_json(rule: GuardRule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "strictness": rule.strictness.value,
        "target": rule.target.value,
        "terms": list(rule.match.terms),
        "substitutes": list(rule.remediation.substitutes) if rule.remediation else [],
    }


def compile_constraints(ruleset: GuardrailsRuleset) -> CompiledConstraints:
    """Describe ``ruleset`` for a generator: avoid, allowed, include and limit."""
    rules = _ordered(ruleset.rules)
    logic = _ordered(ruleset.diet_logic)
    blocks = [r for r in rules if r.action is RuleAction.BLOCK]
    allows = [r for r in rules if r.action is RuleAction.ALLOW]
    by_kind = {kind: [c for c in logic if c.kind is kind] for kind in DietLogicKind}

    lines = [f"Diet {ruleset.diet_id}, ruleset version {ruleset.version}."]
    for strictness, label in (("hard", "Avoid (hard)"), ("soft", "Avoid if possible (soft)")):
        words = [_rule_words(r) for r in blocks if r.strictness.value == strictness]
        words += [
            _constraint_words(c)
            for c in by_kind[DietLogicKind.DROP]
            if c.strictness.value == strictness
        ]
        if words:
            lines.append(f"{label}: {'; '.join(words)}.")
    allowed = [_rule_words(r) for r in allows]
    allowed += [_constraint_words(c) for c in by_kind[DietLogicKind.PASS]]
    if allowed:
        lines.append(f"Allowed: {'; '.join(allowed)}.")
    for kind, label in ((DietLogicKind.FORCE, "Include"), (DietLogicKind.LIMIT, "Limit")):
        if by_kind[kind]:
            words = [f"{_constraint_words(c)} ({c.strictness.value})" for c in by_kind[kind]]
            lines.append(f"{label}: {'; '.join(words)}.")

    data: dict[str, Any] = {
        "diet_id": ruleset.diet_id,
        "version": ruleset.version,
        "content_hash": ruleset.content_hash,
        "avoid": [_rule_json(r) for r in blocks]
        + [_constraint_json(c) for c in by_kind[DietLogicKind.DROP]],
        "allowed": [_rule_json(r) for r in allows]
        + [_constraint_json(c) for c in by_kind[DietLogicKind.PASS]],
        "include": [_constraint_json(c) for c in by_kind[DietLogicKind.FORCE]],
        "limit": [_constraint_json(c) for c in by_kind[DietLogicKind.LIMIT]],
    }
    return CompiledConstraints("\n".join(lines), data)
