"""The workflow tables as Django models: change log, slot locks, week drafts.

They map the tables of the same names in weekplan's one SQL schema
(:mod:`weekplan.adapters.sqlalchemy._workflow_schema`), following the rules of
:mod:`.models`. :mod:`.models` imports them, so Django finds them in the
``weekplan`` app.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import models

from weekplan.contrib.django._fields import DocumentField, KeyField, UtcDateTimeField
from weekplan.domain._limits import (
    CLIENT_REF_MAX,
    DAY_KEY_MAX,
    ID_MAX,
    LABEL_MAX,
    REASON_MAX,
    SLOT_KEY_MAX,
)

__all__ = ["ChangeSetRow", "DraftRow", "SlotLockRow"]


def _key(max_length: int, *, null: bool = False, column: str | None = None) -> KeyField:
    return KeyField(max_length=max_length, null=null, db_column=column)


class ChangeSetRow(models.Model):
    """One change set (one write of a week or template): append-only, never updated or deleted."""

    pk = models.CompositePrimaryKey("tenant_id", "set_id")
    tenant_id: models.CharField[str, str] = _key(ID_MAX)
    set_id: models.CharField[str, str] = _key(ID_MAX, column="id")
    subject: models.CharField[str, str] = _key(LABEL_MAX)
    subject_id: models.CharField[str, str] = _key(ID_MAX)
    # NULL for a template's sets.
    client_ref: models.CharField[str | None, str | None] = _key(CLIENT_REF_MAX, null=True)
    week_start_date: models.DateField[date | None, date | None] = models.DateField(null=True)
    actor: models.CharField[str | None, str | None] = _key(ID_MAX, null=True)
    source: models.CharField[str, str] = _key(LABEL_MAX)
    reason: models.CharField[str | None, str | None] = models.CharField(
        max_length=REASON_MAX, null=True
    )
    at: models.DateTimeField[datetime, datetime] = UtcDateTimeField()
    version_before: models.IntegerField[int | None, int | None] = models.IntegerField(null=True)
    version_after: models.IntegerField[int | None, int | None] = models.IntegerField(null=True)
    # The write's slot changes as one JSON array, or {"of": id} of the set of the
    # same write that holds them (see weekplan.adapters._rows).
    changes: models.TextField[str, str] = DocumentField()

    class Meta:
        db_table = "weekplan_change_sets"
        verbose_name = "week plan change set"
        # Four indexes serve a week's log, a client's, the tenant's by time and a
        # template's, newest first; the migrations create them (see .models). On
        # SQLite and PostgreSQL the template's holds only templates' sets and the
        # week's and client's only weeks' sets (0020).

    def __str__(self) -> str:
        return f"{self.source} {self.subject} {self.subject_id} ({self.tenant_id})"


class SlotLockRow(models.Model):
    """One locked slot of one client's week."""

    # One lock per slot; a week's locks are one range of this key.
    pk = models.CompositePrimaryKey(
        "tenant_id", "client_ref", "week_start_date", "day_key", "slot_key"
    )
    tenant_id: models.CharField[str, str] = _key(ID_MAX)
    client_ref: models.CharField[str, str] = _key(CLIENT_REF_MAX)
    week_start_date: models.DateField[date, date] = models.DateField()
    day_key: models.CharField[str, str] = _key(DAY_KEY_MAX)
    slot_key: models.CharField[str, str] = _key(SLOT_KEY_MAX)
    reason: models.CharField[str | None, str | None] = models.CharField(
        max_length=REASON_MAX, null=True
    )
    # JSON array of the locked ingredients; empty: the whole slot.
    ingredients: models.TextField[str, str] = DocumentField()
    actor: models.CharField[str | None, str | None] = _key(ID_MAX, null=True)
    locked_at: models.DateTimeField[datetime | None, datetime | None] = UtcDateTimeField(null=True)

    class Meta:
        db_table = "weekplan_slot_locks"
        verbose_name = "slot lock"

    def __str__(self) -> str:
        return f"{self.client_ref} {self.week_start_date} {self.day_key}/{self.slot_key}"


class DraftRow(models.Model):
    """The one draft of one client's week."""

    pk = models.CompositePrimaryKey("tenant_id", "client_ref", "week_start_date")
    tenant_id: models.CharField[str, str] = _key(ID_MAX)
    client_ref: models.CharField[str, str] = _key(CLIENT_REF_MAX)
    week_start_date: models.DateField[date, date] = models.DateField()
    instance_id: models.CharField[str, str] = _key(ID_MAX)
    base_version: models.IntegerField[int, int] = models.IntegerField()
    days: models.TextField[str, str] = DocumentField()
    version: models.IntegerField[int, int] = models.IntegerField()
    created_at: models.DateTimeField[datetime, datetime] = UtcDateTimeField()
    updated_at: models.DateTimeField[datetime, datetime] = UtcDateTimeField()
    actor: models.CharField[str | None, str | None] = _key(ID_MAX, null=True)
    # The draft's guardrails decision as JSON (DraftCheck.to_dict), or NULL.
    guardrails: models.TextField[str | None, str | None] = DocumentField(null=True)

    class Meta:
        db_table = "weekplan_drafts"
        verbose_name = "week plan draft"

    def __str__(self) -> str:
        return f"draft {self.client_ref} {self.week_start_date} ({self.tenant_id})"
