"""Change sets of one write with the same slot changes store them once.

Revision ID: weekplan_0016
Revises: weekplan_0015
Create Date: 2026-11-30

From this revision on, the change sets one write logs with the very same slot
changes (the new weeks of one ``create_instances``) store them in the first
set only; each other set's ``changes`` is a reference to that set,
``{"of":"<its id>"}``. This weekplan reads sets in either form, so the upgrade
changes nothing. The downgrade writes the changes into every set that refers
to them, a thousand rows at a time in key order, so the weekplan of an earlier
revision reads them. No table or column changes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

# The rewrite is frozen with this revision (see its module).
from weekplan.adapters._shared_changes_rewrite import (
    BATCH,
    REFERENCE_START,
    expanded_rows,
    referred_by_tenant,
)

revision: str = "weekplan_0016"
down_revision: str | Sequence[str] | None = "weekplan_0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SETS = sa.Table(
    "weekplan_change_sets",
    sa.MetaData(),
    sa.Column("tenant_id"),
    sa.Column("id"),
    sa.Column("changes", sa.Text()),
)


def _pages() -> Iterator[list[tuple[Any, ...]]]:
    """``(tenant_id, id, changes)`` of the sets that may refer, ``BATCH`` at a time in key order."""
    connection = op.get_bind()
    tenant, key = _SETS.c.tenant_id, _SETS.c.id
    query = (
        sa.select(tenant, key, _SETS.c.changes)
        .where(_SETS.c.changes.like(REFERENCE_START + "%"))
        .order_by(tenant, key)
        .limit(BATCH)
    )
    last: tuple[Any, ...] | None = None
    while True:
        page = query
        if last is not None:
            page = query.where(sa.or_(tenant > last[0], sa.and_(tenant == last[0], key > last[1])))
        rows = [tuple(row) for row in connection.execute(page)]
        if not rows:
            return
        yield rows
        last = rows[-1]


def upgrade() -> None:
    """Nothing to change: this weekplan reads change sets in either form."""


def downgrade() -> None:
    """Write the changes into every set that refers to another set's."""
    connection = op.get_bind()
    referred = sa.select(_SETS.c.id, _SETS.c.changes).where(
        _SETS.c.tenant_id == sa.bindparam("key_tenant"),
        _SETS.c.id.in_(sa.bindparam("ids", expanding=True)),
    )
    update = (
        sa.update(_SETS)
        .where(
            _SETS.c.tenant_id == sa.bindparam("key_tenant"), _SETS.c.id == sa.bindparam("key_id")
        )
        .values(changes=sa.bindparam("new_changes"))
    )
    for rows in _pages():
        changes_of: dict[tuple[Any, str], Any] = {}
        for tenant_id, ids in referred_by_tenant(rows).items():
            found = connection.execute(referred, {"key_tenant": tenant_id, "ids": ids})
            changes_of.update(((tenant_id, row[0]), row[1]) for row in found)
        changed = [
            {"key_tenant": tenant_id, "key_id": set_id, "new_changes": text}
            for text, tenant_id, set_id in expanded_rows(rows, changes_of)
        ]
        if changed:
            connection.execute(update, changed)
