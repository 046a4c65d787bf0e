"""The rewrite of change sets that refer to another set's changes, for the migrations.

From Alembic revision ``weekplan_0016`` and Django migration
``0019_shared_changes`` on, the change sets of one write that hold the very
same slot changes store them once, in the first set; each other set's
``changes`` is a reference to it, the JSON object::

    {"of":"<id of the set in the same tenant that holds the changes>"}

A set referred to always holds the changes themselves (a JSON array), never
another reference. This weekplan reads both, so upgrading leaves the rows as
they are; downgrading writes the changes into every set that refers to them,
which is all an earlier weekplan reads. Both migrations take the rewrite from
here, so the two stores' migrations convert alike; like the migrations, this
module is frozen: it never follows later changes of the live codec
(:mod:`weekplan.adapters._rows`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

__all__ = ["BATCH", "REFERENCE_START", "expanded_rows", "referred_by_tenant", "referred_set"]

#: Rows read and rewritten at a time.
BATCH: Final = 1000

#: How every reference's text starts (a ``LIKE`` pattern finds them: ``'{%'``).
REFERENCE_START: Final = "{"


def referred_set(text: Any) -> str | None:
    """The id of the set whose changes ``text`` refers to; ``None`` for anything else.

    A text weekplan did not write is not a reference: it is left as it is.
    """
    if not isinstance(text, str) or not text.startswith(REFERENCE_START):
        return None
    try:
        raw = json.loads(text)
    except ValueError:
        return None
    if type(raw) is not dict or len(raw) != 1 or type(raw.get("of")) is not str:
        return None
    return str(raw["of"])


def expanded_rows(
    rows: Sequence[Sequence[Any]], changes_of: Mapping[tuple[Any, str], Any]
) -> list[tuple[Any, Any, Any]]:
    """``(changes, tenant_id, id)`` to write for each row ``(tenant_id, id, changes)`` that refers.

    ``changes_of`` holds the changes text of the sets referred to by
    ``(tenant_id, set id)``; a row whose set is not there, or holds no changes
    of its own, is left as it is.
    """
    written: list[tuple[Any, Any, Any]] = []
    for tenant_id, set_id, text in rows:
        referred = referred_set(text)
        if referred is None:
            continue
        changes = changes_of.get((tenant_id, referred))
        if isinstance(changes, str) and referred_set(changes) is None:
            written.append((changes, tenant_id, set_id))
    return written


def referred_by_tenant(rows: Sequence[Sequence[Any]]) -> dict[Any, list[str]]:
    """The ids of the sets the rows ``(tenant_id, id, changes)`` refer to, by tenant, sorted."""
    found: dict[Any, set[str]] = {}
    for tenant_id, _, text in rows:
        referred = referred_set(text)
        if referred is not None:
            found.setdefault(tenant_id, set()).add(referred)
    return {tenant_id: sorted(ids) for tenant_id, ids in found.items()}
