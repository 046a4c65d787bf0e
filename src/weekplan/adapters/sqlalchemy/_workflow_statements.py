"""The SQL statements of the workflow capability, built once per dialect and reused.

As in :mod:`._statements`: SQLAlchemy Core, explicit columns, bound parameters.
The change log is listed newest first by change set, keyset-paged on the sets'
``(at, id)`` from the cursor's set on: the row value ``(at, id) <= (:at, :id)``
on SQLite and PostgreSQL, and on MariaDB ``at <= :at AND (at < :at OR id <= :id)``,
whose first term is the index range.
"""

from __future__ import annotations

import threading
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Delete,
    Insert,
    Integer,
    Select,
    String,
    Update,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    tuple_,
    update,
)

from weekplan.adapters._row_mapping import ChangeSetRows
from weekplan.adapters.sqlalchemy._statements import sqlite_has_json
from weekplan.adapters.sqlalchemy._workflow_schema import (
    TEMPLATE_SETS,
    change_sets,
    drafts,
    slot_locks,
)

__all__ = [
    "CHANGE_SETS_OF_JSON",
    "CHANGE_SET_COLUMNS",
    "DRAFT_COLUMNS",
    "LOCK_COLUMNS",
    "ChangeListShape",
    "WorkflowStatements",
]

#: The columns of the change set's row mapper, in its order.
CHANGE_SET_COLUMNS: Final = tuple(change_sets.c[name] for name in ChangeSetRows.columns)
LOCK_COLUMNS: Final = tuple(slot_locks.c)
DRAFT_COLUMNS: Final = tuple(drafts.c)

#: The columns each set of :attr:`WorkflowStatements.insert_change_sets_of_json` has
#: its own value of, in its JSON rows; the sets share the others.
CHANGE_SETS_OF_JSON: Final = ("id", "subject_id", "client_ref", "changes")

#: Which filters a listing has: subject, whether that subject is templates,
#: subject_id, client_ref, week, since, until, before.
ChangeListShape = tuple[bool, bool, bool, bool, bool, bool, bool, bool]


