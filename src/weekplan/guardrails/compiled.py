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
Compiled matchers are cached by content hash in a small, bounded,
thread-safe LRU cache: nothing grows without bound inside a host application.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Iterator, Sequence

import attrs

from weekplan.guardrails.decision import GuardDecision
from weekplan.guardrails.model import GuardrailsRuleset, MatchMode, RuleTarget
from weekplan.guardrails.normalize import compound_match_ok
from weekplan.guardrails.stemming import LANGUAGES, Language
from weekplan.guardrails.targets import PlanTarget
from weekplan.guardrails.terms import Flattened, RawMatch, TermSpec, flatten, is_excepted
from weekplan.guardrails.verdict import decide
from weekplan.guardrails.words import AnalyzedText, analyze

__all__ = ["CACHE_SIZE", "CompiledRuleset", "clear_cache", "compile_ruleset"]

CACHE_SIZE = 16
"""How many compiled rulesets are kept; the least recently used is dropped first."""


class _Automaton:
    """Aho-Corasick over a fixed set of patterns.

    Each node's ``out`` already includes the outputs reachable by failure links,
    so a scan reports every occurrence (overlapping ones too) without walking
    the failure chain for outputs.
    """

    __slots__ = ("fail", "goto", "lengths", "out")

    def __init__(self, patterns: Sequence[str]) -> None:
        self.goto: list[dict[str, int]] = [{}]
        self.lengths = [len(pattern) for pattern in patterns]
        outputs: list[list[int]] = [[]]
        for pattern_id, pattern in enumerate(patterns):
            node = 0
            for char in pattern:
                nxt = self.goto[node].get(char)
                if nxt is None:
                    nxt = len(self.goto)
                    self.goto[node][char] = nxt
                    self.goto.append({})
                    outputs.append([])
                node = nxt
            outputs[node].append(pattern_id)
        self.fail = [0] * len(self.goto)
        queue = deque(self.goto[0].values())
        while queue:
            node = queue.popleft()
            for char, child in self.goto[node].items():
                queue.append(child)
                state = self.fail[node]
                while state and char not in self.goto[state]:
                    state = self.fail[state]
                fallback = self.goto[state].get(char, 0)
                self.fail[child] = fallback if fallback != child else 0
                outputs[child] = outputs[child] + outputs[self.fail[child]]
        self.out: list[tuple[int, ...]] = [tuple(found) for found in outputs]

    def scan(self, text: str) -> Iterator[tuple[int, int]]:
        """Every ``(start, pattern_id)`` occurring in ``text``."""
        goto, fail, out, lengths = self.goto, self.fail, self.out, self.lengths
        state = 0
        for position, char in enumerate(text):
            while state and char not in goto[state]:
                state = fail[state]
            state = goto[state].get(char, 0)
            for pattern_id in out[state]:
                yield position + 1 - lengths[pattern_id], pattern_id


@attrs.frozen
class _KindIndex:
    exact: dict[tuple[Language, tuple[str, ...]], tuple[TermSpec, ...]]
    words: dict[tuple[Language, tuple[str, ...]], tuple[TermSpec, ...]]
    # For each (language, first stem): the lengths, in tokens, of the runs that start with it.
    lengths: dict[tuple[Language, str], tuple[int, ...]]
    languages: tuple[Language, ...]
    canonical: dict[str, tuple[TermSpec, ...]]
    automaton: _Automaton
    # For each automaton pattern: the specs it stands for, and whether it is a compound part.
    entries: tuple[tuple[tuple[TermSpec, bool], ...], ...]


