"""Rulesets from plain dicts and JSON, and back; and from the seed's table rows.

Parsing and writing go through :mod:`weekplan.serialization`, the one converter
for every JSON payload of weekplan, so a malformed ruleset raises
:class:`~weekplan.errors.InvalidInput` naming every bad field by its path, in
the same words as any other payload:

>>> from weekplan.errors import InvalidInput
>>> try:
...     ruleset_from_dict({"diet_id": "vegan", "rules": [{"id": "r", "action": "deny"}]})
... except InvalidInput as err:
...     [e["loc"] for e in err.errors][:2]
[['rules', 0, 'action'], ['rules', 0, 'strictness']]
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from weekplan.errors import ErrorItem, InvalidInput
from weekplan.guardrails._model import (
    DietLogicConstraint,
    DietLogicItem,
    DietLogicKind,
    GuardrailsRuleset,
    GuardRule,
    MatchMode,
    Provenance,
    Remediation,
    RuleMatch,
    RuleMetadata,
    RuleTarget,
)
from weekplan.serialization import from_json, to_json

__all__ = [
    "ruleset_from_dict",
    "ruleset_from_json",
    "ruleset_from_seed_tables",
    "ruleset_to_dict",
]


def ruleset_from_dict(payload: Any) -> GuardrailsRuleset:
    """A ruleset from its JSON-ready dict (the shape :func:`ruleset_to_dict` returns).

    A ``content_hash`` in the payload is checked against the rules: a payload
    whose rules were changed after it was hashed is refused.
    """
    if not isinstance(payload, Mapping):
        raise InvalidInput.at((), "must be an object")
    body = dict(payload)
    claimed = body.pop("content_hash", None)
    ruleset = from_json(GuardrailsRuleset, body)
    if claimed is not None and claimed != ruleset.content_hash:
        raise InvalidInput.at(
            ("content_hash",), f"does not match the rules (they hash to {ruleset.content_hash})"
        )
    return ruleset


def ruleset_from_json(text: str | bytes) -> GuardrailsRuleset:
    """A ruleset from JSON text."""
    try:
        payload = json.loads(text)
    except RecursionError:
        raise InvalidInput.at((), "is nested too deeply") from None
    except (ValueError, TypeError) as exc:
        raise InvalidInput.at((), f"not valid JSON: {exc}") from None
    return ruleset_from_dict(payload)


def ruleset_to_dict(ruleset: GuardrailsRuleset) -> dict[str, Any]:
    """The JSON-ready dict of ``ruleset``, with its ``content_hash``."""
    payload: dict[str, Any] = to_json(ruleset)
    payload["content_hash"] = ruleset.content_hash
    return payload


# --- the seed's tables -------------------------------------------------------------


def _rows(value: Any, field: str) -> list[Mapping[str, Any]]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidInput.at((field,), "must be a list of rows")
    rows = list(value)
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise InvalidInput.at((field, index), "must be an object")
    return rows


def _active(row: Mapping[str, Any]) -> bool:
    return row.get("is_active", True) is not False


def _category_items(category: Mapping[str, Any]) -> list[DietLogicItem]:
    items: list[DietLogicItem] = []
    errors: list[ErrorItem] = []
    for index, row in enumerate(_rows(category.get("items", ()), "items")):
        if not _active(row):
            continue
        try:
            items.append(
                DietLogicItem(
                    row.get("term"),
                    row.get("term_nl"),
                    row.get("synonyms") or (),
                    row.get("exceptions") or (),
                )
            )
        except InvalidInput as exc:
            errors += exc.prefixed("items", index).errors
    if errors:
        raise InvalidInput(errors)
    return items


def _kind_of(row: Mapping[str, Any]) -> DietLogicKind:
    """The seed's ``constraint_type``/``rule_action``/bounds as one Diet Logic phase."""
    if row.get("rule_action") == "allow":
        return DietLogicKind.PASS
    constraint_type = row.get("constraint_type")
    if constraint_type == "required":
        return DietLogicKind.FORCE
    if constraint_type == "forbidden":
        has_max = row.get("max_per_day") is not None or row.get("max_per_week") is not None
        return DietLogicKind.LIMIT if has_max else DietLogicKind.DROP
    raise InvalidInput.at(("constraint_type",), "must be forbidden or required")


