"""Each index of the change log holds only the sets its listings read.

Revision ID: weekplan_0017
Revises: weekplan_0016
Create Date: 2026-11-30

A template's change set is exactly one whose ``client_ref`` is NULL (a week's
set always names its client). Three indexes of the change log serve listings
of one kind of set only: ``ix_weekplan_change_sets_by_subject`` a template's
log, ``ix_weekplan_change_sets_by_week`` and ``_by_client`` a week's and a
client's. On SQLite and PostgreSQL they are created again as partial indexes:
the first ``WHERE client_ref IS NULL``, the other two ``WHERE client_ref IS NOT
NULL``. A write then adds entries only to the indexes that can list its set
(a week's write no longer to the template index, a template's write to
neither week index), and a template's log, which asks for ``client_ref IS
NULL``, can only be read from its own index. The listings read the same sets
as before: a week's or a client's log asks for ``client_ref = ...``, which
implies ``IS NOT NULL``. Creating them reads the change log once per index; on
PostgreSQL, writes to the change log wait meanwhile. MariaDB has no partial
indexes: there nothing changes. The downgrade creates the full indexes again.
No table, column or row changes.
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
#: Each index, its columns, and the sets it keeps.
_INDEXES = (
    ("ix_weekplan_change_sets_by_subject", ["tenant_id", "subject_id", "at", "id"], "IS NULL"),
    (
        "ix_weekplan_change_sets_by_week",
        ["tenant_id", "client_ref", "week_start_date", "at", "id"],
        "IS NOT NULL",
    ),
    ("ix_weekplan_change_sets_by_client", ["tenant_id", "client_ref", "at", "id"], "IS NOT NULL"),
)
#: The dialects with partial indexes.
_PARTIAL = ("sqlite", "postgresql")


def _recreate(*, partial: bool) -> None:
    """Drop each index and create it again, of its kind of sets only or of every set."""
    if op.get_bind().dialect.name not in _PARTIAL:
        return
    for name, columns, kept in _INDEXES:
        op.drop_index(name, table_name=_TABLE)
        if not partial:
            op.create_index(name, _TABLE, columns)
            continue
        where = sa.text(f"client_ref {kept}")
        op.create_index(name, _TABLE, columns, sqlite_where=where, postgresql_where=where)


def upgrade() -> None:
    """Only the sets its listings read in each index, on SQLite and PostgreSQL."""
    _recreate(partial=True)


def downgrade() -> None:
    """Every set in each index again, on SQLite and PostgreSQL."""
    _recreate(partial=False)
