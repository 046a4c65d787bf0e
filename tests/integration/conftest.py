"""Databases for the integration tests: SQLite (file and memory), PostgreSQL, MariaDB.

Servers are found at ``WEEKPLAN_TEST_POSTGRES_URL`` and ``WEEKPLAN_TEST_MYSQL_URL``,
or else at their default local addresses (see ``tests/databases.py``). A server
that is not reachable skips its tests, listed at the end of the run, unless
``CI=true``, where it fails them: a green run must not hide an untested database.

Each run works in a schema (PostgreSQL) or database (MariaDB) of its own,
created at the start and dropped at the end, so runs never see each other's rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="the `sqlalchemy` extra is not installed")

from sqlalchemy import URL, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import SQLAlchemyError

from tests.databases import MARIADB, POSTGRESQL, Server, missing_driver, unavailable
from weekplan.adapters.sqlalchemy import SqlAlchemyStore

SERVERS = ("postgresql", "mariadb")
BACKENDS = ("sqlite-file", "sqlite-memory", *SERVERS)


def admin_engine(server: Server) -> Engine:
    """An autocommit engine on ``server``; skips (or, in CI, fails) when it cannot connect."""
    try:
        engine = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    except ImportError as exc:
        unavailable(server, missing_driver(server, exc))
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        engine.dispose()
        cause = str(getattr(exc, "orig", None) or exc).strip().splitlines() or [repr(exc)]
        unavailable(server, f"is unreachable at {server.where()}: {cause[0]}")
    return engine


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[URL]:
    """A URL whose connections work in a fresh schema, dropped after the run."""
    admin = admin_engine(POSTGRESQL)
    schema = f"weekplan_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def mariadb_url() -> Iterator[URL]:
    """A URL of a fresh database, dropped after the run."""
    admin = admin_engine(MARIADB)
    database = f"weekplan_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4"))
    try:
        yield admin.url.set(database=database)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE `{database}`"))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_file_url(tmp_path_factory: pytest.TempPathFactory) -> URL:
    """A SQLite database file in a temporary folder."""
    path: Path = tmp_path_factory.mktemp("sqlite") / "weekplan.db"
    return make_url(f"sqlite:///{path}")


def url_for(request: pytest.FixtureRequest, backend: str) -> URL:
    """The database URL of ``backend``, one of :data:`BACKENDS`."""
    if backend == "sqlite-memory":
        return make_url("sqlite://")
    name = {"sqlite-file": "sqlite_file_url"}.get(backend, f"{backend}_url")
    url: URL = request.getfixturevalue(name)
    return url


def open_store(url: URL) -> SqlAlchemyStore:
    """A store on ``url`` with weekplan's tables in place."""
    store = SqlAlchemyStore(url)
    store.create_all()
    return store


@pytest.fixture
def url_of(request: pytest.FixtureRequest) -> Callable[[str], URL]:
    """Look up the URL of a backend by name (for test classes that pick theirs)."""
    return lambda backend: url_for(request, backend)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each database in turn."""
    name: str = request.param
    return name


@pytest.fixture(params=SERVERS)
def server(request: pytest.FixtureRequest) -> str:
    """Each database server in turn (the ones with real concurrency)."""
    name: str = request.param
    return name


@pytest.fixture
def database_url(request: pytest.FixtureRequest, backend: str) -> URL:
    """The URL of the database under test."""
    return url_for(request, backend)


@pytest.fixture
def server_url(request: pytest.FixtureRequest, server: str) -> URL:
    """The URL of the database server under test."""
    return url_for(request, server)


@pytest.fixture
def sql_store(database_url: URL) -> Iterator[SqlAlchemyStore]:
    """A store on each database in turn."""
    store = open_store(database_url)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def server_store(server_url: URL) -> Iterator[SqlAlchemyStore]:
    """A store on each database server in turn."""
    store = open_store(server_url)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database (or schema) with no tables at all."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
        yield engine
        engine.dispose()
        return
    admin = admin_engine(POSTGRESQL if request.param == "postgresql" else MARIADB)
    name = f"weekplan_mig_{uuid.uuid4().hex[:12]}"
    url: URL
    with admin.connect() as connection:
        if request.param == "postgresql":
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
            url = admin.url.update_query_dict({"options": f"-csearch_path={name}"})
        else:
            connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET latin1"))
            url = admin.url.set(database=name)
    engine = create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            if request.param == "postgresql":
                connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
            else:
                connection.execute(text(f"DROP DATABASE `{name}`"))
        admin.dispose()


class StatementLog:
    """Every statement an engine sends to its driver, as the driver receives it."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, *args: object) -> None:
        self.statements.append(str(args[2]))

    def clear(self) -> None:
        """Forget what was logged so far."""
        self.statements.clear()

    def __len__(self) -> int:
        return len(self.statements)


@pytest.fixture
def statement_log() -> Iterator[Callable[[Engine], StatementLog]]:
    """Start logging an engine's statements; stopped at the end of the test."""
    attached: list[tuple[Engine, StatementLog]] = []

    def attach(engine: Engine) -> StatementLog:
        log = StatementLog()
        event.listen(engine, "before_cursor_execute", log)
        attached.append((engine, log))
        return log

    yield attach
    for engine, log in attached:
        event.remove(engine, "before_cursor_execute", log)


def terminate_connection_of(store: SqlAlchemyStore) -> None:
    """End, from the server's side, the PostgreSQL connection ``store``'s pool hands out next.

    For a store of one pooled connection: its next call finds the connection lost.
    """
    assert store.engine is not None
    with store.engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    killer = SqlAlchemyStore(store.engine.url)
    try:
        assert killer.engine is not None
        with killer.engine.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            connection.commit()
    finally:
        killer.close()
