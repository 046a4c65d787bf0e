"""A ruleset compiled into one matcher, so a plan is evaluated in one pass.

Compiling indexes every term of the ruleset once, per target kind:

- ``exact`` terms in a dict keyed by language and the stems of the whole text;
- ``word_boundary`` terms in a dict keyed by language and their run of stems,
  with the lengths of the runs that start with each stem, so a text is looked
  up word by word;
- ``canonical_id`` terms in a dict keyed by id;
- ``substring`` terms and the compound parts of ``compounds`` terms in one
  Aho-Corasick automaton, which finds every occurrence of every such term in a
  single scan of a text, however many terms there are; the compound check then
  runs only on the occurrences found.

Evaluating a week therefore costs about the length of its texts plus the number
of matches, and hardly grows with the size of the ruleset.
Compiling is linear in the size of the ruleset: each distinct word is stemmed
once, and the indexes are built in one pass over the terms.
Nothing here keeps compiled rulesets: a :class:`~weekplan.guardrails._cache.RulesetCache`
does, and each :class:`~weekplan.Planner` owns one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

import attrs

from weekplan.guardrails._decision import GuardDecision
from weekplan.guardrails._model import GuardrailsRuleset, MatchMode, RuleTarget
from weekplan.guardrails._normalize import compound_match_ok
from weekplan.guardrails._stemming import LANGUAGES, Language
from weekplan.guardrails._targets import PlanTarget
from weekplan.guardrails._terms import (
    COMPOUNDS,
    EXCEPTION_STEMS,
    EXCEPTIONS,
    FOLDED,
    MODE,
    NOTES,
    SOURCE_ID,
    STEMS,
    TARGET,
    TERM,
    Flattened,
    RawMatch,
    SpecRow,
    excepted,
    flatten,
)
from weekplan.guardrails._verdict import decide
from weekplan.guardrails._words import AnalyzedText, analyze

__all__ = ["CACHE_SIZE", "CompiledRuleset", "clear_cache", "compile_ruleset"]

CACHE_SIZE = 16
"""How many compiled rulesets a :class:`~weekplan.guardrails.RulesetCache` keeps by default."""


class _Automaton:
    """Aho-Corasick over a fixed set of patterns.

    Each node's ``out`` already includes the outputs reachable by failure links,
    so a scan reports every occurrence (overlapping ones too) without walking
    the failure chain for outputs.
    The trie is one dict keyed by ``node * _CHARS + code point`` and the
    failure links one list of ints, rather than a dict per node: a large
    ruleset has tens of thousands of nodes, and so few objects to allocate
    (and for the garbage collector to visit) makes it several times faster to
    build.
    """

    __slots__ = ("fail", "goto", "lengths", "out")

    def __init__(self, patterns: Sequence[str]) -> None:
        # The trie is built one depth at a time, all patterns together, so each
        # node is made after every node less deep: its failure link (to a less
        # deep node) can be found as soon as it is made, in the same pass.
        goto: dict[int, int] = {}
        fail = [0]
        out: dict[int, tuple[int, ...]] = {}
        # For each pattern still longer than the depth: its id, and its node at the depth,
        # in two lists of ints (a pair per pattern and depth would be tens of
        # thousands of tuples for the garbage collector to visit).
        active_ids = [pattern_id for pattern_id, pattern in enumerate(patterns) if pattern]
        active_nodes = [0] * len(active_ids)
        depth = 0
        while active_ids:
            deeper_ids: list[int] = []
            deeper_nodes: list[int] = []
            end_ids: list[int] = []
            end_nodes: list[int] = []
            for pattern_id, node in zip(active_ids, active_nodes, strict=True):
                pattern = patterns[pattern_id]
                code = ord(pattern[depth])
                key = node * _CHARS + code
                nxt = goto.get(key)
                if nxt is None:
                    nxt = goto[key] = len(fail)
                    target = 0
                    if node:
                        state = fail[node]
                        while True:
                            found = goto.get(state * _CHARS + code)
                            if found is not None:
                                target = found
                                break
                            if not state:
                                break
                            state = fail[state]
                    fail.append(target)
                    inherited = out.get(target)
                    if inherited:
                        out[nxt] = inherited
                if len(pattern) > depth + 1:
                    deeper_ids.append(pattern_id)
                    deeper_nodes.append(nxt)
                else:
                    end_ids.append(pattern_id)
                    end_nodes.append(nxt)
            # Each node ends at most one pattern (patterns are distinct), and the
            # outputs of the less deep nodes its failure link leads to are complete.
            for pattern_id, node in zip(end_ids, end_nodes, strict=True):
                inherited = out.get(fail[node])
                out[node] = (pattern_id, *inherited) if inherited else (pattern_id,)
            active_ids, active_nodes = deeper_ids, deeper_nodes
            depth += 1
        self.goto = goto
        self.fail = fail
        self.out = out
        self.lengths = [len(pattern) for pattern in patterns]

    def scan(self, text: str) -> Iterator[tuple[int, int]]:
        """Every ``(start, pattern_id)`` occurring in ``text``."""
        goto, fail, out, lengths = self.goto, self.fail, self.out, self.lengths
        state = 0
        for position, char in enumerate(text):
            code = ord(char)
            while True:
                found = goto.get(state * _CHARS + code)
                if found is not None:
                    state = found
                    break
                if not state:
                    break
                state = fail[state]
            for pattern_id in out.get(state, ()):
                yield position + 1 - lengths[pattern_id], pattern_id


# One more than the largest code point: a node and a character make one int key.
_CHARS = 0x110000


@attrs.frozen
class _KindIndex:
    # Per language, keyed by runs of stems (and first stems): nested dicts rather
    # than (language, run) keys, so a large ruleset makes no key object of its own.
    # A run of stems maps to its one spec, or to a list of them (rare): a container
    # per run would be the largest part of the index for the garbage collector.
    exact: dict[Language, dict[tuple[str, ...], SpecRow | list[SpecRow]]]
    words: dict[Language, dict[tuple[str, ...], SpecRow | list[SpecRow]]]
    # For each language and first stem: the lengths, in tokens, of the runs that start with it.
    lengths: dict[Language, dict[str, tuple[int, ...]]]
    languages: tuple[Language, ...]
    canonical: dict[str, list[SpecRow]]
    automaton: _Automaton
    # For each automaton pattern: the specs it stands for, and whether it is a compound part.
    entries: list[tuple[tuple[SpecRow, bool], ...]]


def _run_lengths(
    starts: dict[Language, dict[str, int]],
) -> dict[Language, dict[str, tuple[int, ...]]]:
    """The lengths that the bits of each mask stand for, in increasing order.

    Most first stems start runs of the same few lengths: one tuple for each set of lengths.
    """
    shared: dict[int, tuple[int, ...]] = {}
    for masks in starts.values():
        for mask in masks.values():
            if mask not in shared:
                shared[mask] = tuple(n for n in range(mask.bit_length()) if mask >> n & 1)
    return {
        language: {first: shared[mask] for first, mask in masks.items()}
        for language, masks in starts.items()
    }


_Key = TypeVar("_Key")
_Value = TypeVar("_Value")


def _add(found_by: dict[_Key, _Value | list[_Value]], key: _Key, value: _Value) -> None:
    """Add ``value`` under ``key``: alone, or with the values already there in a list.

    A list only for a key with more than one value (rare): a list is an object the
    garbage collector visits for as long as it lives, and an index has tens of
    thousands of keys. A value is never a list itself.
    """
    found = found_by.get(key)
    if found is None:
        found_by[key] = value
    elif isinstance(found, list):
        found.append(value)
    else:
        found_by[key] = [found, value]


def _specs(found: SpecRow | list[SpecRow] | None) -> Sequence[SpecRow]:
    """The specs of a run found in an index (see :class:`_KindIndex`)."""
    if found is None:
        return ()
    return found if isinstance(found, list) else (found,)


def _index(specs: Sequence[SpecRow]) -> _KindIndex:
    exact: dict[Language, dict[tuple[str, ...], SpecRow | list[SpecRow]]]
    exact = {language: {} for language in LANGUAGES}
    words: dict[Language, dict[tuple[str, ...], SpecRow | list[SpecRow]]]
    words = {language: {} for language in LANGUAGES}
    # For each language and first stem, the lengths of its runs as the bits of an int
    # (an int is no object for the garbage collector to visit, as a set would be).
    starts: dict[Language, dict[str, int]] = {language: {} for language in LANGUAGES}
    canonical: dict[str, list[SpecRow]] = {}
    # For each pattern: its spec and whether it is a compound part, or a list of them (rare).
    patterns: dict[str, tuple[SpecRow, bool] | list[tuple[SpecRow, bool]]] = {}
    # A run of stems is mostly new: set with setdefault, and _add only for a second spec
    # (a large ruleset has tens of thousands of runs, and a call for each was a large
    # part of indexing them).
    for spec in specs:
        mode = spec[MODE]
        if mode == _EXACT:
            for language, stems in spec[STEMS]:
                by_run = exact[language]
                if by_run.setdefault(stems, spec) is not spec:
                    _add(by_run, stems, spec)
        elif mode == _CANONICAL_ID:
            canonical.setdefault(spec[TERM], []).append(spec)
        elif mode == _SUBSTRING:
            _add(patterns, spec[FOLDED], (spec, False))
        else:
            for language, stems in spec[STEMS]:
                if stems:
                    by_run = words[language]
                    if by_run.setdefault(stems, spec) is not spec:
                        _add(by_run, stems, spec)
                    by_first = starts[language]
                    first = stems[0]
                    by_first[first] = by_first.get(first, 0) | 1 << len(stems)
            if spec[COMPOUNDS]:
                _add(patterns, spec[FOLDED], (spec, True))
    exact = {language: found for language, found in exact.items() if found}
    words = {language: found for language, found in words.items() if found}
    lengths = _run_lengths({language: found for language, found in starts.items() if found})
    return _KindIndex(
        exact=exact,
        words=words,
        lengths=lengths,
        languages=tuple(
            language for language in LANGUAGES if language in exact or language in words
        ),
        canonical=canonical,
        automaton=_Automaton(list(patterns)),
        # Tuples rather than lists: the garbage collector soon stops tracking them.
        entries=[
            tuple(found) if isinstance(found, list) else (found,) for found in patterns.values()
        ],
    )


@attrs.frozen(eq=False)
class CompiledRuleset:
    """A ruleset with its terms indexed for one-pass matching."""

    flat: Flattened
    indexes: dict[RuleTarget, _KindIndex]

    @property
    def content_hash(self) -> str:
        """The content hash of the ruleset this was compiled from."""
        return self.flat.content_hash

    def find(
        self, targets: Sequence[PlanTarget], analyzed: dict[str, AnalyzedText]
    ) -> list[RawMatch]:
        """Every raw match in ``targets``; analyzes each distinct text once into ``analyzed``."""
        found: list[RawMatch] = []
        for target_index, target in enumerate(targets):
            for kind, index in self.indexes.items():
                for text_index, text in enumerate(target.texts(kind)):
                    analyzed_text = analyzed.get(text)
                    if analyzed_text is None:
                        analyzed_text = analyzed[text] = analyze(text)
                    for spec, start, end in self._find_in(index, analyzed_text):
                        found.append(
                            RawMatch(
                                spec[SOURCE_ID],
                                spec[TERM],
                                target_index,
                                kind,
                                text_index,
                                start,
                                end,
                            )
                        )
                if kind is RuleTarget.INGREDIENT and index.canonical:
                    for text_index, canonical_id in enumerate(target.ingredient_ids):
                        for spec in index.canonical.get(canonical_id or "", ()):
                            text = target.ingredients[text_index]
                            analyzed_text = analyzed.get(text) or analyzed.setdefault(
                                text, analyze(text)
                            )
                            found.append(
                                RawMatch(
                                    spec[SOURCE_ID],
                                    spec[TERM],
                                    target_index,
                                    kind,
                                    text_index,
                                    0,
                                    len(analyzed_text.text),
                                )
                            )
        return found

    @staticmethod
    def _find_in(index: _KindIndex, text: AnalyzedText) -> Iterator[tuple[SpecRow, int, int]]:
        yield from _find_words(index, text)
        if index.entries:
            yield from _find_patterns(index, text)

    def evaluate(self, targets: Sequence[PlanTarget]) -> GuardDecision:
        """Evaluate checked targets (see :func:`weekplan.guardrails.evaluate`)."""
        analyzed: dict[str, AnalyzedText] = {}
        raw = self.find(targets, analyzed)
        return decide(
            self.flat, targets, raw, lambda text: (analyzed.get(text) or analyze(text)).folded
        )


def _find_words(index: _KindIndex, text: AnalyzedText) -> Iterator[tuple[SpecRow, int, int]]:
    """``exact`` and ``word_boundary`` matches: runs of stems, looked up word by word."""
    tokens = text.tokens
    for language in index.languages:
        stems = text.stems(language)
        exact = index.exact.get(language)
        if exact and stems:
            for spec in _specs(exact.get(stems)):
                yield spec, 0, len(text.text)
        words = index.words.get(language)
        if not words:
            continue
        lengths = index.lengths[language]
        for position, first in enumerate(stems):
            for length in lengths.get(first, ()):
                end = position + length
                if end > len(stems):
                    break
                found = words.get(stems[position:end])
                if found is None:
                    continue
                for spec in _specs(found):
                    start, stop = tokens[position].start, tokens[end - 1].end
                    if not excepted(spec[EXCEPTIONS], spec[EXCEPTION_STEMS], text, start, stop):
                        yield spec, start, stop


def _find_patterns(index: _KindIndex, text: AnalyzedText) -> Iterator[tuple[SpecRow, int, int]]:
    """``substring`` matches and compound parts: one scan of the automaton."""
    lengths = index.automaton.lengths
    for start, pattern_id in index.automaton.scan(text.text):
        end = start + lengths[pattern_id]
        word = None
        for spec, compound in index.entries[pattern_id]:
            if compound:
                word = word or text.word_at(start)
                if word is None or not compound_match_ok(word, start, end):
                    continue
            if not excepted(spec[EXCEPTIONS], spec[EXCEPTION_STEMS], text, start, end):
                yield spec, start, end


def _compile(ruleset: GuardrailsRuleset) -> CompiledRuleset:
    flat = flatten(ruleset)
    by_kind: dict[RuleTarget, list[SpecRow]] = {}
    notes = by_kind[RuleTarget.NOTES] = []
    kinds = {kind.value: kind for kind in RuleTarget}
    for spec in flat.rows:
        by_kind.setdefault(kinds[spec[TARGET]], []).append(spec)
        if spec[NOTES]:
            notes.append(spec)
    if not notes:
        del by_kind[RuleTarget.NOTES]
    indexes = {
        kind: _index(by_kind[kind])
        for kind in RuleTarget
        if kind in by_kind and not (kind is RuleTarget.NOTES and _notes_as_ingredients(by_kind))
    }
    if RuleTarget.NOTES in by_kind and RuleTarget.NOTES not in indexes:
        # Usually every ingredient term is also a notes term: share the index
        # (canonical ids are only ever looked up for ingredients).
        indexes[RuleTarget.NOTES] = indexes[RuleTarget.INGREDIENT]
    return CompiledRuleset(flat, indexes)


def _notes_as_ingredients(by_kind: dict[RuleTarget, list[SpecRow]]) -> bool:
    """Whether notes are searched for exactly the ingredient terms (canonical ids aside)."""
    notes = by_kind.get(RuleTarget.NOTES, [])
    ingredients = [
        spec for spec in by_kind.get(RuleTarget.INGREDIENT, []) if spec[MODE] != _CANONICAL_ID
    ]
    return len(notes) == len(ingredients) and all(
        a is b for a, b in zip(notes, ingredients, strict=True)
    )


_EXACT = MatchMode.EXACT.value
_CANONICAL_ID = MatchMode.CANONICAL_ID.value
_SUBSTRING = MatchMode.SUBSTRING.value


def compile_ruleset(ruleset: GuardrailsRuleset) -> CompiledRuleset:
    """``ruleset`` compiled for one-pass matching (compiled again on every call).

    To compile a ruleset once and evaluate with it many times, keep the result,
    or let a :class:`~weekplan.guardrails._cache.RulesetCache` keep it.
    """
    return _compile(ruleset)


def clear_cache() -> None:
    """Forget every analyzed text (for tests and memory-conscious hosts).

    Compiled rulesets are not kept here: each planner's
    :class:`~weekplan.guardrails._cache.RulesetCache` keeps its own.
    """
    analyze.cache_clear()
