"""Compiled rulesets kept by their owner: bounded, thread-safe, keyed by content hash.

Compiling a ruleset costs about as much as a few hundred evaluations with it
(tens of milliseconds for a thousand rules), so whoever evaluates often keeps
the compiled forms: each :class:`~weekplan.Planner` holds one
:class:`RulesetCache`, and nothing is kept process-wide. Two planners in one
process never share compiled state, and dropping a planner drops its cache.

The key is the ruleset's content hash alone: the compiled matcher depends on
nothing else (not on the meal vocabulary, not on the store), since the terms
are stemmed in every language a rule may be written in.

>>> from weekplan.guardrails import GuardRule, GuardrailsRuleset, PlanTarget, RuleMatch
>>> cache = RulesetCache(maxsize=2)
>>> ruleset = GuardrailsRuleset("koemelkvrij", rules=[
...     GuardRule("geen-melk", "block", "hard", 1, "ingredient", RuleMatch("melk"))])
>>> cache.evaluate(ruleset, [PlanTarget("mon", "ontbijt", ingredients=["melk"])]).ok
False
>>> (len(cache), ruleset.content_hash in cache)
(1, True)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable

from weekplan.errors import InvalidInput
from weekplan.guardrails._compiled import CACHE_SIZE, CompiledRuleset, compile_ruleset
from weekplan.guardrails._decision import GuardDecision
from weekplan.guardrails._evaluator import check_targets
from weekplan.guardrails._model import GuardrailsRuleset
from weekplan.guardrails._targets import PlanTarget

__all__ = ["RulesetCache"]


class _Compiling:
    """A compile in progress: the threads that want the same ruleset wait for it."""

    __slots__ = ("done", "result")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: CompiledRuleset | None = None


class RulesetCache:
    """The compiled forms of up to ``maxsize`` rulesets, the least recently used dropped first.

    Safe to share between threads: a ruleset wanted by several threads at
    once is compiled by one of them while the others wait for its result.
    """

    def __init__(self, maxsize: int = CACHE_SIZE) -> None:
        if isinstance(maxsize, bool) or not isinstance(maxsize, int) or maxsize < 1:
            raise InvalidInput.at(("maxsize",), "must be a positive integer")
        self._maxsize = maxsize
        self._entries: OrderedDict[str, CompiledRuleset] = OrderedDict()
        self._compiling: dict[str, _Compiling] = {}
        self._lock = threading.Lock()
        self._compiles = 0

    @property
    def maxsize(self) -> int:
        """How many compiled rulesets are kept at most."""
        return self._maxsize

    @property
    def compiles(self) -> int:
        """How many times this cache has compiled a ruleset (hits cost none)."""
        return self._compiles

    def __len__(self) -> int:
        """How many compiled rulesets are kept now."""
        with self._lock:
            return len(self._entries)

    def __contains__(self, content_hash: object) -> bool:
        """Whether the ruleset with this content hash is kept compiled."""
        with self._lock:
            return content_hash in self._entries

    def __repr__(self) -> str:
        return f"<RulesetCache {len(self)}/{self._maxsize}>"

    def clear(self) -> None:
        """Forget every compiled ruleset."""
        with self._lock:
            self._entries.clear()

    def compiled(self, ruleset: GuardrailsRuleset) -> CompiledRuleset:
        """The compiled form of ``ruleset``, compiled on first use."""
        key = ruleset.content_hash
        while True:
            with self._lock:
                found = self._entries.get(key)
                if found is not None:
                    self._entries.move_to_end(key)
                    return found
                waiting = self._compiling.get(key)
                if waiting is None:
                    mine = self._compiling[key] = _Compiling()
                    self._compiles += 1
            if waiting is None:
                return self._compile(key, ruleset, mine)
            waiting.done.wait()
            if waiting.result is not None:
                return waiting.result
            # The compile we waited for failed: try it here (and fail here, if it must).

    def _compile(self, key: str, ruleset: GuardrailsRuleset, mine: _Compiling) -> CompiledRuleset:
        try:
            compiled = compile_ruleset(ruleset)
            mine.result = compiled
            with self._lock:
                self._entries[key] = compiled
                while len(self._entries) > self._maxsize:
                    self._entries.popitem(last=False)
            return compiled
        finally:
            with self._lock:
                del self._compiling[key]
            mine.done.set()

    def evaluate(self, ruleset: GuardrailsRuleset, targets: Iterable[PlanTarget]) -> GuardDecision:
        """Evaluate like :func:`weekplan.guardrails.evaluate`, with the compiled form kept here."""
        if not isinstance(ruleset, GuardrailsRuleset):
            raise InvalidInput.at(("ruleset",), "must be a GuardrailsRuleset")
        return self.compiled(ruleset).evaluate(check_targets(targets))
