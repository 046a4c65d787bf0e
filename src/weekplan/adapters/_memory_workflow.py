"""The workflow repositories of the in-memory store: change log, slot locks, drafts.

They keep their rows in the store's transactional tables (see
:mod:`weekplan.adapters.memory`), so they commit and roll back with everything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

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
from weekplan.errors import ConcurrentUpdate

if TYPE_CHECKING:
    from weekplan.adapters.memory import _Table

__all__ = ["MemoryChangeLog", "MemoryDrafts", "MemorySlotLocks"]

LockKey = tuple[str, date, SlotKey]
WeekKey = tuple[str, date]


class MemoryChangeLog:
    """Change sets by id; listings give their records newest first by ``sort_key``."""

    def __init__(self, table: _Table[str, ChangeSet]) -> None:
        self._table = table

    def append(self, tenant_id: str, sets: Sequence[ChangeSet]) -> None:
        for change_set in sets:
            if change_set.tenant_id != tenant_id:
                raise ValueError("a row can only be written under its own tenant_id")
            if self._table.get(tenant_id, change_set.id) is not None:
                raise ValueError("change sets are never overwritten")
            self._table.put(tenant_id, change_set.id, change_set)

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
        sets = [
            s
            for s in self._table.rows(tenant_id)
            if (subject is None or s.subject is subject)
            and (subject_id is None or s.subject_id == subject_id)
            and (client_ref is None or s.client_ref == client_ref)
            and (week_start_date is None or s.week_start_date == week_start_date)
            and (since is None or s.at >= since)
            and (until is None or s.at < until)
            and (before is None or s.sort_key <= before[:2])
        ]
        sets.sort(key=lambda s: s.sort_key, reverse=True)
        return records_before(sets, before, limit)


class MemorySlotLocks:
    """Locks by ``(client_ref, week_start_date, (day_key, slot_key))``."""

    def __init__(self, table: _Table[LockKey, SlotLock]) -> None:
        self._table = table

    def of_week(self, tenant_id: str, client_ref: str, week_start_date: date) -> Sequence[SlotLock]:
        return [
            lock
            for lock in self._table.rows(tenant_id)
            if lock.client_ref == client_ref and lock.week_start_date == week_start_date
        ]

    def put(self, tenant_id: str, lock: SlotLock) -> None:
        if lock.tenant_id != tenant_id:
            raise ValueError("a row can only be written under its own tenant_id")
        self._table.put(tenant_id, (lock.client_ref, lock.week_start_date, lock.key), lock)

    def remove(self, tenant_id: str, client_ref: str, week_start_date: date, slot: SlotKey) -> bool:
        return self._table.delete(tenant_id, (client_ref, week_start_date, slot))

    def remove_week(self, tenant_id: str, client_ref: str, week_start_date: date) -> None:
        for lock in self.of_week(tenant_id, client_ref, week_start_date):
            self._table.delete(tenant_id, (client_ref, week_start_date, lock.key))


class MemoryDrafts:
    """Drafts by ``(client_ref, week_start_date)``."""

    def __init__(self, table: _Table[WeekKey, WeekDraft]) -> None:
        self._table = table

    def get(self, tenant_id: str, client_ref: str, week_start_date: date) -> WeekDraft | None:
        return self._table.get(tenant_id, (client_ref, week_start_date))

    def add(self, tenant_id: str, draft: WeekDraft) -> None:
        if draft.tenant_id != tenant_id:
            raise ValueError("a row can only be written under its own tenant_id")
        key = (draft.client_ref, draft.week_start_date)
        if self._table.get(tenant_id, key) is not None:
            # As the SQL stores: a draft is never overwritten by a racing start.
            raise ConcurrentUpdate("a concurrent call started the week's draft first")
        self._table.put(tenant_id, key, draft)

    def replace(self, tenant_id: str, draft: WeekDraft, *, expected_version: int) -> bool:
        if draft.tenant_id != tenant_id:
            raise ValueError("a row can only be written under its own tenant_id")
        key = (draft.client_ref, draft.week_start_date)
        stored = self._table.get(tenant_id, key)
        if stored is None or stored.version != expected_version:
            return False
        self._table.put(tenant_id, key, draft)
        return True

    def remove(self, tenant_id: str, client_ref: str, week_start_date: date) -> bool:
        return self._table.delete(tenant_id, (client_ref, week_start_date))
