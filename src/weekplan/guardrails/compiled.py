"""A ruleset compiled into one matcher, so a plan is evaluated in one pass.

Compiling indexes every folded term of the ruleset once:

- ``exact`` terms (and their plural forms) in a dict keyed by the whole folded text;
- ``canonical_id`` terms in a dict keyed by id;
- ``word_boundary`` forms and ``substring`` terms in one Aho-Corasick automaton
  per target kind, which finds every occurrence of every term in a single scan
  of a text, however many terms there are; the mode's boundary check then runs
  only on the occurrences found.

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
from weekplan.guardrails.normalize import FoldedText, fold, term_forms, word_match_ok
from weekplan.guardrails.targets import PlanTarget
from weekplan.guardrails.terms import Flattened, RawMatch, TermSpec, flatten
from weekplan.guardrails.verdict import decide

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
            for position, form in enumerate(term_forms(spec.folded)):
                patterns.setdefault(form, []).append((spec, position > 0))
    return _KindIndex(
        exact={key: tuple(value) for key, value in exact.items()},
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
