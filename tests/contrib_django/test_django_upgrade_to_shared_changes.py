"""Migration 0019: change sets that refer to shared changes hold them again when reversed.

Change sets are written through the store (the new weeks of one
``create_instances`` sharing their changes) and copied past a thousand rows,
migrated back to ``0018_change_runs`` (every set with its own changes: what
every earlier weekplan wrote and reads) and forward again, which leaves them
so; the store reads the same change sets at each step.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections

from tests.databases import django_alias
from weekplan import PlanEntry, Planner
from weekplan.contrib.django.store import DjangoStore

from .everything import MONDAY, read_everything, write_everything
from .schema_compare import scratch_alias

pytestmark = pytest.mark.usefixtures("django_databases")

BEFORE = "0018_change_runs"
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
def test_sets_that_refer_get_the_changes_back_with_every_other_value_kept(alias: str) -> None:
    with scratch_alias(django_alias(alias)) as (scratch, _url):
        call_command("migrate", "weekplan", database=scratch, verbosity=0)
        store = DjangoStore(scratch)
        tenant = f"tenant-{uuid.uuid4().hex[:12]}"
        write_everything(store, tenant)
        worker = Planner(store).worker(tenant)
        days = [PlanEntry(day, 'lunch "big"', notes=f"Ærwten ✓ {day}") for day in ("mon", "sun")]
        template = worker.create_template("Week B", days)
        worker.create_instances(template.id, ["client-3", "client-4", "client-5"], MONDAY)
        worker.delete_instance("client-4", MONDAY)
        written = _rows(scratch)
        references = [row for row in written if row[12].startswith("{")]
        assert len(references) == 2
        holder = json.loads(references[0][12])["of"]
        (shared,) = [row[12] for row in written if row[1] == holder]
        # More references than the migration rewrites at once, so that it pages.
        with connections[scratch].cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO weekplan_change_sets ({COLUMNS}) VALUES ({', '.join(['%s'] * 13)})",
                [(tenant, f"set-{n:04}", *references[0][2:]) for n in range(1001)],
            )
        expected = read_everything(store, tenant)
        new = _rows(scratch)

        call_command("migrate", "weekplan", BEFORE, database=scratch, verbosity=0)
        old = _rows(scratch)
        # Each set as the weekplan of 0018 wrote it: its own changes.
        assert old == [(*row[:12], shared if row[12].startswith("{") else row[12]) for row in new]
        assert read_everything(DjangoStore(scratch), tenant) == expected

        call_command("migrate", "weekplan", database=scratch, verbosity=0)
        assert _rows(scratch) == old  # left as they are: read as they are
        assert read_everything(DjangoStore(scratch), tenant) == expected
