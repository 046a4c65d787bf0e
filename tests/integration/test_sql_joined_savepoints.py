"""A joined store runs every call in a savepoint of its own, read or write.

The host passes a ``Session`` or a ``Connection``; either way each weekplan call
sends ``SAVEPOINT`` before its first statement and ``RELEASE SAVEPOINT`` (it
succeeded) or ``ROLLBACK TO SAVEPOINT`` (it failed) after its last, so a failed
call leaves the host's transaction usable and holding nothing of that call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import (
    URL,
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Session

from weekplan import (
    GuardrailsViolation,
    InstanceExists,
    PlanEntry,
    Planner,
    StorageError,
    TemplateNotFound,
)
from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.adapters.sqlalchemy._schema import meal_history

from .conftest import StatementLog, open_store

MONDAY = "2026-11-23"
NO_MILK = {
    "diet_id": "koemelkvrij",
    "rules": [
        {
            "id": "geen-melk",
            "action": "block",
            "strictness": "hard",
            "priority": 1,
            "target": "ingredient",
            "match": {"term": "melk"},
        }
    ],
}

host_metadata = MetaData()
#: A table of the host's own, written in the same transaction as weekplan's calls.
host_notes = Table(
    "host_notes_joined",
    host_metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("note", String(50), nullable=False),
)


@pytest.fixture
def engine(sql_store: SqlAlchemyStore) -> Iterator[Engine]:
    # The store's own engine: on SQLite it has the settings savepoints need.
    engine = sql_store.engine
    assert engine is not None
    host_metadata.create_all(engine)
    yield engine
    host_metadata.drop_all(engine)


@pytest.fixture(params=["session", "connection"])
def host_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


Hosted = tuple[SqlAlchemyStore, Connection, Callable[[], None]]


@contextmanager
def hosted(engine: Engine, kind: str) -> Iterator[Hosted]:
    """A joined store on a ``Session`` or ``Connection`` of the host's, the host's
    connection, and how the host commits.

    The host's transaction is rolled back at the end unless the test committed it.
    """
    if kind == "session":
        with Session(engine) as session:
            yield SqlAlchemyStore.joining(session), session.connection(), session.commit
            session.rollback()
    else:
        with engine.connect() as connection:
            yield SqlAlchemyStore.joining(connection), connection, connection.commit
            connection.rollback()


def _savepoint_verbs(statements: list[str]) -> list[str]:
    verbs = []
    for statement in statements:
        upper = statement.strip().upper()
        if upper.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            verbs.append(upper.rsplit(" ", 1)[0])
    return verbs


def _framed(statements: list[str], last: str) -> None:
    """The call's first statement opens a savepoint and its last one ``last``s it."""
    assert statements, "the call sent nothing"
    assert statements[0].strip().upper().startswith("SAVEPOINT"), statements
    assert statements[-1].strip().upper().startswith(last), statements
    assert _savepoint_verbs(statements) == ["SAVEPOINT", last], statements


def test_every_call_read_or_write_sends_its_own_savepoint(
    engine: Engine, host_kind: str, statement_log: Callable[[Engine], StatementLog]
) -> None:
    with hosted(engine, host_kind) as (store, connection, _commit):
        connection.execute(insert(host_notes).values(id=1, note="before"))
        worker = Planner(store).worker(f"tenant-frame-{host_kind}")
        log = statement_log(engine)

        template = worker.create_template("Framed", [PlanEntry("mon", "lunch", notes="soup")])
        _framed(log.statements, "RELEASE SAVEPOINT")

        log.clear()
        assert worker.get_template(template.id) == template
        _framed(log.statements, "RELEASE SAVEPOINT")

        log.clear()
        worker.create_instance(template.id, "client-1", MONDAY)
        _framed(log.statements, "RELEASE SAVEPOINT")

        log.clear()
        with pytest.raises(InstanceExists):
            worker.create_instance(template.id, "client-1", MONDAY)
        _framed(log.statements, "ROLLBACK TO SAVEPOINT")

        log.clear()
        with pytest.raises(TemplateNotFound):
            worker.get_template("missing")
        _framed(log.statements, "ROLLBACK TO SAVEPOINT")

        # The host's transaction is still usable and still holds its own row.
        log.clear()
        assert connection.execute(select(host_notes.c.note)).scalars().all() == ["before"]
        assert worker.get_instance("client-1", MONDAY).client_ref == "client-1"


