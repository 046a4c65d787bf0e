"""The workflow repositories over SQLAlchemy Core: change log, slot locks, drafts.

Each call is one statement (appending any number of change sets is one
``executemany``), but for a listing that shows sets whose shared changes are
stored in a set it does not show: one more statement reads those. Each
table's rows become frozen domain values, and back, through its mapper of
:mod:`weekplan.adapters._row_mapping`; every database error is translated
before it leaves a method.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy.exc import SQLAlchemyError

from weekplan.adapters._row_mapping import ChangeSetRows, DraftRows, SlotLockRows
from weekplan.adapters.sqlalchemy._direct_statements import StatementResult
from weekplan.adapters.sqlalchemy._errors import translate_lost_insert
from weekplan.adapters.sqlalchemy._repositories import ConnectionSource, run_statement
from weekplan.adapters.sqlalchemy._statements import rows_json, same_in_every_row
from weekplan.adapters.sqlalchemy._workflow_statements import (
    CHANGE_SETS_OF_JSON,
    ChangeListShape,
    WorkflowStatements,
)
from weekplan.domain._drafts import WeekDraft
from weekplan.domain._entries import SlotKey
from weekplan.domain._locks import SlotLock
from weekplan.domain.changes import (
    ChangeRecord,
    ChangeSet,
    ChangeSortKey,
    ChangeSubject,
    records_before,
)

__all__ = ["SqlChangeLogRepository", "SqlDraftRepository", "SqlSlotLockRepository"]

#: The columns every set of one ``append`` of the JSON statement must share.
_SETS_SHARE: Final = tuple(
    name for name in ChangeSetRows.columns if name not in CHANGE_SETS_OF_JSON
)


class SqlChangeLogRepository:
    """Change sets in ``weekplan_change_sets``: inserted, listed, never updated or deleted."""

    def __init__(
        self, source: ConnectionSource, statements: WorkflowStatements, rows: ChangeSetRows
    ) -> None:
        self._source = source
        self._sql = statements
        self._rows = rows

    def append(self, tenant_id: str, sets: Sequence[ChangeSet]) -> None:
        """Insert the sets, in one statement, which may go with ``COMMIT`` (``deferred``)."""
        if not sets:
            return
        rows = self._rows.batch_values(tenant_id, sets)
        of_json = self._sql.insert_change_sets_of_json
        shared = None if of_json is None or len(rows) < 2 else same_in_every_row(rows, _SETS_SHARE)
        if of_json is not None and shared is not None:
            # The sets of the weeks of one create_instances: what they share bound once.
            params = {**shared, "sets": rows_json(rows, CHANGE_SETS_OF_JSON)}
            run_statement(self._source, of_json, params, write=True, deferred=True)
            return
        run_statement(self._source, self._sql.insert_change_set, rows, write=True, deferred=True)

    def list(
        self,
        tenant_id: str,
        *,
        subject: ChangeSubject | None,
        subject_id: str | None,
        client_ref: str | None,
        week_start_date: date | None,
        since: datetime | None,
        until: datetime | None,
        before: ChangeSortKey | None,
        limit: int,
    ) -> Sequence[ChangeRecord]:
        """Up to ``limit`` records, newest first by ``sort_key``, strictly before ``before``.

        One statement: ``limit + 1`` sets from the cursor's set on hold them all.
        """
        params: dict[str, Any] = {"tenant_id": tenant_id, "limit": limit + 1}
        optional = {
            "subject": None if subject is None else subject.value,
            "subject_id": subject_id,
            "client_ref": client_ref,
            "week_start_date": week_start_date,
            "since": since,
            "until": until,
        }
        params.update({k: v for k, v in optional.items() if v is not None})
        if before is not None:
            params["before_at"], params["before_id"] = before[0], before[1]
        shape: ChangeListShape = (
            subject is not None,
            subject is ChangeSubject.TEMPLATE,
            subject_id is not None,
            client_ref is not None,
            week_start_date is not None,
            since is not None,
            until is not None,
            before is not None,
        )
        statement = self._sql.list_changes(shape)
        result = run_statement(self._source, statement, params)
        sets = self._rows.from_rows(result.all(), self._changes_of_sets)
        return records_before(sets, before, limit)

    def _changes_of_sets(self, tenant_id: str, set_ids: Collection[str]) -> dict[str, str]:
        """The changes texts of the tenant's sets ``set_ids`` that are stored (one statement)."""
        params = {"tenant_id": tenant_id, "ids": list(set_ids)}
        result = run_statement(self._source, self._sql.changes_of_sets, params)
        return {row[0]: row[1] for row in result}


