"""The store: units of work over an engine of weekplan's own, or inside a host's transaction.

Two ways to hold a store:

* ``SqlAlchemyStore(url_or_engine)``: each unit of work checks out a connection,
  runs in its own transaction and commits or rolls it back.
* ``SqlAlchemyStore.joining(session_or_connection)``: weekplan's reads and writes
  happen inside the host's transaction, which the host commits or rolls back.
  weekplan never ends it; each unit of work, read or write, runs in a SAVEPOINT
  of its own, opened before its first statement, released on success and rolled
  back on failure, so a failed weekplan call leaves the host's transaction as it
  was and usable (on PostgreSQL a failed statement would otherwise abort it).

>>> from weekplan import Planner
>>> store = SqlAlchemyStore("sqlite://")
>>> store.create_all()
>>> Planner(store).worker("tenant-a").create_template("Cut, week 1").version
1
"""

from __future__ import annotations

import contextlib
import enum
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, NamedTuple, Self

from sqlalchemy import (
    URL,
    Connection,
    Delete,
    Engine,
    Executable,
    Insert,
    NestedTransaction,
    Select,
    TableClause,
    TextClause,
    Update,
    create_engine,
    event,
    make_url,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.elements import ClauseElement, ColumnClause
from sqlalchemy.sql.visitors import iterate

from weekplan.adapters._db_errors import translate_failure
from weekplan.adapters._row_mapping import TableRows
from weekplan.adapters._rows import EntryCodec
from weekplan.adapters.sqlalchemy._direct_statements import (
    DirectResult,
    DirectStatement,
    StatementResult,
    direct_allowed,
    run_on_driver,
    run_pipelined,
)
from weekplan.adapters.sqlalchemy._driver_unit import (
    SQLITE_BEGIN,
    DriverConnection,
    begin_sqlite,
    nothing_listens,
    units_on_the_driver,
)
from weekplan.adapters.sqlalchemy._errors import FailureReading, translate
from weekplan.adapters.sqlalchemy._repositories import (
    KnownAssignments,
    SqlDishRepository,
    SqlInstanceRepository,
    SqlMealHistoryRepository,
    SqlRulesetRepository,
    SqlTemplateRepository,
)
from weekplan.adapters.sqlalchemy._run_repository import SqlRunRepository
from weekplan.adapters.sqlalchemy._run_statements import RunStatements
from weekplan.adapters.sqlalchemy._schedule_repository import SqlScheduleRepository
from weekplan.adapters.sqlalchemy._schema import metadata
from weekplan.adapters.sqlalchemy._statements import Statements
from weekplan.adapters.sqlalchemy._workflow_repositories import (
    SqlChangeLogRepository,
    SqlDraftRepository,
    SqlSlotLockRepository,
)
from weekplan.adapters.sqlalchemy._workflow_statements import WorkflowStatements
from weekplan.errors import ConcurrentUpdate, StorageError, WeekPlanError

__all__ = ["SqlAlchemyStore", "SqlAlchemyUnitOfWork"]

_Savepoint = SessionTransaction | NestedTransaction


def _is_memory_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


#: The most statements a store remembers compiled for its driver (see ``_direct_statement``).
_DIRECT_STATEMENTS_MAX = 1024

#: How long a SQLite writer waits for another writer's lock before giving up.
SQLITE_BUSY_TIMEOUT_SECONDS = 5.0


def _engine_for(url: URL, options: dict[str, Any]) -> Engine:
    """An engine for ``url``; SQLite gets real transactions and, in a file, WAL.

    Python's ``sqlite3`` opens transactions late (only before a write) and never
    for a ``SAVEPOINT``; weekplan needs a unit of work to be one transaction from
    its first read, so the driver's own handling is turned off and every
    transaction that may write starts with ``BEGIN IMMEDIATE``. Taking the write
    lock up front makes SQLite units of work that write serializable, like the
    in-memory store, and spares the "database is locked" failure of a read
    transaction that later writes. Reads begin with a plain ``BEGIN``, or no
    ``BEGIN`` at all for one statement.

    A database file is put in write-ahead-log mode with ``synchronous=NORMAL``:
    readers then read a snapshot and never wait for the writer, and a commit
    appends to the log without a sync (a power cut may lose the last commits,
    never corrupt the file). Writers wait up to
    :data:`SQLITE_BUSY_TIMEOUT_SECONDS` for each other (``connect_args={"timeout": ...}``
    changes it).
    """
    if url.get_backend_name() != "sqlite":
        return create_engine(url, **options)
    in_memory = _is_memory_sqlite(url)
    connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, **options.pop("connect_args", {})}
    if in_memory:
        # One shared connection, or each thread would see its own empty database.
        options = {"poolclass": StaticPool, **options}
        connect_args = {"check_same_thread": False, **connect_args}
    engine = create_engine(url, connect_args=connect_args, **options)

    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        if not in_memory:
            dbapi_connection.execute("PRAGMA journal_mode = WAL")
            dbapi_connection.execute("PRAGMA synchronous = NORMAL")

    event.listen(engine, "begin", begin_sqlite)
    return engine


