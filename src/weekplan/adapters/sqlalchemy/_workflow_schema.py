"""The tables of the optional workflow capability: change log, slot locks, drafts.

They live on weekplan's one :data:`~weekplan.adapters.sqlalchemy._schema.metadata`
and follow its rules (``weekplan_`` prefix, ``tenant_id`` first in every key and
index, keys compared byte for byte). Importing :mod:`weekplan.adapters.sqlalchemy`
registers them.

* ``weekplan_change_sets`` is the change log, one row per write of a week or a
  template, its slot changes in one JSON column. It is append-only: the store
  has no statement that updates or deletes a row of it. Its four indexes serve
  the four listings, newest first: a week's log, a client's, the tenant's by
  time, a template's. On SQLite and PostgreSQL the last holds only templates'
  sets (``WHERE client_ref IS NULL``) and a week's and a client's only weeks'
  sets (``IS NOT NULL``), so a write of a client's week pays for three index
  entries, not four, and a template's write for two; on MariaDB, which has no
  partial indexes, each holds every set.
* ``weekplan_slot_locks`` has one row per locked slot.
* ``weekplan_drafts`` has at most one row per client week.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import (
    Column,
    ColumnElement,
    Date,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
)

from weekplan.adapters.sqlalchemy._schema import (
    MYSQL_TABLE_OPTIONS,
    UtcDateTime,
    document_type,
    key_type,
    metadata,
)
from weekplan.domain._limits import (
    CLIENT_REF_MAX,
    DAY_KEY_MAX,
    ID_MAX,
    LABEL_MAX,
    REASON_MAX,
    SLOT_KEY_MAX,
)

__all__ = ["TEMPLATE_SETS", "WEEK_SETS", "change_sets", "drafts", "slot_locks"]

change_sets: Final = Table(
    "weekplan_change_sets",
    metadata,
    Column("tenant_id", key_type(ID_MAX), nullable=False),
    Column("id", key_type(ID_MAX), nullable=False),
    Column("subject", key_type(LABEL_MAX), nullable=False),
    Column("subject_id", key_type(ID_MAX), nullable=False),
    # NULL for a template's sets.
    Column("client_ref", key_type(CLIENT_REF_MAX), nullable=True),
    Column("week_start_date", Date, nullable=True),
    Column("actor", key_type(ID_MAX), nullable=True),
    Column("source", key_type(LABEL_MAX), nullable=False),
    Column("reason", String(REASON_MAX), nullable=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("version_before", Integer, nullable=True),
    Column("version_after", Integer, nullable=True),
    # The write's slot changes as one JSON array, or {"of": id} of the set of the
    # same write that holds them (see weekplan.adapters._rows).
    Column("changes", document_type(), nullable=False),
    PrimaryKeyConstraint("tenant_id", "id"),
    # The tenant's log by time.
    Index("ix_weekplan_change_sets_by_time", "tenant_id", "at", "id"),
    **MYSQL_TABLE_OPTIONS,
)

# Every set whose ``client_ref`` is NULL is a template's and every template's set
# has it NULL (``template_change_set`` logs ``client_ref=None``, every week's set
# the week's client): the other three indexes each hold only the sets their
# listings read, so a write adds entries only where its set can be listed.
# MariaDB has no partial indexes: there each holds every set.

#: A template's sets: the listing of a template's log asks for this, written out.
TEMPLATE_SETS: Final = change_sets.c.client_ref.is_(None)
#: A week's sets: implied by the ``client_ref = ...`` of a week's and a client's log.
WEEK_SETS: Final = change_sets.c.client_ref.is_not(None)


def _log_index(name: str, *columns: str, holding: ColumnElement[bool]) -> Index:
    """An index of the change log on ``columns``, of the sets ``holding`` selects (partial)."""
    keys = (change_sets.c[column] for column in columns)
    return Index(name, *keys, sqlite_where=holding, postgresql_where=holding)


# A week's log, newest first, walks this index backwards.
_log_index(
    "ix_weekplan_change_sets_by_week",
    "tenant_id",
    "client_ref",
    "week_start_date",
    "at",
    "id",
    holding=WEEK_SETS,
)
# A client's log across weeks.
_log_index(
    "ix_weekplan_change_sets_by_client", "tenant_id", "client_ref", "at", "id", holding=WEEK_SETS
)
# A template's log.
_log_index(
    "ix_weekplan_change_sets_by_subject",
    "tenant_id",
    "subject_id",
    "at",
    "id",
    holding=TEMPLATE_SETS,
)

slot_locks: Final = Table(
    "weekplan_slot_locks",
    metadata,
    Column("tenant_id", key_type(ID_MAX), nullable=False),
    Column("client_ref", key_type(CLIENT_REF_MAX), nullable=False),
    Column("week_start_date", Date, nullable=False),
    Column("day_key", key_type(DAY_KEY_MAX), nullable=False),
    Column("slot_key", key_type(SLOT_KEY_MAX), nullable=False),
    Column("reason", String(REASON_MAX), nullable=True),
    # JSON array of the locked ingredients; empty: the whole slot.
    Column("ingredients", document_type(), nullable=False),
    Column("actor", key_type(ID_MAX), nullable=True),
    Column("locked_at", UtcDateTime(), nullable=True),
    # One lock per slot; a week's locks are one range of this key.
    PrimaryKeyConstraint("tenant_id", "client_ref", "week_start_date", "day_key", "slot_key"),
    **MYSQL_TABLE_OPTIONS,
)

drafts: Final = Table(
    "weekplan_drafts",
    metadata,
    Column("tenant_id", key_type(ID_MAX), nullable=False),
    Column("client_ref", key_type(CLIENT_REF_MAX), nullable=False),
    Column("week_start_date", Date, nullable=False),
    Column("instance_id", key_type(ID_MAX), nullable=False),
    Column("base_version", Integer, nullable=False),
    Column("days", document_type(), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("actor", key_type(ID_MAX), nullable=True),
    # The draft's guardrails decision as JSON (DraftCheck.to_dict), or NULL.
    Column("guardrails", document_type(), nullable=True),
    # One draft per client week.
    PrimaryKeyConstraint("tenant_id", "client_ref", "week_start_date"),
    **MYSQL_TABLE_OPTIONS,
)
