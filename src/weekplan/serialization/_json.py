"""JSON text to data: every malformed body, however it is malformed, is ``InvalidInput``."""

from __future__ import annotations

import json
from typing import Any

from weekplan.errors import InvalidInput

__all__ = ["parse_json"]


def parse_json(text: str | bytes | bytearray) -> Any:
    """The data in a JSON document, or :class:`~weekplan.InvalidInput`.

    Besides malformed JSON and bytes that are not UTF-8, it refuses documents
    nested deeper than Python's parser goes (tens of thousands of brackets)
    rather than letting a ``RecursionError`` escape.

    >>> parse_json('{"name": "Week"}')
    {'name': 'Week'}
    >>> parse_json("[" * 50_000 + "]" * 50_000)
    Traceback (most recent call last):
    ...
    weekplan.errors.InvalidInput: invalid input: body: is nested too deeply
    """
    try:
        return json.loads(text)
    except RecursionError:
        raise InvalidInput.at(("body",), "is nested too deeply") from None
    except (ValueError, TypeError) as exc:
        # ValueError covers JSONDecodeError and UnicodeDecodeError.
        raise InvalidInput.at(("body",), f"is not valid JSON: {exc}") from None
