"""weekplan's tables as Django models, following the rules of weekplan's SQL schema.

* Every table is named ``weekplan_*`` and carries ``tenant_id``; every unique
  constraint and index leads with it, so each query of a tenant is a range of an
  index and the tables can be distributed by tenant.
* Django wants a single-column primary key, so each table has a surrogate
  ``row_id``; the natural keys, ``(tenant_id, id)`` and for instances also
  ``(tenant_id, client_ref, week_start_date)``, are unique constraints.
  The surrogate never leaves the store.
* The domain's id is stored in a column named ``id`` (the field is ``plan_id``,
  because Django reserves the field name ``id`` for primary keys).
* Plan entries are JSON text in canonical order (see :mod:`.codec`); ``name_key``
  is :func:`weekplan.domain.text.search_key` of the name, for ordering and search.
* A dish's lists (meal types, tags, ingredients, steps) are JSON text too.
* There is no foreign key from an instance to its template: deleting a template
  keeps the instances cloned from it.
* A guardrails ruleset is JSON text (:func:`weekplan.guardrails.ruleset_to_dict`)
  keyed by its content hash; an instance's ``guardrails`` check is JSON text too
  (:meth:`weekplan.GuardrailsCheck.to_dict`), or ``NULL``. A client's assignment
  names a hash with no foreign key, as the decisions recorded on weeks do.
* A generation run is inserted once and never updated or deleted; the quota
  lock is one row per tenant, locked with ``SELECT ... FOR UPDATE``.

The models are the store's rows, not the domain: the store translates them to the
frozen values of :mod:`weekplan.domain.plans` and back.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

from django.db import models

from weekplan.domain.limits import CLIENT_REF_MAX, ID_MAX, NAME_MAX, SLOT_KEY_MAX
from weekplan.domain.suggestions import NO_SIGNAL
from weekplan.guardrails.model import RULE_ID_MAX

__all__ = [
    "CONTENT_HASH_MAX",
    "NAME_KEY_MAX",
    "SIGNALS_VOCABULARY_MAX",
    "SLOT_KIND_MAX",
    "ClientLockRecord",
    "ClientRulesetRecord",
    "DishRecord",
    "GenerationLockRecord",
    "GenerationRunRecord",
    "InstanceRecord",
    "MealHistoryRecord",
    "RulesetRecord",
    "TemplateRecord",
]

#: Widest ``search_key(name)``: NFKD can turn one character into several.
NAME_KEY_MAX: Final = 3 * NAME_MAX
#: Widest ``slot_kind(slot_key)``, for the same reason.
SLOT_KIND_MAX: Final = 3 * SLOT_KEY_MAX
#: A meal vocabulary's fingerprint (16 hex digits), with room to spare.
SIGNALS_VOCABULARY_MAX: Final = 32
#: Widest content hash a week's guardrails check accepts (``sha256:`` and 64 hex digits fit).
CONTENT_HASH_MAX: Final = 100


class TemplateRecord(models.Model):
    """One week plan template of one tenant."""

    row_id: models.BigAutoField[int, int] = models.BigAutoField(primary_key=True)
    tenant_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX)
    plan_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX, db_column="id")
    name: models.CharField[str, str] = models.CharField(max_length=NAME_MAX)
    name_key: models.CharField[str, str] = models.CharField(max_length=NAME_KEY_MAX)
    days: models.TextField[str, str] = models.TextField()
    version: models.IntegerField[int, int] = models.IntegerField()
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField()
    updated_at: models.DateTimeField[datetime, datetime] = models.DateTimeField()

    class Meta:
        db_table = "weekplan_templates"
        verbose_name = "week plan template"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "plan_id"], name="weekplan_templates_tenant_id_id_uq"
            ),
        ]
        indexes = [
            # Listing and searching a tenant's templates walks this index in page order.
            models.Index(fields=["tenant_id", "name_key", "plan_id"], name="weekplan_tpl_list_ix"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.tenant_id})"


class InstanceRecord(models.Model):
    """One client's week, cloned from a template."""

    row_id: models.BigAutoField[int, int] = models.BigAutoField(primary_key=True)
    tenant_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX)
    plan_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX, db_column="id")
    template_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX)
    client_ref: models.CharField[str, str] = models.CharField(max_length=CLIENT_REF_MAX)
    week_start_date: models.DateField[date, date] = models.DateField()
    days: models.TextField[str, str] = models.TextField()
    template_snapshot: models.TextField[str, str] = models.TextField()
    version: models.IntegerField[int, int] = models.IntegerField()
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField()
    updated_at: models.DateTimeField[datetime, datetime] = models.DateTimeField()
    guardrails: models.TextField[str | None, str | None] = models.TextField(null=True)

    class Meta:
        db_table = "weekplan_instances"
        verbose_name = "week plan instance"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "plan_id"], name="weekplan_instances_tenant_id_id_uq"
            ),
            # One week per client; also serves "get by key" and "the weeks of one client".
            models.UniqueConstraint(
                fields=["tenant_id", "client_ref", "week_start_date"],
                name="weekplan_instances_week_uq",
            ),
        ]
        indexes = [
            # "The clients of one week" and the full listing, in page order.
            models.Index(
                fields=["tenant_id", "week_start_date", "client_ref"], name="weekplan_inst_week_ix"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_ref} {self.week_start_date} ({self.tenant_id})"


class DishRecord(models.Model):
    """One dish of one tenant's catalog."""

    row_id: models.BigAutoField[int, int] = models.BigAutoField(primary_key=True)
    tenant_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX)
    dish_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX, db_column="id")
    name: models.CharField[str, str] = models.CharField(max_length=NAME_MAX)
    name_key: models.CharField[str, str] = models.CharField(max_length=NAME_KEY_MAX)
    meal_types: models.TextField[str, str] = models.TextField()
    tags: models.TextField[str, str] = models.TextField()
    ingredients: models.TextField[str, str] = models.TextField()
    steps: models.TextField[str, str] = models.TextField()
    version: models.IntegerField[int, int] = models.IntegerField()
    created_at: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(
        null=True
    )
    updated_at: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(
        null=True
    )
    # The dish's meal signals, as in weekplan's SQL schema: the vocabulary
    # fingerprint they were computed under ('' for none) and a rank per meal.
    signals_vocabulary: models.CharField[str, str] = models.CharField(
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
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "dish_id"], name="weekplan_dishes_tenant_id_id_uq"
            ),
        ]
        indexes = [
            # Listing and searching the catalog walks this index in page order.
            models.Index(fields=["tenant_id", "name_key", "dish_id"], name="weekplan_dish_list_ix"),
            # Suggestions for a meal walk its index, best first; names as in SQLAlchemy's.
            *(
                models.Index(
                    fields=["tenant_id", f"{meal}_rank", "name_key", "dish_id"],
                    name=f"ix_weekplan_dishes_{meal}",
                )
                for meal in ("breakfast", "lunch", "dinner", "snack")
            ),
            models.Index(
                fields=["tenant_id", "signals_vocabulary"], name="ix_weekplan_dishes_signals"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.tenant_id})"


