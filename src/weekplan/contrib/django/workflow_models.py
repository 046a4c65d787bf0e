"""The workflow tables as Django models: change log, slot locks, week drafts.

They follow the rules of :mod:`.models` (``weekplan_*`` tables, a surrogate
``row_id``, natural keys as unique constraints led by ``tenant_id``) and match
the SQLAlchemy store's tables of the same names. :mod:`.models` imports them,
so Django finds them in the ``weekplan`` app.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

from django.db import models

from weekplan.domain.limits import CLIENT_REF_MAX, ID_MAX, SLOT_KEY_MAX

__all__ = ["ChangeRecordRow", "DraftRow", "SlotLockRow"]

#: The longest reason a change or lock may carry.
REASON_MAX: Final = 500
_ENUM: Final = 16


class ChangeRecordRow(models.Model):
    """One change record: append-only, the store never updates or deletes one."""

    row_id: models.BigAutoField[int, int] = models.BigAutoField(primary_key=True)
    tenant_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX)
    record_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX, db_column="id")
    subject: models.CharField[str, str] = models.CharField(max_length=_ENUM)
    subject_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX)
    client_ref: models.CharField[str | None, str | None] = models.CharField(
        max_length=CLIENT_REF_MAX, null=True
    )
    week_start_date: models.DateField[date | None, date | None] = models.DateField(null=True)
    change_type: models.CharField[str, str] = models.CharField(max_length=_ENUM)
    day_key: models.CharField[str, str] = models.CharField(max_length=3)
    slot_key: models.CharField[str, str] = models.CharField(max_length=SLOT_KEY_MAX)
    old_entry: models.TextField[str | None, str | None] = models.TextField(null=True)
    new_entry: models.TextField[str | None, str | None] = models.TextField(null=True)
    actor: models.CharField[str | None, str | None] = models.CharField(max_length=ID_MAX, null=True)
    source: models.CharField[str, str] = models.CharField(max_length=_ENUM)
    reason: models.CharField[str | None, str | None] = models.CharField(
        max_length=REASON_MAX, null=True
    )
    at: models.DateTimeField[datetime, datetime] = models.DateTimeField()
    version_before: models.IntegerField[int | None, int | None] = models.IntegerField(null=True)
    version_after: models.IntegerField[int | None, int | None] = models.IntegerField(null=True)

    class Meta:
        db_table = "weekplan_changes"
        verbose_name = "week plan change"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "record_id"], name="weekplan_changes_tenant_id_id_uq"
            ),
        ]
        indexes = [
            # A week's log, a client's, the tenant's by time, a template's: newest first.
            models.Index(
                fields=["tenant_id", "client_ref", "week_start_date", "at", "record_id"],
                name="weekplan_change_week_ix",
            ),
            models.Index(
                fields=["tenant_id", "client_ref", "at", "record_id"],
                name="weekplan_change_client_ix",
            ),
            models.Index(fields=["tenant_id", "at", "record_id"], name="weekplan_change_time_ix"),
            models.Index(
                fields=["tenant_id", "subject_id", "at", "record_id"],
                name="weekplan_change_subject_ix",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.change_type} {self.day_key}/{self.slot_key} ({self.tenant_id})"


class SlotLockRow(models.Model):
    """One locked slot of one client's week."""

    row_id: models.BigAutoField[int, int] = models.BigAutoField(primary_key=True)
    tenant_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX)
    client_ref: models.CharField[str, str] = models.CharField(max_length=CLIENT_REF_MAX)
    week_start_date: models.DateField[date, date] = models.DateField()
    day_key: models.CharField[str, str] = models.CharField(max_length=3)
    slot_key: models.CharField[str, str] = models.CharField(max_length=SLOT_KEY_MAX)
    reason: models.CharField[str | None, str | None] = models.CharField(
        max_length=REASON_MAX, null=True
    )
    ingredients: models.TextField[str, str] = models.TextField()
    actor: models.CharField[str | None, str | None] = models.CharField(max_length=ID_MAX, null=True)
    locked_at: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(
        null=True
    )

    class Meta:
        db_table = "weekplan_slot_locks"
        verbose_name = "slot lock"
        constraints = [
            # One lock per slot; a week's locks are one range of it.
            models.UniqueConstraint(
                fields=["tenant_id", "client_ref", "week_start_date", "day_key", "slot_key"],
                name="weekplan_slot_locks_slot_uq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_ref} {self.week_start_date} {self.day_key}/{self.slot_key}"


class DraftRow(models.Model):
    """The one draft of one client's week."""

    row_id: models.BigAutoField[int, int] = models.BigAutoField(primary_key=True)
    tenant_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX)
    client_ref: models.CharField[str, str] = models.CharField(max_length=CLIENT_REF_MAX)
    week_start_date: models.DateField[date, date] = models.DateField()
    instance_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX)
    base_version: models.IntegerField[int, int] = models.IntegerField()
    days: models.TextField[str, str] = models.TextField()
    version: models.IntegerField[int, int] = models.IntegerField()
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField()
    updated_at: models.DateTimeField[datetime, datetime] = models.DateTimeField()
    actor: models.CharField[str | None, str | None] = models.CharField(max_length=ID_MAX, null=True)
    guardrails: models.TextField[str | None, str | None] = models.TextField(null=True)

    class Meta:
        db_table = "weekplan_drafts"
        verbose_name = "week plan draft"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "client_ref", "week_start_date"],
                name="weekplan_drafts_week_uq",
            ),
        ]

    def __str__(self) -> str:
        return f"draft {self.client_ref} {self.week_start_date} ({self.tenant_id})"
