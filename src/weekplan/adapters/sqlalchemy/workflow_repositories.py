"""The workflow repositories over SQLAlchemy Core: change log, slot locks, drafts.

Each call is one statement (appending any number of records is one
``executemany``). Rows become frozen domain values here; every database error
is translated before it leaves a method.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import CursorResult, Executable
from sqlalchemy.exc import SQLAlchemyError

from weekplan.adapters._row_mapping import DraftRows, SlotLockRows
from weekplan.adapters._rows import same_tenant
from weekplan.adapters.sqlalchemy.errors import translate, translate_lost_insert
from weekplan.adapters.sqlalchemy.repositories import ConnectionSource
from weekplan.adapters.sqlalchemy.workflow_statements import WorkflowStatements
from weekplan.domain.changes import (
    ChangeRecord,
    ChangeSortKey,
    ChangeSubject,
    decode_entry,
    encode_entry,
)
from weekplan.domain.drafts import WeekDraft
from weekplan.domain.entries import SlotKey
from weekplan.domain.locks import SlotLock
from weekplan.errors import InvalidInput, StorageError

__all__ = ["SqlChangeLogRepository", "SqlDraftRepository", "SqlSlotLockRepository"]


def _run(source: ConnectionSource, statement: Executable, params: Any, *, write: bool) -> Any:
    connection = source.writer() if write else source.reader()
    try:
        return connection.execute(statement, params)
    except SQLAlchemyError as exc:
        raise translate(exc) from exc


class SqlChangeLogRepository:
    """Change records in ``weekplan_changes``: inserted, listed, never updated or deleted."""

    def __init__(self, source: ConnectionSource, statements: WorkflowStatements) -> None:
        self._source = source
        self._sql = statements

    def append(self, tenant_id: str, records: Sequence[ChangeRecord]) -> None:
        """Insert the records, in one statement."""
        if not records:
            return
        rows = []
        for record in records:
            same_tenant(tenant_id, record.tenant_id)
            rows.append(
                {
                    "tenant_id": record.tenant_id,
                    "id": record.id,
                    "subject": record.subject.value,
                    "subject_id": record.subject_id,
                    "client_ref": record.client_ref,
                    "week_start_date": record.week_start_date,
                    "change_type": record.change_type.value,
                    "day_key": record.day_key.value,
                    "slot_key": record.slot_key,
                    "old_entry": encode_entry(record.old),
                    "new_entry": encode_entry(record.new),
                    "actor": record.actor,
                    "source": record.source.value,
                    "reason": record.reason,
                    "at": record.at,
                    "version_before": record.version_before,
                    "version_after": record.version_after,
                }
            )
        _run(self._source, self._sql.insert_change, rows, write=True)

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
        """Up to ``limit`` records, newest first by ``(at, id)``, strictly before ``before``."""
        params: dict[str, Any] = {"tenant_id": tenant_id, "limit": limit}
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
            params["before_at"], params["before_id"] = before
        shape = (*(v is not None for v in optional.values()), before is not None)
        statement = self._sql.list_changes(shape)  # type: ignore[arg-type]
        result = _run(self._source, statement, params, write=False)
        return [_record(row) for row in result]


def _record(row: Any) -> ChangeRecord:
    try:
        return ChangeRecord(
            id=row.id,
            tenant_id=row.tenant_id,
            subject=row.subject,
            subject_id=row.subject_id,
            client_ref=row.client_ref,
            week_start_date=row.week_start_date,
            change_type=row.change_type,
            day_key=row.day_key,
            slot_key=row.slot_key,
            old=decode_entry(row.old_entry),
            new=decode_entry(row.new_entry),
            actor=row.actor,
            source=row.source,
            reason=row.reason,
            at=row.at,
            version_before=row.version_before,
            version_after=row.version_after,
        )
    except (ValueError, InvalidInput) as exc:
        raise StorageError("a stored change record is not valid") from exc


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
        result = _run(self._source, self._sql.locks_of_week, params, write=False)
        return [self._rows.from_row(row) for row in result]

    def put(self, tenant_id: str, lock: SlotLock) -> None:
        """Store the lock, replacing the slot's lock (a delete, then an insert)."""
        row = self._rows.values(tenant_id, lock)
        self.remove(tenant_id, lock.client_ref, lock.week_start_date, lock.key)
        _run(self._source, self._sql.insert_lock, row, write=True)

    def remove(self, tenant_id: str, client_ref: str, week_start_date: date, slot: SlotKey) -> bool:
        """Unlock the slot; ``False`` if it was not locked."""
        params = {
            "tenant_id": tenant_id,
            "client_ref": client_ref,
            "week_start_date": week_start_date,
            "day_key": slot[0].value,
            "slot_key": slot[1],
        }
        result: CursorResult[Any] = _run(self._source, self._sql.delete_lock, params, write=True)
        return result.rowcount == 1

    def remove_week(self, tenant_id: str, client_ref: str, week_start_date: date) -> None:
        """Unlock every slot of the week."""
        params = {
            "tenant_id": tenant_id,
            "client_ref": client_ref,
            "week_start_date": week_start_date,
        }
        _run(self._source, self._sql.delete_week_locks, params, write=True)


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
        row = _run(self._source, self._sql.get_draft, params, write=False).first()
        return None if row is None else self._rows.from_row(row)

    def add(self, tenant_id: str, draft: WeekDraft) -> None:
        """Insert a new draft; ``ConcurrentUpdate`` if a racing call inserted one first."""
        values = self._rows.values(tenant_id, draft)
        try:
            self._source.writer().execute(self._sql.insert_draft, values)
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
        result: CursorResult[Any] = _run(self._source, self._sql.replace_draft, params, write=True)
        return result.rowcount == 1

    def remove(self, tenant_id: str, client_ref: str, week_start_date: date) -> bool:
        """Drop the week's draft; ``False`` if there was none."""
        params = {
            "tenant_id": tenant_id,
            "client_ref": client_ref,
            "week_start_date": week_start_date,
        }
        result: CursorResult[Any] = _run(self._source, self._sql.delete_draft, params, write=True)
        return result.rowcount == 1
