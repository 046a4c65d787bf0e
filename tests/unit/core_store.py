"""The store of the core port only that the how-to on writing a store builds.

It is taken from ``docs/howto/own-store.md`` as a reader would copy it (its
first ``python`` block), so the tests that use it prove the how-to's store:
templates and weeks in two dicts, and nothing else.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

__all__ = ["DictStore"]

_PAGE = Path(__file__).resolve().parents[2] / "docs" / "howto" / "own-store.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _load() -> Any:
    namespace: dict[str, Any] = {"__name__": "own_store_how_to"}
    first = _BLOCK.findall(_PAGE.read_text(encoding="utf-8"))[0]
    exec(compile(first, str(_PAGE), "exec"), namespace)
    return namespace["DictStore"]


#: ``DictStore()``: a new, empty store of the core port only.
DictStore: Any = _load()
