"""Migration 0020: the index of templates' logs holds only their sets, and reversing restores it.

On SQLite and PostgreSQL ``ix_weekplan_change_sets_by_subject`` becomes a
partial index (``WHERE client_ref IS NULL``); on MariaDB, which has none, it
stays as it was. Change sets are written through the store at
``0019_shared_changes``, and every log lists the same sets after migrating
forward, back and forward again.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.management import call_command

from tests.databases import django_alias
from tests.index_predicates import index_predicates
from weekplan import PlanEntry, Planner
from weekplan.contrib.django.store import DjangoStore

from .everything import MONDAY, read_everything, write_everything
from .schema_compare import engine_for, scratch_alias

pytestmark = pytest.mark.usefixtures("django_databases")

BEFORE = "0019_shared_changes"
INDEX = "ix_weekplan_change_sets_by_subject"
ALIASES = [
    pytest.param("default", "client_ref IS NULL", id="sqlite"),
    pytest.param("postgres", "(client_ref IS NULL)", id="postgresql"),
    pytest.param("mariadb", None, id="mariadb"),
]


@pytest.mark.parametrize(("alias", "templates_only"), ALIASES)
def test_the_index_holds_only_templates_sets_and_every_log_lists_the_same(
    alias: str, templates_only: str | None
) -> None:
    with scratch_alias(django_alias(alias)) as (scratch, url), engine_for(url) as engine:
        call_command("migrate", "weekplan", BEFORE, database=scratch, verbosity=0)
        store = DjangoStore(scratch)
        tenant = f"tenant-{uuid.uuid4().hex[:12]}"
        write_everything(store, tenant)
        worker = Planner(store).worker(tenant)
        template = worker.create_template("Week B", [PlanEntry("mon", "lunch", notes="soup")])
        worker.update_template(template.id, days=[PlanEntry("mon", "lunch", notes="stew")])
        worker.create_instances(template.id, ["client-3", "client-4"], MONDAY)

        def logs() -> dict[str, Any]:
            reader = Planner(DjangoStore(scratch)).worker(tenant)
            return {
                **read_everything(DjangoStore(scratch), tenant),
                "template": reader.list_template_changes(template.id).items,
                "no template": reader.list_template_changes("tpl-none").items,
                "week": reader.list_changes("client-3", MONDAY).items,
                "all": reader.list_all_changes(limit=200).items,
            }

        def predicate() -> str | None:
            return index_predicates(engine, "weekplan_change_sets")[INDEX]

        expected = logs()
        assert len(expected["template"]) == 2
        assert expected["no template"] == ()
        assert predicate() is None

        call_command("migrate", "weekplan", database=scratch, verbosity=0)
        assert predicate() == templates_only
        assert logs() == expected

        call_command("migrate", "weekplan", BEFORE, database=scratch, verbosity=0)
        assert predicate() is None
        assert logs() == expected

        call_command("migrate", "weekplan", database=scratch, verbosity=0)
        assert predicate() == templates_only
        assert logs() == expected
