"""Inside the host's ``transaction.atomic()``, every DjangoStore call runs in a savepoint.

Read or write, each call sends ``SAVEPOINT`` before its first statement and
releases it (success) or rolls back to it (failure) after its last, so a failed
call leaves the host's transaction usable and holding nothing of that call.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from tests.databases import django_alias
from weekplan import (
    GuardrailsViolation,
    InstanceExists,
    PlanEntry,
    Planner,
    StorageError,
    TemplateNotFound,
    WorkerPlanner,
)
from weekplan.contrib.django.models import MealHistoryRecord, TemplateRecord
from weekplan.contrib.django.store import DjangoStore
from weekplan.testing._base import MONDAY
from weekplan.testing._diet_races import NO_MILK

pytestmark = pytest.mark.usefixtures("django_databases")

ALIASES = [
    pytest.param("default", id="sqlite"),
    pytest.param("postgres", id="postgresql"),
    pytest.param("mariadb", id="mariadb"),
]


@pytest.fixture(params=ALIASES)
def alias(request: pytest.FixtureRequest) -> str:
    return django_alias(str(request.param))


@pytest.fixture
def worker(alias: str) -> WorkerPlanner:
    return Planner(DjangoStore(alias)).worker(f"tenant-{uuid.uuid4().hex[:12]}")


def _savepoint_verbs(statements: list[str]) -> list[str]:
    verbs = []
    for statement in statements:
        upper = statement.strip().upper()
        for verb in ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"):
            if upper.startswith(verb):
                verbs.append(verb)
                break
    return verbs


@contextmanager
def _logged(alias: str) -> Iterator[Callable[[], list[str]]]:
    with CaptureQueriesContext(connections[alias]) as captured:
        yield lambda: [query["sql"] for query in captured.captured_queries]


def _framed(statements: list[str], *closing: str) -> None:
    """The call's first statement opens a savepoint and its last ones are ``closing``."""
    assert statements, "the call sent nothing"
    assert statements[0].strip().upper().startswith("SAVEPOINT"), statements
    assert _savepoint_verbs(statements)[-len(closing) :] == list(closing), statements
    assert _savepoint_verbs(statements[-len(closing) :]) == list(closing), statements


UNDONE = ("ROLLBACK TO SAVEPOINT", "RELEASE SAVEPOINT")


def test_every_call_in_the_hosts_atomic_block_sends_its_own_savepoint(
    alias: str, worker: WorkerPlanner
) -> None:
    with transaction.atomic(using=alias):
        with _logged(alias) as statements:
            template = worker.create_template("Framed", [PlanEntry("mon", "lunch", notes="x")])
        _framed(statements(), "RELEASE SAVEPOINT")

        # A read wrote nothing: its savepoint is rolled back to, then freed.
        with _logged(alias) as statements:
            assert worker.get_template(template.id) == template
        _framed(statements(), *UNDONE)

        worker.create_instance(template.id, "client-1", MONDAY)
        with _logged(alias) as statements, pytest.raises(InstanceExists):
            worker.create_instance(template.id, "client-1", MONDAY)
        _framed(statements(), *UNDONE)

        with _logged(alias) as statements, pytest.raises(TemplateNotFound):
            worker.get_template("missing")
        _framed(statements(), *UNDONE)

        # Still the host's own transaction, and still usable.
        assert connections[alias].in_atomic_block
        assert worker.get_instance("client-1", MONDAY).client_ref == "client-1"


def test_a_call_that_fails_after_writing_leaves_none_of_its_writes_in_the_host_block(
    alias: str, worker: WorkerPlanner
) -> None:
    tenant = worker.tenant_id
    worker.upsert_dish("pap", name="Pap", ingredients=["melk", "havermout"])
    template = worker.create_template(
        "Milky", [PlanEntry("mon", "ontbijt", dish_template_id="pap")]
    )
    worker.assign_ruleset("client-1", worker.save_ruleset(NO_MILK).content_hash)
    totals = MealHistoryRecord.objects.using(alias).filter(tenant_id=tenant)

    def counted() -> list[tuple[str, str, int]]:
        return sorted(totals.values_list("slot_kind", "dish_id", "count"))

    before = counted()
    with transaction.atomic(using=alias):
        # The history totals are written before the diet refuses the week.
        with pytest.raises(GuardrailsViolation):
            worker.create_instance(template.id, "client-1", MONDAY)
        assert counted() == before
        later = worker.create_template("After the refusal")
    assert counted() == before
    assert worker.get_template(later.id) == later


def _break_the_next_select(alias: str) -> Any:
    """Make the next SELECT fail in the database itself (a division by zero)."""
    armed = [True]

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if armed[0] and sql.lstrip().upper().startswith("SELECT"):
            armed[0] = False
            sql = sql.replace("SELECT", "SELECT 1/0,", 1)
        return execute(sql, params, many, context)

    return connections[alias].execute_wrapper(wrapper)


def test_on_postgresql_the_host_keeps_its_rows_after_a_conflict_and_a_failed_read() -> None:
    alias = django_alias("postgres")
    worker = Planner(DjangoStore(alias)).worker(f"tenant-{uuid.uuid4().hex[:12]}")
    host_tenant = f"host-{uuid.uuid4().hex[:12]}"
    template = worker.create_template("Source")

    def host_row(n: int) -> None:
        # A row of the host's own, written with the ORM in the same transaction.
        TemplateRecord.objects.using(alias).create(
            tenant_id=host_tenant,
            plan_id=f"host-{n}",
            name="host",
            name_key="host",
            days="[]",
            version=1,
            created_at=template.created_at,
            updated_at=template.created_at,
        )

    with transaction.atomic(using=alias):
        worker.create_instance(template.id, "client-1", MONDAY)
        host_row(1)
        with pytest.raises(InstanceExists):
            worker.create_instance(template.id, "client-1", MONDAY)
        host_row(2)
        with _break_the_next_select(alias), pytest.raises(StorageError):
            worker.get_template(template.id)
        host_row(3)
    kept = TemplateRecord.objects.using(alias).filter(tenant_id=host_tenant)
    assert sorted(kept.values_list("plan_id", flat=True)) == ["host-1", "host-2", "host-3"]
