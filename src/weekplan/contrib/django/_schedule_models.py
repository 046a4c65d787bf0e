"""The schedules table of the optional schedules capability, as a Django model.

It maps the table of the same name in weekplan's one SQL schema
(:mod:`weekplan.adapters.sqlalchemy._schedule_schema`), following the rules of
:mod:`weekplan.contrib.django.models`: the primary key is ``(tenant_id,
client_ref)``, and one index leads with ``next_run_at`` on purpose: finding due
schedules is a question across tenants, answered by a range of that index read
in order. The migration creates the indexes (see :mod:`.models`).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import models

from weekplan.contrib.django._fields import KeyField, MessageField, UtcDateTimeField
from weekplan.domain._limits import (
    CLIENT_REF_MAX,
    DAY_KEY_MAX,
    ERROR_CODE_MAX,
    ID_MAX,
    LABEL_MAX,
    WALL_TIME_MAX,
)
from weekplan.domain._schedules import TIMEZONE_MAX

__all__ = ["ScheduleRecord"]


class ScheduleRecord(models.Model):
    """One client's weekly draft schedule."""

    pk = models.CompositePrimaryKey("tenant_id", "client_ref")
    tenant_id: models.CharField[str, str] = KeyField(max_length=ID_MAX)
    client_ref: models.CharField[str, str] = KeyField(max_length=CLIENT_REF_MAX)
    weekday: models.CharField[str, str] = KeyField(max_length=DAY_KEY_MAX)
    # Wall-clock "HH:MM": the local time, never converted.
    wall_time: models.CharField[str, str] = KeyField(max_length=WALL_TIME_MAX)
    timezone: models.CharField[str, str] = KeyField(max_length=TIMEZONE_MAX)
    weeks_ahead: models.IntegerField[int, int] = models.IntegerField()
    source_kind: models.CharField[str, str] = KeyField(max_length=LABEL_MAX)
    template_id: models.CharField[str | None, str | None] = KeyField(max_length=ID_MAX, null=True)
    next_run_at: models.DateTimeField[datetime, datetime] = UtcDateTimeField()
    last_week_done: models.DateField[date | None, date | None] = models.DateField(null=True)
    last_run_at: models.DateTimeField[datetime | None, datetime | None] = UtcDateTimeField(
        null=True
    )
    last_outcome: models.CharField[str | None, str | None] = KeyField(
        max_length=LABEL_MAX, null=True
    )
    last_error_code: models.CharField[str | None, str | None] = models.CharField(
        max_length=ERROR_CODE_MAX, null=True
    )
    last_error_message: models.TextField[str | None, str | None] = MessageField(null=True)

    class Meta:
        db_table = "weekplan_schedules"
        verbose_name = "schedule"

    def __str__(self) -> str:
        return f"{self.client_ref}: {self.weekday} {self.wall_time} {self.timezone}"
