"""Word stems from the Snowball stemmers for English and Dutch.

``exact`` and ``word_boundary`` rules compare word *stems*, so a term matches its
inflected forms: ``tomaat`` finds ``tomaten``, ``boon`` finds ``bonen``, ``egg``
finds ``eggs``.
The stems come from `snowballstemmer <https://pypi.org/project/snowballstemmer/>`_,
a maintained, pure-Python build of the Snowball algorithms (it uses the faster C
build, PyStemmer, by itself when that is installed).

It is imported on first use, not with :mod:`weekplan`, so ``import weekplan``
needs only attrs and cattrs. Evaluating guardrails without it fails loudly,
naming the extra to install: a diet check that silently compared fewer word
forms would let forbidden food through.

>>> stem("dutch", "tomaten"), stem("english", "eggs")
('tomaat', 'egg')
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable
from typing import Any, Literal

__all__ = ["LANGUAGES", "Language", "MissingStemmer", "stem", "stem_words"]

Language = Literal["english", "dutch"]
LANGUAGES: tuple[Language, ...] = ("english", "dutch")
"""The languages terms are stemmed in, in the order of the ``language`` option ``both``."""

_INSTALL_HINT = (
    "weekplan's diet guardrails compare word stems and need the snowballstemmer package: "
    "install it with pip install 'weekplan[guardrails]'"
)


class MissingStemmer(ImportError):
    """The ``snowballstemmer`` package is not installed (the ``guardrails`` extra)."""

    def __init__(self) -> None:
        super().__init__(_INSTALL_HINT, name="snowballstemmer")


# Snowball stemmers keep state between calls: one per thread and language.
_local = threading.local()


def _stemmer(language: Language) -> Any:
    stemmers: dict[str, Any] | None = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    found = stemmers.get(language)
    if found is None:
        try:
            import snowballstemmer  # noqa: PLC0415 -- optional: imported on first use only
        except ImportError as exc:
            raise MissingStemmer() from exc
        found = stemmers[language] = snowballstemmer.stemmer(language)
        if hasattr(found, "maxCacheSize"):
            # PyStemmer's own word cache is redundant under ours, and once more
            # words pass through it than it holds, purging it makes stemming a
            # large ruleset's words several times slower.
            found.maxCacheSize = 0
    return found


@functools.lru_cache(maxsize=65536)
def stem(language: Language, word: str) -> str:
    """The stem of one folded word (lower case, no accents) in ``language``."""
    result: str = _stemmer(language).stemWord(word)
    return result


def stem_words(language: Language, words: Iterable[str]) -> dict[str, str]:
    """The stem of each distinct folded word of ``words`` in ``language``, in one call.

    The same stems as :func:`stem`, without a Python call per word: compiling a
    large ruleset stems tens of thousands of words.

    >>> stem_words("dutch", ["tomaten", "bonen", "tomaten"])
    {'tomaten': 'tomaat', 'bonen': 'boon'}
    """
    distinct = list(dict.fromkeys(words))
    stems: list[str] = _stemmer(language).stemWords(distinct)
    return dict(zip(distinct, stems, strict=True))
