"""Schedules in the Django store, and the claim of due ones with row locks others skip.

The claim is ``select_for_update(skip_locked=True)`` ordered by ``next_run_at``:
on PostgreSQL and MariaDB concurrent workers each lock different due rows and
never wait; SQLite (where Django ignores ``select_for_update``) runs one writer
at a time, since the tests' and a host's SQLite should use ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from django.db import Error
from django.db.models import QuerySet

from weekplan.adapters._rows import same_tenant
from weekplan.contrib.django.schedule_models import ScheduleRecord
from weekplan.domain.schedules import Schedule, ScheduleRule, ScheduleSource
from weekplan.errors import InvalidInput, StorageError

if TYPE_CHECKING:
    from weekplan.contrib.django.store import DjangoUnitOfWork

__all__ = ["DjangoScheduleRepository"]

_COLUMNS = (
    "tenant_id",
    "client_ref",
    "weekday",
    "wall_time",
    "timezone",
    "weeks_ahead",
    "source_kind",
    "template_id",
    "next_run_at",
    "last_week_done",
    "last_run_at",
    "last_outcome",
    "last_error_code",
    "last_error_message",
)


def _fail(error: Error) -> StorageError:
    return StorageError(f"the database failed: {type(error).__name__}")


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _columns(schedule: Schedule) -> dict[str, Any]:
    return {
        "weekday": schedule.rule.weekday.value,
        "wall_time": schedule.rule.time.strftime("%H:%M"),
        "timezone": schedule.rule.timezone,
        "weeks_ahead": schedule.weeks_ahead,
        "source_kind": schedule.source.kind.value,
        "template_id": schedule.source.template_id,
        "next_run_at": schedule.next_run_at,
        "last_week_done": schedule.last_week_done,
        "last_run_at": schedule.last_run_at,
        "last_outcome": None if schedule.last_outcome is None else schedule.last_outcome.value,
        "last_error_code": schedule.last_error_code,
        "last_error_message": schedule.last_error_message,
    }


def _schedule(row: dict[str, Any]) -> Schedule:
    try:
        done: date | None = row["last_week_done"]
        return Schedule(
            row["tenant_id"],
            row["client_ref"],
            ScheduleRule(row["weekday"], time.fromisoformat(row["wall_time"]), row["timezone"]),
            weeks_ahead=row["weeks_ahead"],
            source=ScheduleSource(row["source_kind"], row["template_id"]),
            next_run_at=_utc(row["next_run_at"]),
            last_week_done=done,
            last_run_at=_utc(row["last_run_at"]),
            last_outcome=row["last_outcome"],
            last_error_code=row["last_error_code"],
            last_error_message=row["last_error_message"],
        )
    except (InvalidInput, ValueError) as exc:
        raise StorageError(f"a stored schedule is not a valid weekplan value: {exc}") from exc


class DjangoScheduleRepository:
    """Schedules in ``weekplan_schedules``, one row per ``(tenant_id, client_ref)``."""

    def __init__(self, uow: DjangoUnitOfWork) -> None:
        self._uow = uow

    def _all(self) -> QuerySet[ScheduleRecord]:
        return ScheduleRecord.objects.using(self._uow.alias())

    def get(self, tenant_id: str, client_ref: str) -> Schedule | None:
        """The client's schedule, or ``None``."""
        query = self._all().filter(tenant_id=tenant_id, client_ref=client_ref)
        try:
            rows = list(query.values(*_COLUMNS)[:1])
        except Error as exc:
            raise _fail(exc) from exc
        return _schedule(rows[0]) if rows else None

    def list(self, tenant_id: str, *, after: str | None, limit: int) -> Sequence[Schedule]:
        """Up to ``limit`` schedules by ``client_ref``, strictly after ``after``."""
        query = self._all().filter(tenant_id=tenant_id)
        if after is not None:
            query = query.filter(client_ref__gt=after)
        try:
            rows = list(query.order_by("client_ref").values(*_COLUMNS)[:limit])
        except Error as exc:
            raise _fail(exc) from exc
        return [_schedule(row) for row in rows]

    def put(self, tenant_id: str, schedule: Schedule) -> None:
        """Update the client's row, or insert it if there is none."""
        same_tenant(tenant_id, schedule.tenant_id)
        columns = _columns(schedule)
        try:
            changed = (
                self._all()
                .filter(tenant_id=tenant_id, client_ref=schedule.client_ref)
                .update(**columns)
            )
            if not changed:
                ScheduleRecord(tenant_id=tenant_id, client_ref=schedule.client_ref, **columns).save(
                    force_insert=True, using=self._uow.alias()
                )
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
            rows = list(query.select_for_update(skip_locked=True).values(*_COLUMNS)[:limit])
        except Error as exc:
            raise _fail(exc) from exc
        return [_schedule(row) for row in rows]

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
