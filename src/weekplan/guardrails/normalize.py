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
import unicodedata

import attrs

__all__ = [
    "COMPOUND_MIN_LENGTH",
    "PLURAL_SUFFIXES",
    "FoldedText",
    "ends_word",
    "fold",
    "fold_term",
    "is_word_char",
    "starts_word",
    "term_forms",
    "word_match_ok",
]

PLURAL_SUFFIXES: tuple[str, ...] = ("s", "es", "en")
"""Endings a word-boundary or exact term may carry and still match.

They cover the regular plurals of English (``egg``/``eggs``, ``tomato``/``tomatoes``)
and of Dutch (``appel``/``appels``, ``aardappel``/``aardappelen``).
Irregular plurals (``bonen``, ``eieren``, ``leaves``) must be listed as synonyms.
"""

COMPOUND_MIN_LENGTH = 4
"""Shortest single-word term that may match inside a compound word.

Shorter stems turn up at the edges of unrelated words (``"ei"`` ends ``"prei"``).
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


def fold_term(term: str) -> str:
    """The folded form of a rule term: ``fold(term).text``, without the character origins.

    Compiling a large ruleset folds every term once; skipping the origins
    nobody reads makes that several times cheaper.
    """
    chars: list[str] = []
    for char in term:
        if char.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
        else:
            chars += _fold_char(char)
    if chars and chars[-1] == " ":
        chars.pop()
    return "".join(chars)


def is_word_char(char: str) -> bool:
    """Letters and digits of any script are word characters; accents are folded away first."""
    return char.isalnum()


def starts_word(text: str, index: int) -> bool:
    """Whether a match starting at ``index`` leaves the word before it whole.

    A match may start at the start of the text, after a non-word character, or
    with a non-word character of its own (a term like ``"(vegan)"``).
    """
    return index == 0 or not is_word_char(text[index - 1]) or not is_word_char(text[index])


def ends_word(text: str, end: int) -> bool:
    """Whether a match ending at ``end`` (exclusive) leaves the word after it whole."""
    return end == len(text) or not is_word_char(text[end]) or not is_word_char(text[end - 1])


def term_forms(folded_term: str) -> tuple[str, ...]:
    """The folded term and its plural forms, shortest first.

    A term that ends in a non-word character has no plural.

    >>> term_forms("ei")
    ('ei', 'eis', 'eies', 'eien')
    """
    if not folded_term or not is_word_char(folded_term[-1]):
        return (folded_term,)
    return (folded_term, *(folded_term + suffix for suffix in PLURAL_SUFFIXES))


def word_match_ok(text: str, start: int, end: int, *, plural: bool, compounds: bool) -> bool:
    """Whether a ``word_boundary`` form found at ``[start, end)`` of ``text`` counts.

    The form must neither start nor end inside a word.
    With ``compounds`` it may do one of the two (``melk`` at the end of
    ``karnemelk`` or the start of ``melkpoeder``), never both.
    A plural form must always end a word: ``melks`` is not found in ``melkschuim``.
    """
    left = starts_word(text, start)
    right = ends_word(text, end)
    if plural:
        return right and (left or compounds)
    return (left and right) or (compounds and (left or right))
