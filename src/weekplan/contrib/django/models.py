"""weekplan's tables as Django models: the tables of weekplan's one SQL schema.

The schema is defined once, by :data:`weekplan.adapters.sqlalchemy.metadata`;
these models map the same tables, column for column, and the migrations create
exactly those tables (a test migrates a fresh database with Django and compares
it with the metadata's tables through SQLAlchemy's inspector, on SQLite,
PostgreSQL and MariaDB). Rows written by weekplan's SQLAlchemy store are read by
the Django store and the other way round.

* Every table is named ``weekplan_*`` and carries ``tenant_id``; every primary
  key, unique constraint and index leads with it, so each query of a tenant is a
  range of an index and the tables can be distributed by tenant.
* Primary keys are the natural keys, e.g. ``(tenant_id, id)``, as Django's
  :class:`~django.db.models.CompositePrimaryKey`.
* The domain's id is stored in a column named ``id`` (the field is ``plan_id``,
  ``dish_id``, ...).
* Plan entries, a dish's lists, a ruleset and a guardrails check are JSON text
  (see :mod:`weekplan.adapters._rows`); ``name_key`` is :func:`weekplan.domain.text.search_key`
  of the name, for ordering and search.
* There is no foreign key from an instance to its template: deleting a template
  keeps the instances cloned from it. A client's ruleset assignment has one, to
  the ruleset ``(tenant_id, content_hash)``; Django cannot declare a foreign key
  of two columns, so the migration creates it and the models leave it out.
* The secondary indexes are created by the migrations under the schema's names,
  which are longer than the 30 characters Django allows a model's index, so the
  models leave them out too.
* A generation run is inserted once and never updated or deleted; the quota
  lock is one row per tenant, locked with ``SELECT ... FOR UPDATE``.

Column widths come from :mod:`weekplan.domain._limits`, the one place they are
set. The models are the store's rows, not the domain: the store translates them
to the frozen values of :mod:`weekplan.domain._plans` and back.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import models

from weekplan.contrib.django._fields import (
    DocumentField,
    KeyField,
    MessageField,
    UtcDateTimeField,
)

# The workflow tables (change log, slot locks, drafts) and the schedules table
# are models of their own modules; imported here, Django finds them in the app.
from weekplan.contrib.django._schedule_models import ScheduleRecord
from weekplan.contrib.django._workflow_models import ChangeSetRow, DraftRow, SlotLockRow
from weekplan.domain._limits import (
    CLIENT_REF_MAX,
    CONTENT_HASH_MAX,
    ERROR_CODE_MAX,
    ID_MAX,
    LABEL_MAX,
    MEAL_TYPES_MAX,
    NAME_KEY_MAX,
    NAME_MAX,
    RUN_DAYS_MAX,
    SIGNALS_VOCABULARY_MAX,
    SLOT_KEY_SEARCH_MAX,
)
from weekplan.domain._suggestions import NO_SIGNAL
from weekplan.guardrails._model import RULE_ID_MAX

__all__ = [
    "ChangeSetRow",
    "ClientLockRecord",
    "ClientRulesetRecord",
    "DishRecord",
    "DraftRow",
    "GenerationLockRecord",
    "GenerationRunRecord",
    "InstanceRecord",
    "MealHistoryRecord",
    "RulesetRecord",
    "ScheduleRecord",
    "SlotLockRow",
    "TemplateRecord",
]


def _key(max_length: int, *, null: bool = False, column: str | None = None) -> KeyField:
    """A key column: compared byte for byte, ``max_length`` wide."""
    return KeyField(max_length=max_length, null=null, db_column=column)


class TemplateRecord(models.Model):
    """One week plan template of one tenant."""

    pk = models.CompositePrimaryKey("tenant_id", "plan_id")
    tenant_id: models.CharField[str, str] = _key(ID_MAX)
    plan_id: models.CharField[str, str] = _key(ID_MAX, column="id")
    name: models.CharField[str, str] = models.CharField(max_length=NAME_MAX)
    name_key: models.CharField[str, str] = _key(NAME_KEY_MAX)
    days: models.TextField[str, str] = DocumentField()
    version: models.IntegerField[int, int] = models.IntegerField()
    created_at: models.DateTimeField[datetime, datetime] = UtcDateTimeField()
    updated_at: models.DateTimeField[datetime, datetime] = UtcDateTimeField()

    class Meta:
        db_table = "weekplan_templates"
        verbose_name = "week plan template"
        # Index ix_weekplan_templates_by_name (tenant_id, name_key, id): see the module.

    def __str__(self) -> str:
        return f"{self.name} ({self.tenant_id})"


class InstanceRecord(models.Model):
    """One client's week, cloned from a template."""

    pk = models.CompositePrimaryKey("tenant_id", "plan_id")
    tenant_id: models.CharField[str, str] = _key(ID_MAX)
    plan_id: models.CharField[str, str] = _key(ID_MAX, column="id")
    template_id: models.CharField[str, str] = _key(ID_MAX)
    client_ref: models.CharField[str, str] = _key(CLIENT_REF_MAX)
    week_start_date: models.DateField[date, date] = models.DateField()
    days: models.TextField[str, str] = DocumentField()
    # NULL when equal to ``days`` (migration 0017): see ``InstanceRows``.
    template_snapshot: models.TextField[str | None, str | None] = DocumentField(null=True)
    version: models.IntegerField[int, int] = models.IntegerField()
    created_at: models.DateTimeField[datetime, datetime] = UtcDateTimeField()
    updated_at: models.DateTimeField[datetime, datetime] = UtcDateTimeField()
    # The guardrails check the week passed when last written, as JSON, or NULL.
    guardrails: models.TextField[str | None, str | None] = DocumentField(null=True)

    class Meta:
        db_table = "weekplan_instances"
        verbose_name = "week plan instance"
        constraints = [
            # One week per client; also serves "get by key" and "the weeks of one client".
            models.UniqueConstraint(
                fields=["tenant_id", "client_ref", "week_start_date"],
                name="uq_weekplan_instances_client_week",
            ),
        ]
        # Index ix_weekplan_instances_by_week (tenant_id, week_start_date, client_ref).

    def __str__(self) -> str:
        return f"{self.client_ref} {self.week_start_date} ({self.tenant_id})"