def _constraint(
    diet_id: str, row: Mapping[str, Any], categories: Mapping[Any, Mapping[str, Any]]
) -> DietLogicConstraint:
    category_id = row.get("category_id")
    category = categories.get(category_id)
    if category is None:
        raise InvalidInput.at(("category_id",), f"no category {category_id!r} was given")
    kind = _kind_of(row)
    bounds: dict[str, Any] = {}
    if kind is DietLogicKind.FORCE:
        bounds = {"min_per_day": row.get("min_per_day"), "min_per_week": row.get("min_per_week")}
    elif kind is DietLogicKind.LIMIT:
        bounds = {"max_per_day": row.get("max_per_day"), "max_per_week": row.get("max_per_week")}
    code = category.get("code") or category_id
    try:
        items = _category_items(category)
    except InvalidInput as exc:
        raise exc.prefixed("category") from exc
    return DietLogicConstraint(
        id=row.get("id") or f"{diet_id}:{code}",
        kind=kind,
        category=category.get("name_nl") or category.get("name") or str(code),
        items=items,
        strictness=row.get("strictness", "hard"),
        priority=row.get("rule_priority", 65500),
        label=category.get("name"),
        **bounds,
    )


def _adaptation_rule(row: Mapping[str, Any]) -> GuardRule:
    substitutes = row.get("substitution_suggestions") or ()
    return GuardRule(
        id=row.get("id") or row.get("rule_code"),
        action="block",
        strictness=row.get("strictness", "hard"),
        priority=row.get("priority", 65500),
        target=row.get("target", RuleTarget.INGREDIENT),
        match=RuleMatch(
            row.get("term"),
            synonyms=row.get("synonyms") or (),
            mode=row.get("match_mode") or MatchMode.WORD_BOUNDARY,
        ),
        metadata=RuleMetadata(rule_code=row.get("rule_code"), label=row.get("rule_label")),
        remediation=Remediation(substitutes) if substitutes else None,
    )


def ruleset_from_seed_tables(
    diet_id: str,
    categories: Iterable[Mapping[str, Any]],
    constraints: Iterable[Mapping[str, Any]],
    adaptation_rules: Iterable[Mapping[str, Any]] = (),
    *,
    version: int = 1,
) -> GuardrailsRuleset:
    """A ruleset from rows shaped like the seed's tables.

    - ``categories``: ``ingredient_categories`` rows (``id``, ``code``, ``name``,
      ``name_nl``) each with its ``items`` (``term``, ``term_nl``, ``synonyms``,
      and optionally ``exceptions``);
    - ``constraints``: the diet's ``diet_category_constraints`` rows
      (``category_id``, ``constraint_type`` forbidden/required, ``strictness``,
      ``rule_action`` allow/block, ``rule_priority``, ``min_per_day``,
      ``min_per_week``, ``max_per_day``, ``max_per_week``);
    - ``adaptation_rules``: ``recipe_adaptation_rules`` rows (``term``,
      ``synonyms``, ``rule_code``, ``rule_label``, ``substitution_suggestions``,
      ``priority``, ``target``, ``match_mode``), which become hard block rules
      unless they carry a ``strictness``.

    A constraint becomes Diet Logic: ``rule_action`` allow is ``pass``;
    required is ``force``; forbidden with a maximum is ``limit``, without one
    ``drop``.
    Rows with ``is_active`` false are left out; other columns are ignored.
    """
    errors: list[ErrorItem] = []
    category_rows = _rows(categories, "categories")
    by_id = {row.get("id"): row for row in category_rows if _active(row)}
    diet_logic: list[DietLogicConstraint] = []
    for index, row in enumerate(_rows(constraints, "constraints")):
        if not _active(row):
            continue
        try:
            diet_logic.append(_constraint(diet_id, row, by_id))
        except InvalidInput as exc:
            errors += exc.prefixed("constraints", index).errors
    rules: list[GuardRule] = []
    for index, row in enumerate(_rows(adaptation_rules, "adaptation_rules")):
        if not _active(row):
            continue
        try:
            rules.append(_adaptation_rule(row))
        except InvalidInput as exc:
            errors += exc.prefixed("adaptation_rules", index).errors
    if errors:
        raise InvalidInput(errors)
    return GuardrailsRuleset(
        diet_id,
        version=version,
        rules=rules,
        diet_logic=diet_logic,
        provenance=Provenance(source="seed_tables"),
    )
