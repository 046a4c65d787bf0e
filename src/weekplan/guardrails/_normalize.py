"""How texts and terms are folded before they are compared.

Both sides of every comparison go through :func:`fold`, so the rules below hold
for rule terms and plan texts alike:

- NFKC, then case folding (``"ß"`` becomes ``"ss"``, ``"ﬁ"`` becomes ``"fi"``);
- accents are removed (``"crème fraîche"`` becomes ``"creme fraiche"``), so a
  term written with or without accents matches both spellings;
- every run of whitespace becomes one space, and the ends are trimmed.

A folded text remembers where each of its characters came from, so a match found
in the folded text is reported as a span of the original text.

>>> folded = fold("  Crème  Fraîche ")
>>> folded.text
'creme fraiche'
>>> folded.original_span(0, 5)
(2, 7)
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

import attrs

__all__ = [
    "COMPOUND_MIN_LENGTH",
    "FoldedText",
    "Token",
    "compound_match_ok",
    "fold",
    "fold_term",
    "is_single_word",
    "is_word_char",
    "token_texts",
    "tokenize",
]

COMPOUND_MIN_LENGTH = 4
"""Shortest compound term that may match anywhere inside a word.

Shorter terms match only at the start or the end of a word: in the middle they
turn up in unrelated words (``"ei"`` in ``"weide"``).
"""


@functools.lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    # Per character, so every folded character knows its origin; the result is
    # the same as folding the whole string because combining marks are dropped.
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", char).casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


@attrs.frozen
class FoldedText:
    """A text in folded form, with the origin of each folded character.

    ``starts[i]`` and ``ends[i]`` delimit the original characters that produced
    folded character ``i``; a dropped combining mark belongs to the character
    before it, so a span never cuts an accent off its letter.
    """

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that folded ``[start, end)`` came from."""
        if start >= end:
            position = self.starts[start] if start < len(self.starts) else len(self.original)
            return (position, position)
        return (self.starts[start], self.ends[end - 1])


def fold(text: str) -> FoldedText:
    """Fold ``text`` for matching (see the module documentation)."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            if chars and chars[-1] == " ":
                ends[-1] = index + 1
            elif chars:
                chars.append(" ")
                starts.append(index)
                ends.append(index + 1)
            continue
        folded = _fold_char(char)
        if not folded:
            if ends:
                ends[-1] = index + 1
            continue
        for piece in folded:
            chars.append(piece)
            starts.append(index)
            ends.append(index + 1)
    if chars and chars[-1] == " ":
        chars.pop()
        starts.pop()
        ends.pop()
    return FoldedText(text, "".join(chars), tuple(starts), tuple(ends))


@functools.lru_cache(maxsize=65536)
def fold_term(term: str) -> str:
    """The folded form of a rule term (terms recur across rules and targets: cached).

    The same text as ``fold(term).text``, without the character origins, which a
    term never needs: a large ruleset folds tens of thousands of terms.
    """
    if term.isascii():
        # Folding an ASCII letter lower-cases it, and nothing else changes; str.split()
        # splits at exactly the characters for which str.isspace() holds.
        return " ".join(term.lower().split())
    words = ["".join(map(_fold_char, word)) for word in term.split()]
    if all(word and " " not in word for word in words):
        return " ".join(words)
    # A word that folds to nothing, or to a space ("\u00a8" is a space and a
    # combining mark), changes how the spaces around it collapse: fold it the long way.
    return fold(term).text


def is_word_char(char: str) -> bool:
    """Letters and digits of any script are word characters; accents are folded away first."""
    return char.isalnum()


class Token(NamedTuple):
    """One word, or one sign, of a folded text: ``text[start:end]``."""

    start: int
    end: int
    text: str
    is_word: bool


# A word is a run of characters for which str.isalnum() holds (``\w`` without ``_``);
# any other character but the space is a token of its own.
_TOKEN = re.compile(r"([^\W_]+)|[^ ]")
_WORD = re.compile(r"[^\W_]+")
_TOKEN_TEXT = re.compile(r"[^\W_]+|[^ ]")


def tokenize(text: str) -> tuple[Token, ...]:
    """The words and signs of a folded text, in order.

    A word is a run of letters and digits; every other character that is not a
    space is a token of its own, so ``"e-nummer"`` is ``e``, ``-``, ``nummer``.

    >>> [token.text for token in tokenize("kip (bio)")]
    ['kip', '(', 'bio', ')']
    """
    return tuple(
        Token(found.start(), found.end(), found.group(), found.group(1) is not None)
        for found in _TOKEN.finditer(text)
    )


def token_texts(text: str) -> list[str]:
    """The text of every token of a folded text, as :func:`tokenize` finds them.

    A token is a word exactly when its first character is a word character.

    >>> token_texts("kip (bio)")
    ['kip', '(', 'bio', ')']
    """
    return _TOKEN_TEXT.findall(text)


def is_single_word(folded_term: str) -> bool:
    """Whether a folded term is one word of letters and digits (it may be a compound part)."""
    return _WORD.fullmatch(folded_term) is not None


def compound_match_ok(word: Token, start: int, end: int) -> bool:
    """Whether a compound term found at ``[start, end)`` inside ``word`` counts.

    A term of :data:`COMPOUND_MIN_LENGTH` letters or more counts anywhere in the
    word (``room`` in ``slagroomtaart``); a shorter one only at its start or end
    (``kip`` in ``kippenbouillon``, ``vis`` in ``tonijnvis``).
    """
    if not word.start <= start < end <= word.end:
        return False
    if end - start >= COMPOUND_MIN_LENGTH:
        return True
    return start == word.start or end == word.end