def _driver_autocommit(connection: Connection) -> Any:
    """Put the driver connection in autocommit for one statement; returns it if it switched.

    psycopg switches on the client, with no round trip: the statement then goes
    alone, with no ``BEGIN`` before it and no ``ROLLBACK`` after it (the driver
    skips a rollback outside a transaction, and so does the pool's reset). This
    is done on the driver connection rather than through SQLAlchemy's
    ``isolation_level`` option, which would set and reset the isolation level
    at every checkout.
    """
    driver: Any = connection.connection.driver_connection
    if driver.autocommit:
        return None  # a host's engine in autocommit already: nothing to undo
    driver.autocommit = True
    return driver


def _end_driver_autocommit(connection: Connection, driver: Any) -> None:
    """Give the connection back to the pool as it came: in transactions again.

    A connection whose driver cannot be switched back (it broke during the
    statement) is invalidated, so the pool never hands it out in autocommit.
    """
    try:
        driver.autocommit = False
    except Exception:  # any driver failure: the connection is dropped
        connection.invalidate()


def _begin_statement(driver: Any) -> str | None:
    """The ``BEGIN`` psycopg would send, or ``None`` if ``driver`` is not at rest in transactions.

    It asks for what psycopg itself would (the connection's isolation level,
    read-only and deferrable settings).
    """
    from psycopg import IsolationLevel  # noqa: PLC0415  # optional: only where psycopg runs
    from psycopg.pq import TransactionStatus  # noqa: PLC0415  # optional, likewise

    if driver.autocommit or driver.info.transaction_status != TransactionStatus.IDLE:
        return None
    begin = ["BEGIN"]
    if driver.isolation_level is not None:
        begin.append(f"ISOLATION LEVEL {IsolationLevel(driver.isolation_level).name}")
    if driver.read_only is not None:
        begin.append("READ ONLY" if driver.read_only else "READ WRITE")
    if driver.deferrable is not None:
        begin.append("DEFERRABLE" if driver.deferrable else "NOT DEFERRABLE")
    return " ".join(begin).replace("_", " ")


def _glued(driver: Any, begin: str, sql: str, params: Mapping[str, Any]) -> str:
    """``begin; sql`` as one simple query, the values quoted as literals by psycopg.

    Quoted by psycopg's client-side cursor, for the connection's encoding.
    """
    from psycopg import ClientCursor  # noqa: PLC0415  # optional: only where psycopg runs

    return f"{begin}; {ClientCursor(driver).mogrify(sql, params)}"


_NUMBER = re.compile(r"-?[0-9]+")


def _tables_of(statement: ClauseElement) -> frozenset[str] | None:
    """Every table named in ``statement``, subqueries included; ``None`` if it holds SQL text."""
    names: set[str] = set()
    for element in iterate(statement):
        if isinstance(element, TableClause):
            names.add(element.fullname)
        elif isinstance(element, TextClause) or (
            isinstance(element, ColumnClause)
            and element.is_literal
            and element.table is None
            and not _NUMBER.fullmatch(element.name)
        ):
            return None
    return frozenset(names)


