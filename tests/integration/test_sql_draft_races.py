"""Racing starts of a week's draft on real servers, left to chance and forced.

The forced interleavings of applying a draft with an edit or a lock of the same
week are in the conformance suite (``weekplan.testing._draft_races``), which
runs on PostgreSQL and MariaDB too; here many weeks are started at once by
several threads, under each server's default isolation and PostgreSQL's
REPEATABLE READ, and a start inside a host's MariaDB transaction whose snapshot
predates a racing start's draft.
"""

from __future__ import annotations

import functools

import pytest
from sqlalchemy import URL, text

from weekplan import ConcurrentUpdate, Planner
from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.domain._drafts import WeekDraft
from weekplan.domain._entries import PlanEntry
from weekplan.testing._base import MONDAY
from weekplan.testing._transactions import _race

from .conftest import open_store

WEEKS = 40
STARTERS = 4


def _start_many(store: SqlAlchemyStore, tenant: str) -> int:
    """Start each of ``WEEKS`` weeks' draft on ``STARTERS`` threads at once; how many lost."""
    worker = Planner(store).worker(tenant)
    template = worker.create_template("Week", [PlanEntry("mon", "dinner")])
    for n in range(WEEKS):
        worker.create_instance(template.id, f"client-{n}", MONDAY)
    failures = 0
    for n in range(WEEKS):
        client = f"client-{n}"
        outcomes = _race(STARTERS, functools.partial(worker.start_draft, client, MONDAY))
        failures += sum(not isinstance(o, WeekDraft) for o in outcomes)
        assert set(outcomes) == {worker.get_draft(client, MONDAY)}, outcomes
    return failures


def test_racing_starts_of_a_draft_all_return_the_one_draft(
    server_store: SqlAlchemyStore, server: str
) -> None:
    failures = _start_many(server_store, f"tenant-draft-starts-{server}")
    print(f"\n{server}: {WEEKS} weeks x {STARTERS} racing starts, {failures} failed")
    assert failures == 0


def test_on_postgresql_repeatable_read_racing_starts_return_the_one_draft(
    postgresql_url: URL,
) -> None:
    store = SqlAlchemyStore(postgresql_url, isolation_level="REPEATABLE READ")
    store.create_all()
    try:
        failures = _start_many(store, "tenant-draft-starts-pg-rr")
    finally:
        store.close()
    assert failures == 0


def test_a_joined_start_on_mariadb_behind_a_racing_start_is_a_lost_race(
    mariadb_url: URL,
) -> None:
    # MariaDB's REPEATABLE READ: the host's first read fixes its snapshot, so a
    # draft committed later by another connection is invisible to the joined
    # start, whose insert then clashes. That is a lost race the host may retry
    # (ConcurrentUpdate), never a StorageError, and the committed draft stays.
    store = open_store(mariadb_url)
    worker = Planner(store).worker("tenant-joined-draft")
    template = worker.create_template("Week", [PlanEntry("mon", "dinner")])
    worker.create_instance(template.id, "client-1", MONDAY)
    engine = store.engine
    assert engine is not None
    try:
        with engine.connect() as host:
            host.execute(text("SELECT 1 FROM weekplan_drafts LIMIT 1")).all()
            first = worker.start_draft("client-1", MONDAY)  # another connection, committed
            joined = Planner(SqlAlchemyStore.joining(host)).worker("tenant-joined-draft")
            with pytest.raises(ConcurrentUpdate):
                joined.start_draft("client-1", MONDAY)
            host.rollback()
            # The host's retry, in a new transaction, gets the draft that won.
            again = Planner(SqlAlchemyStore.joining(host)).worker("tenant-joined-draft")
            assert again.start_draft("client-1", MONDAY) == first
            host.rollback()
        assert worker.get_draft("client-1", MONDAY) == first
    finally:
        store.close()
