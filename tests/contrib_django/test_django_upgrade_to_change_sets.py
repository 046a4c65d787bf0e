"""Migration 0015 turns the change records of ``weekplan_changes`` into change sets, and back.

Every record becomes a set of one with the record's id, so the listings give
the same records with the same ids, and a cursor handed out before the upgrade
goes on from where it was; reversing splits each set into the records it lists.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from tests.databases import django_alias
from weekplan import PlanEntry, Planner
from weekplan.contrib.django.store import DjangoStore
from weekplan.domain._paging import encode_cursor
from weekplan.domain.changes import ChangeType
from weekplan.testing._base import all_pages

from .schema_compare import scratch_alias

pytestmark = pytest.mark.usefixtures("django_databases")

BEFORE = "0014_dish_meal_signals"
MONDAY = date(2026, 11, 2)
AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
TENANT = "tenant-upgrade"
ALIASES = [
    pytest.param("default", id="sqlite"),
    pytest.param("postgres", id="postgresql"),
    pytest.param("mariadb", id="mariadb"),
]


def _insert_old_records(alias: str) -> list[str]:
    """Five records of one week in 0014's table, through its own model; their ids."""
    old_apps = MigrationExecutor(connections[alias]).loader.project_state(("weekplan", BEFORE)).apps
    record = old_apps.get_model("weekplan", "ChangeRecordRow")
    ids = []
    for n in range(5):
        entry = (
            '{"day_key":"mon","slot_key":"lunch \\"big\\"","dish_template_id":null,'
            f'"notes":"é {n}"}}'
        )
        record(
            tenant_id=TENANT,
            record_id=f"{n:032x}",
            subject="week",
            subject_id="ins-1",
            client_ref="client-1",
            week_start_date=MONDAY,
            change_type="added" if n == 0 else "changed",
            day_key="mon",
            slot_key='lunch "big"',
            old_entry=None if n == 0 else entry.replace(f"é {n}", f"é {n - 1}"),
            new_entry=entry,
            actor="user-17",
            source="create" if n == 0 else "edit",
            reason=None,
            # Two records share a time: their ids order them.
            at=AT + timedelta(minutes=min(n, 3)),
            version_before=None if n == 0 else n,
            version_after=n + 1,
        ).save(using=alias)
        ids.append(f"{n:032x}")
    return ids


@pytest.mark.parametrize("alias", ALIASES)
def test_records_keep_their_ids_and_cursors_through_the_upgrade_and_back(alias: str) -> None:
    with scratch_alias(django_alias(alias)) as (scratch, _url):
        call_command("migrate", "weekplan", BEFORE, database=scratch, verbosity=0)
        ids = _insert_old_records(scratch)
        old_cursor = encode_cursor("changes", ((AT + timedelta(minutes=3)).isoformat(), ids[4]))
        call_command("migrate", "weekplan", database=scratch, verbosity=0)

        worker = Planner(DjangoStore(scratch)).worker(TENANT)
        week = all_pages(lambda c: worker.list_changes("client-1", MONDAY, limit=2, cursor=c))
        assert [r.id for r in week] == [ids[4], ids[3], ids[2], ids[1], ids[0]]
        assert (week[-1].change_type, week[-1].old, week[-1].new) == (
            ChangeType.ADDED,
            None,
            PlanEntry("mon", 'lunch "big"', notes="é 0"),
        )
        assert week[0].at == AT + timedelta(minutes=3)
        assert worker.list_changes("client-1", MONDAY, cursor=old_cursor).items == week[1:]

        # A write of several slots after the upgrade: one set, split again by reversing.
        template = worker.create_template(
            "Week", [PlanEntry("tue", "lunch"), PlanEntry("wed", "lunch", notes="ß")]
        )
        listed = all_pages(lambda c: worker.list_template_changes(template.id, cursor=c))
        assert len(listed) == 2
        call_command("migrate", "weekplan", BEFORE, database=scratch, verbosity=0)
        with connections[scratch].cursor() as cursor:
            cursor.execute(
                "SELECT id, day_key, new_entry FROM weekplan_changes WHERE subject = 'template'"
            )
            split = sorted(cursor.fetchall())
        assert split == sorted(
            (
                r.id,
                r.day_key.value,
                '{"day_key":"%s","slot_key":"lunch","dish_template_id":null,"notes":%s}'  # noqa: UP031  # JSON braces
                % (r.day_key.value, "null" if r.new is None or r.new.notes is None else '"ß"'),
            )
            for r in listed
        )
        call_command("migrate", "weekplan", database=scratch, verbosity=0)
        again = all_pages(lambda c: worker.list_changes("client-1", MONDAY, limit=2, cursor=c))
        assert again == week