def _first_row(params: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The parameters of a run, or the first of a batch's (``None`` for an empty batch)."""
    if isinstance(params, Mapping):
        return params
    return params[0] if params else None


def _psycopg_pipelines() -> bool:
    """Whether psycopg's libpq sends pipelines (libpq 14 on), which held writes go in."""
    from psycopg import Pipeline  # noqa: PLC0415  # optional: only where psycopg runs

    return bool(Pipeline.is_supported())


def _on_driver(call: Callable[[], None]) -> None:
    """``call()`` on the driver connection, its failure translated as any database error's."""
    try:
        call()
    except Exception as error:  # the driver's own errors, which SQLAlchemy did not wrap
        raise translate_failure(error, type(error).__name__) from error


def _end_refused_commit(connection: Connection) -> None:
    """Roll back, on the driver, a transaction whose ``COMMIT`` the database refused.

    SQLite refuses a ``COMMIT`` (a deferred foreign key, a full disk) and stays
    in the transaction, holding its write lock; SQLAlchemy counts the
    transaction as ended all the same, so neither it nor the pool's reset
    rolls it back, and the connection would go back to the pool still in it,
    every later ``BEGIN`` on it failing and every other writer of the file
    locked out. PostgreSQL ends a transaction whose ``COMMIT`` failed, and a
    rollback outside one sends nothing. A connection lost meanwhile is left to
    the pool, which drops it.
    """
    with contextlib.suppress(Exception):
        driver: Any = connection.connection.driver_connection
        driver.rollback()


class _Held(NamedTuple):
    """A write held to be sent later (see ``SqlAlchemyUnitOfWork.execute``)."""

    statement: DirectStatement
    #: Its driver values: one run's, or a list of them (one run per row).
    values: Any
    #: The tables it writes (a statement on none of them may run before it is sent).
    tables: frozenset[str]
    #: What its failure means, if something of its own.
    failure: FailureReading | None


class _Reads(enum.Enum):
    """What a unit of work may do (see :class:`~weekplan.ports.SnapshotReads`)."""

    WRITE = enum.auto()
    """Anything: one transaction, SQLite's write lock taken at its start."""
    MANY = enum.auto()
    """Only read, with as many statements as it needs, in one transaction."""
    ONE = enum.auto()
    """Only read, with one statement, outside a transaction where that saves round trips."""


class SqlAlchemyUnitOfWork:
    """One transaction (or, when joined to a host's, one savepoint) over the repositories.

    On PostgreSQL with psycopg, a unit of work that owns its connection sends
    ``BEGIN`` with its first statements (see :meth:`begin_with`), and then
    holds the writes whose result nobody reads (a new week's insert, a week's
    change set and history delta, see :meth:`execute`): they go with
    ``COMMIT`` in one round trip, or earlier, just before the next statement
    on their tables. A failure of one is raised by :meth:`commit`, translated
    as that write's own; a rollback drops them unsent. Joined to a
    host's transaction, with a listener on its statements, on SQLite or on
    MariaDB, every statement runs as it comes.

    On SQLite, a unit of work of a store that made its own engine runs on the
    connection the pool hands out, with no SQLAlchemy ``Connection``, while
    nothing listens to the engine's connections (see :mod:`._driver_unit`):
    ``BEGIN IMMEDIATE`` (or ``BEGIN`` for a read of several statements),
    ``COMMIT`` and ``ROLLBACK`` go to the driver, the statements run on its
    cursor. A statement that must go through SQLAlchemy, or a repository
    that asks for the connection itself, gets a ``Connection`` made on that
    driver connection, in the same transaction.
    """

    def __init__(self, store: SqlAlchemyStore, reads: _Reads = _Reads.WRITE) -> None:
        self._store = store
        self._reads = reads
        self._statements_left = 1 if reads is _Reads.ONE else -1
        self._connection: Connection | None = None
        # On SQLite, the pool's connection held without a Connection (see ``_driver_unit``),
        # until something needs a Connection: then ``_connection`` holds it instead.
        self._driver: DriverConnection | None = None
        # The driver connection switched to autocommit for this unit of work, if any.
        self._autocommit: Any = None
        self._ran = False  # whether a statement has run yet
        # Whether statements run on the driver directly (decided at the first one).
        self._direct: bool | None = None
        self._savepoint: _Savepoint | None = None
        self._wrote = False
        self._locked = False
        # Writes held to go with the next statement on their tables or with COMMIT
        # (see ``execute``): each statement with its driver values and its tables.
        self._held: list[_Held] = []
        # ``BEGIN`` and the write that came with it, waiting to go with the next
        # statement (see ``begin_with``): the text of BEGIN, the write, its driver values.
        self._begin: tuple[str, DirectStatement, Any] | None = None
        # Built on first use: most units of work touch one or two repositories.
        self._templates: SqlTemplateRepository | None = None
        self._instances: SqlInstanceRepository | None = None
        self._dishes: SqlDishRepository | None = None
        self._meal_history: SqlMealHistoryRepository | None = None
        self._rulesets: SqlRulesetRepository | None = None
        self._runs: SqlRunRepository | None = None
        self._workflow: (
            tuple[SqlChangeLogRepository, SqlSlotLockRepository, SqlDraftRepository] | None
        ) = None
        self._schedules: SqlScheduleRepository | None = None
        # Shared by the instances and the rulesets, and only for the life of this unit of work.
        self._assignments: KnownAssignments = {}

    @property
    def templates(self) -> SqlTemplateRepository:
        """The templates, seen through this unit of work."""
        if self._templates is None:
            store = self._store
            self._templates = SqlTemplateRepository(
                self, store._statements, store._rows.templates, self._assignments
            )
        return self._templates

    @property
    def instances(self) -> SqlInstanceRepository:
        """The instances, seen through this unit of work."""
        if self._instances is None:
            store = self._store
            rows = store._rows
            self._instances = SqlInstanceRepository(
                self, store._statements, rows.instances, rows.locks, self._assignments
            )
        return self._instances

    @property
    def dishes(self) -> SqlDishRepository:
        """The dish catalog, seen through this unit of work."""
        if self._dishes is None:
            self._dishes = SqlDishRepository(
                self, self._store._statements, self._store._rows.dishes
            )
        return self._dishes

    @property
    def meal_history(self) -> SqlMealHistoryRepository:
        """The planning history totals, seen through this unit of work."""
        if self._meal_history is None:
            store = self._store
            self._meal_history = SqlMealHistoryRepository(
                self, store._statements, store._rows.history
            )
        return self._meal_history

    @property
    def rulesets(self) -> SqlRulesetRepository:
        """The guardrails rulesets and client assignments, seen through this unit of work."""
        if self._rulesets is None:
            store = self._store
            self._rulesets = SqlRulesetRepository(
                self, store._statements, store._rows.rulesets, self._assignments
            )
        return self._rulesets

    @property
    def runs(self) -> SqlRunRepository:
        """The generation runs, seen through this unit of work."""
        if self._runs is None:
            self._runs = SqlRunRepository(self, self._store._run_statements, self._store._rows.runs)
        return self._runs

    # -- the optional workflow capability (weekplan.workflow_ports) ---------------

    def _workflow_repositories(
        self,
    ) -> tuple[SqlChangeLogRepository, SqlSlotLockRepository, SqlDraftRepository]:
        if self._workflow is None:
            sql = self._store._workflow_statements
            self._workflow = (
                SqlChangeLogRepository(self, sql, self._store._rows.change_sets),
                SqlSlotLockRepository(self, sql, self._store._rows.locks),
                SqlDraftRepository(self, sql, self._store._rows.drafts),
            )
        return self._workflow

    @property
    def changes(self) -> SqlChangeLogRepository:
        """The change log, seen through this unit of work."""
        return self._workflow_repositories()[0]

    @property
    def locks(self) -> SqlSlotLockRepository:
        """The slot locks, seen through this unit of work."""
        return self._workflow_repositories()[1]

    @property
    def drafts(self) -> SqlDraftRepository:
        """The week drafts, seen through this unit of work."""
        return self._workflow_repositories()[2]

    @property
    def schedules(self) -> SqlScheduleRepository:
        """The schedules (an optional capability, see weekplan.schedule_ports)."""
        if self._schedules is None:
            self._schedules = SqlScheduleRepository(
                self, self._store.dialect_name, self._store._rows.schedules
            )
        return self._schedules

    # -- ConnectionSource ---------------------------------------------------------

    def reader(self) -> Connection:
        """The connection of this unit of work (asked for once per statement).

        Writes held so far (see :meth:`execute`) are sent first: a statement
        run on the connection itself sees them.
        """
        connection = self._next_statement()
        self._send_begin_translated(connection)
        if self._held:
            self._flush(connection)
        return connection

    def writer(self) -> Connection:
        """The connection, noting that this unit of work now has something to undo."""
        connection = self._next_write()
        self._send_begin_translated(connection)
        if self._held:
            self._flush(connection)
        return connection

    def _next_statement(self) -> Connection:
        self._count()
        return self._connection_itself()

    def _next_write(self) -> Connection:
        self._count(write=True)
        return self._connection_itself()

    def _count(self, *, write: bool = False) -> None:
        """Note one more statement (a write, with ``write``), refused where it is not allowed."""
        if write and self._reads is not _Reads.WRITE:
            raise RuntimeError("a unit of work that only reads cannot write")
        if self._connection is None and self._driver is None:
            raise RuntimeError("use the unit of work inside a `with` block")
        if self._statements_left == 0:
            # A use case broke its promise of one statement: its reads would not
            # share one snapshot, so refuse rather than answer inconsistently.
            raise RuntimeError("a single-statement read ran a second statement")
        self._statements_left -= 1
        self._ran = True
        if write:
            self._wrote = True

    def _connection_itself(self) -> Connection:
        """The SQLAlchemy ``Connection``, made on the driver connection held so far if need be."""
        if self._driver is not None:
            try:
                self._connection = self._driver.hand_over(self._store._engines[self._reads])
            except SQLAlchemyError as exc:  # a connection lost earlier in this unit of work
                raise translate(exc) from exc
            self._driver = None
        assert self._connection is not None
        return self._connection

    def _flush(self, connection: Connection, then: str = "") -> None:
        """Send the held writes, and ``then`` after them, in one round trip; a failure translated.

        One write of one row goes as text, its values quoted by psycopg, in
        one simple query with ``then``: psycopg's pipeline costs more in Python
        than that round trip. Several go in a pipeline, which keeps them
        prepared on the server and sends many rows without quoting them.

        A failure is what the held writes say it means (the first that says
        anything: a clash on a week's key is :class:`~weekplan.InstanceExists`
        whichever statement sent it), else translated as any other.
        """
        held = self._held
        self._held = []
        try:
            self._send_begin(connection)
            if len(held) == 1 and not isinstance(held[0].values, list):
                sql = held[0].statement.literal_sql(self._autocommit, held[0].values)
                run_on_driver(connection, f"{sql}; {then}" if then else sql, connection.dialect)
                return
            run_pipelined(connection, [(write.statement, write.values) for write in held], then)
        except SQLAlchemyError as exc:
            for write in held:
                meant = None if write.failure is None else write.failure(exc)
                if meant is not None:
                    raise meant from exc
            raise translate(exc) from exc

    def _hold(
        self,
        connection: Connection,
        statement: Executable,
        params: Mapping[str, Any] | Sequence[Mapping[str, Any]],
        failure: FailureReading | None,
    ) -> bool:
        """Keep ``statement`` to send later, if this unit of work may; whether it did.

        Only a unit of work that owns its psycopg connection and began its
        transaction by hand (see :meth:`begin_with`), with its statements run
        on the driver, holds a write; and only a statement of known tables.
        """
        store = self._store
        if self._autocommit is None or not store._holds_writes or not self._direct:
            return False
        first = _first_row(params)
        if first is None:
            return False
        found = store._direct_statement(statement, first)
        tables = store._tables(statement)
        if found is None or tables is None:
            return False
        if not isinstance(params, Mapping) and len(params) == 1:
            params = params[0]  # one row: a plain execute, as when run at once
        self._held.append(_Held(found, found.values(params), tables, failure))
        return True

    def execute(
        self,
        statement: Executable,
        params: Mapping[str, Any] | Sequence[Mapping[str, Any]],
        *,
        write: bool = False,
        deferred: bool = False,
        failure: FailureReading | None = None,
    ) -> StatementResult:
        """Run ``statement`` with ``params`` (a list of them: once per row); errors untranslated.

        On SQLite and psycopg the statement runs on the driver's cursor (see
        :mod:`._direct_statements`) while nothing listens to the connection's
        statements and SQLAlchemy need not finish it as it runs; the
        transaction is SQLAlchemy's all the same, begun here before the first
        statement as SQLAlchemy would begin it (a single-statement read runs
        outside one). Anywhere else it runs as any other.

        ``deferred`` marks a write whose result nobody reads (a change set, a
        history delta, a new week). On PostgreSQL, a unit of work that owns its psycopg
        connection, began its transaction with its first statement (see
        :meth:`begin_with`) and runs its statements on the driver holds such a
        write, its values processed, and sends it later in one round trip
        with the other held writes (see ``_flush``): with ``COMMIT`` (see
        :meth:`commit`), so one round trip does all, or just before the first
        later statement that reads or writes one of its tables (or whose tables
        are not known, or that is run on the connection itself). Statements on
        other tables run meanwhile, in between: they cannot see the
        difference, since weekplan's tables have no triggers and the held
        tables no foreign keys. The statements are the ones run at once would
        be, with the same values. A write held that
        fails does so when it is sent, and its error is raised there, translated
        as if it had run at once (``failure`` says what it means, if anything
        of its own: a clash on a new week's key is ``InstanceExists``), never
        as the failure of the statement that sent it along; a rollback drops
        it unsent. Elsewhere (SQLite, MariaDB, a joined store, a listener on
        the statements) it runs at once. Its result is then empty, its
        ``rowcount`` ``-1``.

        A SQLite unit of work on the driver connection (see ``_driver_unit``)
        runs the statement there; one that must go through SQLAlchemy gets a
        ``Connection`` on that driver connection, in the same transaction.
        """
        if self._driver is not None:
            return self._execute_on_driver(self._driver, statement, params, write=write)
        connection = self._next_write() if write else self._next_statement()
        self._decide_direct(connection)
        if deferred and self._hold(connection, statement, params, failure):
            return DirectResult(())
        if self._held and not self._store._apart(statement, [w.tables for w in self._held]):
            # Translated here, as a held write's own failure, never as this statement's.
            self._flush(connection)
        if self._direct:
            first = _first_row(params)
            found = None if first is None else self._store._direct_statement(statement, first)
            if found is not None:
                if self._reads is not _Reads.ONE and not connection.in_transaction():
                    connection.begin()
                if self._begin is not None:
                    begin, held_first, values = self._begin
                    self._begin = None
                    return found.run_after(
                        connection, [(begin, None), (held_first.sql, values)], params
                    )
                return found.run_given(connection, params)
        self._send_begin(connection)
        return connection.execute(statement, params)

    def _decide_direct(self, connection: Connection) -> None:
        """Decide, at the first statement, whether this unit of work runs statements directly."""
        if self._direct is None:
            self._direct = self._store._direct_capable and direct_allowed(connection)

    def _execute_on_driver(
        self,
        driver: DriverConnection,
        statement: Executable,
        params: Mapping[str, Any] | Sequence[Mapping[str, Any]],
        *,
        write: bool,
    ) -> StatementResult:
        """:meth:`execute` on the driver connection, or through a ``Connection`` made on it."""
        self._count(write=write)
        first = _first_row(params)
        found = None if first is None else self._store._direct_statement(statement, first)
        if found is not None:
            return driver.run(found, params)
        return self._connection_itself().execute(statement, params)

    def begin_with(self, statement: Insert, params: Mapping[str, Any]) -> None:
        """Run a write; if it is the unit of work's first statement, with its ``BEGIN``.

        psycopg sends ``BEGIN`` in a round trip of its own before the first
        statement of a transaction. When this unit of work owns its connection
        and ``statement`` comes first (the statement that holds a client, before
        every write of a week), the driver is put in autocommit and ``BEGIN``,
        with the isolation level the driver would have asked for, goes with the
        statement. The transaction is the same; psycopg commits or rolls it
        back as ever, and the connection leaves autocommit before it goes back
        to the pool. Elsewhere the statement runs as any other.

        Where statements run on the driver and psycopg sends pipelines, both
        wait for the next statement (the week or template the write reads
        first) and go in one pipeline with it: one round trip for ``BEGIN``,
        the client's hold and that read, each statement prepared on the server
        as psycopg prepares any. Under READ COMMITTED each statement takes its
        own snapshot, so the read still sees every commit the hold waited for.
        Anything else that comes next (a statement run through SQLAlchemy, the
        connection itself asked for, ``COMMIT``) sends them first, in one
        query, values quoted by the driver; a rollback before then drops them
        unsent, as nothing has begun.
        """
        glue = not self._ran and self._store._begin_glued and self._autocommit is None
        connection = self.writer()  # after any held writes
        try:
            if glue:
                driver: Any = connection.connection.driver_connection
                begin = _begin_statement(driver)
                if begin is not None:
                    driver.autocommit = True
                    self._autocommit = driver
                    self._decide_direct(connection)
                    found = self._store._direct_statement(statement, params)
                    if self._direct and self._store._holds_writes and found is not None:
                        self._begin = (begin, found, found.values(params))
                        return
                    query = _glued(driver, begin, self._store._compiled(statement), params)
                    # SQLAlchemy hands psycopg an empty dict of parameters, so a %
                    # in a value would read as a placeholder: doubled, it reaches
                    # the server as one %.
                    connection.exec_driver_sql(query.replace("%", "%%"))
                    return
            connection.execute(statement, params)
        except SQLAlchemyError as exc:
            raise translate(exc) from exc

    def _send_begin(self, connection: Connection) -> None:
        """Send ``BEGIN`` and the write waiting with it (see :meth:`begin_with`), untranslated."""
        if self._begin is None:
            return
        begin, first, values = self._begin
        self._begin = None
        sql = f"{begin}; {first.literal_sql(self._autocommit, values)}"
        run_on_driver(connection, sql, connection.dialect)

    def _send_begin_translated(self, connection: Connection) -> None:
        try:
            self._send_begin(connection)
        except SQLAlchemyError as exc:
            raise translate(exc) from exc

    # -- UnitOfWork ---------------------------------------------------------------

    def __enter__(self) -> Self:
        store = self._store
        if store._serial is not None:
            store._serial.acquire()
            self._locked = True
        try:
            if store._host is None:
                assert store._engine is not None
                begin = store._driver_begins.get(self._reads)
                if begin is not None and nothing_listens(store._engine):
                    self._driver = DriverConnection(store._engine, begin)
                    return self
                self._connection = store._engines[self._reads].connect()
                if self._reads is _Reads.ONE and store._autocommit_reads:
                    self._autocommit = _driver_autocommit(self._connection)
            else:
                self._connection = self._open_savepoint(store._host)
        except SQLAlchemyError as exc:
            self._release_lock()
            raise translate(exc) from exc
        except BaseException:
            self._release_lock()
            raise
        return self

    def _open_savepoint(self, host: Session | Connection) -> Connection:
        """Send ``SAVEPOINT`` now, before any statement of this unit of work.

        Every unit of work gets one, reads included: on PostgreSQL any failed
        statement (a read that times out, say) aborts the whole transaction,
        and only rolling back to a savepoint makes it usable again. A
        ``Session``'s ``begin_nested()`` sends nothing until a connection is
        asked of it afterwards, so the connection is fetched right after.
        """
        if isinstance(host, Session):
            self._savepoint = host.begin_nested()
            return host.connection()
        self._savepoint = host.begin_nested()
        return host

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if isinstance(exc, ConcurrentUpdate) and exc.whole_transaction and self._store._host:
            # The database undid (or doomed) the host's whole transaction: running
            # the call again inside it could not help, so the host must retry it.
            self._end_joined_quietly()
            raise StorageError(
                "the database undid the host's transaction to resolve a conflict; retry it"
            ) from exc
        try:
            if self._store._host is not None:
                if exc is None and not self._wrote:
                    # Only reads: nothing to undo, and releasing frees the savepoint.
                    self.commit()
                else:
                    self.rollback()
        finally:
            self._held.clear()  # never sent: rolled back with the rest
            self._begin = None  # never sent: nothing began
            connection, self._connection = self._connection, None
            on_driver, self._driver = self._driver, None
            try:
                if on_driver is not None:
                    on_driver.close()  # rolls back what was not committed
                if connection is not None and self._store._host is None:
                    self._close(connection)
            except SQLAlchemyError as error:
                if exc is None:
                    raise translate(error) from error
            finally:
                self._release_lock()
                self._forget_repositories()

    def _forget_repositories(self) -> None:
        """Drop the repositories built so far, which refer back to this unit of work.

        Left as they were, each unit of work and its repositories would be a
        reference cycle that only Python's cycle collector frees: every call
        would leave one behind, and the more garbage waits, the more often the
        collector passes over the whole heap of the host's process. Dropped
        here, all of it is freed as the block ends. A repository kept past the
        ``with`` block refuses to run, as before.
        """
        self._templates = self._instances = self._dishes = None
        self._meal_history = self._rulesets = self._runs = None
        self._workflow = None
        self._schedules = None

    def _close(self, connection: Connection) -> None:
        """Give a connection of this unit of work's own back to the pool, as it came."""
        # Closing rolls back what was not committed, and tells the pool so:
        # a rollback first would have the pool reset the connection again.
        try:
            if self._autocommit is not None:
                driver, self._autocommit = self._autocommit, None
                try:
                    # Ends a transaction begun by hand (psycopg sends
                    # ROLLBACK only inside one) so autocommit can end,
                    # SQLAlchemy's view of it first, then the driver's.
                    connection.rollback()
                    with contextlib.suppress(Exception):
                        # A lost connection: invalidated just below.
                        driver.rollback()
                finally:
                    _end_driver_autocommit(connection, driver)
        finally:
            connection.close()

    def commit(self) -> None:
        """Commit this unit of work (joined: release its savepoint; the host commits).

        Writes still held (see :meth:`execute`) go in one round trip with ``COMMIT``;
        if one fails, nothing is committed and its error is raised, translated.
        """
        try:
            if self._store._host is None:
                if self._driver is not None:
                    self._count()
                    self._driver.commit()
                    return
                connection = self._next_statement()
                self._send_begin(connection)
                if self._held:
                    # The transaction was begun by hand: psycopg and SQLAlchemy
                    # then find it ended, and their commits send nothing.
                    self._flush(connection, "COMMIT")
                try:
                    connection.commit()
                except SQLAlchemyError:
                    _end_refused_commit(connection)
                    raise
                if self._autocommit is not None:
                    # A transaction begun by hand and read directly may be one
                    # SQLAlchemy never saw; psycopg commits it (or sees none).
                    _on_driver(self._autocommit.commit)
            elif self._savepoint is not None:
                savepoint, self._savepoint = self._savepoint, None
                savepoint.commit()
        except SQLAlchemyError as exc:
            raise translate(exc) from exc

    def rollback(self) -> None:
        """Undo this unit of work (joined: roll back to its savepoint only); held writes unsent."""
        self._held.clear()
        self._begin = None
        try:
            if self._store._host is None:
                if self._driver is not None:
                    self._driver.rollback()
                if self._connection is not None:
                    self._connection.rollback()
                if self._autocommit is not None:
                    _on_driver(self._autocommit.rollback)  # as in commit()
            elif self._savepoint is not None:
                savepoint, self._savepoint = self._savepoint, None
                if savepoint.is_active:
                    savepoint.rollback()
        except SQLAlchemyError as exc:
            raise translate(exc) from exc

    def _end_joined_quietly(self) -> None:
        try:
            self.rollback()
        except WeekPlanError:
            pass  # the savepoint went with the transaction; the host learns of it next
        finally:
            self._connection = None

    def _release_lock(self) -> None:
        if self._locked:
            self._locked = False
            assert self._store._serial is not None
            self._store._serial.release()


class SqlAlchemyStore:
    """weekplan's data in a SQL database: SQLite, PostgreSQL or MariaDB.

    Pass a URL (weekplan makes and owns the engine; extra keywords go to
    :func:`sqlalchemy.create_engine`) or an :class:`~sqlalchemy.Engine` of the
    host's. To run inside a transaction of the host, use :meth:`joining`.
    Safe to share between threads.

    The tables must exist: run the shipped Alembic migrations (see
    :mod:`weekplan.adapters.sqlalchemy.migrations`) or, for a quick start,
    :meth:`create_all`.
    """

    #: Its instances read a week with its locks in one statement (``WeekWithLocksReads``).
    reads_week_with_locks = True
    #: Its templates read a client's ruleset along (``TemplateWithAssignmentReads``).
    reads_template_with_assignment = True

    def __init__(self, bind: str | URL | Engine, **engine_options: Any) -> None:
        if isinstance(bind, Engine):
            if engine_options:
                raise TypeError("engine options only apply when weekplan makes the engine")
            engine, owned = bind, False
        else:
            engine, owned = _engine_for(make_url(bind), dict(engine_options)), True
        self._setup(engine.dialect.name, engine=engine, host=None, owned=owned)
        # A StaticPool shares one connection: units of work must take turns on it.
        self._serial: threading.RLock | None = (
            threading.RLock() if isinstance(engine.pool, StaticPool) else None
        )

    @classmethod
    def joining(cls, host: Session | Connection) -> SqlAlchemyStore:
        """A store that works inside the host's ``Session`` or ``Connection`` transaction.

        weekplan's writes commit or roll back with the host's transaction; each
        weekplan call, read or write, runs in a savepoint of its own, so a failed
        call is undone without ending the host's transaction or leaving it
        aborted. The store is bound to that one
        session or connection, so make one per host transaction.

        On SQLite the host's engine must use SQLAlchemy's recipe for working
        savepoints (``isolation_level = None`` and an explicit ``BEGIN``).
        """
        store = cls.__new__(cls)
        bind = host.get_bind() if isinstance(host, Session) else host
        store._setup(bind.dialect.name, engine=None, host=host, owned=False)
        store._serial = None
        return store

    def _setup(
        self,
        dialect_name: str,
        *,
        engine: Engine | None,
        host: Session | Connection | None,
        owned: bool,
    ) -> None:
        self._engine = engine
        self._host = host
        self._owned = owned
        # One engine per kind of unit of work, all on the same pool and events:
        # the options that tell SQLite how to begin are set once here rather than
        # on every connection (see ``_Reads``).
        self._engines: dict[_Reads, Engine] = {}
        # psycopg is switched to autocommit on the driver connection (see
        # ``_driver_autocommit``); another PostgreSQL driver through SQLAlchemy.
        self._autocommit_reads = False
        # Whether a write's first statement may go with its BEGIN (see ``begin_with``).
        self._begin_glued = False
        # Whether a unit of work may hold writes for COMMIT (see ``SqlAlchemyUnitOfWork.execute``).
        self._holds_writes = False
        self._glued_sql: dict[Insert, str] = {}
        # Statements run on the driver, by statement and the names of its parameters.
        self._direct: dict[tuple[Executable, tuple[str, ...]], DirectStatement | None] = {}
        self._direct_capable = False
        # How a unit of work of each kind begins on the driver connection, where
        # it runs there (see ``_driver_unit``): only an engine weekplan made.
        self._driver_begins: dict[_Reads, str] = {}
        # The tables each statement reads or writes (``None``: not known), see ``_tables``.
        self._touched: dict[Executable, frozenset[str] | None] = {}
        if engine is not None:
            self._direct_capable = dialect_name == "sqlite" or engine.dialect.driver == "psycopg"
            one = engine.execution_options(**{SQLITE_BEGIN: ""})
            if dialect_name == "postgresql":
                self._autocommit_reads = engine.dialect.driver == "psycopg"
                self._begin_glued = self._autocommit_reads
                self._holds_writes = self._begin_glued and _psycopg_pipelines()
                if not self._autocommit_reads:
                    one = engine.execution_options(isolation_level="AUTOCOMMIT")
            if owned and units_on_the_driver(engine):
                self._driver_begins = {
                    _Reads.WRITE: "BEGIN IMMEDIATE",
                    _Reads.MANY: "BEGIN",
                    _Reads.ONE: "",
                }
            self._engines = {
                _Reads.WRITE: engine,
                _Reads.MANY: engine.execution_options(**{SQLITE_BEGIN: "BEGIN"}),
                _Reads.ONE: one,
            }
        self._statements = Statements(dialect_name)
        self._run_statements = RunStatements(dialect_name)
        self._workflow_statements = WorkflowStatements(dialect_name)
        self._codec = EntryCodec()
        # Every table's rows to domain values and back, through that one codec.
        self._rows = TableRows(self._codec)

    def _direct_statement(
        self, statement: Executable, params: Mapping[str, Any]
    ) -> DirectStatement | None:
        """``statement`` compiled once for the driver, or ``None`` if it must go through SQLAlchemy.

        An ``INSERT`` or ``UPDATE`` is compiled for the columns it is given, as
        SQLAlchemy compiles it, so the names of the parameters are part of the
        key. The statements come from the store's own statement classes, built
        once each; the number remembered is bounded all the same.
        """
        key = (statement, tuple(params))
        try:
            return self._direct[key]
        except KeyError:
            pass
        if len(self._direct) >= _DIRECT_STATEMENTS_MAX:
            return None
        assert self._engine is not None
        try:
            found: DirectStatement | None = DirectStatement(statement, self._engine.dialect, key[1])
        except TypeError:
            found = None
        self._direct[key] = found
        return found

    def _tables(self, statement: Executable) -> frozenset[str] | None:
        """The names of the tables ``statement`` reads or writes; ``None`` if not known.

        Not known: anything but a ``SELECT``, ``INSERT``, ``UPDATE`` or
        ``DELETE`` of Core, or one with SQL written as text (a literal column
        other than a number counts as text). Found once per statement, which
        the store's statement classes build once each; bounded all the same.
        """
        try:
            return self._touched[statement]
        except KeyError:
            pass
        found: frozenset[str] | None = None
        if isinstance(statement, (Select, Insert, Update, Delete)):
            found = _tables_of(statement)
        if len(self._touched) < _DIRECT_STATEMENTS_MAX:
            self._touched[statement] = found
        return found

    def _apart(self, statement: Executable, tables: Iterable[frozenset[str]]) -> bool:
        """Whether ``statement`` is known to touch none of ``tables`` (sets of table names)."""
        touched = self._tables(statement)
        return touched is not None and all(touched.isdisjoint(names) for names in tables)

    def _compiled(self, statement: Insert) -> str:
        """The SQL text of ``statement`` for this store's dialect, compiled once."""
        sql = self._glued_sql.get(statement)
        if sql is None:
            assert self._engine is not None
            sql = str(statement.compile(dialect=self._engine.dialect))
            self._glued_sql[statement] = sql
        return sql

    @property
    def dialect_name(self) -> str:
        """``sqlite``, ``postgresql`` or ``mysql`` (MariaDB)."""
        return self._statements.dialect_name

    @property
    def engine(self) -> Engine | None:
        """The engine units of work connect with; ``None`` for a joined store."""
        return self._engine

    def unit_of_work(self) -> SqlAlchemyUnitOfWork:
        """A new unit of work; enter it with ``with``."""
        return SqlAlchemyUnitOfWork(self)

    def read_unit_of_work(self, *, single_statement: bool) -> SqlAlchemyUnitOfWork:
        """A unit of work that only reads (:class:`~weekplan.ports.SnapshotReads`).

        One statement runs without a transaction around it on PostgreSQL (no
        ``BEGIN``, no ``ROLLBACK``) and on SQLite (no ``BEGIN``); one statement
        is its own consistent snapshot. A read of several statements keeps one
        transaction, on SQLite a deferred one, which in WAL mode reads a snapshot
        without waiting for a writer. MariaDB reads stay in a transaction:
        leaving it for one statement costs pymysql two ``SET`` round trips, more
        than the ``ROLLBACK`` it would spare. A joined store reads in the host's
        transaction, as ever.
        """
        if self._host is not None:
            return SqlAlchemyUnitOfWork(self)
        return SqlAlchemyUnitOfWork(self, _Reads.ONE if single_statement else _Reads.MANY)

    def create_all(self) -> None:
        """Create weekplan's tables that do not exist yet (no migrations, for quick starts)."""
        self._ddl(metadata.create_all)

    def drop_all(self) -> None:
        """Drop weekplan's tables and all they hold."""
        self._ddl(metadata.drop_all)

    def close(self) -> None:
        """Close the connections of an engine weekplan made; a host's engine is left alone."""
        if self._owned and self._engine is not None:
            self._engine.dispose()

    def _ddl(self, run: Callable[[Connection], None]) -> None:
        try:
            if self._host is None:
                assert self._engine is not None
                with self._engine.begin() as connection:
                    run(connection)
            else:
                run(self._host.connection() if isinstance(self._host, Session) else self._host)
        except SQLAlchemyError as exc:
            raise translate(exc) from exc

    def __repr__(self) -> str:
        where = "joined" if self._host is not None else repr(self._engine)
        return f"<SqlAlchemyStore {self.dialect_name} {where}>"
