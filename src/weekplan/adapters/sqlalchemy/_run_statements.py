"""The SQL statements of the generation runs and the quota lock, per dialect.

Runs are only ever inserted; there is deliberately no statement that updates
or deletes one. The quota lock is one row per tenant in
``weekplan_generation_locks``, created or locked by one upsert. On MariaDB the
runs of the window are read with a locking read, which sees the latest
committed rows even when the transaction's snapshot is older.
"""

from __future__ import annotations

import threading
from typing import Any, Final

from sqlalchemy import Insert, Select, bindparam, insert, select, tuple_
from sqlalchemy.dialects import mysql, postgresql, sqlite

from weekplan.adapters._row_mapping import RunRows
from weekplan.adapters.sqlalchemy._schema import generation_locks, generation_runs

__all__ = ["RUN_COLUMNS", "RunStatements"]

#: The columns a run's row mapper reads, in its order.
RUN_COLUMNS: Final = tuple(generation_runs.c[name] for name in RunRows.columns)


class RunStatements:
    """The run and quota-lock statements of one dialect, built once and reused."""

    def __init__(self, dialect_name: str) -> None:
        self._dialect_name = dialect_name
        self._mysql = dialect_name in ("mysql", "mariadb")
        self._lock = threading.Lock()
        self._lists: dict[tuple[bool, bool], Select[Any]] = {}
        self._starts: dict[bool, Select[Any]] = {}
        self.insert_run: Final[Insert] = insert(generation_runs)
        self.lock_quota: Final[Insert] = self._lock_quota()

    def _lock_quota(self) -> Insert:
        """Create the tenant's lock row, or lock it if it exists: one statement either way.

        The conflicting branch updates the row to itself, which takes the row's
        exclusive lock until the transaction ends, as the client lock does (see
        ``Statements.lock_client``); on PostgreSQL's REPEATABLE READ a
        transaction whose snapshot predates another's lock fails to take it
        (a serialization failure, run again) rather than count stale runs.
        SQLite takes its database-wide write lock with the same statement.
        """
        c = generation_locks.c
        if self._mysql:
            mysql_statement = mysql.insert(generation_locks)
            return mysql_statement.on_duplicate_key_update({"tenant_id": c.tenant_id})
        key = [c.tenant_id]
        if self._dialect_name == "postgresql":
            pg_statement = postgresql.insert(generation_locks)
            return pg_statement.on_conflict_do_update(
                index_elements=key, set_={"tenant_id": pg_statement.excluded.tenant_id}
            )
        sqlite_statement = sqlite.insert(generation_locks)
        return sqlite_statement.on_conflict_do_update(
            index_elements=key, set_={"tenant_id": sqlite_statement.excluded.tenant_id}
        )

    def list_runs(self, *, client: bool, before: bool) -> Select[Any]:
        """A page of runs, newest first by ``(started_at, id)``."""
        shape = (client, before)
        found = self._lists.get(shape)
        if found is None:
            r = generation_runs.c
            statement = select(*RUN_COLUMNS).where(r.tenant_id == bindparam("tenant_id"))
            if client:
                statement = statement.where(r.client_ref == bindparam("client_ref"))
            if before:
                at = bindparam("before_at", type_=r.started_at.type)
                run_id = bindparam("before_id", type_=r.id.type)
                if self._mysql:
                    statement = statement.where(
                        r.started_at <= at, (r.started_at < at) | (r.id < run_id)
                    )
                else:
                    statement = statement.where(tuple_(r.started_at, r.id) < tuple_(at, run_id))
            found = statement.order_by(r.started_at.desc(), r.id.desc()).limit(bindparam("limit"))
            with self._lock:
                self._lists[shape] = found
        return found

    def counted_starts(self, *, client: bool) -> Select[Any]:
        """Start times of the runs the quota counts, after ``:after``."""
        found = self._starts.get(client)
        if found is None:
            r = generation_runs.c
            statement = select(r.started_at).where(
                r.tenant_id == bindparam("tenant_id"),
                r.status != "quota_exceeded",
                r.started_at > bindparam("after", type_=r.started_at.type),
            )
            if client:
                statement = statement.where(r.client_ref == bindparam("client_ref"))
            if self._mysql:
                statement = statement.with_for_update(read=True)
            found = statement
            with self._lock:
                self._starts[client] = found
        return found
