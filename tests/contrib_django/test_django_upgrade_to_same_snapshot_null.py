"""Migration 0017 stores a snapshot equal to its week's days as NULL, and back.

Weeks are written through the store (a new week's snapshot NULL, an edited
week's in full) and copied past a thousand rows, migrated back to
``0016_compact_entries`` (every snapshot written out, the column ``NOT NULL``:
what every earlier weekplan wrote and reads) and forward again; the store reads
the same values at each step, and the table keeps its keys and indexes.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections

from tests.databases import django_alias
from weekplan import PlanEntry, Planner
from weekplan.contrib.django.store import DjangoStore

from .everything import MONDAY, read_everything, write_everything
from .schema_compare import describe, engine_for, scratch_alias

pytestmark = pytest.mark.usefixtures("django_databases")

BEFORE = "0016_compact_entries"
ALIASES = [
    pytest.param("default", id="sqlite"),
    pytest.param("postgres", id="postgresql"),
    pytest.param("mariadb", id="mariadb"),
]
COLUMNS = (
    "tenant_id, id, template_id, client_ref, week_start_date, days, template_snapshot,"
    " version, created_at, updated_at, guardrails"
)


def _rows(alias: str) -> list[tuple[Any, ...]]:
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS} FROM weekplan_instances ORDER BY tenant_id, id")
        return [tuple(row) for row in cursor.fetchall()]


def _copy_weeks(alias: str, tenant: str, copies: int) -> None:
    """``copies`` rows like each of the tenant's weeks, under keys of their own."""
    weeks = [row for row in _rows(alias) if row[0] == tenant]
    with connections[alias].cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO weekplan_instances ({COLUMNS}) VALUES ({', '.join(['%s'] * 11)})",
            [
                (f"{tenant}-copy", f"{row[1]}-{n:04}", row[2], f"{row[3]}-{n:04}", *row[4:])
                for n in range(copies)
                for row in weeks
            ],
        )


def _snapshot_nullable(url: str) -> bool:
    with engine_for(url) as engine:
        return bool(
            describe(engine, "weekplan_instances")["columns"]["template_snapshot"]["nullable"]
        )


@pytest.mark.parametrize("alias", ALIASES)
def test_snapshots_go_to_text_and_back_to_null_with_every_value_kept(alias: str) -> None:
    with scratch_alias(django_alias(alias)) as (scratch, url):
        call_command("migrate", "weekplan", database=scratch, verbosity=0)
        with engine_for(url) as engine:
            schema = describe(engine, "weekplan_instances")
        assert schema["columns"]["template_snapshot"]["nullable"]
        store = DjangoStore(scratch)
        tenant = f"tenant-{uuid.uuid4().hex[:12]}"
        write_everything(store, tenant)  # client-1's week edited, client-2's not
        worker = Planner(store).worker(tenant)
        template = worker.create_template("Week B", [PlanEntry("sun", "diner", notes="Ærwten ✓")])
        worker.create_instance(template.id, "client-3", MONDAY)
        worker.create_instance(template.id, "client-4", MONDAY)
        worker.set_slot("client-4", MONDAY, "sun", "diner", notes="edited")
        worker.reset_slot("client-4", MONDAY, "sun", "diner")
        worker.set_slot("client-2", MONDAY, "sun", "diner", notes="edited")
        rows = {row[3]: row for row in _rows(scratch)}
        # Edited, a week stores its snapshot; reset back to it, client-4's stores none again.
        clients = ("client-1", "client-2", "client-3", "client-4")
        assert [rows[client][6] is None for client in clients] == [False, False, True, True]
        assert rows["client-2"][6] != rows["client-2"][5]
        # More weeks than the migration rewrites at once, so that it pages.
        _copy_weeks(scratch, tenant, 260)
        expected = read_everything(store, tenant)
        new = _rows(scratch)
        assert len(new) == 4 + 4 * 260

        call_command("migrate", "weekplan", BEFORE, database=scratch, verbosity=0)
        assert not _snapshot_nullable(url)
        old = _rows(scratch)
        # Each week as the weekplan of 0016 wrote it: its snapshot written out.
        assert old == [(*row[:6], row[5] if row[6] is None else row[6], *row[7:]) for row in new]
        assert read_everything(DjangoStore(scratch), tenant) == expected

        call_command("migrate", "weekplan", database=scratch, verbosity=0)
        assert _rows(scratch) == new
        assert read_everything(DjangoStore(scratch), tenant) == expected
        with engine_for(url) as engine:
            assert describe(engine, "weekplan_instances") == schema
        call_command("migrate", "weekplan", database=scratch, verbosity=0)
        assert _rows(scratch) == new  # nothing left to do
