"""cattrs' structuring errors turned into :class:`~weekplan.errors.InvalidInput` items.

cattrs with ``detailed_validation`` raises exception groups whose members carry
notes naming the attribute or index where they happened.
Walking them gives every bad field's path as a list, the form the error contract
uses, rather than the ``$.days[3].day_key`` strings of :func:`cattrs.transform_error`.
"""

from __future__ import annotations

from typing import Any

from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.v import format_exception

from weekplan.errors import ErrorItem, InvalidInput

__all__ = ["PayloadError", "error_items"]

Loc = list[str | int]


class PayloadError(ValueError):
    """A value of the wrong JSON shape; the message is shown to the caller as it is."""


def _message(exc: BaseException, expected: Any) -> str:
    if isinstance(exc, PayloadError):
        return str(exc)
    if isinstance(exc, KeyError):
        # The same words the domain uses for a missing field.
        return "field required"
    return format_exception(exc, expected)


def error_items(exc: BaseException, loc: Loc | None = None) -> list[ErrorItem]:
    """Every problem inside ``exc``, each with its path from the payload's root."""
    here: Loc = loc or []
    if isinstance(exc, InvalidInput):
        # Raised by a domain converter while the value at ``here`` was built: its own
        # locations are relative to that value.
        return exc.prefixed(*here).errors
    if isinstance(exc, ForbiddenExtraKeysError):
        return [{"loc": [*here, key], "msg": "unknown field"} for key in sorted(exc.extra_fields)]
    if isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        items: list[ErrorItem] = []
        for inner, note in with_notes:
            items += _leaf_or_group(inner, [*here, note.name], note.type)
        for inner in without:
            items += error_items(inner, here)
        return items
    if isinstance(exc, IterableValidationError):
        iterable_notes, rest = exc.group_exceptions()
        items = []
        for inner, index_note in iterable_notes:
            items += _leaf_or_group(inner, [*here, index_note.index], index_note.type)
        for inner in rest:
            items += error_items(inner, here)
        return items
    return [{"loc": here, "msg": _message(exc, None)}]


def _leaf_or_group(exc: BaseException, loc: Loc, expected: Any) -> list[ErrorItem]:
    if isinstance(
        exc, ClassValidationError | IterableValidationError | InvalidInput | ForbiddenExtraKeysError
    ):
        return error_items(exc, loc)
    return [{"loc": loc, "msg": _message(exc, expected)}]