class MealHistoryRecord(models.Model):
    """How many current plan entries name one dish in one kind of slot."""

    row_id: models.BigAutoField[int, int] = models.BigAutoField(primary_key=True)
    tenant_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX)
    slot_kind: models.CharField[str, str] = models.CharField(max_length=SLOT_KIND_MAX)
    dish_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX)
    total: models.IntegerField[int, int] = models.IntegerField()

    class Meta:
        db_table = "weekplan_meal_history"
        verbose_name = "meal history total"
        constraints = [
            # One total per key; also serves "every total of a tenant" for suggestions.
            models.UniqueConstraint(
                fields=["tenant_id", "slot_kind", "dish_id"], name="weekplan_meal_history_key_uq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slot_kind}/{self.dish_id}: {self.total} ({self.tenant_id})"


class RulesetRecord(models.Model):
    """One guardrails ruleset of one tenant, stored once under its content hash."""

    row_id: models.BigAutoField[int, int] = models.BigAutoField(primary_key=True)
    tenant_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX)
    content_hash: models.CharField[str, str] = models.CharField(max_length=CONTENT_HASH_MAX)
    diet_id: models.CharField[str, str] = models.CharField(max_length=RULE_ID_MAX)
    version: models.IntegerField[int, int] = models.IntegerField()
    ruleset: models.TextField[str, str] = models.TextField()
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField()

    class Meta:
        db_table = "weekplan_rulesets"
        verbose_name = "guardrails ruleset"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "content_hash"], name="weekplan_rulesets_hash_uq"
            ),
        ]
        indexes = [
            # Listing a tenant's rulesets, all or of one diet, walks this index in page order.
            models.Index(
                fields=["tenant_id", "diet_id", "version", "content_hash"],
                name="weekplan_ruleset_list_ix",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.diet_id} v{self.version} {self.content_hash} ({self.tenant_id})"


class ClientRulesetRecord(models.Model):
    """The ruleset one client of one tenant is on."""

    row_id: models.BigAutoField[int, int] = models.BigAutoField(primary_key=True)
    tenant_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX)
    client_ref: models.CharField[str, str] = models.CharField(max_length=CLIENT_REF_MAX)
    content_hash: models.CharField[str, str] = models.CharField(max_length=CONTENT_HASH_MAX)

    class Meta:
        db_table = "weekplan_ruleset_assignments"
        verbose_name = "client ruleset assignment"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "client_ref"], name="weekplan_ruleset_assignments_uq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_ref}: {self.content_hash} ({self.tenant_id})"


