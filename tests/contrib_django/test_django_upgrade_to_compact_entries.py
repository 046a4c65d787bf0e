"""Migration 0016 rewrites every stored plan in the compact form, and back.

Plans are written through the store (in the compact form), migrated back to
``0015_change_sets`` (the object form every earlier weekplan wrote and reads)
and forward again; the store reads the same values at each step, and a plan in
either form is read as it is.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections

from tests.databases import django_alias
from tests.plan_forms import object_form
from weekplan import PlanEntry, Planner
from weekplan.adapters._rows import encode_entries
from weekplan.contrib.django.store import DjangoStore

from .everything import MONDAY, read_everything, write_everything
from .schema_compare import scratch_alias

pytestmark = pytest.mark.usefixtures("django_databases")

BEFORE = "0015_change_sets"
ALIASES = [
    pytest.param("default", id="sqlite"),
    pytest.param("postgres", id="postgresql"),
    pytest.param("mariadb", id="mariadb"),
]
#: Every column that holds a plan, by table.
PLAN_COLUMNS = {
    "weekplan_templates": ("days",),
    "weekplan_instances": ("days", "template_snapshot"),
    "weekplan_drafts": ("days",),
}
KEYS = {
    "weekplan_templates": "tenant_id, id",
    "weekplan_instances": "tenant_id, id",
    "weekplan_drafts": "tenant_id, client_ref, week_start_date",
}


def _plan_texts(alias: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored plan text, by table, in key order."""
    texts = {}
    with connections[alias].cursor() as cursor:
        for table, columns in PLAN_COLUMNS.items():
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {KEYS[table]}")
            texts[table] = [tuple(row) for row in cursor.fetchall()]
    return texts


def _plan(text: str) -> tuple[PlanEntry, ...]:
    """The entries of a plan text in either form, read without weekplan's codec."""
    raw = json.loads(text)
    return tuple(
        PlanEntry(**entry) if isinstance(entry, dict) else PlanEntry(*entry) for entry in raw
    )


@pytest.mark.parametrize("alias", ALIASES)
def test_plans_go_to_the_object_form_and_back_with_every_value_kept(alias: str) -> None:
    with scratch_alias(django_alias(alias)) as (scratch, _url):
        call_command("migrate", "weekplan", database=scratch, verbosity=0)
        store = DjangoStore(scratch)
        tenant = f"tenant-{uuid.uuid4().hex[:12]}"
        write_everything(store, tenant)
        worker = Planner(store).worker(tenant)
        days = [PlanEntry("mon", 'lunch "big"', "d-1", "Ærwten ✓"), PlanEntry("sun", "diner")]
        template = worker.create_template("Week B", days)
        worker.create_instance(template.id, "client-3", MONDAY)
        expected = read_everything(store, tenant)
        compact = _plan_texts(scratch)
        assert len(compact["weekplan_templates"]) == 2
        assert len(compact["weekplan_drafts"]) == 1
        for rows in compact.values():
            for row in rows:
                # A NULL snapshot is its week's days (0017).
                for text in (text for text in row if text is not None):
                    assert text == encode_entries(_plan(text))
        assert (encode_entries(days),) in compact["weekplan_templates"]

        # Every snapshot written out, as before 0017 (a NULL one is its week's days).
        filled = {
            table: [tuple(row[0] if text is None else text for text in row) for row in rows]
            for table, rows in compact.items()
        }

        call_command("migrate", "weekplan", BEFORE, database=scratch, verbosity=0)
        old = _plan_texts(scratch)
        # Each plan as the weekplan of 0015 wrote it: the same entries, an object each.
        assert {t: [tuple(map(_plan, r)) for r in rows] for t, rows in old.items()} == {
            t: [tuple(map(_plan, r)) for r in rows] for t, rows in filled.items()
        }
        for rows in old.values():
            for row in rows:
                for text in row:
                    assert text == object_form(_plan(text))
        assert (object_form(days),) in old["weekplan_templates"]
        # The store reads them as they are.
        assert read_everything(DjangoStore(scratch), tenant) == expected

        call_command("migrate", "weekplan", database=scratch, verbosity=0)
        assert _plan_texts(scratch) == compact
        assert read_everything(DjangoStore(scratch), tenant) == expected
        # At 0016 every snapshot is written out (0017 reversed), each plan still compact.
        call_command("migrate", "weekplan", "0016", database=scratch, verbosity=0)
        assert _plan_texts(scratch) == filled
