"""The in-memory store's schedules (the optional capability of :mod:`weekplan.schedule_ports`).

The store runs one unit of work at a time, so a claim needs no row lock: the
unit of work that claims a due schedule moves it on (or rolls back) before the
next one can look.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from weekplan.domain._schedules import Schedule

if TYPE_CHECKING:
    from weekplan.adapters.memory import _Table

__all__ = ["MemorySchedules"]


class MemorySchedules:
    """Schedules keyed by ``client_ref`` within each tenant."""

    def __init__(self, table: _Table[str, Schedule]) -> None:
        self._table = table

    def get(self, tenant_id: str, client_ref: str) -> Schedule | None:
        return self._table.get(tenant_id, client_ref)

    def list(self, tenant_id: str, *, after: str | None, limit: int) -> Sequence[Schedule]:
        rows = sorted(self._table.rows(tenant_id), key=lambda s: s.client_ref)
        if after is not None:
            rows = [s for s in rows if s.client_ref > after]
        return rows[:limit]

    def put(self, tenant_id: str, schedule: Schedule) -> None:
        if tenant_id != schedule.tenant_id:
            # A caller bug, not bad input: the use cases always pass the row's own tenant.
            raise ValueError("a row can only be written under its own tenant_id")
        self._table.put(tenant_id, schedule.client_ref, schedule)

    def remove(self, tenant_id: str, client_ref: str) -> bool:
        return self._table.delete(tenant_id, client_ref)

    def _due(self, now: datetime, tenant_id: str | None) -> builtins.list[Schedule]:
        tenants = (
            sorted(self._table.committed.keys() | self._table.pending.keys())
            if tenant_id is None
            else [tenant_id]
        )
        due = [s for t in tenants for s in self._table.rows(t) if s.next_run_at <= now]
        return sorted(due, key=lambda s: (s.next_run_at, s.tenant_id, s.client_ref))

    def claim_due(
        self, now: datetime, *, tenant_id: str | None, client_ref: str | None, limit: int
    ) -> Sequence[Schedule]:
        due = self._due(now, tenant_id)
        if client_ref is not None:
            due = [s for s in due if s.client_ref == client_ref]
        return due[:limit]

    def due_tenants(self, now: datetime, *, limit: int) -> Sequence[str]:
        return sorted({s.tenant_id for s in self._due(now, None)})[:limit]