class ClientLockRecord(models.Model):
    """The row a write of a client's week and a change of their ruleset both lock first.

    It exists so that the two never interleave even before the client has any
    other row. Its keys keep the database's default collation: two client refs
    that it deems equal share one lock row, which only makes them wait for each
    other now and then.
    """

    row_id: models.BigAutoField[int, int] = models.BigAutoField(primary_key=True)
    tenant_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX)
    client_ref: models.CharField[str, str] = models.CharField(max_length=CLIENT_REF_MAX)

    class Meta:
        db_table = "weekplan_client_locks"
        verbose_name = "client lock"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "client_ref"], name="weekplan_client_locks_uq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_ref} ({self.tenant_id})"


class GenerationRunRecord(models.Model):
    """One generation run of one tenant: written once, never changed."""

    row_id: models.BigAutoField[int, int] = models.BigAutoField(primary_key=True)
    tenant_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX)
    run_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX, db_column="id")
    client_ref: models.CharField[str, str] = models.CharField(max_length=CLIENT_REF_MAX)
    week_start_date: models.DateField[date, date] = models.DateField()
    run_type: models.CharField[str, str] = models.CharField(max_length=16)
    status: models.CharField[str, str] = models.CharField(max_length=16)
    started_at: models.DateTimeField[datetime, datetime] = models.DateTimeField()
    attempts: models.IntegerField[int, int] = models.IntegerField()
    duration_ms: models.IntegerField[int, int] = models.IntegerField()
    generator: models.CharField[str, str] = models.CharField(max_length=100)
    generator_version: models.CharField[str, str] = models.CharField(max_length=100)
    # The days the run filled, comma-separated in week order.
    days: models.CharField[str, str] = models.CharField(max_length=40)
    ruleset_hash: models.CharField[str | None, str | None] = models.CharField(
        max_length=CONTENT_HASH_MAX, null=True
    )
    seed: models.IntegerField[int | None, int | None] = models.IntegerField(null=True)
    draft_version: models.IntegerField[int | None, int | None] = models.IntegerField(null=True)
    error_code: models.CharField[str | None, str | None] = models.CharField(
        max_length=100, null=True
    )
    error_message: models.TextField[str | None, str | None] = models.TextField(null=True)

    class Meta:
        db_table = "weekplan_generation_runs"
        verbose_name = "generation run"
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "run_id"], name="weekplan_runs_id_uq"),
        ]
        indexes = [
            # A tenant's runs newest first, and a client's, with the quota's window.
            models.Index(fields=["tenant_id", "started_at", "run_id"], name="weekplan_runs_ix"),
            models.Index(
                fields=["tenant_id", "client_ref", "started_at", "run_id"],
                name="weekplan_runs_client_ix",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_type} {self.status} {self.client_ref} ({self.tenant_id})"


class GenerationLockRecord(models.Model):
    """The row a tenant's quota decisions lock, one at a time."""

    row_id: models.BigAutoField[int, int] = models.BigAutoField(primary_key=True)
    tenant_id: models.CharField[str, str] = models.CharField(max_length=ID_MAX)

    class Meta:
        db_table = "weekplan_generation_locks"
        verbose_name = "generation quota lock"
        constraints = [
            models.UniqueConstraint(fields=["tenant_id"], name="weekplan_generation_locks_uq"),
        ]

    def __str__(self) -> str:
        return self.tenant_id


# The workflow tables (change log, slot locks, drafts), in a module of their own.
from weekplan.contrib.django.workflow_models import (  # noqa: E402
    ChangeRecordRow,
    DraftRow,
    SlotLockRow,
)

__all__ += ["ChangeRecordRow", "DraftRow", "SlotLockRow"]

# The schedules table, in a module of its own.
from weekplan.contrib.django.schedule_models import ScheduleRecord  # noqa: E402

__all__ += ["ScheduleRecord"]
