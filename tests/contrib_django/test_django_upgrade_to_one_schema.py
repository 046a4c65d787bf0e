"""Migration 0013 turns the Django store's old tables into the one schema, keeping every row.

Rows of every kind are written through the models of migration 0009 (the old
tables: a surrogate ``row_id``, ``total``, ``ruleset`` and its ``created_at``,
and on SQLite Django's own timestamp text) into a database migrated that far;
migrating on must leave the tables of the one schema holding the same data,
read alike by the Django store and the SQLAlchemy store.
"""

from __future__ import annotations

import importlib
import uuid
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from tests.databases import django_alias
from weekplan.adapters._rows import decode_slot_changes
from weekplan.adapters.sqlalchemy import SqlAlchemyStore, metadata
from weekplan.contrib.django.store import DjangoStore
from weekplan.domain.changes import encode_entry, record_id

from .everything import START, read_everything, write_everything
from .schema_compare import assert_same_tables, engine_for, scratch_alias, scratch_database

pytestmark = pytest.mark.usefixtures("django_databases")

BEFORE = ("weekplan", "0009_generation_runs")
#: The fields a change set shares with each of its records.
SET_FIELDS = (
    "tenant_id",
    "subject",
    "subject_id",
    "client_ref",
    "week_start_date",
    "actor",
    "source",
    "reason",
    "at",
    "version_before",
    "version_after",
)

#: The columns 0013 renames, by model: ``{new field: old field}``.
RENAMED = {"MealHistoryRecord": {"count": "total"}, "RulesetRecord": {"document": "ruleset"}}
#: The columns later migrations add, by model: 0009's tables have none of them.
LATER = {
    "DishRecord": frozenset(
        ("signals_vocabulary", "breakfast_rank", "lunch_rank", "dinner_rank", "snack_rank")
    ),
}


def _old_row(model_name: str, values: dict[str, Any]) -> dict[str, Any]:
    renames = RENAMED.get(model_name, {})
    later = LATER.get(model_name, frozenset())
    row = {
        renames.get(field, field): value for field, value in values.items() if field not in later
    }
    if model_name == "RulesetRecord":
        row["created_at"] = START  # a column of the old table only
    if model_name == "InstanceRecord" and row["template_snapshot"] is None:
        row["template_snapshot"] = row["days"]  # NULL (the days) only from 0017 on
    return row


def _write_old_rows(alias: str, old: str, tenant_id: str) -> set[str]:
    """Copy the tenant's rows on ``alias`` into ``old`` (migrated to 0009) through 0009's models.

    The tables written to.
    """
    new_models = connections[alias].introspection.installed_models(
        connections[alias].introspection.table_names()
    )
    old_apps = MigrationExecutor(connections[old]).loader.project_state(BEFORE).apps
    copied: set[str] = set()
    for model in new_models:
        if model._meta.app_label != "weekplan":
            continue
        if model.__name__ == "ChangeSetRow":
            # 0009 kept one row per record: each set's records, as listed.
            old_model = old_apps.get_model("weekplan", "ChangeRecordRow")
            for values in model.objects.using(alias).filter(tenant_id=tenant_id).values():
                for record in _records(values):
                    old_model(**record).save(using=old)
                    copied.add(old_model._meta.db_table)
            continue
        old_model = old_apps.get_model("weekplan", model.__name__)
        for values in model.objects.using(alias).filter(tenant_id=tenant_id).values():
            old_model(**_old_row(model.__name__, values)).save(using=old)
            copied.add(model._meta.db_table)
    return copied


