"""A folded text as words and their stems, and the checks every matcher shares.

Both the compiled matcher and the reference evaluator look at a text through an
:class:`AnalyzedText`: the folded text, its tokens
(:func:`~weekplan.guardrails._normalize.tokenize`) and, per language, the stem of each token.
A sign (``-``, ``(``) is its own stem.
"""

from __future__ import annotations

import functools

from weekplan.guardrails._normalize import FoldedText, Token, fold, tokenize
from weekplan.guardrails._stemming import Language, stem

__all__ = ["ANALYZED_CACHE_SIZE", "AnalyzedText", "analyze", "stems_of"]

ANALYZED_CACHE_SIZE = 16384
"""How many analyzed texts are kept: a week's dishes are checked again on every write."""


def stems_of(language: Language, tokens: tuple[Token, ...]) -> tuple[str, ...]:
    """The stem of every token: words stemmed in ``language``, signs as they are."""
    return tuple(stem(language, token.text) if token.is_word else token.text for token in tokens)


class AnalyzedText:
    """One folded text with its tokens; stems are computed per language on first use."""

    __slots__ = ("_stems", "folded", "text", "tokens")

    def __init__(self, folded: FoldedText) -> None:
        self.folded = folded
        self.text = folded.text
        self.tokens = tokenize(folded.text)
        self._stems: dict[Language, tuple[str, ...]] = {}

    def stems(self, language: Language) -> tuple[str, ...]:
        """The stem of every token in ``language``."""
        found = self._stems.get(language)
        if found is None:
            found = self._stems[language] = stems_of(language, self.tokens)
        return found

    def word_at(self, position: int) -> Token | None:
        """The word token that contains the folded character at ``position``, if any."""
        for token in self.tokens:
            if token.start <= position < token.end:
                return token if token.is_word else None
            if token.start > position:
                return None
        return None

    def covered_words(self, start: int, end: int) -> list[Token]:
        """The word tokens that overlap ``[start, end)``."""
        return [t for t in self.tokens if t.is_word and t.start < end and start < t.end]


@functools.lru_cache(maxsize=ANALYZED_CACHE_SIZE)
def analyze(text: str) -> AnalyzedText:
    """``text`` folded and split into words, from a bounded cache.

    An analyzed text only ever gains stems it would compute the same way again,
    so sharing one between evaluations (and threads) is safe.
    """
    return AnalyzedText(fold(text))
