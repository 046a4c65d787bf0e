"""Converters for the fields every stored value shares (ids, tenant, name).

attrs runs them on construction, so a value that exists is a valid value.
"""

from __future__ import annotations

from typing import Any

from weekplan.domain._limits import ID_MAX, NAME_KEY_MAX, NAME_MAX
from weekplan.domain.text import check_key, check_text

__all__ = ["to_id", "to_name", "to_tenant_id"]


def to_id(value: Any) -> str:
    """An ``id``: an opaque key."""
    return check_key(value, "id", max_length=ID_MAX)


def to_tenant_id(value: Any) -> str:
    """A ``tenant_id``: an opaque key."""
    return check_key(value, "tenant_id", max_length=ID_MAX)


def to_name(value: Any) -> str:
    """A ``name``: trimmed, non-empty human text, whose search form fits ``NAME_KEY_MAX``."""
    return check_text(value, "name", max_length=NAME_MAX, max_key_length=NAME_KEY_MAX)
