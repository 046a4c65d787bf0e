"""Parsing of the arguments use cases take, each error naming its field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from weekplan.domain.limits import CLIENT_REF_MAX, ID_MAX, SEARCH_MAX
from weekplan.domain.text import check_key, search_key
from weekplan.errors import ErrorItem, InvalidInput

__all__ = [
    "check_client_ref",
    "check_expected_version",
    "check_search",
    "check_template_id",
    "collect_errors",
]


def check_search(search: Any) -> str | None:
    if search is None:
        return None
    if not isinstance(search, str):
        raise InvalidInput.at(("search",), "must be a string")
    if len(search) > SEARCH_MAX:
        raise InvalidInput.at(("search",), f"must be at most {SEARCH_MAX} characters")
    return search_key(search.strip()) or None


def check_template_id(template_id: Any) -> str:
    """A template id as given by a caller."""
    return check_key(template_id, "template_id", max_length=ID_MAX)


def check_expected_version(value: Any) -> int | None:
    """``expected_version``: ``None`` (no check) or a positive integer."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput.at(("expected_version",), "must be a positive integer or null")
    return value


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
