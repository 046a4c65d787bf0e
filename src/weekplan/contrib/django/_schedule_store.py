"""Schedules in the Django store, and the claim of due ones with row locks others skip.

The claim is ``select_for_update(skip_locked=True)`` ordered by ``next_run_at``:
on PostgreSQL and MariaDB concurrent workers each lock different due rows and
never wait; SQLite (where Django ignores ``select_for_update``) runs one writer
at a time, since the tests' and a host's SQLite should use ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import Error
from django.db.models import QuerySet

from weekplan.adapters._row_mapping import ScheduleRows
from weekplan.contrib.django._schedule_models import ScheduleRecord
from weekplan.domain._schedules import Schedule
from weekplan.errors import StorageError

if TYPE_CHECKING:
    from weekplan.contrib.django.store import DjangoUnitOfWork

__all__ = ["DjangoScheduleRepository"]


def _fail(error: Error) -> StorageError:
    return StorageError(f"the database failed: {type(error).__name__}")


class DjangoScheduleRepository:
    """Schedules in ``weekplan_schedules``, one row per ``(tenant_id, client_ref)``."""

    def __init__(self, uow: DjangoUnitOfWork, rows: ScheduleRows) -> None:
        self._uow = uow
        self._map = rows

    def _all(self) -> QuerySet[ScheduleRecord]:
        return ScheduleRecord.objects.using(self._uow.alias())

    def get(self, tenant_id: str, client_ref: str) -> Schedule | None:
        """The client's schedule, or ``None``."""
        query = self._all().filter(tenant_id=tenant_id, client_ref=client_ref)
        try:
            rows = list(query.values_list(*self._map.columns)[:1])
        except Error as exc:
            raise _fail(exc) from exc
        return self._map.from_row(rows[0]) if rows else None

    def list(self, tenant_id: str, *, after: str | None, limit: int) -> Sequence[Schedule]:
        """Up to ``limit`` schedules by ``client_ref``, strictly after ``after``."""
        query = self._all().filter(tenant_id=tenant_id)
        if after is not None:
            query = query.filter(client_ref__gt=after)
        try:
            rows = list(query.order_by("client_ref").values_list(*self._map.columns)[:limit])
        except Error as exc:
            raise _fail(exc) from exc
        return [self._map.from_row(row) for row in rows]

    def put(self, tenant_id: str, schedule: Schedule) -> None:
        """Update the client's row, or insert it if there is none."""
        # The schedule's columns are its fields' names (no column is renamed).
        values = self._map.values(tenant_id, schedule)
        key = {"tenant_id": values.pop("tenant_id"), "client_ref": values.pop("client_ref")}
        try:
            changed = self._all().filter(**key).update(**values)
            if not changed:
                ScheduleRecord(**key, **values).save(force_insert=True, using=self._uow.alias())
        except Error as exc:
            raise _fail(exc) from exc

    def remove(self, tenant_id: str, client_ref: str) -> bool:
        """Delete the client's row; ``False`` if there was none."""
        try:
            deleted, _ = self._all().filter(tenant_id=tenant_id, client_ref=client_ref).delete()
        except Error as exc:
            raise _fail(exc) from exc
        return deleted > 0

    def claim_due(
        self, now: datetime, *, tenant_id: str | None, client_ref: str | None, limit: int
    ) -> Sequence[Schedule]:
        """Lock and return up to ``limit`` due schedules that no one else holds."""
        query = self._all().filter(next_run_at__lte=now)
        order: tuple[str, ...] = ("next_run_at", "tenant_id", "client_ref")
        if tenant_id is not None:
            query = query.filter(tenant_id=tenant_id)
            order = ("next_run_at", "client_ref")
            if client_ref is not None:
                query = query.filter(client_ref=client_ref)
        query = query.order_by(*order)
        try:
            locked = query.select_for_update(skip_locked=True)
            rows = list(locked.values_list(*self._map.columns)[:limit])
        except Error as exc:
            raise _fail(exc) from exc
        return [self._map.from_row(row) for row in rows]

    def due_tenants(self, now: datetime, *, limit: int) -> builtins.list[str]:
        """Distinct tenants with a due schedule, in order (nothing is locked)."""
        query = (
            self._all()
            .filter(next_run_at__lte=now)
            .order_by("tenant_id")
            .values_list("tenant_id", flat=True)
            .distinct()
        )
        try:
            return list(query[:limit])
        except Error as exc:
            raise _fail(exc) from exc
