"""A diet change and a write of the client's week, raced under random timing on real servers.

The forced interleavings (pause one call before its commit, start the other) are
in the conformance suite (``weekplan.testing._diet_races``); this is the same
race left to chance, hundreds of times per database, counting slips.

A slip is a week that keeps the forbidden dish although its write began to
commit only after ``assign_ruleset`` had returned: a write checked against the
diet the client was on before, saved after the new one was in force.
"""

from __future__ import annotations

import functools
import random
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import URL, text

from weekplan import GuardrailsViolation, PlanEntry, Planner
from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.testing._base import MONDAY
from weekplan.testing._diet_races import (
    CLIENT,
    MILK_DISH,
    SLOT,
    PausingStore,
    RacingCall,
    diet_race_fixture,
)

from .conftest import open_store

RACES = 500
#: Upper bound of each random pause, in seconds: long enough to let either call win.
JITTER = 0.003


class _Race:
    """One race: a write of the milk dish into a fresh client's week, and the no-milk diet."""

    def __init__(
        self, store: SqlAlchemyStore, tenant: str, client: str, pauses: tuple[float, float, float]
    ) -> None:
        self.commit_started: list[float] = []
        self._before_commit, self._write_delay, self._diet_delay = pauses
        self._writer = Planner(PausingStore(store, self._pause_then_commit)).worker(tenant)
        self._worker = Planner(store).worker(tenant)
        self._client = client
        self._start = threading.Barrier(2)

    def _pause_then_commit(self) -> None:
        time.sleep(self._before_commit)
        self.commit_started.append(time.monotonic())

    def write(self) -> object:
        self._start.wait()
        time.sleep(self._write_delay)
        return self._writer.set_slot(self._client, MONDAY, *SLOT, dish_template_id=MILK_DISH)

    def change(self, strict: str) -> float:
        """Put the client on the strict diet; when it returned."""
        self._start.wait()
        time.sleep(self._diet_delay)
        self._worker.assign_ruleset(self._client, strict)
        return time.monotonic()


def _race_many(store: SqlAlchemyStore, tenant: str, *, races: int) -> tuple[int, int, int]:
    """Race ``races`` times; how many slipped, went write first, and were refused."""
    worker = Planner(store).worker(tenant)
    strict, _lenient = diet_race_fixture(worker, "client-setup")
    template_id = worker.get_instance("client-setup", MONDAY).template_id
    rng = random.Random(20261130)
    slips = write_first = refused = 0

    for n in range(races):
        client = f"client-{n}"
        pauses = (rng.uniform(0, JITTER), rng.uniform(0, JITTER), rng.uniform(0, JITTER))
        worker.create_instance(template_id, client, MONDAY)
        race = _Race(store, tenant, client, pauses)
        written = RacingCall(race.write)
        assigned = RacingCall(functools.partial(race.change, strict))
        written.join()
        assigned.join()
        assert assigned.error is None, assigned.error
        assert assigned.result is not None
        if written.error is None:
            week = worker.get_instance(client, MONDAY)
            assert any(e.dish_template_id == MILK_DISH for e in week.days)
            assert week.guardrails is None  # checked against no diet: it went first
            if race.commit_started[-1] > assigned.result:
                slips += 1
            else:
                write_first += 1
        else:
            assert isinstance(written.error, GuardrailsViolation), written.error
            refused += 1
    return slips, write_first, refused


def test_random_races_of_a_diet_change_and_a_week_write_never_slip(
    server_store: SqlAlchemyStore, server: str
) -> None:
    slips, write_first, refused = _race_many(
        server_store, f"tenant-diet-stress-{server}", races=RACES
    )
    print(
        f"\n{server}: {RACES} races, {slips} slips, "
        f"{write_first} writes first, {refused} writes refused by the new diet"
    )
    assert slips == 0
    # Both orders happened, so the races really raced.
    assert write_first > 0
    assert refused > 0


def test_on_postgresql_repeatable_read_no_race_slips_either(postgresql_url: URL) -> None:
    # A snapshot older than the lock makes the lock fail (serialization failure);
    # weekplan runs the call again rather than check against a stale diet.
    store = SqlAlchemyStore(postgresql_url, isolation_level="REPEATABLE READ")
    store.create_all()
    try:
        slips, write_first, refused = _race_many(store, "tenant-diet-stress-pg-rr", races=200)
    finally:
        store.close()
    print(
        f"\npostgresql REPEATABLE READ: 200 races, {slips} slips, "
        f"{write_first} writes first, {refused} writes refused by the new diet"
    )
    assert slips == 0


def test_a_joined_write_on_mariadb_sees_a_diet_committed_after_the_hosts_snapshot(
    mariadb_url: URL,
) -> None:
    # MariaDB's REPEATABLE READ: the host's first read fixes its snapshot; a diet
    # committed later is invisible to plain reads, but not to weekplan's lock.
    store = open_store(mariadb_url)
    worker = Planner(store).worker("tenant-joined-snapshot")
    strict, _lenient = diet_race_fixture(worker, CLIENT)
    engine = store.engine
    assert engine is not None
    try:
        with engine.connect() as host:
            host.execute(text("SELECT 1 FROM weekplan_ruleset_assignments LIMIT 1")).all()
            worker.assign_ruleset(CLIENT, strict)  # committed by another connection
            joined = Planner(SqlAlchemyStore.joining(host)).worker("tenant-joined-snapshot")
            with pytest.raises(GuardrailsViolation):
                joined.set_slot(CLIENT, MONDAY, *SLOT, dish_template_id=MILK_DISH)
            host.rollback()
    finally:
        store.close()


def test_a_joined_create_instance_on_mariadb_sees_a_diet_committed_after_the_hosts_snapshot(
    mariadb_url: URL,
) -> None:
    # The template is read with the client's diet in one plain read, from the
    # host's old snapshot; the diet that counts is the locking read's.
    store = open_store(mariadb_url)
    worker = Planner(store).worker("tenant-joined-create")
    strict, _lenient = diet_race_fixture(worker, CLIENT)
    milk_week = worker.create_template("Milk week", [PlanEntry(*SLOT, dish_template_id=MILK_DISH)])
    engine = store.engine
    assert engine is not None
    try:
        with engine.connect() as host:
            host.execute(text("SELECT 1 FROM weekplan_ruleset_assignments LIMIT 1")).all()
            worker.assign_ruleset(CLIENT, strict)  # committed by another connection
            joined = Planner(SqlAlchemyStore.joining(host)).worker("tenant-joined-create")
            with pytest.raises(GuardrailsViolation):
                joined.create_instance(milk_week.id, CLIENT, MONDAY + timedelta(days=7))
            host.rollback()
    finally:
        store.close()
