"""The change log as one row per write: ``weekplan_change_sets`` replaces ``weekplan_changes``.

Revision ID: weekplan_0012
Revises: weekplan_0011
Create Date: 2026-11-30

A write that changed 42 slots was 42 rows of ``weekplan_changes``; it is now one
row of ``weekplan_change_sets`` holding the slot changes as a JSON array, with
the indexes ``ix_weekplan_change_sets_by_week``, ``_by_client``, ``_by_time``
and ``_by_subject`` serving the same four listings.

Every existing record becomes a set of that one change whose id is the
record's id, so records keep their ids (but for an id that itself ends in
``.`` and a number, whose record is now listed as ``<id>.0``) and cursors
handed out before the upgrade keep their place. Downgrading splits each set
back into one row per change, with the ids the listings gave them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "weekplan_0012"
down_revision: str | Sequence[str] | None = "weekplan_0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported: a revision must not change when the code does.
_BIN = "utf8mb4_nopad_bin"
_TABLE_OPTIONS: dict[str, Any] = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mysql_collate": _BIN,
}
_OLD = "weekplan_changes"
_NEW = "weekplan_change_sets"
_BATCH = 1000
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_NUMBERED = re.compile(r".*\.(0|[1-9][0-9]*)", re.ASCII | re.DOTALL)

#: The columns both tables have, in order.
_SHARED = (
    "tenant_id",
    "id",
    "subject",
    "subject_id",
    "client_ref",
    "week_start_date",
    "actor",
    "source",
    "reason",
    "at",
    "version_before",
    "version_after",
)
#: The columns of one slot's change in the old table.
_SLOT = ("change_type", "day_key", "slot_key", "old_entry", "new_entry")

#: ``(name, columns)`` of the indexes of each table.
_NEW_INDEXES = (
    ("ix_weekplan_change_sets_by_week", ["tenant_id", "client_ref", "week_start_date", "at", "id"]),
    ("ix_weekplan_change_sets_by_client", ["tenant_id", "client_ref", "at", "id"]),
    ("ix_weekplan_change_sets_by_time", ["tenant_id", "at", "id"]),
    ("ix_weekplan_change_sets_by_subject", ["tenant_id", "subject_id", "at", "id"]),
)
_OLD_INDEXES = (
    ("ix_weekplan_changes_client_ref_week_start_date_at_id", _NEW_INDEXES[0][1]),
    ("ix_weekplan_changes_client_ref_at_id", _NEW_INDEXES[1][1]),
    ("ix_weekplan_changes_at_id", _NEW_INDEXES[2][1]),
    ("ix_weekplan_changes_subject_id_at_id", _NEW_INDEXES[3][1]),
)


def _key(length: int) -> sa.types.TypeEngine[str]:
    return (
        sa.String(length)
        .with_variant(sa.String(length, collation="C"), "postgresql")
        .with_variant(mysql.VARCHAR(length, collation=_BIN), "mysql", "mariadb")
    )


def _document() -> sa.types.TypeEngine[str]:
    return sa.Text().with_variant(mysql.MEDIUMTEXT(collation=_BIN), "mysql", "mariadb")


def _when() -> sa.types.TypeEngine[Any]:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def _shared_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("tenant_id", _key(64), nullable=False),
        sa.Column("id", _key(64), nullable=False),
        sa.Column("subject", _key(16), nullable=False),
        sa.Column("subject_id", _key(64), nullable=False),
        sa.Column("client_ref", _key(128), nullable=True),
        sa.Column("week_start_date", sa.Date(), nullable=True),
    ]


def _dish_and_notes(text: str | None) -> list[Any] | None:
    """A stored entry as a change set holds it: ``[dish id, notes]``."""
    if text is None:
        return None
    raw = json.loads(text)
    return [raw["dish_template_id"], raw["notes"]]


def _entry_text(day_key: str, slot_key: str, pair: list[Any] | None) -> str | None:
    """A change set's ``[dish id, notes]`` as the records' table held the entry."""
    if pair is None:
        return None
    dish, notes = pair
    entry = {"day_key": day_key, "slot_key": slot_key, "dish_template_id": dish, "notes": notes}
    return _ENCODER.encode(entry)


def _record_id(set_id: str, position: int) -> str:
    # As weekplan.domain.changes.record_id did when this revision was written.
    if position or _NUMBERED.fullmatch(set_id):
        return f"{set_id}.{position}"
    return set_id


def _batches(table: sa.Table) -> Iterator[list[sa.Row[Any]]]:
    """Every row of ``table``, ``_BATCH`` at a time in key order."""
    connection = op.get_bind()
    c = table.c
    query = sa.select(table).order_by(c.tenant_id, c.id).limit(_BATCH)
    last: tuple[str, str] | None = None
    while True:
        page = query
        if last is not None:
            page = query.where(
                sa.or_(c.tenant_id > last[0], sa.and_(c.tenant_id == last[0], c.id > last[1]))
            )
        rows = list(connection.execute(page))
        if not rows:
            return
        yield rows
        last = (rows[-1].tenant_id, rows[-1].id)


def _old_columns() -> list[sa.Column[Any]]:
    return [
        *_shared_columns(),
        sa.Column("change_type", _key(16), nullable=False),
        sa.Column("day_key", _key(3), nullable=False),
        sa.Column("slot_key", _key(64), nullable=False),
        sa.Column("old_entry", _document(), nullable=True),
        sa.Column("new_entry", _document(), nullable=True),
        *_tail_columns(),
    ]


def _new_columns() -> list[sa.Column[Any]]:
    return [
        *_shared_columns(),
        *_tail_columns(),
        sa.Column("changes", _document(), nullable=False),
    ]


def _tail_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("actor", _key(64), nullable=True),
        sa.Column("source", _key(16), nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("at", _when(), nullable=False),
        sa.Column("version_before", sa.Integer(), nullable=True),
        sa.Column("version_after", sa.Integer(), nullable=True),
    ]


def upgrade() -> None:
    """Create the sets' table, make each record a set of one, drop the records' table."""
    new = op.create_table(
        _NEW,
        *_new_columns(),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_weekplan_change_sets"),
        **_TABLE_OPTIONS,
    )
    for name, columns in _NEW_INDEXES:
        op.create_index(name, _NEW, columns)
    assert new is not None
    connection = op.get_bind()
    for rows in _batches(sa.Table(_OLD, sa.MetaData(), *_old_columns())):
        sets = []
        for row in rows:
            change = [
                row.change_type,
                row.day_key,
                row.slot_key,
                _dish_and_notes(row.old_entry),
                _dish_and_notes(row.new_entry),
            ]
            sets.append(
                {
                    **{name: getattr(row, name) for name in _SHARED},
                    "changes": _ENCODER.encode([change]),
                }
            )
        connection.execute(sa.insert(new), sets)
    for name, _ in _OLD_INDEXES:
        op.drop_index(name, table_name=_OLD)
    op.drop_table(_OLD)


def downgrade() -> None:
    """Create the records' table, split each set into its records, drop the sets' table."""
    old = op.create_table(
        _OLD,
        *_old_columns(),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_weekplan_changes"),
        **_TABLE_OPTIONS,
    )
    for name, columns in _OLD_INDEXES:
        op.create_index(name, _OLD, columns)
    assert old is not None
    connection = op.get_bind()
    for rows in _batches(sa.Table(_NEW, sa.MetaData(), *_new_columns())):
        records = []
        for row in rows:
            for position, change in enumerate(json.loads(row.changes)):
                change_type, day_key, slot_key, before, after = change
                records.append(
                    {
                        **{name: getattr(row, name) for name in _SHARED},
                        "id": _record_id(row.id, position),
                        "change_type": change_type,
                        "day_key": day_key,
                        "slot_key": slot_key,
                        "old_entry": _entry_text(day_key, slot_key, before),
                        "new_entry": _entry_text(day_key, slot_key, after),
                    }
                )
        connection.execute(sa.insert(old), records)
    for name, _ in _NEW_INDEXES:
        op.drop_index(name, table_name=_NEW)
    op.drop_table(_NEW)
