"""SQLite units of work on the pool's own driver connection, with no SQLAlchemy ``Connection``.

A week written on SQLite is a few statements that already run on the driver's
cursor (see :mod:`._direct_statements`); what is left of SQLAlchemy around
them is its ``Connection``: made at checkout, its transaction begun (which
sends SQLite's ``BEGIN IMMEDIATE`` from a ``begin`` listener), committed and
closed, each step with its events and bookkeeping. That costs about as much
in Python as a statement. A :class:`DriverConnection` does the same on the
connection the pool hands out (:meth:`~sqlalchemy.Engine.raw_connection`):
the pool's own events (``checkout``, ``checkin``, ``reset``) fire as ever,
``BEGIN IMMEDIATE`` (or ``BEGIN`` for a read of several statements) goes
before the first statement, ``COMMIT`` and ``ROLLBACK`` are the driver's,
and closing gives the connection back to the pool, which resets it.

It is only taken where nothing can tell the difference (see
:func:`units_on_the_driver` and :func:`nothing_listens`): an engine weekplan
made for SQLite's own driver, with no execution options, no logging of its
statements, and no listener on its connections but the store's own
``begin`` (:func:`begin_sqlite`). A statement that must run through
SQLAlchemy, or a repository that asks for the connection itself, gets one
made on the same driver connection, inside the transaction already begun
(:meth:`DriverConnection.hand_over`); the unit of work goes on from there
as any other. Failures are wrapped as SQLAlchemy wraps them, a lost
connection invalidated, so they are translated as on the other path.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, PendingRollbackError
from sqlalchemy.pool import PoolProxiedConnection

from weekplan.adapters.sqlalchemy._direct_statements import (
    DirectResult,
    DirectStatement,
    direct_allowed,
    run_on_driver,
    wrapped_driver_error,
)

__all__ = [
    "SQLITE_BEGIN",
    "DriverConnection",
    "begin_sqlite",
    "nothing_listens",
    "units_on_the_driver",
]

#: The execution option that tells :func:`begin_sqlite` how to begin:
#: "BEGIN IMMEDIATE" (a unit of work that may write), "BEGIN" (a read of several
#: statements) or "" (one statement, run by SQLite in a transaction of its own).
SQLITE_BEGIN = "weekplan_sqlite_begin"

_INVALID = "Can't reconnect until invalid transaction is rolled back"


def begin_sqlite(connection: Connection) -> None:
    """The ``begin`` listener of a SQLite engine weekplan makes: sends the ``BEGIN`` it asks for.

    Python's ``sqlite3`` has its own transaction handling turned off on these
    engines (see ``_engine_for``), so SQLAlchemy's begin sends nothing by itself.
    """
    begin = connection.get_execution_options().get(SQLITE_BEGIN, "BEGIN IMMEDIATE")
    if not begin:
        return
    if direct_allowed(connection):
        run_on_driver(connection, begin, connection.dialect)
    else:
        connection.exec_driver_sql(begin)


def units_on_the_driver(engine: Engine) -> bool:
    """Whether units of work on ``engine`` (one weekplan made) may run on its driver connection.

    Only on SQLite's own driver, and only for an engine without execution
    options of its own, which SQLAlchemy would apply to every connection.
    Whether anything listens is asked of every unit of work (see
    :func:`nothing_listens`): listeners come and go.
    """
    return (
        engine.dialect.name == "sqlite"
        and engine.dialect.driver == "pysqlite"
        and not engine.get_execution_options()
    )


def nothing_listens(engine: Engine) -> bool:
    """Whether nothing would see a unit of work done without a SQLAlchemy ``Connection``.

    Nothing listens to the engine's connections (their making, statements,
    commits, rollbacks, errors, options; for ``begin``, nothing but
    :func:`begin_sqlite`), nor to every connection's (a listener on the
    ``Connection`` class, which SQLAlchemy remembers for good), and the
    engine logs no statements.
    """
    if Connection._has_events:  # SQLAlchemy's own flag, set by a listener on the class
        return False
    events = engine.dispatch
    if (
        events.engine_connect
        or events.before_execute
        or events.after_execute
        or events.before_cursor_execute
        or events.after_cursor_execute
        or events.commit
        or events.rollback
        or events.set_connection_execution_options
        or engine.dialect.dispatch.handle_error
    ):
        return False
    begins = tuple(events.begin)
    return begins == (begin_sqlite,) and not engine.logger.isEnabledFor(logging.INFO)


class DriverConnection:
    """The pool's connection of one unit of work, its transaction begun and ended on the driver.

    Checked out when made; :meth:`close` gives it back. What
    :class:`~._direct_statements.DirectStatement` needs of a connection
    (``connection``, ``invalidate``) it has, so statements run on it as on
    a SQLAlchemy ``Connection``.
    """

    __slots__ = ("_began", "_begin", "_engine", "_invalid", "connection")

    def __init__(self, engine: Engine, begin: str) -> None:
        """Check out a connection; ``begin`` is sent before the first statement ("": nothing).

        A failure to connect is wrapped as SQLAlchemy's ``connect()`` wraps it.
        """
        dialect = engine.dialect
        try:
            self.connection: PoolProxiedConnection = engine.raw_connection()
        except dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(
                None,
                None,
                error,
                dialect.loaded_dbapi.Error,
                hide_parameters=engine.hide_parameters,
                connection_invalidated=dialect.is_disconnect(error, None, None),
                dialect=dialect,
            ) from error
        self._engine = engine
        self._begin = begin
        self._began = False
        self._invalid = False

    def invalidate(self, exception: BaseException | None = None) -> None:
        """Drop the connection from the pool (it was lost); the transaction is gone with it."""
        self._invalid = True
        self._began = False
        self.connection.invalidate(exception)

    def run(
        self, statement: DirectStatement, params: Mapping[str, Any] | Sequence[Mapping[str, Any]]
    ) -> DirectResult:
        """Run ``statement`` (a list of parameters: once per row), the transaction begun first."""
        if not self._began:
            self._start()
        return statement.run_given(self, params)

    def _start(self) -> None:
        """Begin the transaction; with no ``BEGIN`` to send, each statement is its own."""
        if self._invalid:
            raise PendingRollbackError(_INVALID)
        if self._begin:
            run_on_driver(self, self._begin, self._engine.dialect)
            self._began = True

    def commit(self) -> None:
        """Commit the transaction, if one was begun; its failure wrapped as SQLAlchemy's.

        A commit that fails leaves the transaction to :meth:`close`, which rolls it back.
        """
        if self._invalid:
            raise PendingRollbackError(_INVALID)
        if self._began:
            self._end(self._driver().commit, "COMMIT")
            self._began = False

    def rollback(self) -> None:
        """Roll the transaction back, if one was begun (nothing to do on a lost connection)."""
        if self._began:
            self._began = False
            self._end(self._driver().rollback, "ROLLBACK")

    def _driver(self) -> Any:
        return self.connection.driver_connection

    def _end(self, end: Any, sql: str) -> None:
        """``end()``, the driver's ``commit`` or ``rollback``, its failure wrapped as ``sql``'s."""
        dialect = self._engine.dialect
        try:
            end()
        except dialect.loaded_dbapi.Error as error:
            raise wrapped_driver_error(self, dialect, sql, (), error, None) from error

    def close(self) -> None:
        """Roll back what was not committed and give the connection back to the pool."""
        try:
            self.rollback()
        finally:
            self.connection.close()

    def hand_over(self, engine: Engine) -> Connection:
        """A SQLAlchemy ``Connection`` (of ``engine``) on this driver connection, which it now owns.

        Inside the transaction already begun, if one was: SQLAlchemy's own is
        begun with no ``BEGIN`` sent (:func:`begin_sqlite` is told to send none
        for it), so it commits or rolls back the one SQLite is in.
        """
        if self._invalid:
            raise PendingRollbackError(_INVALID)
        connection = Connection(engine, self.connection)
        if self._began:
            begin = connection.get_execution_options().get(SQLITE_BEGIN, "BEGIN IMMEDIATE")
            connection.execution_options(**{SQLITE_BEGIN: ""})
            connection.begin()
            # Later transactions (after a commit) begin as the unit of work's kind asks.
            connection.execution_options(**{SQLITE_BEGIN: begin})
        return connection
