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
    AllowScope,
    DietLogicConstraint,
    DietLogicItem,
    DietLogicKind,
    GuardrailsRuleset,
    GuardRule,
    MatchMode,
    RuleAction,
    RuleTarget,
    Strictness,
)
from weekplan.guardrails.normalize import fold_term, is_single_word
from weekplan.guardrails.stemming import LANGUAGES, Language, stem
from weekplan.guardrails.words import AnalyzedText, stems_of_term

__all__ = [
    "Flattened",
    "RawMatch",
    "Role",
    "Source",
    "TermSpec",
    "flatten",
    "is_excepted",
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
ENGLISH: tuple[Language, ...] = ("english",)
DUTCH: tuple[Language, ...] = ("dutch",)


@attrs.frozen
class Source:
    """A rule or a Diet Logic constraint, as the decision sees it.

    ``category`` is folded, and ``None`` for a rule without one.
    """

    id: str
    kind: SourceKind
    role: Role
    strictness: Strictness
    priority: int
    category: str | None
    scope: AllowScope | None = None
    rule: GuardRule | None = None
    constraint: DietLogicConstraint | None = None

    @property
    def order(self) -> tuple[int, str]:
        """Priority first (1 is the highest), then id: the order of traces and reports."""
        return (self.priority, self.id)

    def can_exempt(self, other: Source) -> bool:
        """Whether this allow may exempt a match of ``other``: only blocks in its scope."""
        if self.scope is not None:
            return self.scope.covers(other.id, other.category)
        return other.category == self.category


@attrs.frozen
class TermSpec:
    """One term of one source, ready to be matched.

    ``stems`` holds the term's stems in each language it is compared in;
    ``exceptions`` the folded words that never match, ``exception_stems`` their
    stems in those languages. ``notes`` says the term is also looked for in a
    slot's notes (an ingredient term, unless its source says otherwise).
    """

    source_id: str
    target: RuleTarget
    mode: MatchMode
    term: str
    folded: str
    compounds: bool
    stems: tuple[tuple[Language, tuple[str, ...]], ...] = ()
    exceptions: frozenset[str] = frozenset()
    exception_stems: frozenset[tuple[Language, str]] = frozenset()
    notes: bool = False

    @property
    def targets(self) -> tuple[RuleTarget, ...]:
        """The kinds of text the term is looked for in."""
        return (self.target, RuleTarget.NOTES) if self.notes else (self.target,)


class RawMatch(NamedTuple):
    """A term spec found in a text, in folded coordinates, before any decision."""

    source_id: str
    term: str
    target_index: int
    target: RuleTarget
    text_index: int
    start: int
    end: int


def is_excepted(spec: TermSpec, text: AnalyzedText, start: int, end: int) -> bool:
    """Whether a match of ``spec`` at ``[start, end)`` lies in one of its exception words."""
    if not spec.exceptions:
        return False
    for word in text.covered_words(start, end):
        if word.text in spec.exceptions:
            return True
        for language in LANGUAGES:
            if (language, stem(language, word.text)) in spec.exception_stems:
                return True
    return False


def _folded_category(category: str | None) -> str | None:
    return None if category is None else fold_term(category)


def _rule_source(rule: GuardRule) -> Source:
    role = Role.ALLOW if rule.action is RuleAction.ALLOW else Role.RESTRICT
    return Source(
        rule.id,
        SourceKind.RULE,
        role,
        rule.strictness,
        rule.priority,
        _folded_category(rule.metadata.category),
        scope=rule.exempts,
        rule=rule,
    )


def _constraint_source(constraint: DietLogicConstraint) -> Source:
    return Source(
        constraint.id,
        _KIND_OF[constraint.kind],
        _ROLE_OF[constraint.kind],
        constraint.strictness,
        constraint.priority,
        _folded_category(constraint.category),
        scope=constraint.exempts,
        constraint=constraint,
    )


def sources_of(ruleset: GuardrailsRuleset) -> dict[str, Source]:
    """Every rule and constraint by id."""
    sources = [_rule_source(rule) for rule in ruleset.rules]
    sources += [_constraint_source(constraint) for constraint in ruleset.diet_logic]
    return {source.id: source for source in sources}


@attrs.frozen
class _Term:
    """A term of a rule or item with the languages it is stemmed in."""

    text: str
    languages: tuple[Language, ...]
    compounds: bool


def _rule_terms(rule: GuardRule) -> list[_Term]:
    match = rule.match
    if match.mode is MatchMode.CANONICAL_ID:
        assert match.canonical_id is not None  # the model guarantees it
        return [_Term(match.canonical_id, (), compounds=False)]
    # A rule's term may be written in either language (rules carry no language of
    # their own), so it is stemmed as both: stemmed only as English, a Dutch term
    # would miss its plurals (``aardappel``, ``aardappelen``).
    terms = [_Term(match.term, LANGUAGES, _compound(match.term, match.compounds))]
    if match.term_nl is not None:
        terms.append(_Term(match.term_nl, DUTCH, _compound(match.term_nl, match.compounds)))
    terms += [
        _Term(synonym, LANGUAGES, _compound(synonym, match.compounds)) for synonym in match.synonyms
    ]
    return terms


def _compound(term: str, compounds: bool) -> bool:
    return compounds and is_single_word(fold_term(term))


def _item_terms(item: DietLogicItem) -> list[_Term]:
    terms = [_Term(item.term, ENGLISH, compounds=False)]
    if item.term_nl is not None:
        # A Dutch term of one word is a compound part; a longer one matches as words.
        terms.append(_Term(item.term_nl, DUTCH, is_single_word(fold_term(item.term_nl))))
    terms += [_Term(synonym, LANGUAGES, compounds=False) for synonym in item.synonyms]
    return terms


def _spec(
    source_id: str,
    target: RuleTarget,
    mode: MatchMode,
    term: _Term,
    exceptions: tuple[str, ...],
    *,
    notes: bool,
) -> TermSpec:
    if mode is MatchMode.CANONICAL_ID:
        return TermSpec(source_id, target, mode, term.text, term.text, compounds=False)
    folded = fold_term(term.text)
    stemmed = mode in (MatchMode.EXACT, MatchMode.WORD_BOUNDARY)
    languages = term.languages
    folded_exceptions = frozenset(fold_term(word) for word in exceptions)
    return TermSpec(
        source_id,
        target,
        mode,
        term.text,
        folded,
        compounds=term.compounds,
        stems=tuple((lang, stems_of_term(lang, folded)) for lang in languages) if stemmed else (),
        exceptions=folded_exceptions,
        exception_stems=frozenset(
            (lang, stem(lang, word)) for lang in languages for word in folded_exceptions
        ),
        notes=notes,
    )


def term_specs(ruleset: GuardrailsRuleset) -> tuple[TermSpec, ...]:
    """Every term of every source, once, in a stable order."""
    specs: dict[TermSpec, None] = {}
    for rule in ruleset.rules:
        for term in _rule_terms(rule):
            spec = _spec(
                rule.id,
                rule.target,
                rule.match.mode,
                term,
                rule.match.exceptions,
                notes=rule.checks_notes,
            )
            specs[spec] = None
    for constraint in ruleset.diet_logic:
        for item in constraint.items:
            for term in _item_terms(item):
                spec = _spec(
                    constraint.id,
                    RuleTarget.INGREDIENT,
                    MatchMode.WORD_BOUNDARY,
                    term,
                    item.exceptions,
                    notes=constraint.check_notes,
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