class WorkflowStatements:
    """The change log, lock and draft statements of one dialect."""

    def __init__(self, dialect_name: str) -> None:
        self._row_values = dialect_name in ("sqlite", "postgresql")
        self._lock = threading.Lock()
        self._change_lists: dict[ChangeListShape, Select[Any]] = {}

        self.insert_change_set: Final[Insert] = insert(change_sets)
        self.insert_change_sets_of_json: Final[Insert | None] = (
            _insert_change_sets_of_json()
            if dialect_name == "sqlite" and sqlite_has_json()
            else None
        )
        c = change_sets.c
        self.changes_of_sets: Final[Select[Any]] = select(c.id, c.changes).where(
            c.tenant_id == bindparam("tenant_id"), c.id.in_(bindparam("ids", expanding=True))
        )

        k = slot_locks.c
        week_of_lock = (
            k.tenant_id == bindparam("tenant_id"),
            k.client_ref == bindparam("client_ref"),
            k.week_start_date == bindparam("week_start_date"),
        )
        self.locks_of_week: Final[Select[Any]] = select(*LOCK_COLUMNS).where(*week_of_lock)
        self.insert_lock: Final[Insert] = insert(slot_locks)
        self.delete_lock: Final[Delete] = delete(slot_locks).where(
            *week_of_lock,
            k.day_key == bindparam("day_key"),
            k.slot_key == bindparam("slot_key"),
        )
        self.delete_week_locks: Final[Delete] = delete(slot_locks).where(*week_of_lock)

        d = drafts.c
        week_of_draft = (
            d.tenant_id == bindparam("tenant_id"),
            d.client_ref == bindparam("client_ref"),
            d.week_start_date == bindparam("week_start_date"),
        )
        self.get_draft: Final[Select[Any]] = select(*DRAFT_COLUMNS).where(*week_of_draft)
        self.insert_draft: Final[Insert] = insert(drafts)
        self.replace_draft: Final[Update] = (
            update(drafts)
            .where(
                d.tenant_id == bindparam("b_tenant_id"),
                d.client_ref == bindparam("b_client_ref"),
                d.week_start_date == bindparam("b_week_start_date"),
                d.version == bindparam("b_expected_version"),
            )
            .values(
                {
                    name: bindparam(name)
                    for name in (
                        "instance_id",
                        "base_version",
                        "days",
                        "version",
                        "created_at",
                        "updated_at",
                        "actor",
                        "guardrails",
                    )
                }
            )
        )
        self.delete_draft: Final[Delete] = delete(drafts).where(*week_of_draft)

    def list_changes(self, shape: ChangeListShape) -> Select[Any]:
        """Change sets newest first, with the filters ``shape`` names.

        With ``before``, the sets from the one ``(before_at, before_id)`` names
        on (that set included: the cursor may stop within it). Parameters:
        ``tenant_id``, ``limit``, and ``subject``, ``subject_id``,
        ``client_ref``, ``week_start_date``, ``since``, ``until``,
        ``before_at``, ``before_id`` as the shape asks.

        A listing of templates' sets also asks for ``client_ref IS NULL``,
        which every template's set has and no week's: written out, not bound,
        so that SQLite's and PostgreSQL's planners see that the partial index
        ``ix_weekplan_change_sets_by_subject`` holds every set it can match.
        """
        found = self._change_lists.get(shape)
        if found is None:
            subject, template, subject_id, client_ref, week, since, until, before = shape
            c = change_sets.c
            stmt: Select[Any] = select(*CHANGE_SET_COLUMNS).where(
                c.tenant_id == bindparam("tenant_id")
            )
            if template:
                stmt = stmt.where(TEMPLATE_SETS)
            for wanted, column in (
                (subject, c.subject),
                (subject_id, c.subject_id),
                (client_ref, c.client_ref),
                (week, c.week_start_date),
            ):
                if wanted:
                    stmt = stmt.where(column == bindparam(column.name))
            if since:
                stmt = stmt.where(c.at >= bindparam("since", type_=c.at.type))
            if until:
                stmt = stmt.where(c.at < bindparam("until", type_=c.at.type))
            if before:
                stmt = stmt.where(self._from(c.at, c.id))
            found = stmt.order_by(c.at.desc(), c.id.desc()).limit(bindparam("limit", type_=Integer))
            with self._lock:
                self._change_lists[shape] = found
        return found

    def _from(self, first: ColumnElement[Any], second: ColumnElement[Any]) -> ColumnElement[bool]:
        a = bindparam("before_at", type_=first.type)
        b = bindparam("before_id", type_=second.type)
        if self._row_values:
            return tuple_(first, second) <= tuple_(a, b)
        return and_(first <= a, or_(first < a, second <= b))


def _insert_change_sets_of_json() -> Insert:
    """SQLite: insert many change sets, their :data:`CHANGE_SETS_OF_JSON` from JSON.

    Parameters: each column but those as the sets share it, and ``sets``, the
    JSON text of :func:`~weekplan.adapters.sqlalchemy._statements.rows_json`
    of :data:`CHANGE_SETS_OF_JSON`: the sets of the weeks one
    ``create_instances`` makes in one statement, their shared values bound
    once. (``WHERE`` true, as for the weeks' own statement.)
    """
    c = change_sets.c
    sets = func.json_each(bindparam("sets", type_=String)).table_valued("value").alias("sets")
    by_json = {
        name: func.json_extract(sets.c.value, f"$[{n}]")
        for n, name in enumerate(CHANGE_SETS_OF_JSON)
    }
    columns = [column.name for column in change_sets.columns]
    rows = select(
        *(
            (by_json[name] if name in by_json else bindparam(name, type_=c[name].type)).label(name)
            for name in columns
        )
    ).select_from(sets)
    return insert(change_sets).from_select(columns, rows.where(true()))
