"""Statements run on the driver's own cursor, their values and rows processed as SQLAlchemy would.

A week read or written is a handful of small statements, and running each
through :meth:`sqlalchemy.engine.Connection.execute` costs about as much in
Python as the database's own work (the cache lookup, the execution context,
the result's metadata built from the cursor's description, each row's
processing). A :class:`DirectStatement` does that work once: the statement is
compiled when the store first runs it (for an ``INSERT`` or ``UPDATE``, with
the columns it is given, as SQLAlchemy compiles it), its parameters' and
columns' processors are looked up then, and each call is the driver's
``execute`` (or ``executemany``) with the few values that need it (dates, the
UTC datetimes) processed.

What stays as ever: the SQL text and parameters are SQLAlchemy's, so the
statement is the one the other path sends; a driver error is wrapped as
SQLAlchemy would wrap it (a lost connection invalidated), so it is translated
like any other; a statement SQLAlchemy must finish at execution time (an
expanding ``IN``, a Python-side column default, escaped parameter names) is
never run directly; and the store only takes this path while no listener
watches the statements of the engine or connection (``before_execute``,
``before_cursor_execute`` and their ``after_`` pairs) and no schema is
translated, so a host that instruments its engine sees every statement as
before.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any, Protocol, cast

from sqlalchemy import Connection, Dialect, Executable
from sqlalchemy.exc import DBAPIError, MultipleResultsFound, NoResultFound, StatementError
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

__all__ = [
    "DirectResult",
    "DirectStatement",
    "DriverHandle",
    "StatementResult",
    "direct_allowed",
    "driver_cursor",
    "run_on_driver",
    "run_pipelined",
    "wrapped_driver_error",
]

_Processor = Callable[[Any], Any]


def direct_allowed(connection: Connection) -> bool:
    """Whether statements of ``connection`` may run on its driver directly.

    Not while a listener watches its statements (only the statement events
    count: a ``connect`` or ``begin`` listener, as the store's own on SQLite,
    sees nothing of a statement run directly), nor under a
    ``schema_translate_map``, which SQLAlchemy applies as it executes.
    """
    dispatch = connection.dispatch
    if (
        dispatch.before_execute
        or dispatch.after_execute
        or dispatch.before_cursor_execute
        or dispatch.after_cursor_execute
    ):
        return False
    return not connection.get_execution_options().get("schema_translate_map")


class DriverHandle(Protocol):
    """What a statement run directly needs of its connection: a SQLAlchemy ``Connection`` has it.

    So has a unit of work's own hold on the pool's connection (see :mod:`._driver_unit`).
    """

    @property
    def connection(self) -> PoolProxiedConnection:
        """The pool's connection, whose driver connection the statement runs on."""
        ...

    def invalidate(self, exception: BaseException | None = None) -> None:
        """Drop the connection, lost, from the pool."""
        ...


class StatementResult(Protocol):
    """What the repositories read of a statement's result, on either path."""

    @property
    def rowcount(self) -> int:
        """Rows an ``UPDATE``, ``DELETE`` or ``INSERT`` touched."""
        ...

    def first(self) -> Any:
        """The first row, or ``None``."""
        ...

    def scalar(self) -> Any:
        """The first column of the first row, or ``None``."""
        ...

    def one(self) -> Any:
        """The only row."""
        ...

    def all(self) -> Sequence[Any]:
        """Every row."""
        ...

    def scalars(self) -> Iterator[Any]:
        """The first column of every row."""
        ...

    def __iter__(self) -> Iterator[Any]:
        """Every row."""
        ...


