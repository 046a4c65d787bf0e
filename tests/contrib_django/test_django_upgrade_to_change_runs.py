"""Migration 0018: change sets written in runs, rewritten one array per change when reversed.

Change sets are written through the store (in runs) and copied past a
thousand rows, migrated back to ``0017_same_snapshot_null`` (one array per
change: what every earlier weekplan wrote and reads) and forward again, which
leaves them so; the store reads the same change sets at each step.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections

from tests.databases import django_alias
from tests.plan_forms import change_items_form
from weekplan import PlanEntry, Planner
from weekplan.adapters._rows import decode_slot_changes
from weekplan.contrib.django.store import DjangoStore

from .everything import MONDAY, read_everything, write_everything
from .schema_compare import scratch_alias

pytestmark = pytest.mark.usefixtures("django_databases")

BEFORE = "0017_same_snapshot_null"
ALIASES = [
    pytest.param("default", id="sqlite"),
    pytest.param("postgres", id="postgresql"),
    pytest.param("mariadb", id="mariadb"),
]
COLUMNS = (
    "tenant_id, id, subject, subject_id, client_ref, week_start_date, actor, source, reason,"
    " at, version_before, version_after, changes"
)


def _rows(alias: str) -> list[tuple[Any, ...]]:
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS} FROM weekplan_change_sets ORDER BY tenant_id, id")
        return [tuple(row) for row in cursor.fetchall()]


@pytest.mark.parametrize("alias", ALIASES)
def test_change_sets_go_to_one_array_per_change_with_every_value_kept(alias: str) -> None:
    with scratch_alias(django_alias(alias)) as (scratch, _url):
        call_command("migrate", "weekplan", database=scratch, verbosity=0)
        store = DjangoStore(scratch)
        tenant = f"tenant-{uuid.uuid4().hex[:12]}"
        write_everything(store, tenant)
        worker = Planner(store).worker(tenant)
        days = [PlanEntry("mon", 'lunch "big"', notes="Ærwten ✓"), PlanEntry("sun", "diner")]
        template = worker.create_template("Week B", days)
        worker.create_instances(template.id, ["client-3", "client-4"], MONDAY)
        worker.delete_instance("client-4", MONDAY)
        # Back to the migration that wrote runs: each set holds its own changes again.
        call_command("migrate", "weekplan", "0018_change_runs", database=scratch, verbosity=0)
        written = _rows(scratch)
        assert all(row[12].startswith('[["') and '",["' in row[12] for row in written)
        # More sets than the migration rewrites at once, so that it pages.
        with connections[scratch].cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO weekplan_change_sets ({COLUMNS}) VALUES ({', '.join(['%s'] * 13)})",
                [(f"{tenant}-copy", f"set-{n:04}", *written[0][2:]) for n in range(1001)],
            )
        expected = read_everything(store, tenant)
        new = _rows(scratch)

        call_command("migrate", "weekplan", BEFORE, database=scratch, verbosity=0)
        old = _rows(scratch)
        # Each set as the weekplan of 0017 wrote it: one array per change.
        assert old == [(*row[:12], change_items_form(decode_slot_changes(row[12]))) for row in new]
        assert read_everything(DjangoStore(scratch), tenant) == expected

        call_command("migrate", "weekplan", database=scratch, verbosity=0)
        assert _rows(scratch) == old  # left as they are: read as they are
        assert read_everything(DjangoStore(scratch), tenant) == expected
