"""On PostgreSQL, ``BEGIN`` and the client's hold wait for the write's first read and go with it.

One pipeline carries ``BEGIN``, the statement that holds the client and the
read after it (see ``SqlAlchemyUnitOfWork.begin_with``). These tests pin what
must stay true of that: nothing is sent for a unit of work that ends before
its next statement, the hold is sent first whenever the connection is asked
for or the unit of work commits, a hold that fails inside the pipeline fails
the call as a hold sent alone would, and the connection goes back to the pool
in good order every time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import URL, create_engine, text
from sqlalchemy.exc import OperationalError

from weekplan import PlanEntry, Planner, StorageError
from weekplan.adapters.sqlalchemy import SqlAlchemyStore

from .test_sql_query_counts import _round_trips

MONDAY = "2026-11-23"


@pytest.fixture
def store(postgresql_url: URL) -> Iterator[SqlAlchemyStore]:
    """A store of one pooled connection, whose holds give up after 200 ms of waiting."""
    options = f"{postgresql_url.query['options']} -c lock_timeout=200"
    url = postgresql_url.update_query_dict({"options": options})
    opened = SqlAlchemyStore(url, pool_size=1, max_overflow=0)
    opened.create_all()
    try:
        yield opened
    finally:
        opened.close()


def _at_rest(store: SqlAlchemyStore) -> tuple[bool, int]:
    """The pooled connection's autocommit and transaction status, as the next call finds them."""
    assert store.engine is not None
    with store.engine.connect() as connection:
        driver: Any = connection.connection.driver_connection
        return driver.autocommit, int(driver.info.transaction_status)


def _held_elsewhere(url: URL, tenant_id: str, client_ref: str) -> bool:
    """Whether another transaction holds the client's row now (a ``NOWAIT`` lock fails)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            try:
                connection.execute(
                    text(
                        "SELECT 1 FROM weekplan_client_locks WHERE tenant_id = :t"
                        " AND client_ref = :c FOR UPDATE NOWAIT"
                    ),
                    {"t": tenant_id, "c": client_ref},
                )
            except OperationalError:
                return True
            return False
    finally:
        engine.dispose()


def test_a_write_sends_begin_its_hold_and_its_read_in_one_round_trip(
    store: SqlAlchemyStore,
) -> None:
    worker = Planner(store).worker("tenant-pipelined")
    template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
    trips, _ = _round_trips(
        store, lambda: worker.create_instance(template.id, "client-1", MONDAY), log_statements=False
    )
    # BEGIN, the hold and the template with the client's diet; the history, the
    # week and its change set with COMMIT.
    assert trips == 2
    trips, _ = _round_trips(
        store,
        lambda: worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="x"),
        log_statements=False,
    )
    assert trips == 3
    assert worker.get_instance("client-1", MONDAY).days[0].notes == "x"
    assert _at_rest(store) == (False, 0)


def test_a_hold_rolled_back_before_any_other_statement_sends_nothing(
    store: SqlAlchemyStore,
) -> None:
    def hold_then_give_up() -> None:
        with store.unit_of_work() as uow:
            uow.rulesets.lock_client("tenant-pipelined-nothing", "client-1")
            uow.rollback()

    trips, _ = _round_trips(store, hold_then_give_up, log_statements=False)
    assert trips == 0
    assert _at_rest(store) == (False, 0)


def test_a_hold_committed_alone_is_sent_and_committed(
    store: SqlAlchemyStore, postgresql_url: URL
) -> None:
    with store.unit_of_work() as uow:
        uow.rulesets.lock_client("tenant-pipelined-alone", "client-1")
        uow.commit()
    assert _at_rest(store) == (False, 0)
    assert store.engine is not None
    with store.engine.connect() as connection:
        held = connection.execute(
            text("SELECT client_ref FROM weekplan_client_locks WHERE tenant_id = :t"),
            {"t": "tenant-pipelined-alone"},
        ).scalars()
        assert list(held) == ["client-1"]
    assert not _held_elsewhere(postgresql_url, "tenant-pipelined-alone", "client-1")


def test_asking_for_the_connection_itself_sends_the_hold_first(
    store: SqlAlchemyStore, postgresql_url: URL
) -> None:
    with store.unit_of_work() as uow:  # the client's row, which a NOWAIT lock can then find
        uow.rulesets.lock_client("tenant-pipelined-reader", "client-1")
        uow.commit()
    with store.unit_of_work() as uow:
        uow.rulesets.lock_client("tenant-pipelined-reader", "client-1")
        assert not _held_elsewhere(postgresql_url, "tenant-pipelined-reader", "client-1")
        # A repository that runs its statement on the connection itself.
        uow.reader().execute(text("SELECT 1"))
        assert _held_elsewhere(postgresql_url, "tenant-pipelined-reader", "client-1")
    assert not _held_elsewhere(postgresql_url, "tenant-pipelined-reader", "client-1")
    assert _at_rest(store) == (False, 0)


def test_a_hold_that_fails_inside_the_pipeline_fails_the_call_and_leaves_the_connection_usable(
    store: SqlAlchemyStore, postgresql_url: URL
) -> None:
    worker = Planner(store).worker("tenant-pipelined-timeout")
    template = worker.create_template("Week", [PlanEntry("mon", "lunch", notes="before")])
    worker.create_instance(template.id, "client-1", MONDAY)
    holder = create_engine(postgresql_url)
    try:
        with holder.connect() as connection:
            connection.execute(
                text(
                    "SELECT 1 FROM weekplan_client_locks WHERE tenant_id = :t"
                    " AND client_ref = :c FOR UPDATE"
                ),
                {"t": "tenant-pipelined-timeout", "c": "client-1"},
            )
            with pytest.raises(StorageError):
                worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="blocked")
            assert _at_rest(store) == (False, 0)
            connection.rollback()
    finally:
        holder.dispose()
    assert worker.get_instance("client-1", MONDAY).days[0].notes == "before"
    assert worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="after").days[0].notes == (
        "after"
    )
    assert _at_rest(store) == (False, 0)
