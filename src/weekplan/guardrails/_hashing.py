"""The content hash of a ruleset: what it decides, not how it was written down.

The canonical form lists rules and Diet Logic sorted by id, with every field that
can change a decision (terms, modes, actions, priorities, labels and remediation,
which appear in decisions) and nothing else.
Synonyms and category items are already sorted by the model.
Options added after the first format (``term_nl`` and ``exceptions`` of a match,
``exempts`` and ``check_notes``) are written only when they are set, so a ruleset
that does not use them keeps the hash it always had.
JSON with sorted keys and no insignificant whitespace makes the bytes, and so the
hash, the same in every process and on every platform.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from weekplan.guardrails._model import AllowScope, DietLogicConstraint, GuardRule

__all__ = ["HASH_FORMAT", "canonical_payload", "content_hash_of"]

HASH_FORMAT = 1
"""Bumped whenever the canonical form changes, so old and new hashes never collide."""


def _set_only(document: dict[str, Any], **options: Any) -> dict[str, Any]:
    """``document`` with the options that are set (not ``None`` and not empty)."""
    for key, value in options.items():
        if value is not None and value != []:
            document[key] = value
    return document


def _scope(scope: AllowScope | None) -> dict[str, Any] | None:
    if scope is None:
        return None
    return {"rule_ids": list(scope.rule_ids), "categories": list(scope.categories)}


def _rule(rule: GuardRule) -> dict[str, Any]:
    match = rule.match
    remediation = rule.remediation
    document = {
        "id": rule.id,
        "action": rule.action.value,
        "strictness": rule.strictness.value,
        "priority": rule.priority,
        "target": rule.target.value,
        "match": _set_only(
            {
                "term": match.term,
                "synonyms": list(match.synonyms),
                "canonical_id": match.canonical_id,
                "mode": match.mode.value,
                "compounds": match.compounds,
            },
            term_nl=match.term_nl,
            exceptions=list(match.exceptions),
        ),
        "metadata": {
            "rule_code": rule.metadata.rule_code,
            "label": rule.metadata.label,
            "category": rule.metadata.category,
        },
        "remediation": None
        if remediation is None
        else {"substitutes": list(remediation.substitutes), "note": remediation.note},
    }
    return _set_only(document, exempts=_scope(rule.exempts), check_notes=rule.check_notes)


def _constraint(constraint: DietLogicConstraint) -> dict[str, Any]:
    document = {
        "id": constraint.id,
        "kind": constraint.kind.value,
        "category": constraint.category,
        "items": [
            _set_only(
                {"term": item.term, "term_nl": item.term_nl, "synonyms": list(item.synonyms)},
                exceptions=list(item.exceptions),
            )
            for item in constraint.items
        ],
        "strictness": constraint.strictness.value,
        "priority": constraint.priority,
        "min_per_day": constraint.min_per_day,
        "min_per_week": constraint.min_per_week,
        "max_per_day": constraint.max_per_day,
        "max_per_week": constraint.max_per_week,
        "label": constraint.label,
    }
    return _set_only(
        document,
        exempts=_scope(constraint.exempts),
        check_notes=None if constraint.check_notes else False,
    )


def canonical_payload(
    rules: Iterable[GuardRule], diet_logic: Iterable[DietLogicConstraint]
) -> bytes:
    """The canonical bytes the content hash is taken over."""
    document = {
        "format": HASH_FORMAT,
        "rules": [_rule(rule) for rule in sorted(rules, key=lambda rule: rule.id)],
        "diet_logic": [_constraint(c) for c in sorted(diet_logic, key=lambda c: c.id)],
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def content_hash_of(rules: Iterable[GuardRule], diet_logic: Iterable[DietLogicConstraint]) -> str:
    """``"sha256:<hex>"`` over :func:`canonical_payload`."""
    return "sha256:" + hashlib.sha256(canonical_payload(rules, diet_logic)).hexdigest()
