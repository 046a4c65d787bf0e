"""The workflow repositories of the Django store: change log, slot locks, drafts.

They run in the unit of work's ``transaction.atomic()`` block, like the other
repositories of :mod:`.store`, and translate every database error.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from django.db import Error, IntegrityError
from django.db.models import Q, QuerySet

from weekplan.adapters._row_mapping import DraftRows, SlotLockRows
from weekplan.adapters._rows import same_tenant
from weekplan.contrib.django.workflow_models import ChangeRecordRow, DraftRow, SlotLockRow
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
from weekplan.errors import ConcurrentUpdate, InvalidInput, StorageError, WeekPlanError

if TYPE_CHECKING:
    from weekplan.contrib.django.store import DjangoUnitOfWork

__all__ = ["DjangoChangeLogRepository", "DjangoDraftRepository", "DjangoSlotLockRepository"]


def _failed(error: Error) -> WeekPlanError:
    return StorageError(f"the database failed: {type(error).__name__}")


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class DjangoChangeLogRepository:
    """Change records in ``weekplan_changes``: inserted and listed, never changed."""

    def __init__(self, uow: DjangoUnitOfWork) -> None:
        self._uow = uow

    def append(self, tenant_id: str, records: Sequence[ChangeRecord]) -> None:
        """Insert the records in one ``bulk_create``."""
        rows = []
        for record in records:
            same_tenant(tenant_id, record.tenant_id)
            rows.append(
                ChangeRecordRow(
                    tenant_id=record.tenant_id,
                    record_id=record.id,
                    subject=record.subject.value,
                    subject_id=record.subject_id,
                    client_ref=record.client_ref,
                    week_start_date=record.week_start_date,
                    change_type=record.change_type.value,
                    day_key=record.day_key.value,
                    slot_key=record.slot_key,
                    old_entry=encode_entry(record.old),
                    new_entry=encode_entry(record.new),
                    actor=record.actor,
                    source=record.source.value,
                    reason=record.reason,
                    at=record.at,
                    version_before=record.version_before,
                    version_after=record.version_after,
                )
            )
        if not rows:
            return
        try:
            ChangeRecordRow.objects.using(self._uow.alias()).bulk_create(rows)
        except Error as exc:
            raise _failed(exc) from exc

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
        query = ChangeRecordRow.objects.using(self._uow.alias()).filter(tenant_id=tenant_id)
        filters: dict[str, Any] = {
            "subject": None if subject is None else subject.value,
            "subject_id": subject_id,
            "client_ref": client_ref,
            "week_start_date": week_start_date,
            "at__gte": since,
            "at__lt": until,
        }
        query = query.filter(**{k: v for k, v in filters.items() if v is not None})
        if before is not None:
            at, record_id = before
            query = query.filter(Q(at__lt=at) | Q(at=at, record_id__lt=record_id))
        ordered = query.order_by("-at", "-record_id")
        try:
            rows = list(ordered[:limit])
        except Error as exc:
            raise _failed(exc) from exc
        return [_record(row) for row in rows]


def _record(row: ChangeRecordRow) -> ChangeRecord:
    try:
        return ChangeRecord(
            id=row.record_id,
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
            at=_utc(row.at),
            version_before=row.version_before,
            version_after=row.version_after,
        )
    except (ValueError, InvalidInput) as exc:
        raise StorageError("a stored change record is not valid") from exc


class DjangoSlotLockRepository:
    """Locked slots in ``weekplan_slot_locks``.

    Its columns and the draft table's are their fields' names (no column is renamed).
    """

    def __init__(self, uow: DjangoUnitOfWork, rows: SlotLockRows) -> None:
        self._uow = uow
        self._map = rows

    def _week(self, tenant_id: str, client_ref: str, week: date) -> QuerySet[SlotLockRow]:
        return SlotLockRow.objects.using(self._uow.alias()).filter(
            tenant_id=tenant_id, client_ref=client_ref, week_start_date=week
        )

    def of_week(self, tenant_id: str, client_ref: str, week_start_date: date) -> Sequence[SlotLock]:
        """Every lock of the week."""
        try:
            week = self._week(tenant_id, client_ref, week_start_date)
            rows = list(week.values_list(*self._map.columns))
        except Error as exc:
            raise _failed(exc) from exc
        return [self._map.from_row(row) for row in rows]

    def put(self, tenant_id: str, lock: SlotLock) -> None:
        """Store the lock, replacing the slot's lock."""
        values = self._map.values(tenant_id, lock)
        try:
            self.remove(tenant_id, lock.client_ref, lock.week_start_date, lock.key)
            SlotLockRow(**values).save(force_insert=True, using=self._uow.alias())
        except Error as exc:
            raise _failed(exc) from exc

    def remove(self, tenant_id: str, client_ref: str, week_start_date: date, slot: SlotKey) -> bool:
        """Unlock the slot; ``False`` if it was not locked."""
        matching = self._week(tenant_id, client_ref, week_start_date).filter(
            day_key=slot[0].value, slot_key=slot[1]
        )
        try:
            deleted, _ = matching.delete()
        except Error as exc:
            raise _failed(exc) from exc
        return deleted > 0

    def remove_week(self, tenant_id: str, client_ref: str, week_start_date: date) -> None:
        """Unlock every slot of the week."""
        try:
            self._week(tenant_id, client_ref, week_start_date).delete()
        except Error as exc:
            raise _failed(exc) from exc


class DjangoDraftRepository:
    """Drafts in ``weekplan_drafts``, one per client week."""

    def __init__(self, uow: DjangoUnitOfWork, rows: DraftRows) -> None:
        self._uow = uow
        self._map = rows

    def _week(self, tenant_id: str, client_ref: str, week: date) -> QuerySet[DraftRow]:
        return DraftRow.objects.using(self._uow.alias()).filter(
            tenant_id=tenant_id, client_ref=client_ref, week_start_date=week
        )

    def get(self, tenant_id: str, client_ref: str, week_start_date: date) -> WeekDraft | None:
        """The week's draft, or ``None``."""
        try:
            week = self._week(tenant_id, client_ref, week_start_date)
            rows = list(week.values_list(*self._map.columns)[:1])
        except Error as exc:
            raise _failed(exc) from exc
        return self._map.from_row(rows[0]) if rows else None

    def add(self, tenant_id: str, draft: WeekDraft) -> None:
        """Insert a new draft."""
        row = DraftRow(**self._map.values(tenant_id, draft))
        try:
            row.save(force_insert=True, using=self._uow.alias())
        except IntegrityError as exc:
            # The week had no draft when the use case looked: a racing start made one
            # since, so the call runs again and returns that draft.
            raise ConcurrentUpdate("a concurrent call started the week's draft first") from exc
        except Error as exc:
            raise _failed(exc) from exc

    def replace(self, tenant_id: str, draft: WeekDraft, *, expected_version: int) -> bool:
        """Compare-and-set on the week's draft and its version."""
        values = self._map.values(tenant_id, draft)
        for key in ("tenant_id", "client_ref", "week_start_date"):
            del values[key]
        matching = self._week(tenant_id, draft.client_ref, draft.week_start_date).filter(
            version=expected_version
        )
        try:
            changed = matching.update(**values)
        except Error as exc:
            raise _failed(exc) from exc
        return changed == 1

    def remove(self, tenant_id: str, client_ref: str, week_start_date: date) -> bool:
        """Drop the week's draft; ``False`` if there was none."""
        try:
            deleted, _ = self._week(tenant_id, client_ref, week_start_date).delete()
        except Error as exc:
            raise _failed(exc) from exc
        return deleted > 0