def _records(values: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of 0009's change records of one stored change set."""
    shared = {name: values[name] for name in SET_FIELDS}
    return [
        {
            **shared,
            "record_id": record_id(values["set_id"], position),
            "change_type": change.change_type.value,
            "day_key": change.day_key.value,
            "slot_key": change.slot_key,
            "old_entry": encode_entry(change.old),
            "new_entry": encode_entry(change.new),
        }
        for position, change in enumerate(decode_slot_changes(values["changes"]))
    ]


@pytest.mark.parametrize(
    "alias",
    [
        pytest.param("default", id="sqlite"),
        pytest.param("postgres", id="postgresql"),
        pytest.param("mariadb", id="mariadb"),
    ],
)
def test_the_upgrade_keeps_every_row_of_the_old_tables(alias: str) -> None:
    alias = django_alias(alias)
    tenant_id = f"tenant-{uuid.uuid4().hex[:12]}"
    # The data, written through today's store on the run's database.
    write_everything(DjangoStore(alias), tenant_id)
    expected = read_everything(DjangoStore(alias), tenant_id)
    with scratch_alias(alias) as (old, url):
        call_command("migrate", "weekplan", BEFORE[1], database=old, verbosity=0)
        copied = _write_old_rows(alias, old, tenant_id)
        # Every table but the lock tables, whose rows only exist to be locked.
        assert copied >= {
            "weekplan_changes",
            "weekplan_dishes",
            "weekplan_drafts",
            "weekplan_generation_runs",
            "weekplan_instances",
            "weekplan_meal_history",
            "weekplan_ruleset_assignments",
            "weekplan_rulesets",
            "weekplan_schedules",
            "weekplan_slot_locks",
            "weekplan_templates",
        }
        if alias == "default":
            # Django wrote a whole second without a fraction: 0013 must pad it.
            with connections[old].cursor() as cursor:
                cursor.execute("SELECT length(created_at) FROM weekplan_templates")
                assert cursor.fetchall() == [(19,)]

        call_command("migrate", "weekplan", database=old, verbosity=0)

        sql = SqlAlchemyStore(url)
        try:
            assert read_everything(DjangoStore(old), tenant_id) == expected
            assert read_everything(sql, tenant_id) == expected
        finally:
            sql.close()

        # Back to the old tables and forward again: nothing is lost either way.
        call_command("migrate", "weekplan", BEFORE[1], database=old, verbosity=0)
        call_command("migrate", "weekplan", database=old, verbosity=0)
        assert read_everything(DjangoStore(old), tenant_id) == expected

        with (
            scratch_database(alias) as reference_url,
            engine_for(reference_url) as reference,
            engine_for(url) as upgraded,
        ):
            metadata.create_all(reference)
            assert_same_tables(upgraded, reference)


@pytest.mark.parametrize(
    "alias",
    [
        pytest.param("default", id="sqlite"),
        pytest.param("mariadb", id="mariadb"),
    ],
)
def test_an_interrupted_upgrade_picks_up_where_it_stopped(
    alias: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # MariaDB cannot roll DDL back: a failure half-way leaves what was done so far.
    alias = django_alias(alias)
    tenant_id = f"tenant-{uuid.uuid4().hex[:12]}"
    write_everything(DjangoStore(alias), tenant_id)
    expected = read_everything(DjangoStore(alias), tenant_id)
    upgrade = importlib.import_module("weekplan.contrib.django.migrations.0013_one_schema")
    tables = upgrade.TABLES
    converted, stopped_on = tables[0], "weekplan_dishes"
    assert converted == "weekplan_changes"

    with scratch_alias(alias) as (old, url):
        call_command("migrate", "weekplan", BEFORE[1], database=old, verbosity=0)
        _write_old_rows(alias, old, tenant_id)
        with connections[old].schema_editor(atomic=False) as editor:
            # The first table converted in full ...
            monkeypatch.setattr(upgrade, "TABLES", (converted,))
            upgrade.forwards(None, editor)
            monkeypatch.setattr(upgrade, "TABLES", tables)
            # ... and the interruption on another: set aside and created, not yet filled.
            quote = editor.quote_name
            editor.execute(
                f"ALTER TABLE {quote(stopped_on)} RENAME TO {quote(stopped_on + '__before_0013')}"
            )
            for statement in upgrade.DDL[connections[old].vendor][stopped_on]:
                editor.execute(statement)

        call_command("migrate", "weekplan", database=old, verbosity=0)

        sql = SqlAlchemyStore(url)
        try:
            assert read_everything(DjangoStore(old), tenant_id) == expected
            assert read_everything(sql, tenant_id) == expected
        finally:
            sql.close()
        with (
            scratch_database(alias) as reference_url,
            engine_for(reference_url) as reference,
            engine_for(url) as upgraded,
        ):
            metadata.create_all(reference)
            assert_same_tables(upgraded, reference)