class DishRecord(models.Model):
    """One dish of one tenant's catalog."""

    pk = models.CompositePrimaryKey("tenant_id", "dish_id")
    tenant_id: models.CharField[str, str] = _key(ID_MAX)
    dish_id: models.CharField[str, str] = _key(ID_MAX, column="id")
    name: models.CharField[str, str] = models.CharField(max_length=NAME_MAX)
    name_key: models.CharField[str, str] = _key(NAME_KEY_MAX)
    meal_types: models.CharField[str, str] = models.CharField(max_length=MEAL_TYPES_MAX)
    tags: models.TextField[str, str] = DocumentField()
    ingredients: models.TextField[str, str] = DocumentField()
    steps: models.TextField[str, str] = DocumentField()
    version: models.IntegerField[int, int] = models.IntegerField()
    # A dish made outside the use cases may have no timestamps (the domain allows it).
    created_at: models.DateTimeField[datetime | None, datetime | None] = UtcDateTimeField(null=True)
    updated_at: models.DateTimeField[datetime | None, datetime | None] = UtcDateTimeField(null=True)
    # The dish's meal signals, as in weekplan's SQL schema: the vocabulary
    # fingerprint they were computed under ('' for none) and a rank per meal.
    signals_vocabulary: models.CharField[str, str] = KeyField(
        max_length=SIGNALS_VOCABULARY_MAX, default="", db_default=""
    )
    breakfast_rank: models.SmallIntegerField[int, int] = models.SmallIntegerField(
        default=NO_SIGNAL, db_default=NO_SIGNAL
    )
    lunch_rank: models.SmallIntegerField[int, int] = models.SmallIntegerField(
        default=NO_SIGNAL, db_default=NO_SIGNAL
    )
    dinner_rank: models.SmallIntegerField[int, int] = models.SmallIntegerField(
        default=NO_SIGNAL, db_default=NO_SIGNAL
    )
    snack_rank: models.SmallIntegerField[int, int] = models.SmallIntegerField(
        default=NO_SIGNAL, db_default=NO_SIGNAL
    )

    class Meta:
        db_table = "weekplan_dishes"
        verbose_name = "dish"
        # Index ix_weekplan_dishes_by_name (tenant_id, name_key, id); per meal
        # ix_weekplan_dishes_<meal> (tenant_id, <meal>_rank, name_key, id) and
        # ix_weekplan_dishes_signals (tenant_id, signals_vocabulary).

    def __str__(self) -> str:
        return f"{self.name} ({self.tenant_id})"


class MealHistoryRecord(models.Model):
    """How many current plan entries name one dish in one kind of slot."""

    # One running total per key; a tenant's totals are one range of this key.
    pk = models.CompositePrimaryKey("tenant_id", "slot_kind", "dish_id")
    tenant_id: models.CharField[str, str] = _key(ID_MAX)
    slot_kind: models.CharField[str, str] = _key(SLOT_KEY_SEARCH_MAX)
    dish_id: models.CharField[str, str] = _key(ID_MAX)
    count: models.IntegerField[int, int] = models.IntegerField()

    class Meta:
        db_table = "weekplan_meal_history"
        verbose_name = "meal history total"

    def __str__(self) -> str:
        return f"{self.slot_kind}/{self.dish_id}: {self.count} ({self.tenant_id})"


