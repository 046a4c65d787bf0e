"""A ruleset flattened into what matching needs: sources and term specs.

A *source* is a rule or a Diet Logic constraint: what a match is attributed to
(see :mod:`weekplan.guardrails._sources`).
A *term spec* is one term of one source, folded, with the mode and target it is
matched in.
Both the compiled matcher and the reference evaluator start from these, so they
agree on what is looked for and differ only in how they look.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from itertools import chain, repeat
from typing import Final, NamedTuple

import attrs

from weekplan.guardrails._decision import SourceKind
from weekplan.guardrails._model import (
    DietLogicItem,
    GuardrailsRuleset,
    GuardRule,
    MatchMode,
    RuleTarget,
)
from weekplan.guardrails._normalize import fold_term, is_single_word, token_texts
from weekplan.guardrails._sources import Role, Source, SourcesById, sources_of
from weekplan.guardrails._stemming import LANGUAGES, Language, stem, stem_words
from weekplan.guardrails._words import AnalyzedText

__all__ = [
    "Flattened",
    "RawMatch",
    "Role",
    "Source",
    "SpecRow",
    "TermSpec",
    "flatten",
    "is_excepted",
    "sources_of",
    "spec_rows",
    "term_specs",
]


ENGLISH: tuple[Language, ...] = ("english",)
DUTCH: tuple[Language, ...] = ("dutch",)


class TermSpec(NamedTuple):
    """One term of one source, ready to be matched.

    ``stems`` holds the term's stems in each language it is compared in;
    ``exceptions`` the folded words that never match, ``exception_stems`` their
    stems in those languages. ``notes`` says the term is also looked for in a
    slot's notes (an ingredient term, unless its source says otherwise).
    A named tuple rather than an attrs class: a large ruleset makes tens of
    thousands of them, and a tuple is made and hashed without a Python call.
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


SpecRow = tuple[
    str,
    str,
    str,
    str,
    str,
    bool,
    tuple[tuple[Language, tuple[str, ...]], ...],
    Collection[str],
    Collection[tuple[Language, str]],
    bool,
]
"""A :class:`TermSpec` as a plain tuple of the same fields, in the same order.

The target and the mode are their enums' string values (equal to the enums),
and a term without exceptions has empty tuples for them (frozensets otherwise).
A row without exceptions holds nothing but strings, bools and tuples of them,
so the garbage collector stops tracking it after its first passes: a large
ruleset makes tens of thousands of rows, and tracked named tuples made up a
third of the cost of compiling it.
"""
# Indexes of the fields of a row (see TermSpec).
SOURCE_ID: Final = 0
TARGET: Final = 1
MODE: Final = 2
TERM: Final = 3
FOLDED: Final = 4
COMPOUNDS: Final = 5
STEMS: Final = 6
EXCEPTIONS: Final = 7
EXCEPTION_STEMS: Final = 8
NOTES: Final = 9


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
    return excepted(spec.exceptions, spec.exception_stems, text, start, end)


def excepted(
    exceptions: Collection[str],
    exception_stems: Collection[tuple[Language, str]],
    text: AnalyzedText,
    start: int,
    end: int,
) -> bool:
    """Whether a match at ``[start, end)`` lies in a word of ``exceptions``, or of their stems."""
    if not exceptions:
        return False
    for word in text.covered_words(start, end):
        if word.text in exceptions:
            return True
        for language in LANGUAGES:
            if (language, stem(language, word.text)) in exception_stems:
                return True
    return False


class _Term(NamedTuple):
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


_STEMMED = frozenset({MatchMode.EXACT, MatchMode.WORD_BOUNDARY})


def term_specs(ruleset: GuardrailsRuleset) -> tuple[TermSpec, ...]:
    """Every term of every source, once, in a stable order (see :func:`spec_rows`)."""
    return tuple(_spec_of(row) for row in spec_rows(ruleset))


def _spec_of(row: SpecRow) -> TermSpec:
    """The :class:`TermSpec` a row stands for."""
    return TermSpec(
        row[SOURCE_ID],
        _TARGETS[row[TARGET]],
        _MODES[row[MODE]],
        row[TERM],
        row[FOLDED],
        row[COMPOUNDS],
        row[STEMS],
        frozenset(row[EXCEPTIONS]),
        frozenset(row[EXCEPTION_STEMS]),
        row[NOTES],
    )