class DirectResult:
    """The rows (or the count) of a statement run directly: a :class:`StatementResult`."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rows: Sequence[Any], rowcount: int = -1) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def first(self) -> Any:
        """The first row, or ``None``."""
        return self._rows[0] if self._rows else None

    def scalar(self) -> Any:
        """The first column of the first row, or ``None``."""
        return self._rows[0][0] if self._rows else None

    def one(self) -> Any:
        """The only row; SQLAlchemy's own errors if there is none or more than one."""
        if not self._rows:
            raise NoResultFound("No row was found when one was required")
        if len(self._rows) > 1:
            raise MultipleResultsFound("Multiple rows were found when exactly one was required")
        return self._rows[0]

    def all(self) -> Sequence[Any]:
        """Every row."""
        return self._rows

    def scalars(self) -> Iterator[Any]:
        """The first column of every row."""
        return (row[0] for row in self._rows)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)


def _in_order(names: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """What gives the values of ``names`` from a mapping of parameters, as a tuple, in order.

    ``itemgetter`` picks them in one call, but gives a lone value for one name.
    """
    if len(names) > 1:
        return itemgetter(*names)
    return lambda parameters: tuple(parameters[name] for name in names)


class DirectStatement:
    """One statement compiled once for a dialect (and a set of columns), run on the driver."""

    __slots__ = (
        "_binds",
        "_columns",
        "_defaults",
        "_dialect",
        "_error",
        "_order",
        "returns_rows",
        "sql",
    )

    def __init__(
        self, statement: Executable, dialect: Dialect, columns: Collection[str] | None
    ) -> None:
        """Compile ``statement``; ``TypeError`` if SQLAlchemy must finish it as it runs."""
        if not isinstance(statement, ClauseElement):
            raise TypeError("only a SQL expression is compiled here")
        compiled = statement.compile(
            dialect=dialect, column_keys=None if columns is None else list(columns)
        )
        if not isinstance(compiled, SQLCompiler) or (
            compiled.post_compile_params
            or compiled.literal_execute_params
            or compiled.escaped_bind_names
            or compiled.insert_prefetch
            or compiled.update_prefetch
        ):
            raise TypeError("SQLAlchemy finishes this statement as it runs it")
        self.sql: str = compiled.string
        self.returns_rows = bool(compiled._result_columns)
        # SQLite's ``?`` takes its values in order, psycopg's ``%(name)s`` by name.
        self._order: Callable[[Mapping[str, Any]], tuple[Any, ...]] | None = (
            _in_order(tuple(compiled.positiontup or ())) if compiled.positional else None
        )
        self._dialect = dialect
        self._error: type[Exception] = dialect.loaded_dbapi.Error
        # The values the statement carries itself (a literal compared with, say),
        # which SQLAlchemy adds to the caller's parameters.
        self._defaults: dict[str, Any] = {
            name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required
        }
        # What execute() would apply to the parameters (a tuple parameter has
        # one processor per element: such a statement is not run directly).
        binds = compiled._bind_processors.items()
        if not all(callable(process) for _, process in binds):
            raise TypeError("a statement with a tuple parameter is not run directly")
        self._binds = tuple((name, cast(_Processor, process)) for name, process in binds)
        columns_processed: list[tuple[int, _Processor]] = []
        for index, column in enumerate(compiled._result_columns):
            process = column.type._cached_result_processor(dialect, None)
            if process is not None:
                columns_processed.append((index, process))
        self._columns = tuple(columns_processed)

    def _values(
        self, params: Mapping[str, Any], seen: dict[tuple[str, Any], Any] | None = None
    ) -> Any:
        """The driver's parameters; with ``seen``, each value processed once for the batch."""
        parameters: Mapping[str, Any] = params
        if self._binds or self._defaults:
            parameters = {**self._defaults, **params}
            for name, process in self._binds:
                value = parameters[name]
                if seen is None:
                    parameters[name] = process(value)
                    continue
                try:
                    parameters[name] = seen[name, value]
                except KeyError:
                    parameters[name] = seen[name, value] = process(value)
                except TypeError:  # a value that cannot be a key: processed as it comes
                    parameters[name] = process(value)
        if self._order is not None:
            return self._order(parameters)
        return parameters

    def run_given(
        self, connection: DriverHandle, params: Mapping[str, Any] | Sequence[Mapping[str, Any]]
    ) -> DirectResult:
        """Run with one set of parameters, or once per row of a list of them."""
        if isinstance(params, Mapping):
            return self.run(connection, params)
        if len(params) == 1:
            # One row: a plain execute, without the batch machinery of executemany.
            return self.run(connection, params[0])
        return DirectResult((), self.run_many(connection, params))

    def run(self, connection: DriverHandle, params: Mapping[str, Any]) -> DirectResult:
        """Run with one set of parameters: the rows it returns, and the rows it touched."""
        values = self.values(params)
        cursor = driver_cursor(connection, self._dialect, self.sql, values)
        try:
            cursor.execute(self.sql, values)
            if not self.returns_rows:
                return DirectResult((), cursor.rowcount)
            fetched: list[tuple[Any, ...]] = cursor.fetchall()
        except self._error as error:
            raise self._wrapped(connection, cursor, error, values) from error
        finally:
            cursor.close()
        return DirectResult(self._processed(fetched))

    def _processed(self, fetched: list[tuple[Any, ...]]) -> Sequence[Any]:
        """The rows as SQLAlchemy would give them: each column through its result processor."""
        if not self._columns:
            return fetched
        processed = []
        for row in fetched:
            listed = list(row)
            for index, process in self._columns:
                listed[index] = process(listed[index])
            processed.append(listed)
        return processed

    def run_after(
        self,
        connection: Connection,
        before: Sequence[tuple[str, Any]],
        params: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    ) -> DirectResult:
        """Send ``before``, then this statement, in one psycopg pipeline: one round trip.

        ``before`` is each statement's SQL with its driver values (``None``:
        none, as for ``BEGIN``); ``params`` are this statement's, one set or a
        list of them (then run as ``executemany``). A failure of any stops the
        rest and is wrapped as SQLAlchemy would wrap it (a lost connection
        invalidated); else this statement's rows, processed, and the rows it touched.
        """
        dialect = connection.dialect
        driver: Any = connection.connection.driver_connection
        values = self.values(params)
        sent = driver.cursor()
        cursor = driver.cursor()
        try:
            with driver.pipeline():
                for sql, before_values in before:
                    sent.execute(sql, before_values)
                if isinstance(values, list):
                    cursor.executemany(self.sql, values)
                else:
                    cursor.execute(self.sql, values)
            touched: int = cursor.rowcount
            fetched: list[tuple[Any, ...]] = cursor.fetchall() if self.returns_rows else []
        except self._error as error:
            sql = "; ".join([*(sql for sql, _ in before), self.sql])
            raise wrapped_driver_error(connection, dialect, sql, values, error, cursor) from error
        finally:
            sent.close()
            cursor.close()
        return DirectResult(self._processed(fetched), touched)

    def run_many(self, connection: DriverHandle, rows: Sequence[Mapping[str, Any]]) -> int:
        """Run once per row of parameters, with the driver's ``executemany``; the rows touched.

        Both drivers count the rows every run touched, in sum (a skipped
        ``INSERT ... ON CONFLICT DO NOTHING`` touches none).

        Rows of one batch repeat values (the weeks of one ``create_instances``
        share their dates and times): each distinct value is processed once.
        """
        values = self.values(rows)
        cursor = driver_cursor(connection, self._dialect, self.sql, values)
        try:
            cursor.executemany(self.sql, values)
            touched: int = cursor.rowcount
        except self._error as error:
            raise self._wrapped(connection, cursor, error, values) from error
        finally:
            cursor.close()
        return touched

    def values(self, params: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        """The driver's parameters for one run, or a list of them for ``executemany``.

        Processed as :meth:`run` and :meth:`run_many` process them, refusals included.
        """
        try:
            if isinstance(params, Mapping):
                return self._values(params)
            seen: dict[tuple[str, Any], Any] = {}
            return [self._values(row, seen) for row in params]
        except Exception as error:  # a processor's own refusal, whatever its type
            raise self._refused(params, error) from error

    def literal_sql(self, driver: Any, values: Any) -> str:
        """The statement with ``values`` (from :meth:`values`, one run) as quoted literals.

        Quoted by psycopg's client-side cursor for the connection's encoding
        (``driver`` is a psycopg connection): text to send as a simple query,
        with no parameters.
        """
        from psycopg import ClientCursor  # noqa: PLC0415  # optional: only where psycopg runs

        quoting = ClientCursor(driver)
        try:
            return quoting.mogrify(self.sql, values)
        except Exception as error:  # psycopg's refusal of a value
            raise self._refused(values, error) from error
        finally:
            quoting.close()

    def _refused(self, params: Any, error: Exception) -> StatementError:
        """A value its processor refuses, wrapped as SQLAlchemy wraps it."""
        return StatementError(f"({type(error).__name__}) {error}", self.sql, params, error)

    def _wrapped(
        self, connection: DriverHandle, cursor: Any, error: Exception, parameters: Any
    ) -> StatementError:
        return wrapped_driver_error(connection, self._dialect, self.sql, parameters, error, cursor)


def run_pipelined(
    connection: Connection, runs: Sequence[tuple[DirectStatement, Any]], then: str = ""
) -> None:
    """Send every run, and ``then`` (SQL without parameters) after them, in one psycopg pipeline.

    Each run is a statement and what :meth:`DirectStatement.values` gave for
    it (a list: one run per row, as ``executemany``). The statements go as
    psycopg sends any statement, prepared on the server once it has run often;
    the pipeline's one ``Sync`` makes it one round trip. A failure stops the
    rest and is wrapped as SQLAlchemy would wrap it (a lost connection
    invalidated).
    """
    dialect = connection.dialect
    driver: Any = connection.connection.driver_connection
    cursor = driver.cursor()
    try:
        with driver.pipeline():
            for statement, values in runs:
                if isinstance(values, list):
                    cursor.executemany(statement.sql, values)
                else:
                    cursor.execute(statement.sql, values)
            if then:
                cursor.execute(then)
    except dialect.loaded_dbapi.Error as error:
        sql = "; ".join([*(statement.sql for statement, _ in runs), *([then] if then else [])])
        raise wrapped_driver_error(connection, dialect, sql, (), error, cursor) from error
    finally:
        cursor.close()


def run_on_driver(connection: DriverHandle, sql: str, dialect: Dialect) -> None:
    """Send ``sql`` (no parameters) on the driver's cursor, its failure wrapped as SQLAlchemy's."""
    cursor = driver_cursor(connection, dialect, sql, ())
    try:
        cursor.execute(sql)
    except dialect.loaded_dbapi.Error as error:
        raise wrapped_driver_error(connection, dialect, sql, (), error, cursor) from error
    finally:
        cursor.close()


def driver_cursor(connection: DriverHandle, dialect: Dialect, sql: str, parameters: Any) -> Any:
    """A cursor of the driver connection; the failure to make one (say, it is closed) wrapped.

    Wrapped as the failure of ``sql``, which the cursor was for, so a lost
    connection is invalidated and translated as any other failure.
    """
    driver: Any = connection.connection.driver_connection
    try:
        return driver.cursor()
    except dialect.loaded_dbapi.Error as error:
        raise wrapped_driver_error(connection, dialect, sql, parameters, error, None) from error


def wrapped_driver_error(  # noqa: PLR0917  # what SQLAlchemy's own wrapping takes
    connection: DriverHandle,
    dialect: Dialect,
    sql: str,
    parameters: Any,
    error: Exception,
    cursor: Any,
) -> StatementError:
    """``error`` as SQLAlchemy would have raised it; a lost connection is invalidated."""
    driver_error: Any = error
    lost = dialect.is_disconnect(driver_error, connection.connection.dbapi_connection, cursor)
    wrapped = DBAPIError.instance(
        sql,
        parameters,
        error,
        dialect.loaded_dbapi.Error,
        dialect=dialect,
        connection_invalidated=lost,
    )
    wrapped.__cause__ = error
    if lost:
        connection.invalidate(wrapped)
    return wrapped
