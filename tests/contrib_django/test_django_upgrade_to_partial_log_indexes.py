"""Migration 0020: each index of the change log holds only the sets its listings read.

On SQLite and PostgreSQL ``ix_weekplan_change_sets_by_subject`` becomes a
partial index of templates' sets (``WHERE client_ref IS NULL``), and
``_by_week`` and ``_by_client`` of weeks' sets (``IS NOT NULL``); on MariaDB,
which has none, they stay as they were. Change sets are written through the
store at ``0019_shared_changes``, and every log lists the same sets after
migrating forward, back and forward again.
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
INDEXES = (
    "ix_weekplan_change_sets_by_subject",
    "ix_weekplan_change_sets_by_week",
    "ix_weekplan_change_sets_by_client",
)
FULL = dict.fromkeys(INDEXES)
ALIASES = [
    pytest.param(
        "default",
        dict(zip(INDEXES, ["client_ref IS NULL", *["client_ref IS NOT NULL"] * 2], strict=True)),
        id="sqlite",
    ),
    pytest.param(
        "postgres",
        dict(
            zip(INDEXES, ["(client_ref IS NULL)", *["(client_ref IS NOT NULL)"] * 2], strict=True)
        ),
        id="postgresql",
    ),
    pytest.param("mariadb", FULL, id="mariadb"),
]


@pytest.mark.parametrize(("alias", "partial"), ALIASES)
def test_each_log_index_holds_only_its_sets_and_every_log_lists_the_same(
    alias: str, partial: dict[str, str | None]
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

        def predicate() -> dict[str, str | None]:
            found = index_predicates(engine, "weekplan_change_sets")
            return {name: found[name] for name in INDEXES}

        expected = logs()
        assert len(expected["template"]) == 2
        assert expected["no template"] == ()
        assert predicate() == FULL

        call_command("migrate", "weekplan", database=scratch, verbosity=0)
        assert predicate() == partial
        assert logs() == expected

        call_command("migrate", "weekplan", BEFORE, database=scratch, verbosity=0)
        assert predicate() == FULL
        assert logs() == expected

        call_command("migrate", "weekplan", database=scratch, verbosity=0)
        assert predicate() == partial
        assert logs() == expected
