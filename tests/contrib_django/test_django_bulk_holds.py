"""``create_instances`` on the Django store holds all its clients in one batch of statements."""

from __future__ import annotations

import uuid

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from tests.databases import django_alias
from weekplan import PlanEntry, Planner
from weekplan.contrib.django.store import DjangoStore
from weekplan.testing._base import MONDAY

pytestmark = pytest.mark.usefixtures("django_databases")


@pytest.mark.parametrize("server", ["postgres", "mariadb"])
def test_every_client_of_a_bulk_creation_is_held_by_one_batch(server: str) -> None:
    alias = django_alias(server)
    worker = Planner(DjangoStore(alias)).worker(f"tenant-{uuid.uuid4().hex[:12]}")
    template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
    clients = [f"client-{n:02}" for n in range(20)]
    with CaptureQueriesContext(connections[alias]) as captured:
        created = worker.create_instances(template.id, clients, MONDAY)
    assert [week.client_ref for week in created.created] == clients
    holds = [q["sql"] for q in captured.captured_queries if "weekplan_client_locks" in q["sql"]]
    # Django logs an executemany as one query, with how many times it ran.
    assert len(holds) == 1, holds
    assert holds[0].startswith("20 times: ")
