"""Compiling a ruleset: each shortcut gives exactly what the plain way gives.

A large ruleset is compiled in bulk (terms folded without character origins,
every distinct word stemmed once per language in one call, one flat trie for
substring search); each test here holds one of those steps to the plain,
one-at-a-time computation it replaces.
"""

from __future__ import annotations

import gc
import sys

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.guardrails.test_guardrails_properties import rulesets

from weekplan.guardrails import GuardRule, RuleMatch, compile_ruleset
from weekplan.guardrails._compiled import _Automaton
from weekplan.guardrails._decision import SourceKind
from weekplan.guardrails._model import GuardrailsRuleset, MatchMode, RuleAction
from weekplan.guardrails._normalize import fold, fold_term, token_texts, tokenize
from weekplan.guardrails._sources import Role, Source, sources_of
from weekplan.guardrails._stemming import LANGUAGES, Language, stem, stem_words
from weekplan.guardrails._terms import (
    EXCEPTIONS,
    TermSpec,
    _item_terms,
    _rule_terms,
    _Term,
    _token_texts_of,
    flatten,
    spec_rows,
    term_specs,
)
from weekplan.guardrails._words import stems_of

# Characters whose folding is out of the ordinary: a space and a combining mark
# ("\u00a8"), a lone combining mark, no-break and other spaces, a ligature, sharp s,
# a fullwidth letter, a separator control character that str.isspace() counts.
AWKWARD = "\u00a8\u0301\u00a0\u2003\ufb01\u00df\uff21\x1c\t É-a"


def _fold_term_uncached(term: str) -> str:
    return fold_term.__wrapped__(term)


@given(st.text(AWKWARD, max_size=8) | st.text(max_size=8))
def test_a_term_folds_as_its_text_folds(term: str) -> None:
    assert _fold_term_uncached(term) == fold(term).text


def test_every_single_character_folds_as_its_text_folds() -> None:
    # Every code point, alone and between words, in steps (all of them take long).
    for code in range(0, sys.maxunicode + 1, 7):
        char = chr(code)
        for term in (char, f"a {char} b", f"a{char}"):
            assert _fold_term_uncached(term) == fold(term).text, hex(code)


@given(st.text(AWKWARD + "kip(bio)", max_size=12))
def test_token_texts_are_the_texts_of_the_tokens(text: str) -> None:
    folded = fold(text).text
    found = token_texts(folded)
    tokens = tokenize(folded)
    assert found == [token.text for token in tokens]
    assert [part[0].isalnum() for part in found] == [token.is_word for token in tokens]


def test_a_term_of_letters_and_digits_only_is_one_word_itself() -> None:
    # Terms that str.isalnum() holds for are split without the tokenizer.
    for code in range(sys.maxunicode + 1):
        term = chr(code) * 2
        assert (token_texts(term) == [term]) is term.isalnum(), hex(code)


@given(st.text(AWKWARD + "kip(bio)1²", max_size=12).map(lambda text: fold(text).text))
def test_terms_split_in_bulk_are_split_as_the_tokenizer_splits_them(term: str) -> None:
    assert _token_texts_of([term, term.replace(" ", "")]) == {
        term: tuple(token_texts(term)),
        term.replace(" ", ""): tuple(token_texts(term.replace(" ", ""))),
    }


@given(st.sampled_from(LANGUAGES), st.lists(st.text("abeiklmnorst'", min_size=1, max_size=9)))
def test_stemming_words_in_one_call_gives_the_stem_of_each(
    language: Language, words: list[str]
) -> None:
    stems = stem_words(language, words)
    assert stems == {word: stem(language, word) for word in words}


def _plain_spec(
    source_id: str,
    target: object,
    mode: MatchMode,
    term: _Term,
    exceptions: tuple[str, ...],
    *,
    notes: bool,
) -> TermSpec:
    """One spec the plain way: fold, tokenize and stem this term alone."""
    if mode is MatchMode.CANONICAL_ID:
        return TermSpec(source_id, target, mode, term.text, term.text, compounds=False)  # type: ignore[arg-type]
    folded = fold(term.text).text
    stemmed = mode in (MatchMode.EXACT, MatchMode.WORD_BOUNDARY)
    folded_exceptions = frozenset(fold(word).text for word in exceptions)
    return TermSpec(
        source_id,
        target,  # type: ignore[arg-type]
        mode,
        term.text,
        folded,
        compounds=term.compounds,
        stems=tuple((lang, stems_of(lang, tokenize(folded))) for lang in term.languages)
        if stemmed
        else (),
        exceptions=folded_exceptions,
        exception_stems=frozenset(
            (lang, stem(lang, word)) for lang in term.languages for word in folded_exceptions
        ),
        notes=notes,
    )


def _plain_term_specs(ruleset: GuardrailsRuleset) -> tuple[TermSpec, ...]:
    specs: dict[TermSpec, None] = {}
    for rule in ruleset.rules:
        for term in _rule_terms(rule):
            specs[
                _plain_spec(
                    rule.id,
                    rule.target,
                    rule.match.mode,
                    term,
                    rule.match.exceptions,
                    notes=rule.checks_notes,
                )
            ] = None
    for constraint in ruleset.diet_logic:
        for item in constraint.items:
            for term in _item_terms(item):
                specs[
                    _plain_spec(
                        constraint.id,
                        "ingredient",
                        MatchMode.WORD_BOUNDARY,
                        term,
                        item.exceptions,
                        notes=constraint.check_notes,
                    )
                ] = None
    return tuple(specs)


@settings(max_examples=300)
@given(rulesets())
def test_term_specs_made_in_bulk_are_those_made_one_term_at_a_time(
    ruleset: GuardrailsRuleset,
) -> None:
    assert term_specs(ruleset) == _plain_term_specs(ruleset)


