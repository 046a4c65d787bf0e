"""A read of one statement run on the driver's own cursor, its rows decoded as SQLAlchemy would.

``get_instance`` is the call a host makes most, and it is one statement
outside a transaction (psycopg in autocommit; SQLite's own transaction of one
statement): the database's share is small, and running the statement through
:meth:`sqlalchemy.engine.Connection.execute` costs about as much again in
Python (the cache lookup, the execution context, the result's metadata built
from the cursor's description, each row's processing). A :class:`DirectRead`
does that work once: the statement is compiled when the store first runs it,
its parameters' and columns' processors are looked up then, and each call is
the driver's ``execute`` and ``fetchall`` with the few columns that need it
(dates, the UTC datetimes) processed.

What stays as ever: the SQL text and parameters are SQLAlchemy's, so the
statement is the one every other path sends; a driver error is wrapped as
SQLAlchemy would wrap it (a lost connection invalidated) and then translated
like any other; and the store only takes this path while no listener watches
the statements of the engine or connection (``before_execute``,
``before_cursor_execute`` and their ``after_`` pairs), so a host that
instruments its engine sees every statement as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Dialect, Select
from sqlalchemy.exc import DBAPIError, StatementError

from weekplan.adapters.sqlalchemy._errors import translate

__all__ = ["DirectRead", "observed"]

_Processor = Callable[[Any], Any]


def observed(connection: Connection) -> bool:
    """Whether a listener watches the statements of ``connection`` (then take SQLAlchemy's path).

    Only the statement events count: a ``connect`` or ``begin`` listener (as
    the store's own on SQLite) sees nothing of a read run directly.
    """
    dispatch = connection.dispatch
    return bool(
        dispatch.before_execute
        or dispatch.after_execute
        or dispatch.before_cursor_execute
        or dispatch.after_cursor_execute
    )


class DirectRead:
    """One ``SELECT`` compiled once for a dialect, run on the driver's cursor."""

    __slots__ = ("_binds", "_columns", "_dialect", "_error", "_order", "sql")

    def __init__(self, statement: Select[Any], dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql: str = compiled.string
        # SQLite's ``?`` takes its values in order, psycopg's ``%(name)s`` by name.
        self._order: tuple[str, ...] | None = (
            tuple(compiled.positiontup or ()) if compiled.positional else None
        )
        self._dialect = dialect
        self._error: type[Exception] = dialect.loaded_dbapi.Error
        # What execute() would apply to the parameters (a tuple parameter, which
        # has one processor per element, is not among the statements read so).
        binds = compiled._bind_processors.items()
        if not all(callable(process) for _, process in binds):
            raise TypeError("a statement with a tuple parameter cannot be read directly")
        self._binds = tuple((name, cast(_Processor, process)) for name, process in binds)
        columns: list[tuple[int, _Processor]] = []
        for index, column in enumerate(compiled._result_columns):
            process = column.type._cached_result_processor(dialect, None)
            if process is not None:
                columns.append((index, process))
        self._columns = tuple(columns)

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        """Every row of the statement, on ``connection``'s driver connection."""
        parameters = dict(params)
        for name, process in self._binds:
            parameters[name] = process(parameters[name])
        driver: Any = connection.connection.driver_connection
        cursor = driver.cursor()
        values: Any = parameters
        if self._order is not None:
            values = tuple(parameters[name] for name in self._order)
        try:
            cursor.execute(self.sql, values)
            fetched: list[tuple[Any, ...]] = cursor.fetchall()
        except self._error as error:
            wrapped = self._wrapped(connection, cursor, error, parameters)
            raise translate(wrapped) from wrapped
        finally:
            cursor.close()
        if not self._columns:
            return fetched
        processed = []
        for row in fetched:
            values = list(row)
            for index, process in self._columns:
                values[index] = process(values[index])
            processed.append(values)
        return processed

    def _wrapped(
        self, connection: Connection, cursor: Any, error: Exception, parameters: dict[str, Any]
    ) -> StatementError:
        """``error`` as SQLAlchemy would have raised it; a lost connection is invalidated."""
        driver_error: Any = error
        lost = self._dialect.is_disconnect(
            driver_error, connection.connection.dbapi_connection, cursor
        )
        wrapped = DBAPIError.instance(
            self.sql,
            parameters,
            error,
            self._error,
            dialect=self._dialect,
            connection_invalidated=lost,
        )
        wrapped.__cause__ = error
        if lost:
            connection.invalidate(wrapped)
        return wrapped
