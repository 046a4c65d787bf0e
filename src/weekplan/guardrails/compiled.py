"""A ruleset compiled into one matcher, so a plan is evaluated in one pass.

Compiling indexes every folded term of the ruleset once:

- ``exact`` terms (and their plural forms) in a dict keyed by the whole folded text;
- ``canonical_id`` terms in a dict keyed by id;
- ``word_boundary`` forms and ``substring`` terms in one index per target kind,
  keyed by each term's first characters, which finds every occurrence of every
  term in one pass over a text, comparing only the terms that start there; the
  mode's boundary check then runs only on the occurrences found.

Evaluating a week therefore costs about the length of its texts plus the number
of matches, and hardly grows with the size of the ruleset.
Compiled matchers are cached by content hash in a small, bounded,
thread-safe LRU cache: nothing grows without bound inside a host application.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence

import attrs

from weekplan.guardrails.decision import GuardDecision
from weekplan.guardrails.model import GuardrailsRuleset, MatchMode, RuleTarget
from weekplan.guardrails.normalize import FoldedText, fold, term_forms, word_match_ok
from weekplan.guardrails.targets import PlanTarget
from weekplan.guardrails.terms import Flattened, RawMatch, TermSpec, flatten
from weekplan.guardrails.verdict import decide

__all__ = ["CACHE_SIZE", "CompiledRuleset", "clear_cache", "compile_ruleset"]

CACHE_SIZE = 16
"""How many compiled rulesets are kept; the least recently used is dropped first."""


class _Automaton:
    """Every occurrence of a fixed set of patterns in a text, by a hash of each pattern's head.

    Patterns are indexed by their first :data:`_HEAD` characters (shorter ones
    whole), so building costs one dictionary insertion per pattern: compiling
    tens of thousands of terms takes a fraction of a second, where a trie of
    single characters with Aho-Corasick failure links took seconds. A scan
    looks up, at each position of the text, the head there and the short
    patterns there, and compares only the few patterns that share the head,
    so it costs about the length of the text, whatever the number of patterns.
    """

    __slots__ = ("by_head", "lengths", "patterns", "short", "short_lengths")

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        self.lengths = [len(pattern) for pattern in patterns]
        self.by_head: dict[str, list[int]] = {}
        self.short: dict[str, list[int]] = {}
        for pattern_id, pattern in enumerate(patterns):
            if len(pattern) >= _HEAD:
                self.by_head.setdefault(pattern[:_HEAD], []).append(pattern_id)
            elif pattern:
                self.short.setdefault(pattern, []).append(pattern_id)
        self.short_lengths = tuple(sorted({len(pattern) for pattern in self.short}))

    def scan(self, text: str) -> Iterator[tuple[int, int]]:
        """Every ``(start, pattern_id)`` occurring in ``text`` (overlapping ones too).

        In order of where each occurrence ends, the longer first where two end
        at the same place.
        """
        by_head, short, short_lengths = self.by_head, self.short, self.short_lengths
        patterns, lengths = self.patterns, self.lengths
        found: list[tuple[int, int, int]] = []
        for start in range(len(text)):
            for length in short_lengths:
                for pattern_id in short.get(text[start : start + length], ()):
                    found.append((start + length, -length, pattern_id))
            for pattern_id in by_head.get(text[start : start + _HEAD], ()):
                if text.startswith(patterns[pattern_id], start):
                    length = lengths[pattern_id]
                    found.append((start + length, -length, pattern_id))
        found.sort()
        for end, negative_length, pattern_id in found:
            yield end + negative_length, pattern_id


# How many leading characters of a pattern its index key holds: enough that few
# patterns share one, few enough that short patterns (looked up whole) are rare.
_HEAD = 6


# One entry per (spec, form) a pattern stands for: the spec and whether the form is a plural.
_Entry = tuple[TermSpec, bool]


@attrs.frozen
class _KindIndex:
    exact: dict[str, tuple[TermSpec, ...]]
    canonical: dict[str, tuple[TermSpec, ...]]
    automaton: _Automaton
    entries: tuple[tuple[_Entry, ...], ...]


def _index(specs: Sequence[TermSpec]) -> _KindIndex:
    exact: dict[str, list[TermSpec]] = {}
    canonical: dict[str, list[TermSpec]] = {}
    patterns: dict[str, list[_Entry]] = {}
    for spec in specs:
        if spec.mode is MatchMode.EXACT:
            for form in term_forms(spec.folded):
                exact.setdefault(form, []).append(spec)
        elif spec.mode is MatchMode.CANONICAL_ID:
            canonical.setdefault(spec.term, []).append(spec)
        elif spec.mode is MatchMode.SUBSTRING:
            patterns.setdefault(spec.folded, []).append((spec, False))
        else:
            forms = term_forms(spec.folded)
            patterns.setdefault(forms[0], []).append((spec, False))
            plural = (spec, True)
            for form in forms[1:]:
                patterns.setdefault(form, []).append(plural)
    return _KindIndex(
        exact={key: tuple(value) for key, value in exact.items()},
        canonical={key: tuple(value) for key, value in canonical.items()},
        automaton=_Automaton(list(patterns)),
        entries=tuple(map(tuple, patterns.values())),
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

    def find(self, targets: Sequence[PlanTarget], folded: dict[str, FoldedText]) -> list[RawMatch]:
        """Every raw match in ``targets``; folds each distinct text once into ``folded``."""
        found: list[RawMatch] = []
        for target_index, target in enumerate(targets):
            for kind, index in self.indexes.items():
                for text_index, text in enumerate(target.texts(kind)):
                    folded_text = folded.get(text)
                    if folded_text is None:
                        folded_text = folded[text] = fold(text)
                    self._find_in(
                        index,
                        text=folded_text.text,
                        target_index=target_index,
                        kind=kind,
                        text_index=text_index,
                        found=found,
                    )
                if kind is RuleTarget.INGREDIENT and index.canonical:
                    for text_index, canonical_id in enumerate(target.ingredient_ids):
                        for spec in index.canonical.get(canonical_id or "", ()):
                            text = target.ingredients[text_index]
                            folded_text = folded.get(text) or folded.setdefault(text, fold(text))
                            found.append(
                                RawMatch(
                                    spec.source_id,
                                    spec.term,
                                    target_index,
                                    kind,
                                    text_index,
                                    0,
                                    len(folded_text.text),
                                )
                            )
        return found

    @staticmethod
    def _find_in(
        index: _KindIndex,
        *,
        text: str,
        target_index: int,
        kind: RuleTarget,
        text_index: int,
        found: list[RawMatch],
    ) -> None:
        for spec in index.exact.get(text, ()):
            found.append(
                RawMatch(spec.source_id, spec.term, target_index, kind, text_index, 0, len(text))
            )
        lengths = index.automaton.lengths
        for start, pattern_id in index.automaton.scan(text):
            end = start + lengths[pattern_id]
            for spec, plural in index.entries[pattern_id]:
                if spec.mode is MatchMode.SUBSTRING or word_match_ok(
                    text, start, end, plural=plural, compounds=spec.compounds
                ):
                    found.append(
                        RawMatch(
                            spec.source_id, spec.term, target_index, kind, text_index, start, end
                        )
                    )

    def evaluate(self, targets: Sequence[PlanTarget]) -> GuardDecision:
        """Evaluate checked targets (see :func:`weekplan.guardrails.evaluate`)."""
        folded: dict[str, FoldedText] = {}
        raw = self.find(targets, folded)
        return decide(self.flat, targets, raw, lambda text: folded.get(text) or fold(text))


def _compile(ruleset: GuardrailsRuleset) -> CompiledRuleset:
    flat = flatten(ruleset)
    by_kind: dict[RuleTarget, list[TermSpec]] = {}
    for spec in flat.specs:
        by_kind.setdefault(spec.target, []).append(spec)
    indexes = {kind: _index(by_kind[kind]) for kind in RuleTarget if kind in by_kind}
    return CompiledRuleset(flat, indexes)


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
    """Forget every compiled ruleset (for tests and memory-conscious hosts)."""
    with _cache_lock:
        _cache.clear()