def test_a_call_that_fails_after_writing_leaves_none_of_its_writes(
    engine: Engine, host_kind: str
) -> None:
    tenant = f"tenant-undo-{host_kind}"
    with hosted(engine, host_kind) as (store, connection, _commit):
        worker = Planner(store).worker(tenant)
        worker.upsert_dish("pap", name="Pap", ingredients=["melk", "havermout"])
        template = worker.create_template(
            "Milky", [PlanEntry("mon", "ontbijt", dish_template_id="pap")]
        )
        diet = worker.save_ruleset(NO_MILK)
        worker.assign_ruleset("client-1", diet.content_hash)
        count = select(func.sum(meal_history.c["count"])).where(meal_history.c.tenant_id == tenant)
        before = connection.execute(count).scalar()

        # The history counters are written before the diet refuses the week.
        with pytest.raises(GuardrailsViolation):
            worker.create_instance(template.id, "client-1", MONDAY)

        assert connection.execute(count).scalar() == before
        assert worker.list_instances().items == ()
        # And the host carries on in the same transaction.
        connection.execute(insert(host_notes).values(id=2, note="after"))
        assert connection.execute(select(host_notes.c.id)).scalars().all() == [2]


@pytest.fixture
def postgresql_engine(postgresql_url: URL) -> Iterator[Engine]:
    # PostgreSQL alone aborts the whole transaction on any failed statement.
    store = open_store(postgresql_url)
    assert store.engine is not None
    host_metadata.create_all(store.engine)
    yield store.engine
    host_metadata.drop_all(store.engine)
    store.close()


def _break_the_next_read(engine: Engine) -> Callable[[], None]:
    """Make the next weekplan SELECT fail in the database itself (a division by zero)."""
    armed = [True]

    def rewrite(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
    ) -> tuple[str, Any]:
        if armed[0] and statement.lstrip().upper().startswith("SELECT"):
            armed[0] = False
            statement = statement.replace("SELECT", "SELECT 1/0,", 1)
        return statement, parameters

    event.listen(engine, "before_cursor_execute", rewrite, retval=True)
    return lambda: event.remove(engine, "before_cursor_execute", rewrite)


def test_on_postgresql_the_host_keeps_its_rows_after_a_conflict_and_a_failed_read(
    postgresql_engine: Engine, host_kind: str
) -> None:
    engine = postgresql_engine
    tenant = f"tenant-pg-host-{host_kind}"
    with hosted(engine, host_kind) as (store, connection, commit):
        worker = Planner(store).worker(tenant)
        template = worker.create_template("Host's week")
        worker.create_instance(template.id, "client-1", MONDAY)
        connection.execute(insert(host_notes).values(id=1, note="mine"))

        with pytest.raises(InstanceExists):
            worker.create_instance(template.id, "client-1", MONDAY)
        connection.execute(insert(host_notes).values(id=2, note="still mine"))

        stop = _break_the_next_read(engine)
        try:
            with pytest.raises(StorageError):
                worker.get_template(template.id)
        finally:
            stop()
        connection.execute(insert(host_notes).values(id=3, note="and this"))
        commit()

    with engine.connect() as outside:
        kept = outside.execute(select(host_notes.c.id).order_by(host_notes.c.id))
        assert kept.scalars().all() == [1, 2, 3]
    listed = Planner(SqlAlchemyStore(engine)).worker(tenant).list_instances().items
    assert [i.client_ref for i in listed] == ["client-1"]
