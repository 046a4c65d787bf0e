"""The workflow repositories of the Django store: change log, slot locks, drafts.

They run in the unit of work's ``transaction.atomic()`` block, like the other
repositories of :mod:`.store`, map rows through the mappers of
:mod:`weekplan.adapters._row_mapping` shared with the SQLAlchemy store, and
translate every database error.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import Error, IntegrityError
from django.db.models import Q, QuerySet

from weekplan.adapters._row_mapping import ChangeSetRows, DraftRows, SlotLockRows
from weekplan.contrib.django._columns import ModelColumns
from weekplan.contrib.django._workflow_models import ChangeSetRow, DraftRow, SlotLockRow
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
from weekplan.errors import ConcurrentUpdate, StorageError, WeekPlanError

if TYPE_CHECKING:
    from weekplan.contrib.django.store import DjangoUnitOfWork

__all__ = ["DjangoChangeLogRepository", "DjangoDraftRepository", "DjangoSlotLockRepository"]

# The change set's id is the ``id`` column of the field ``set_id``.
_CHANGE_SETS = ModelColumns(ChangeSetRow)
#: The fields of the columns the change set's row mapper reads, in its order.
_CHANGE_SET_FIELDS = _CHANGE_SETS.fields(ChangeSetRows.columns)


def _failed(error: Error) -> WeekPlanError:
    return StorageError(f"the database failed: {type(error).__name__}")


class DjangoChangeLogRepository:
    """Change sets in ``weekplan_change_sets``: inserted and listed, never changed."""

    def __init__(self, uow: DjangoUnitOfWork, rows: ChangeSetRows) -> None:
        self._uow = uow
        self._map = rows

    def append(self, tenant_id: str, sets: Sequence[ChangeSet]) -> None:
        """Insert the sets in one ``bulk_create``."""
        if not sets:
            return
        rows = [
            ChangeSetRow(**_CHANGE_SETS.kwargs(values))
            for values in self._map.batch_values(tenant_id, sets)
        ]
        try:
            ChangeSetRow.objects.using(self._uow.alias()).bulk_create(rows)
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
        """Up to ``limit`` records, newest first by ``sort_key``, strictly before ``before``.

        One query: ``limit + 1`` sets from the cursor's set on hold them all.
        """
        query = ChangeSetRow.objects.using(self._uow.alias()).filter(tenant_id=tenant_id)
        filters: dict[str, Any] = {
            "subject": None if subject is None else subject.value,
            "subject_id": subject_id,
            "client_ref": client_ref,
            "week_start_date": week_start_date,
            "at__gte": since,
            "at__lt": until,
        }
        query = query.filter(**{k: v for k, v in filters.items() if v is not None})
        if subject is ChangeSubject.TEMPLATE:
            # As the SQLAlchemy store: IS NULL written out, so that the planner
            # may use the partial index of templates' sets.
            query = query.filter(client_ref__isnull=True)
        if before is not None:
            at, set_id = before[0], before[1]
            query = query.filter(Q(at__lt=at) | Q(at=at, set_id__lte=set_id))
        ordered = query.order_by("-at", "-set_id").values_list(*_CHANGE_SET_FIELDS)
        try:
            rows = list(ordered[: limit + 1])
        except Error as exc:
            raise _failed(exc) from exc
        sets = self._map.from_rows(rows, self._changes_of_sets)
        return records_before(sets, before, limit)

    def _changes_of_sets(self, tenant_id: str, set_ids: Collection[str]) -> dict[str, str]:
        """The changes texts of the tenant's sets ``set_ids`` that are stored (one query)."""
        query = ChangeSetRow.objects.using(self._uow.alias()).filter(
            tenant_id=tenant_id, set_id__in=list(set_ids)
        )
        try:
            return dict(query.values_list("set_id", "changes"))
        except Error as exc:
            raise _failed(exc) from exc


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