class RulesetRecord(models.Model):
    """One guardrails ruleset of one tenant, stored once under its content hash."""

    pk = models.CompositePrimaryKey("tenant_id", "content_hash")
    tenant_id: models.CharField[str, str] = _key(ID_MAX)
    content_hash: models.CharField[str, str] = _key(CONTENT_HASH_MAX)
    # Labels, copied out of the document so that listings can use an index.
    diet_id: models.CharField[str, str] = _key(RULE_ID_MAX)
    version: models.IntegerField[int, int] = models.IntegerField()
    # The whole ruleset as JSON (ruleset_to_dict); it never changes once stored.
    document: models.TextField[str, str] = DocumentField()

    class Meta:
        db_table = "weekplan_rulesets"
        verbose_name = "guardrails ruleset"
        # Index ix_weekplan_rulesets_by_diet (tenant_id, diet_id, version, content_hash).

    def __str__(self) -> str:
        return f"{self.diet_id} v{self.version} {self.content_hash} ({self.tenant_id})"


class ClientRulesetRecord(models.Model):
    """The ruleset one client of one tenant is on."""

    pk = models.CompositePrimaryKey("tenant_id", "client_ref")
    tenant_id: models.CharField[str, str] = _key(ID_MAX)
    client_ref: models.CharField[str, str] = _key(CLIENT_REF_MAX)
    # Foreign key fk_weekplan_ruleset_assignments_rulesets (tenant_id, content_hash)
    # to the ruleset: created by the migration (see the module).
    content_hash: models.CharField[str, str] = _key(CONTENT_HASH_MAX)

    class Meta:
        db_table = "weekplan_ruleset_assignments"
        verbose_name = "client ruleset assignment"

    def __str__(self) -> str:
        return f"{self.client_ref}: {self.content_hash} ({self.tenant_id})"


class ClientLockRecord(models.Model):
    """The row a write of a client's week and a change of their ruleset both lock first.

    It exists so that the two never interleave even before the client has any
    other row.
    """

    pk = models.CompositePrimaryKey("tenant_id", "client_ref")
    tenant_id: models.CharField[str, str] = _key(ID_MAX)
    client_ref: models.CharField[str, str] = _key(CLIENT_REF_MAX)

    class Meta:
        db_table = "weekplan_client_locks"
        verbose_name = "client lock"

    def __str__(self) -> str:
        return f"{self.client_ref} ({self.tenant_id})"


class GenerationRunRecord(models.Model):
    """One generation run of one tenant: written once, never changed."""

    pk = models.CompositePrimaryKey("tenant_id", "run_id")
    tenant_id: models.CharField[str, str] = _key(ID_MAX)
    run_id: models.CharField[str, str] = _key(ID_MAX, column="id")
    client_ref: models.CharField[str, str] = _key(CLIENT_REF_MAX)
    week_start_date: models.DateField[date, date] = models.DateField()
    run_type: models.CharField[str, str] = _key(LABEL_MAX)
    status: models.CharField[str, str] = _key(LABEL_MAX)
    started_at: models.DateTimeField[datetime, datetime] = UtcDateTimeField()
    attempts: models.IntegerField[int, int] = models.IntegerField()
    duration_ms: models.IntegerField[int, int] = models.IntegerField()
    generator: models.CharField[str, str] = models.CharField(max_length=ERROR_CODE_MAX)
    generator_version: models.CharField[str, str] = models.CharField(max_length=ERROR_CODE_MAX)
    # The days the run filled, comma-separated in week order.
    days: models.CharField[str, str] = _key(RUN_DAYS_MAX)
    ruleset_hash: models.CharField[str | None, str | None] = _key(CONTENT_HASH_MAX, null=True)
    seed: models.IntegerField[int | None, int | None] = models.IntegerField(null=True)
    draft_version: models.IntegerField[int | None, int | None] = models.IntegerField(null=True)
    error_code: models.CharField[str | None, str | None] = _key(ERROR_CODE_MAX, null=True)
    error_message: models.TextField[str | None, str | None] = MessageField(null=True)

    class Meta:
        db_table = "weekplan_generation_runs"
        verbose_name = "generation run"
        # Indexes (tenant_id, started_at, id) and (tenant_id, client_ref, started_at, id):
        # a tenant's runs newest first, a client's, and the quota's window.

    def __str__(self) -> str:
        return f"{self.run_type} {self.status} {self.client_ref} ({self.tenant_id})"


class GenerationLockRecord(models.Model):
    """The row a tenant's quota decisions lock, one at a time."""

    tenant_id: models.CharField[str, str] = KeyField(max_length=ID_MAX, primary_key=True)

    class Meta:
        db_table = "weekplan_generation_locks"
        verbose_name = "generation quota lock"

    def __str__(self) -> str:
        return self.tenant_id
