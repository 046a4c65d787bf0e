"""The schedules table of the optional schedules capability, as a Django model.

It follows the rules of :mod:`weekplan.contrib.django.models` (a surrogate
``row_id``, the natural key ``(tenant_id, client_ref)`` unique), with one index
that leads with ``next_run_at`` on purpose: finding due schedules is a question
across tenants, answered by a range of that index read in order.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import models

from weekplan.domain.limits import CLIENT_REF_MAX, ID_MAX
from weekplan.domain.schedules import TIMEZONE_MAX

__all__ = ["ScheduleRecord"]


class ScheduleRecord(models.Model):
    """One client's weekly draft schedule."""

    row_id: models.BigAutoField[int, int] = models.BigAutoField(primary_key=True)
    tenant_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX)
    client_ref: models.CharField[str, str] = models.CharField(max_length=CLIENT_REF_MAX)
    weekday: models.CharField[str, str] = models.CharField(max_length=3)
    # Wall-clock "HH:MM": the local time, never converted.
    wall_time: models.CharField[str, str] = models.CharField(max_length=5)
    timezone: models.CharField[str, str] = models.CharField(max_length=TIMEZONE_MAX)
    weeks_ahead: models.IntegerField[int, int] = models.IntegerField()
    source_kind: models.CharField[str, str] = models.CharField(max_length=16)
    template_id: models.CharField[str | None, str | None] = models.CharField(
        max_length=ID_MAX, null=True
    )
    next_run_at: models.DateTimeField[datetime, datetime] = models.DateTimeField()
    last_week_done: models.DateField[date | None, date | None] = models.DateField(null=True)
    last_run_at: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(
        null=True
    )
    last_outcome: models.CharField[str | None, str | None] = models.CharField(
        max_length=16, null=True
    )
    last_error_code: models.CharField[str | None, str | None] = models.CharField(
        max_length=100, null=True
    )
    last_error_message: models.TextField[str | None, str | None] = models.TextField(null=True)

    class Meta:
        db_table = "weekplan_schedules"
        verbose_name = "schedule"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "client_ref"], name="weekplan_schedules_client_uq"
            ),
        ]
        indexes = [
            # The due scan across tenants, earliest first.
            models.Index(
                fields=["next_run_at", "tenant_id", "client_ref"], name="weekplan_sched_due_ix"
            ),
            # The due scan of one tenant.
            models.Index(
                fields=["tenant_id", "next_run_at", "client_ref"], name="weekplan_sched_tenant_ix"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_ref}: {self.weekday} {self.wall_time} {self.timezone}"
