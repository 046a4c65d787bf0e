"""The ``runs`` capability of the Django store: generation runs and the quota lock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import Error, connections
from django.db.models import F, Q

from weekplan.adapters._db_errors import translate_failure
from weekplan.adapters._row_mapping import RunRows, utc
from weekplan.contrib.django._columns import ModelColumns
from weekplan.contrib.django.models import GenerationLockRecord, GenerationRunRecord
from weekplan.domain._runs import GenerationRun
from weekplan.errors import WeekPlanError
from weekplan.ports import RunSortKey

if TYPE_CHECKING:
    from weekplan.contrib.django.store import DjangoUnitOfWork

__all__ = ["DjangoRunRepository"]

_RUNS = ModelColumns(GenerationRunRecord)
#: The fields of the columns the run's row mapper reads, in its order.
_FIELDS = _RUNS.fields(RunRows.columns)


def _translate(error: Error) -> WeekPlanError:
    # As the store translates: a lost race becomes ConcurrentUpdate, the rest StorageError.
    return translate_failure(error.__cause__, type(error).__name__)


class DjangoRunRepository:
    """Runs in ``weekplan_generation_runs``: inserted once, listed, counted for the quota."""

    def __init__(self, uow: DjangoUnitOfWork, rows: RunRows) -> None:
        self._uow = uow
        self._map = rows

    def add(self, tenant_id: str, run: GenerationRun) -> None:
        """Insert the run; nothing in weekplan updates or deletes one."""
        record = GenerationRunRecord(**_RUNS.kwargs(self._map.values(tenant_id, run)))
        alias = self._uow.alias()
        try:
            record.save(force_insert=True, using=alias)
        except Error as exc:
            raise _translate(exc) from exc

    def list(
        self,
        tenant_id: str,
        *,
        client_ref: str | None,
        before: RunSortKey | None,
        limit: int,
    ) -> Sequence[GenerationRun]:
        """Up to ``limit`` runs newest first, strictly before ``before``."""
        query = GenerationRunRecord.objects.using(self._uow.alias()).filter(tenant_id=tenant_id)
        if client_ref is not None:
            query = query.filter(client_ref=client_ref)
        if before is not None:
            at, run_id = before
            query = query.filter(Q(started_at__lt=at) | Q(started_at=at, run_id__lt=run_id))
        ordered = query.order_by("-started_at", "-run_id").values_list(*_FIELDS)
        try:
            rows = list(ordered[:limit])
        except Error as exc:
            raise _translate(exc) from exc
        return [self._map.from_row(row) for row in rows]

    def counted_starts(
        self, tenant_id: str, *, client_ref: str | None, after: datetime
    ) -> Sequence[datetime]:
        """Start times of the runs the quota counts, strictly after ``after``."""
        alias = self._uow.alias()
        query = (
            GenerationRunRecord.objects.using(alias)
            .filter(tenant_id=tenant_id, started_at__gt=after)
            .exclude(status="quota_exceeded")
        )
        if client_ref is not None:
            query = query.filter(client_ref=client_ref)
        if connections[alias].vendor == "mysql":
            # A locking read sees the latest commits, whatever the transaction's snapshot.
            query = query.select_for_update()
        try:
            return [utc(when) for when in query.values_list("started_at", flat=True)]
        except Error as exc:
            raise _translate(exc) from exc

    def hold_quota(self, tenant_id: str) -> None:
        """Create or lock the tenant's lock row; it stays locked until the transaction ends."""
        alias = self._uow.alias()
        rows = GenerationLockRecord.objects.using(alias)
        try:
            # An update to itself locks the row; on PostgreSQL's REPEATABLE READ a
            # stale snapshot fails here (a lost race, run again) instead of counting
            # stale runs. Updating first keeps MariaDB from taking the shared lock
            # of INSERT IGNORE on an existing row, which two lockers would deadlock on.
            row = rows.filter(tenant_id=tenant_id)
            if not row.update(tenant_id=F("tenant_id")):
                rows.bulk_create([GenerationLockRecord(tenant_id=tenant_id)], ignore_conflicts=True)
                row.update(tenant_id=F("tenant_id"))
        except Error as exc:
            raise _translate(exc) from exc
