"""A call leaves nothing behind for Python's cycle collector.

A unit of work and the repositories it builds refer to each other; were the
pair left as it is when the unit of work ends, every call would leave a
reference cycle for the collector, whose passes over the whole heap of the
host's process then come more often.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable, Iterator
from datetime import date

import pytest

from weekplan import PlanEntry, Planner
from weekplan.adapters.sqlalchemy import SqlAlchemyStore

MONDAY = "2026-11-23"


@pytest.fixture
def collector_paused() -> Iterator[None]:
    """No collection but the test's own."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def test_a_read_a_creation_and_an_edit_leave_no_reference_cycle(
    sql_store: SqlAlchemyStore, collector_paused: None
) -> None:
    worker = Planner(sql_store).worker(f"tenant-{uuid.uuid4().hex}")
    template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
    made = iter(range(10))
    calls: list[Callable[[], object]] = [
        lambda: worker.create_instance(template.id, f"client-{next(made)}", MONDAY),
        lambda: worker.get_instance("client-0", MONDAY),
        lambda: worker.set_slot("client-0", MONDAY, "mon", "lunch", notes=f"note {next(made)}"),
    ]
    for call in calls:
        call()  # first runs build what the store keeps for good
    gc.collect()
    for call in calls:
        call()
    assert gc.collect() == 0


def test_a_repository_kept_past_its_unit_of_work_refuses_to_run(
    sql_store: SqlAlchemyStore,
) -> None:
    tenant = f"tenant-{uuid.uuid4().hex}"
    with sql_store.unit_of_work() as uow:
        kept = uow.instances
        assert kept.get(tenant, "client", date(2026, 11, 23)) is None
    for repository in (kept, uow.instances):
        with pytest.raises(RuntimeError, match="inside a `with` block"):
            repository.get(tenant, "client", date(2026, 11, 23))
