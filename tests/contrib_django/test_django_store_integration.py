"""What the Django store promises beyond the conformance suite: the host's transactions,
the schema rules, shipped migrations, and database errors translated."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections, models, transaction
from django.test.utils import override_settings

from tests.databases import django_alias
from weekplan import InstanceExists, Planner, WorkerPlanner
from weekplan.contrib.django.checks import check_time_zone_support
from weekplan.contrib.django.models import (
    ClientRulesetRecord,
    DishRecord,
    InstanceRecord,
    MealHistoryRecord,
    RulesetRecord,
    TemplateRecord,
)
from weekplan.contrib.django.store import DjangoStore
from weekplan.domain._plans import WeekPlanTemplate
from weekplan.errors import StorageError
from weekplan.guardrails import GuardrailsRuleset, GuardRule, RuleMatch
from weekplan.testing._base import MONDAY

from .conftest import mariadb_admin

pytestmark = pytest.mark.usefixtures("django_databases")

ALIASES = [
    pytest.param("default", id="sqlite"),
    pytest.param("postgres", id="postgresql"),
    pytest.param("mariadb", id="mariadb"),
]


class _HostRollback(Exception):
    pass


@pytest.fixture(params=ALIASES)
def alias(request: pytest.FixtureRequest) -> str:
    return django_alias(str(request.param))


@pytest.fixture
def worker(alias: str) -> WorkerPlanner:
    return Planner(DjangoStore(alias)).worker(f"tenant-{uuid.uuid4().hex[:12]}")


@pytest.fixture
def broken_alias() -> Iterator[str]:
    """An alias whose database has no weekplan tables: every query fails."""
    name = f"broken-{uuid.uuid4().hex[:8]}"
    connections.settings[name] = {
        **connections.settings["default"],
        "NAME": f"{settings.SQLITE_PATH}.{name}",
    }
    try:
        yield name
    finally:
        connections[name].close()
        del connections.settings[name]


def test_weekplan_writes_roll_back_with_the_hosts_transaction(
    alias: str, worker: WorkerPlanner
) -> None:
    def host_view() -> None:
        with transaction.atomic(using=alias):
            template = worker.create_template("Host rolls back")
            assert worker.get_template(template.id) == template  # visible inside the transaction
            raise _HostRollback

    with pytest.raises(_HostRollback):
        host_view()
    assert worker.list_templates().items == ()


def test_weekplan_writes_commit_with_the_hosts_transaction(
    alias: str, worker: WorkerPlanner
) -> None:
    with transaction.atomic(using=alias):
        template = worker.create_template("Host commits")
        week = worker.create_instance(template.id, "client-1", MONDAY)
    assert worker.get_template(template.id) == template
    assert worker.get_instance("client-1", MONDAY) == week


def test_a_failed_call_inside_the_hosts_transaction_leaves_it_usable(
    alias: str, worker: WorkerPlanner
) -> None:
    template = worker.create_template("Source")
    with transaction.atomic(using=alias):
        worker.create_instance(template.id, "client-1", MONDAY)
        with pytest.raises(InstanceExists):
            worker.create_instance(template.id, "client-1", MONDAY)
        # On PostgreSQL a failed INSERT without a savepoint would abort the transaction here.
        later = worker.create_template("After the clash")
    assert worker.get_template(later.id) == later


def test_timestamps_come_back_in_utc_to_the_microsecond(alias: str, worker: WorkerPlanner) -> None:
    when = datetime(2026, 3, 29, 1, 30, 0, 999_999, tzinfo=timezone(timedelta(hours=5, minutes=45)))
    template = WeekPlanTemplate(
        id="t-1",
        tenant_id=worker.tenant_id,
        name="Kathmandu time",
        days=(),
        version=1,
        created_at=when,
        updated_at=when,
    )
    store = DjangoStore(alias)
    with store.unit_of_work() as uow:
        uow.templates.add(worker.tenant_id, template)
        uow.commit()
    with store.unit_of_work() as uow:
        stored = uow.templates.get(worker.tenant_id, "t-1")
    assert stored is not None
    assert stored.created_at == when
    assert stored.created_at.tzinfo is UTC
    assert stored.created_at.microsecond == 999_999


def test_keys_are_ordered_byte_for_byte_like_python(alias: str, worker: WorkerPlanner) -> None:
    template = worker.create_template("Source")
    refs = ["b", "B", "a", "_x", "Z", "é", "e", "ß", "10", "9"]
    for ref in refs:
        worker.create_instance(template.id, ref, MONDAY)
    listed = [i.client_ref for i in worker.list_instances(limit=200).items]
    assert listed == sorted(refs)
    names = ["\u210cello", "hello", "Hello!", "hell"]  # NFKD turns the first into "Hello"
    for name in names:
        worker.create_template(name)
    assert [t.name for t in worker.list_templates(search="h").items] == ["hell", "hello", "Hello!"]


def test_a_stored_plan_that_is_not_weekplan_json_is_a_storage_error(
    alias: str, worker: WorkerPlanner
) -> None:
    template = worker.create_template("Corrupted later")
    TemplateRecord.objects.using(alias).filter(
        tenant_id=worker.tenant_id, plan_id=template.id
    ).update(days='[{"day_key": "funday"}]')
    with pytest.raises(StorageError) as caught:
        worker.get_template(template.id)
    assert caught.value.to_dict() == {"detail": "storage_unavailable"}
    assert caught.value.status_code == 503


def _ruleset(
    diet_id: str = "koemelkvrij", version: int = 1, term: str = "melk"
) -> GuardrailsRuleset:
    rule = GuardRule("geen-melk", "block", "hard", 1, "ingredient", RuleMatch(term))
    return GuardrailsRuleset(diet_id, version=version, rules=[rule])


def test_a_stored_hash_added_again_leaves_the_hosts_transaction_usable(
    alias: str, worker: WorkerPlanner
) -> None:
    store = DjangoStore(alias)
    with transaction.atomic(using=alias), store.unit_of_work() as uow:
        uow.rulesets.add(worker.tenant_id, _ruleset(version=1))
        uow.rulesets.add(worker.tenant_id, _ruleset(version=2))
        # On PostgreSQL a failed INSERT without ON CONFLICT would abort the transaction here.
        uow.rulesets.assign(worker.tenant_id, "client-1", _ruleset().content_hash)
        uow.commit()
    assert [r.version for r in worker.list_rulesets().items] == [1]
    assert worker.get_client_ruleset("client-1") == _ruleset()


def test_concurrent_adds_of_one_hash_store_it_once_and_fail_nowhere(
    alias: str, worker: WorkerPlanner
) -> None:
    store = DjangoStore(alias)
    start = threading.Barrier(4)
    failures: list[BaseException] = []

    def add(version: int) -> None:
        try:
            start.wait()
            with store.unit_of_work() as uow:
                uow.rulesets.add(worker.tenant_id, _ruleset(version=version))
                uow.rulesets.assign(worker.tenant_id, "client-1", _ruleset().content_hash)
                uow.commit()
        except BaseException as exc:  # reported below, on the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    (kept,) = worker.list_rulesets().items  # whichever transaction came first
    assert RulesetRecord.objects.using(alias).filter(tenant_id=worker.tenant_id).count() == 1
    assert worker.get_client_ruleset("client-1") == kept
    assert kept.content_hash == _ruleset().content_hash


def test_diet_ids_are_ordered_byte_for_byte_like_python(alias: str, worker: WorkerPlanner) -> None:
    diets = ["b", "B", "a", "_x", "Z", "é", "e", "10", "9"]
    for n, diet_id in enumerate(diets):
        # The diet id is a label, not part of the hash: each needs rules of its own.
        worker.save_ruleset(_ruleset(diet_id, term=f"melk {n}"))
    listed = [r.diet_id for r in worker.list_rulesets(limit=100).items]
    assert listed == sorted(diets)


def test_a_stored_ruleset_or_check_that_is_not_weekplan_json_is_a_storage_error(
    alias: str, worker: WorkerPlanner
) -> None:
    ruleset = worker.save_ruleset(_ruleset())
    rows = RulesetRecord.objects.using(alias).filter(tenant_id=worker.tenant_id)
    stored = rows.get().document
    # Rules changed behind weekplan's back no longer match the hash decisions name.
    rows.update(document=stored.replace('"melk"', '"room"'))
    with pytest.raises(StorageError):
        worker.get_ruleset(ruleset.content_hash)
    rows.update(document="not json")
    with pytest.raises(StorageError):
        worker.list_rulesets()

    template = worker.create_template("Source")
    worker.create_instance(template.id, "client-1", MONDAY)
    InstanceRecord.objects.using(alias).filter(tenant_id=worker.tenant_id).update(
        guardrails='{"outcome": "blocked"}'
    )
    with pytest.raises(StorageError) as caught:
        worker.get_instance("client-1", MONDAY)
    assert caught.value.status_code == 503


def test_no_database_error_escapes_as_itself(broken_alias: str) -> None:
    worker = Planner(DjangoStore(broken_alias)).worker("tenant-a")
    for call in (
        worker.list_templates,
        lambda: worker.get_template("t-1"),
        lambda: worker.create_template("Nowhere to go"),
        worker.list_instances,
        lambda: worker.get_instance("client-1", MONDAY),
        lambda: worker.delete_instance("client-1", MONDAY),
        lambda: worker.save_ruleset(_ruleset()),
        lambda: worker.get_ruleset(_ruleset().content_hash),
        worker.list_rulesets,
        lambda: worker.get_client_ruleset("client-1"),
    ):
        with pytest.raises(StorageError) as caught:
            call()
        assert caught.value.__cause__ is not None


#: Indexes that answer a question across tenants, and so cannot lead with one.
ACROSS_TENANTS = {"ix_weekplan_schedules_next_run_at_tenant_id_901a8cee"}


def test_every_table_key_and_index_leads_with_the_tenant(alias: str) -> None:
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = [
            t for t in connection.introspection.table_names(cursor) if t.startswith("weekplan_")
        ]
        assert sorted(tables) == [
            "weekplan_change_sets",
            "weekplan_client_locks",
            "weekplan_dishes",
            "weekplan_drafts",
            "weekplan_generation_locks",
            "weekplan_generation_runs",
            "weekplan_instances",
            "weekplan_meal_history",
            "weekplan_ruleset_assignments",
            "weekplan_rulesets",
            "weekplan_schedules",
            "weekplan_slot_locks",
            "weekplan_templates",
        ]
        for table in tables:
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            assert "tenant_id" in columns
            constraints = connection.introspection.get_constraints(cursor, table)
            keyed = {
                name: c["columns"]
                for name, c in constraints.items()
                if c["unique"] or c["index"] or c["primary_key"]
            }
            assert keyed, table
            for name, key in keyed.items():
                if name in ACROSS_TENANTS:
                    # Which schedules are due is a question across tenants.
                    assert "tenant_id" in key, (table, name, key)
                    continue
                assert key[0] == "tenant_id", (table, name, key)


def test_the_natural_keys_are_the_primary_keys() -> None:
    def key(model: type[models.Model]) -> tuple[str, ...]:
        return tuple(str(field.column) for field in model._meta.pk_fields)

    def unique_sets(model: type[models.Model]) -> set[tuple[str, ...]]:
        found: set[tuple[str, ...]] = set()
        for constraint in model._meta.constraints:
            assert isinstance(constraint, models.UniqueConstraint)
            fields = [model._meta.get_field(name) for name in constraint.fields]
            found.add(tuple(str(f.column) for f in fields if isinstance(f, models.Field)))
        return found

    assert key(TemplateRecord) == ("tenant_id", "id")
    assert key(InstanceRecord) == ("tenant_id", "id")
    assert unique_sets(InstanceRecord) == {("tenant_id", "client_ref", "week_start_date")}
    assert key(DishRecord) == ("tenant_id", "id")
    assert key(MealHistoryRecord) == ("tenant_id", "slot_kind", "dish_id")
    assert key(RulesetRecord) == ("tenant_id", "content_hash")
    assert key(ClientRulesetRecord) == ("tenant_id", "client_ref")


def test_the_shipped_migrations_match_the_models() -> None:
    call_command("makemigrations", "weekplan", check=True, dry_run=True, verbosity=0)


def test_the_migrations_unapply_and_apply_again() -> None:
    name = f"migrations-{uuid.uuid4().hex[:8]}"
    connections.settings[name] = {
        **connections.settings["default"],
        "NAME": f"{settings.SQLITE_PATH}.{name}",
    }
    try:
        call_command("migrate", "weekplan", database=name, verbosity=0)
        call_command("migrate", "weekplan", "zero", database=name, verbosity=0)
        call_command("migrate", "weekplan", database=name, verbosity=0)
        worker = Planner(DjangoStore(name)).worker("tenant-a")
        assert worker.create_template("After a round trip").version == 1
    finally:
        connections[name].close()
        del connections.settings[name]


def test_the_migrations_apply_unapply_and_apply_again_on_mariadb() -> None:
    # MariaDB cannot roll DDL back: a migration that runs DDL inside a transaction fails there.
    mariadb = django_alias("mariadb")
    name = f"migrations-{uuid.uuid4().hex[:8]}"
    database = f"weekplan_mig_{uuid.uuid4().hex[:12]}"
    mariadb_admin(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
    connections.settings[name] = {**connections.settings[mariadb], "NAME": database}
    try:
        call_command("migrate", "weekplan", database=name, verbosity=0)
        call_command("migrate", "weekplan", "zero", database=name, verbosity=0)
        call_command("migrate", "weekplan", database=name, verbosity=0)
        worker = Planner(DjangoStore(name)).worker("tenant-a")
        assert worker.create_template("After a round trip").version == 1
    finally:
        connections[name].close()
        del connections.settings[name]
        mariadb_admin(f"DROP DATABASE IF EXISTS `{database}`")


def test_use_tz_off_is_reported_by_a_system_check() -> None:
    assert check_time_zone_support() == []
    with override_settings(USE_TZ=False):
        errors = check_time_zone_support()
    assert [e.id for e in errors] == ["weekplan.E001"]


def test_the_django_tables_are_the_sqlalchemy_stores_tables() -> None:
    pytest.importorskip("sqlalchemy", reason="compares with the SQLAlchemy store's schema")
    from django.apps import apps  # noqa: PLC0415  # only once Django is configured

    from weekplan.adapters.sqlalchemy import metadata  # noqa: PLC0415  # optional extra

    django_tables = {m._meta.db_table for m in apps.get_app_config("weekplan").get_models()}
    assert django_tables == set(metadata.tables)