def _index(specs: Sequence[TermSpec]) -> _KindIndex:
    exact: dict[tuple[Language, tuple[str, ...]], list[TermSpec]] = {}
    words: dict[tuple[Language, tuple[str, ...]], list[TermSpec]] = {}
    lengths: dict[tuple[Language, str], set[int]] = {}
    canonical: dict[str, list[TermSpec]] = {}
    patterns: dict[str, list[tuple[TermSpec, bool]]] = {}
    for spec in specs:
        if spec.mode is MatchMode.EXACT:
            for key in spec.stems:
                exact.setdefault(key, []).append(spec)
        elif spec.mode is MatchMode.CANONICAL_ID:
            canonical.setdefault(spec.term, []).append(spec)
        elif spec.mode is MatchMode.SUBSTRING:
            patterns.setdefault(spec.folded, []).append((spec, False))
        else:
            for language, stems in spec.stems:
                if stems:
                    words.setdefault((language, stems), []).append(spec)
                    lengths.setdefault((language, stems[0]), set()).add(len(stems))
            if spec.compounds:
                patterns.setdefault(spec.folded, []).append((spec, True))
    languages = {language for language, _ in (*exact, *words)}
    return _KindIndex(
        exact={key: tuple(value) for key, value in exact.items()},
        words={key: tuple(value) for key, value in words.items()},
        lengths={key: tuple(sorted(value)) for key, value in lengths.items()},
        languages=tuple(language for language in LANGUAGES if language in languages),
        canonical={key: tuple(value) for key, value in canonical.items()},
        automaton=_Automaton(list(patterns)),
        entries=tuple(tuple(entries) for entries in patterns.values()),
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
                                spec.source_id,
                                spec.term,
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
                                    spec.source_id,
                                    spec.term,
                                    target_index,
                                    kind,
                                    text_index,
                                    0,
                                    len(analyzed_text.text),
                                )
                            )
        return found

    @staticmethod
    def _find_in(index: _KindIndex, text: AnalyzedText) -> Iterator[tuple[TermSpec, int, int]]:
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


def _find_words(index: _KindIndex, text: AnalyzedText) -> Iterator[tuple[TermSpec, int, int]]:
    """``exact`` and ``word_boundary`` matches: runs of stems, looked up word by word."""
    tokens = text.tokens
    for language in index.languages:
        stems = text.stems(language)
        for spec in index.exact.get((language, stems), ()) if stems else ():
            yield spec, 0, len(text.text)
        for position, first in enumerate(stems):
            for length in index.lengths.get((language, first), ()):
                end = position + length
                if end > len(stems):
                    break
                for spec in index.words.get((language, stems[position:end]), ()):
                    start, stop = tokens[position].start, tokens[end - 1].end
                    if not is_excepted(spec, text, start, stop):
                        yield spec, start, stop


def _find_patterns(index: _KindIndex, text: AnalyzedText) -> Iterator[tuple[TermSpec, int, int]]:
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
            if not is_excepted(spec, text, start, end):
                yield spec, start, end


def _compile(ruleset: GuardrailsRuleset) -> CompiledRuleset:
    flat = flatten(ruleset)
    by_kind: dict[RuleTarget, list[TermSpec]] = {}
    for spec in flat.specs:
        for kind in spec.targets:
            by_kind.setdefault(kind, []).append(spec)
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


def _notes_as_ingredients(by_kind: dict[RuleTarget, list[TermSpec]]) -> bool:
    """Whether notes are searched for exactly the ingredient terms (canonical ids aside)."""
    notes = by_kind.get(RuleTarget.NOTES, [])
    ingredients = [
        spec
        for spec in by_kind.get(RuleTarget.INGREDIENT, [])
        if spec.mode is not MatchMode.CANONICAL_ID
    ]
    return len(notes) == len(ingredients) and all(
        a is b for a, b in zip(notes, ingredients, strict=True)
    )


_cache: OrderedDict[str, CompiledRuleset] = OrderedDict()
_cache_lock = threading.Lock()


def compile_ruleset(ruleset: GuardrailsRuleset) -> CompiledRuleset:
    """The compiled form of ``ruleset``, from the cache when its content hash is known."""
    key = ruleset.content_hash
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    compiled = _compile(ruleset)
    with _cache_lock:
        _cache[key] = compiled
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled


def clear_cache() -> None:
    """Forget every compiled ruleset and analyzed text (for tests and memory-conscious hosts)."""
    with _cache_lock:
        _cache.clear()
    analyze.cache_clear()
