"""The index of templates' logs holds only templates' change sets.

Revision ID: weekplan_0017
Revises: weekplan_0016
Create Date: 2026-11-30

``ix_weekplan_change_sets_by_subject`` serves one listing, a template's log,
yet every write of a client's week added an entry to it. A template's change
set is exactly one whose ``client_ref`` is NULL (a week's set always names its
client), so on SQLite and PostgreSQL the index is created again as a partial
index, ``WHERE client_ref IS NULL``: a week's write then adds no entry to it,
and a template's log, which asks for ``client_ref IS NULL`` too, reads it as
before. Creating it reads the change log once; on PostgreSQL, writes to the
change log wait meanwhile. MariaDB has no partial indexes: there nothing
changes. The downgrade creates the full index again. No table, column or row
changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "weekplan_0017"
down_revision: str | Sequence[str] | None = "weekplan_0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported: a revision must not change when the code does.
_TABLE = "weekplan_change_sets"
_INDEX = "ix_weekplan_change_sets_by_subject"
_COLUMNS = ["tenant_id", "subject_id", "at", "id"]
#: The dialects with partial indexes.
_PARTIAL = ("sqlite", "postgresql")


def _recreate(*, partial: bool) -> None:
    """Drop the index and create it again, of templates' sets only or of every set."""
    if op.get_bind().dialect.name not in _PARTIAL:
        return
    op.drop_index(_INDEX, table_name=_TABLE)
    if not partial:
        op.create_index(_INDEX, _TABLE, _COLUMNS)
        return
    templates_only = sa.text("client_ref IS NULL")
    op.create_index(
        _INDEX, _TABLE, _COLUMNS, sqlite_where=templates_only, postgresql_where=templates_only
    )


def upgrade() -> None:
    """Only templates' sets in the index, on SQLite and PostgreSQL."""
    _recreate(partial=True)


def downgrade() -> None:
    """Every set in the index again, on SQLite and PostgreSQL."""
    _recreate(partial=False)
