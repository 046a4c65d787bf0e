"""Parsing of the arguments use cases and request payloads take, each error naming its field.

It sits in the domain, below both the use cases and :mod:`weekplan.serialization`,
so a payload that parses is checked by the same rules the planner applies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from weekplan.domain._limits import CLIENT_REF_MAX, ID_MAX, SEARCH_MAX
from weekplan.domain._numbers import check_int
from weekplan.domain.text import check_characters, check_key, search_key
from weekplan.errors import ErrorItem, InvalidInput

__all__ = [
    "check_client_ref",
    "check_expected_version",
    "check_flag",
    "check_search",
    "check_template_id",
    "collect_errors",
]


def check_search(search: Any, field: str = "search") -> str | None:
    """A search text (``None`` for none) in its :func:`search_key` form.

    It goes into a query, so it obeys what stored text obeys: no NUL or other
    control character (tabs and line breaks aside), no lone surrogate.
    """
    if search is None:
        return None
    if not isinstance(search, str):
        raise InvalidInput.at((field,), "must be a string")
    if len(search) > SEARCH_MAX:
        raise InvalidInput.at((field,), f"must be at most {SEARCH_MAX} characters")
    return search_key(check_characters(search, field, allow_whitespace=True).strip()) or None


def check_flag(value: Any, field: str) -> bool:
    """A yes/no option: ``True`` or ``False`` only, so ``"false"`` is not taken for yes."""
    if not isinstance(value, bool):
        raise InvalidInput.at((field,), "must be true or false")
    return value


def check_template_id(template_id: Any) -> str:
    """A template id as given by a caller."""
    return check_key(template_id, "template_id", max_length=ID_MAX)


def check_expected_version(value: Any) -> int | None:
    """``expected_version``: ``None`` (no check) or a positive integer a store can hold."""
    if value is None:
        return None
    return check_int(value, "expected_version", minimum=1)


def check_client_ref(client_ref: Any) -> str:
    """A ``client_ref`` as given by a caller."""
    return check_key(client_ref, "client_ref", max_length=CLIENT_REF_MAX)


def collect_errors(*steps: Callable[[], Any]) -> tuple[Any, ...]:
    """Run independent parsing steps and report every field's errors at once."""
    results: list[Any] = []
    errors: list[ErrorItem] = []
    for step in steps:
        try:
            results.append(step())
        except InvalidInput as exc:
            errors.extend(exc.errors)
            results.append(None)
    if errors:
        raise InvalidInput(errors)
    return tuple(results)