_TARGETS = {target.value: target for target in RuleTarget}
_MODES = {mode.value: mode for mode in MatchMode}


_Pending = tuple[str, str, str, str, str, bool, tuple[Language, ...], tuple[str, ...], bool, bool]
# The distinct folded terms to stem, by the languages they are stemmed in.
_ToStem = dict[tuple[Language, ...], dict[str, None]]


def _pending(ruleset: GuardrailsRuleset) -> tuple[list[_Pending], _ToStem]:
    """Every term of every source, folded, in the order of the ruleset, before stemming.

    Each is ``(source id, target, mode, term, folded term, compounds, languages,
    exceptions, notes, stemmed)``: plain tuples, which the garbage collector
    soon leaves alone. The terms of a rule are those of :func:`_rule_terms`, and
    of an item those of :func:`_item_terms`, written out here: a large ruleset
    has tens of thousands of terms, and a named tuple and a call per term were a
    large part of the cost of flattening it.
    Beside them, the distinct folded terms to stem, by the languages they are
    stemmed in, gathered in the same pass.
    """
    values = {member: member.value for member in (*RuleTarget, *MatchMode)}
    canonical_id, word_boundary = values[MatchMode.CANONICAL_ID], values[MatchMode.WORD_BOUNDARY]
    ingredient = values[RuleTarget.INGREDIENT]
    pending: list[_Pending] = []
    append = pending.append
    to_stem: _ToStem = {LANGUAGES: {}, ENGLISH: {}, DUTCH: {}}
    for rule in ruleset.rules:
        match = rule.match
        mode, target = values[match.mode], values[rule.target]
        if mode == canonical_id:
            assert match.canonical_id is not None  # the model guarantees it
            term = match.canonical_id
            append((rule.id, target, mode, term, term, False, (), (), False, False))
            continue
        source_id, exceptions, notes = rule.id, match.exceptions, rule.checks_notes
        stemmed = match.mode in _STEMMED
        compounds = match.compounds
        # As _rule_terms: the term and its synonyms in both languages, the Dutch term in Dutch.
        terms = [(match.term, LANGUAGES)]
        if match.term_nl is not None:
            terms.append((match.term_nl, DUTCH))
        terms.extend((synonym, LANGUAGES) for synonym in match.synonyms)
        for text, languages in terms:
            folded = fold_term(text)
            append(
                (
                    source_id,
                    target,
                    mode,
                    text,
                    folded,
                    compounds and is_single_word(folded),
                    languages,
                    exceptions,
                    notes,
                    stemmed,
                )
            )
            if stemmed:
                to_stem[languages][folded] = None
    for constraint in ruleset.diet_logic:
        for item in constraint.items:
            for text, languages, compounds in _item_terms(item):
                folded = fold_term(text)
                append(
                    (
                        constraint.id,
                        ingredient,
                        word_boundary,
                        text,
                        folded,
                        compounds,
                        languages,
                        item.exceptions,
                        constraint.check_notes,
                        True,
                    )
                )
                to_stem[languages][folded] = None
    return pending, {languages: terms for languages, terms in to_stem.items() if terms}