@settings(max_examples=100)
@given(rulesets())
def test_spec_rows_are_the_term_specs_as_plain_tuples(ruleset: GuardrailsRuleset) -> None:
    rows = spec_rows(ruleset)
    specs = term_specs(ruleset)
    # Empty exceptions are empty tuples in a row, empty frozensets in a spec.
    assert [(*row[:7], frozenset(row[7]), frozenset(row[8]), row[9]) for row in rows] == list(specs)
    assert all(type(row) is tuple for row in rows)
    assert flatten(ruleset).specs == specs
    assert all(type(spec) is TermSpec for spec in flatten(ruleset).specs)
    for row in rows:
        # Target and mode are the enums' plain string values (equal to the enums).
        assert type(row[1]) is str
        assert type(row[2]) is str


# Few examples: each runs four full collections of the whole test process; the
# property is about the rows' shape, which every ruleset exercises.
@settings(max_examples=10)
@given(rulesets())
def test_the_garbage_collector_stops_tracking_rows_without_exceptions(
    ruleset: GuardrailsRuleset,
) -> None:
    rows = spec_rows(ruleset)
    # Each pass may untrack one more level of nested tuples (a row holds its
    # stems, a tuple of pairs of a language and a tuple of stems).
    for _ in range(4):
        gc.collect()
    assert not [row for row in rows if not row[EXCEPTIONS] and gc.is_tracked(row)]


def _large_ruleset(size: int) -> GuardrailsRuleset:
    """Rules of every searched mode, with synonyms of one and two words, some compound."""
    modes = ("word_boundary", "word_boundary", "exact", "substring")

    def word(index: int, salt: int) -> str:
        number = index * 7919 + salt
        syllables = []
        for _ in range(4):
            syllables.append("bdfgklmnprstvz"[number % 14] + "aeiou"[number // 14 % 5])
            number //= 70
        return "".join(syllables) + str(index)

    return GuardrailsRuleset(
        "large",
        rules=[
            GuardRule(
                f"r{index}",
                "block",
                "hard",
                1 + index % 50,
                "ingredient" if index % 4 else "step",
                RuleMatch(
                    word(index, 1),
                    synonyms=[word(index, 2), f"{word(index, 3)} {word(index, 4)}"],
                    mode=modes[index % 4],
                    compounds=index % 8 == 0,
                ),
            )
            for index in range(size)
        ],
    )


def test_compiling_leaves_few_objects_for_the_collectors_oldest_generation() -> None:
    # What a compile leaves tracked in the oldest generation counts towards the
    # next full collection of the whole host process: a source per rule, a list
    # per pattern, or a stems tuple made before its pairs (so every row holding
    # it stays tracked) each left one object or more per rule.
    ruleset = _large_ruleset(3_000)
    gc.collect()
    before = len(gc.get_objects(generation=2))
    compiled = compile_ruleset(ruleset)
    gc.collect(generation=1)
    assert len(gc.get_objects(generation=2)) - before < len(ruleset.rules) // 5
    assert compiled.flat.rows


_KINDS = {kind.value: kind for kind in SourceKind}
_ROLES = {"drop": Role.RESTRICT, "force": Role.COUNT, "limit": Role.COUNT, "pass": Role.ALLOW}


def _plain_sources(ruleset: GuardrailsRuleset) -> dict[str, Source]:
    """Every source the plain way: all made at once, rules first, then constraints."""
    sources = [
        Source(
            rule.id,
            SourceKind.RULE,
            Role.ALLOW if rule.action is RuleAction.ALLOW else Role.RESTRICT,
            rule.strictness,
            rule.priority,
            None if rule.metadata.category is None else fold(rule.metadata.category).text,
            scope=rule.exempts,
            rule=rule,
        )
        for rule in ruleset.rules
    ]
    sources += [
        Source(
            constraint.id,
            _KINDS[constraint.kind.value],
            _ROLES[constraint.kind.value],
            constraint.strictness,
            constraint.priority,
            fold(constraint.category).text,
            scope=constraint.exempts,
            constraint=constraint,
        )
        for constraint in ruleset.diet_logic
    ]
    return {source.id: source for source in sources}


@settings(max_examples=200)
@given(rulesets())
def test_sources_made_on_first_use_are_those_made_all_at_once(
    ruleset: GuardrailsRuleset,
) -> None:
    plain = _plain_sources(ruleset)
    flat = flatten(ruleset)
    # Looked up one by one (as a decision does) before the mapping is read whole.
    assert {source_id: flat.sources[source_id] for source_id in reversed(plain)} == plain
    assert list(flat.sources.items()) == list(plain.items())
    assert len(flat.sources) == len(plain)
    assert "no such source" not in flat.sources
    assert flat.sources.get("no such source") is None
    assert sources_of(ruleset) == plain
    assert flat.quota_sources == tuple(
        sorted(
            (s for s in plain.values() if s.kind in (SourceKind.FORCE, SourceKind.LIMIT)),
            key=lambda source: source.order,
        )
    )


def _occurrences(patterns: list[str], text: str) -> list[tuple[int, int]]:
    return sorted(
        (start, pattern_id)
        for pattern_id, pattern in enumerate(patterns)
        for start in range(len(text) - len(pattern) + 1)
        if text.startswith(pattern, start)
    )


@settings(max_examples=300)
@given(
    st.lists(st.text("abé", min_size=1, max_size=5), max_size=8, unique=True),
    st.text("abé ", max_size=20),
)
def test_the_automaton_finds_every_occurrence_of_every_pattern(
    patterns: list[str], text: str
) -> None:
    assert sorted(_Automaton(patterns).scan(text)) == _occurrences(patterns, text)