class SqlSlotLockRepository:
    """Locked slots in ``weekplan_slot_locks``."""

    def __init__(
        self, source: ConnectionSource, statements: WorkflowStatements, rows: SlotLockRows
    ) -> None:
        self._source = source
        self._sql = statements
        self._rows = rows

    def of_week(self, tenant_id: str, client_ref: str, week_start_date: date) -> Sequence[SlotLock]:
        """Every lock of the week: one range of the primary key."""
        params = {
            "tenant_id": tenant_id,
            "client_ref": client_ref,
            "week_start_date": week_start_date,
        }
        result = run_statement(self._source, self._sql.locks_of_week, params)
        return [self._rows.from_row(row) for row in result]

    def put(self, tenant_id: str, lock: SlotLock) -> None:
        """Store the lock, replacing the slot's lock (a delete, then an insert)."""
        row = self._rows.values(tenant_id, lock)
        self.remove(tenant_id, lock.client_ref, lock.week_start_date, lock.key)
        run_statement(self._source, self._sql.insert_lock, row, write=True)

    def remove(self, tenant_id: str, client_ref: str, week_start_date: date, slot: SlotKey) -> bool:
        """Unlock the slot; ``False`` if it was not locked."""
        params = {
            "tenant_id": tenant_id,
            "client_ref": client_ref,
            "week_start_date": week_start_date,
            "day_key": slot[0].value,
            "slot_key": slot[1],
        }
        result: StatementResult = run_statement(
            self._source, self._sql.delete_lock, params, write=True
        )
        return result.rowcount == 1

    def remove_week(self, tenant_id: str, client_ref: str, week_start_date: date) -> None:
        """Unlock every slot of the week."""
        params = {
            "tenant_id": tenant_id,
            "client_ref": client_ref,
            "week_start_date": week_start_date,
        }
        run_statement(self._source, self._sql.delete_week_locks, params, write=True)


class SqlDraftRepository:
    """Drafts in ``weekplan_drafts``, one per client week."""

    def __init__(
        self, source: ConnectionSource, statements: WorkflowStatements, rows: DraftRows
    ) -> None:
        self._source = source
        self._sql = statements
        self._rows = rows

    def get(self, tenant_id: str, client_ref: str, week_start_date: date) -> WeekDraft | None:
        """The week's draft, or ``None``."""
        params = {
            "tenant_id": tenant_id,
            "client_ref": client_ref,
            "week_start_date": week_start_date,
        }
        row = run_statement(self._source, self._sql.get_draft, params).first()
        return None if row is None else self._rows.from_row(row)

    def add(self, tenant_id: str, draft: WeekDraft) -> None:
        """Insert a new draft; ``ConcurrentUpdate`` if a racing call inserted one first."""
        values = self._rows.values(tenant_id, draft)
        try:
            self._source.execute(self._sql.insert_draft, values, write=True)
        except SQLAlchemyError as exc:
            # The week had no draft when the use case looked: a racing start made one
            # since, so the call runs again and returns that draft.
            raise translate_lost_insert(exc) from exc

    def replace(self, tenant_id: str, draft: WeekDraft, *, expected_version: int) -> bool:
        """Compare-and-set on the week's draft and its version."""
        params = self._rows.values(tenant_id, draft)
        params.update(
            b_tenant_id=params.pop("tenant_id"),
            b_client_ref=params.pop("client_ref"),
            b_week_start_date=params.pop("week_start_date"),
            b_expected_version=expected_version,
        )
        result: StatementResult = run_statement(
            self._source, self._sql.replace_draft, params, write=True
        )
        return result.rowcount == 1

    def remove(self, tenant_id: str, client_ref: str, week_start_date: date) -> bool:
        """Drop the week's draft; ``False`` if there was none."""
        params = {
            "tenant_id": tenant_id,
            "client_ref": client_ref,
            "week_start_date": week_start_date,
        }
        result: StatementResult = run_statement(
            self._source, self._sql.delete_draft, params, write=True
        )
        return result.rowcount == 1