def _token_texts_of(terms: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The texts of the tokens of each folded term (see :func:`token_texts`).

    A term of letters and digits only is one word, itself: most terms are,
    and they are split without a call each.
    """
    terms = list(terms)
    words = [term for term in terms if term.isalnum()]
    split: dict[str, tuple[str, ...]] = dict(zip(words, zip(words), strict=True))
    others = [term for term in terms if term not in split]
    split.update(zip(others, map(tuple, map(token_texts, others)), strict=True))
    return split


def _runs(split: list[tuple[str, ...]], stems: dict[str, str]) -> list[tuple[str, ...]]:
    """The run of stems of each split term: its words' stems, its signs as they are."""
    get = stems.get
    return [tuple(map(get, texts, texts)) for texts in split]


def spec_rows(ruleset: GuardrailsRuleset) -> tuple[SpecRow, ...]:
    """Every term of every source, once, in a stable order, as plain tuples.

    Each distinct term is split into words once, and each distinct word is
    stemmed once per language, all of a language's words in one call of the
    stemmer; the stems of the terms are then looked up with ``map`` over the
    stemmer's table, without a Python call per term: a large ruleset has tens
    of thousands of terms.
    """
    pending, to_stem = _pending(ruleset)
    # Tuples, which the garbage collector soon leaves alone (lists it never does).
    parts = _token_texts_of(chain.from_iterable(to_stem.values()))

    # What to stem, per language: the words of stemmed terms, and exception words.
    words: dict[Language, set[str]] = {language: set() for language in LANGUAGES}
    for languages, terms in to_stem.items():
        found_words = set(chain.from_iterable(map(parts.__getitem__, terms)))
        for language in languages:
            words[language] |= found_words
    excepted: dict[tuple[tuple[str, ...], tuple[Language, ...]], None] = dict.fromkeys(
        [(pending_row[7], pending_row[6]) for pending_row in pending if pending_row[7]]
    )
    for exceptions, languages in excepted:
        for language in languages:
            words[language].update(fold_term(word) for word in exceptions)
    # Only words are stemmed; a sign (a token of one character that is not a
    # letter or digit) is its own stem, and is never a key of the stems.
    stems = {
        language: stem_words(language, [word for word in words[language] if word[0].isalnum()])
        for language in LANGUAGES
    }

    # The stems of each term, per languages: pairs of a language and its run of stems.
    # Every pair is made before the tuples that hold them (zip makes its tuple
    # first, then the items): the garbage collector then stops tracking a tuple
    # and its pairs in one pass, instead of keeping the tuple into its oldest generation.
    stems_of: dict[tuple[Language, ...], dict[str, tuple[tuple[Language, tuple[str, ...]], ...]]]
    stems_of = {}
    for languages, terms in to_stem.items():
        split = list(map(parts.__getitem__, terms))
        pairs = [
            list(zip(repeat(language), _runs(split, stems[language]))) for language in languages
        ]
        stems_of[languages] = dict(zip(terms, zip(*pairs, strict=True), strict=True))

    exceptions_of: dict[
        tuple[tuple[str, ...], tuple[Language, ...]],
        tuple[Collection[str], Collection[tuple[Language, str]]],
    ] = {}
    for exceptions, languages in excepted:
        words_folded = frozenset(fold_term(word) for word in exceptions)
        exceptions_of[(exceptions, languages)] = (
            words_folded,
            frozenset(
                (language, stems[language][word]) for language in languages for word in words_folded
            ),
        )

    none: tuple[tuple[()], tuple[()]] = ((), ())
    rows: dict[SpecRow, None] = {}
    for (
        source_id,
        target,
        mode,
        text,
        folded,
        compounds,
        languages,
        exceptions,
        notes,
        is_stemmed,
    ) in pending:
        folded_words, excepted_stems = (
            exceptions_of[(exceptions, languages)] if exceptions else none
        )
        row: SpecRow = (
            source_id,
            target,
            mode,
            text,
            folded,
            compounds,
            stems_of[languages][folded] if is_stemmed else (),
            folded_words,
            excepted_stems,
            notes,
        )
        rows[row] = None
    return tuple(rows)


@attrs.frozen
class Flattened:
    """A ruleset ready for matching: its sources, its quotas and its term specs."""

    content_hash: str
    sources: Mapping[str, Source]
    """Every rule and constraint by id (each source made on first use)."""
    quota_sources: tuple[Source, ...]
    rows: tuple[SpecRow, ...]
    """The term specs as plain tuples (see :data:`SpecRow`): what the compiled matcher reads."""

    @property
    def specs(self) -> tuple[TermSpec, ...]:
        """The term specs (made from :attr:`rows` on every call)."""
        return tuple(_spec_of(row) for row in self.rows)


def flatten(ruleset: GuardrailsRuleset) -> Flattened:
    """Flatten ``ruleset`` (linear in its size; the compiled matcher does it once)."""
    sources = SourcesById(ruleset)
    # Only constraints count towards quotas: their sources are the only ones made here.
    quotas = sorted(
        (
            source
            for source in map(sources.__getitem__, dict.fromkeys(c.id for c in ruleset.diet_logic))
            if source.kind in (SourceKind.FORCE, SourceKind.LIMIT)
        ),
        key=lambda source: source.order,
    )
    return Flattened(ruleset.content_hash, sources, tuple(quotas), spec_rows(ruleset))
