"""Schedules over SQLAlchemy Core, and the claim of due ones with row locks that others skip.

The claim is one statement::

    SELECT ... FROM weekplan_schedules
    WHERE next_run_at <= :now [AND tenant_id = :tenant [AND client_ref = :client]]
    ORDER BY next_run_at, tenant_id, client_ref   -- one tenant's: next_run_at, client_ref
    LIMIT :limit
    FOR UPDATE SKIP LOCKED

On PostgreSQL and MariaDB (10.6+) ``FOR UPDATE SKIP LOCKED`` locks the rows it
returns and passes over rows another transaction holds, so concurrent workers
each take different schedules and never wait for one another. SQLite has no row
locks and needs none: the store begins every unit of work with
``BEGIN IMMEDIATE``, so one writer runs at a time.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, Select, bindparam, delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from weekplan.adapters._row_mapping import ScheduleRows
from weekplan.adapters.sqlalchemy._errors import translate
from weekplan.adapters.sqlalchemy._repositories import ConnectionSource
from weekplan.adapters.sqlalchemy._schedule_schema import schedules as table
from weekplan.domain._schedules import Schedule

__all__ = ["SqlScheduleRepository", "claim_statement"]

#: The columns a schedule's row mapper reads, in its order.
_COLUMNS = tuple(table.c[name] for name in ScheduleRows.columns)

_DUE_INDEX = "ix_weekplan_schedules_next_run_at_tenant_id_901a8cee"
_TENANT_DUE_INDEX = "ix_weekplan_schedules_next_run_at_client_ref"

#: The databases whose claim locks rows and skips the locked ones.
ROW_LOCKING_DIALECTS = frozenset({"postgresql", "mysql", "mariadb"})


def claim_statement(
    dialect_name: str, *, tenant_id: str | None, client_ref: str | None
) -> Select[Any]:
    """The claim query (see the module docstring), with ``:now`` and ``:limit`` to bind."""
    due = table.c.next_run_at <= bindparam("now", type_=table.c.next_run_at.type)
    query = select(*_COLUMNS).where(due)
    if tenant_id is not None:
        query = query.where(table.c.tenant_id == tenant_id)
        if client_ref is not None:
            query = query.where(table.c.client_ref == client_ref)
    # Ordered as the index the claim reads: across tenants, or within the one
    # given (naming the fixed tenant_id in ORDER BY makes MariaDB sort anyway).
    order = (
        (table.c.next_run_at, table.c.tenant_id, table.c.client_ref)
        if tenant_id is None
        else (table.c.next_run_at, table.c.client_ref)
    )
    query = query.order_by(*order).limit(bindparam("limit"))
    if dialect_name in ("mysql", "mariadb"):
        # InnoDB locks every row it reads: were the optimizer to read all due rows
        # and sort them (it may, when most rows are due), one claim would lock
        # them all and leave the other workers nothing. Reading the index in
        # order stops at LIMIT and locks only the rows taken.
        index = _TENANT_DUE_INDEX if tenant_id is not None else _DUE_INDEX
        query = query.with_hint(table, f"FORCE INDEX ({index})", dialect_name)
    if dialect_name in ROW_LOCKING_DIALECTS:
        query = query.with_for_update(skip_locked=True)
    return query


class SqlScheduleRepository:
    """Schedules in ``weekplan_schedules``, one row per ``(tenant_id, client_ref)``."""

    def __init__(self, source: ConnectionSource, dialect_name: str, rows: ScheduleRows) -> None:
        self._source = source
        self._dialect_name = dialect_name
        self._rows = rows

    def _run(self, statement: Executable, params: Any = None, *, write: bool = False) -> Any:
        connection = self._source.writer() if write else self._source.reader()
        try:
            return connection.execute(statement, params)
        except SQLAlchemyError as exc:
            raise translate(exc) from exc

    def get(self, tenant_id: str, client_ref: str) -> Schedule | None:
        """The client's schedule, or ``None``."""
        query = select(*_COLUMNS).where(
            table.c.tenant_id == tenant_id, table.c.client_ref == client_ref
        )
        row = self._run(query).first()
        return None if row is None else self._rows.from_row(row)

    def list(self, tenant_id: str, *, after: str | None, limit: int) -> Sequence[Schedule]:
        """Up to ``limit`` schedules by ``client_ref``, strictly after ``after``."""
        query = select(*_COLUMNS).where(table.c.tenant_id == tenant_id)
        if after is not None:
            query = query.where(table.c.client_ref > after)
        query = query.order_by(table.c.client_ref).limit(limit)
        return [self._rows.from_row(row) for row in self._run(query)]

    def put(self, tenant_id: str, schedule: Schedule) -> None:
        """Update the client's row, or insert it if there is none."""
        values = self._rows.values(tenant_id, schedule)
        changed = self._run(
            update(table)
            .where(table.c.tenant_id == tenant_id, table.c.client_ref == schedule.client_ref)
            .values({k: v for k, v in values.items() if k not in ("tenant_id", "client_ref")}),
            write=True,
        )
        if changed.rowcount == 0:
            self._run(insert(table).values(values), write=True)

    def remove(self, tenant_id: str, client_ref: str) -> bool:
        """Delete the client's row; ``False`` if there was none."""
        statement = delete(table).where(
            table.c.tenant_id == tenant_id, table.c.client_ref == client_ref
        )
        return bool(self._run(statement, write=True).rowcount)

    def claim_due(
        self, now: datetime, *, tenant_id: str | None, client_ref: str | None, limit: int
    ) -> Sequence[Schedule]:
        """Lock and return up to ``limit`` due schedules that no one else holds."""
        query = claim_statement(self._dialect_name, tenant_id=tenant_id, client_ref=client_ref)
        rows = self._run(query, {"now": now, "limit": limit}, write=True)
        return [self._rows.from_row(row) for row in rows]

    def due_tenants(self, now: datetime, *, limit: int) -> builtins.list[str]:
        """Distinct tenants with a due schedule, in order (nothing is locked)."""
        query = (
            select(table.c.tenant_id)
            .where(table.c.next_run_at <= now)
            .group_by(table.c.tenant_id)
            .order_by(table.c.tenant_id)
            .limit(limit)
        )
        return list(self._run(query).scalars())
