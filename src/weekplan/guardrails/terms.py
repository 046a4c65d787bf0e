"""A ruleset flattened into what matching needs: sources and term specs.

A *source* is a rule or a Diet Logic constraint: what a match is attributed to.
A *term spec* is one term of one source, folded, with the mode and target it is
matched in.
Both the compiled matcher and the reference evaluator start from these, so they
agree on what is looked for and differ only in how they look.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

import attrs

from weekplan.guardrails.decision import SourceKind
from weekplan.guardrails.model import (
    DietLogicConstraint,
    DietLogicKind,
    GuardrailsRuleset,
    GuardRule,
    MatchMode,
    RuleAction,
    RuleTarget,
    Strictness,
)
from weekplan.guardrails.normalize import COMPOUND_MIN_LENGTH, fold_term, is_word_char

__all__ = [
    "Flattened",
    "RawMatch",
    "Role",
    "Source",
    "TermSpec",
    "flatten",
    "sources_of",
    "term_specs",
]


class Role(enum.Enum):
    """What a source's matches do."""

    RESTRICT = "restrict"
    """Block rules and ``drop``: a match is a violation."""
    ALLOW = "allow"
    """Allow rules and ``pass``: a match exempts shorter matches inside it."""
    COUNT = "count"
    """``force`` and ``limit``: a match makes the dish count towards a quota."""


_KIND_OF = {
    DietLogicKind.DROP: SourceKind.DROP,
    DietLogicKind.FORCE: SourceKind.FORCE,
    DietLogicKind.LIMIT: SourceKind.LIMIT,
    DietLogicKind.PASS: SourceKind.PASS,
}
_ROLE_OF = {
    DietLogicKind.DROP: Role.RESTRICT,
    DietLogicKind.FORCE: Role.COUNT,
    DietLogicKind.LIMIT: Role.COUNT,
    DietLogicKind.PASS: Role.ALLOW,
}


@attrs.frozen
class Source:
    """A rule or a Diet Logic constraint, as the decision sees it."""

    id: str
    kind: SourceKind
    role: Role
    strictness: Strictness
    priority: int
    rule: GuardRule | None = None
    constraint: DietLogicConstraint | None = None

    @property
    def order(self) -> tuple[int, str]:
        """Priority first (1 is the highest), then id: the order of traces and reports."""
        return (self.priority, self.id)


@attrs.frozen
class TermSpec:
    """One term of one source, ready to be matched."""

    source_id: str
    target: RuleTarget
    mode: MatchMode
    term: str
    folded: str
    compounds: bool


class RawMatch(NamedTuple):
    """A term spec found in a text, in folded coordinates, before any decision."""

    source_id: str
    term: str
    target_index: int
    target: RuleTarget
    text_index: int
    start: int
    end: int


def _rule_source(rule: GuardRule) -> Source:
    role = Role.ALLOW if rule.action is RuleAction.ALLOW else Role.RESTRICT
    return Source(rule.id, SourceKind.RULE, role, rule.strictness, rule.priority, rule=rule)


def _constraint_source(constraint: DietLogicConstraint) -> Source:
    return Source(
        constraint.id,
        _KIND_OF[constraint.kind],
        _ROLE_OF[constraint.kind],
        constraint.strictness,
        constraint.priority,
        constraint=constraint,
    )


def sources_of(ruleset: GuardrailsRuleset) -> dict[str, Source]:
    """Every rule and constraint by id."""
    sources = [_rule_source(rule) for rule in ruleset.rules]
    sources += [_constraint_source(constraint) for constraint in ruleset.diet_logic]
    return {source.id: source for source in sources}


def _compounds_apply(folded: str) -> bool:
    return len(folded) >= COMPOUND_MIN_LENGTH and all(is_word_char(c) for c in folded)


def _spec(
    source_id: str, target: RuleTarget, mode: MatchMode, term: str, *, compounds: bool
) -> TermSpec:
    if mode is MatchMode.CANONICAL_ID:
        return TermSpec(source_id, target, mode, term, term, compounds=False)
    folded = fold_term(term)
    return TermSpec(
        source_id, target, mode, term, folded, compounds=compounds and _compounds_apply(folded)
    )


def term_specs(ruleset: GuardrailsRuleset) -> tuple[TermSpec, ...]:
    """Every term of every source, once, in a stable order."""
    specs: dict[TermSpec, None] = {}
    for rule in ruleset.rules:
        match = rule.match
        if match.mode is MatchMode.CANONICAL_ID:
            assert match.canonical_id is not None  # the model guarantees it
            terms: tuple[str, ...] = (match.canonical_id,)
        else:
            terms = match.terms
        for term in terms:
            spec = _spec(rule.id, rule.target, match.mode, term, compounds=match.compounds)
            specs[spec] = None
    for constraint in ruleset.diet_logic:
        for item in constraint.items:
            for term in (item.term, *item.synonyms):
                spec = _spec(
                    constraint.id,
                    RuleTarget.INGREDIENT,
                    MatchMode.WORD_BOUNDARY,
                    term,
                    compounds=False,
                )
                specs[spec] = None
            if item.term_nl is not None:
                spec = _spec(
                    constraint.id,
                    RuleTarget.INGREDIENT,
                    MatchMode.WORD_BOUNDARY,
                    item.term_nl,
                    compounds=True,
                )
                specs[spec] = None
    return tuple(specs)


@attrs.frozen
class Flattened:
    """A ruleset ready for matching: its sources, its quotas and its term specs."""

    content_hash: str
    sources: dict[str, Source]
    quota_sources: tuple[Source, ...]
    specs: tuple[TermSpec, ...]


def flatten(ruleset: GuardrailsRuleset) -> Flattened:
    """Flatten ``ruleset`` (linear in its size; the compiled matcher does it once)."""
    sources = sources_of(ruleset)
    quotas = sorted(
        (s for s in sources.values() if s.kind in (SourceKind.FORCE, SourceKind.LIMIT)),
        key=lambda source: source.order,
    )
    return Flattened(ruleset.content_hash, sources, tuple(quotas), term_specs(ruleset))
