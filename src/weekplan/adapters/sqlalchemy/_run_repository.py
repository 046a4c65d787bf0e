"""The ``runs`` capability of the SQL store: generation runs in ``weekplan_generation_runs``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from weekplan.adapters._row_mapping import RunRows
from weekplan.adapters.sqlalchemy._repositories import ConnectionSource, run_statement
from weekplan.adapters.sqlalchemy._run_statements import RunStatements
from weekplan.domain._runs import GenerationRun
from weekplan.ports import RunSortKey

__all__ = ["SqlRunRepository"]


class SqlRunRepository:
    """Generation runs: inserted once, listed newest first, counted for the quota."""

    def __init__(self, source: ConnectionSource, statements: RunStatements, rows: RunRows) -> None:
        self._source = source
        self._sql = statements
        self._rows = rows

    def add(self, tenant_id: str, run: GenerationRun) -> None:
        """Insert the run; there is no statement to change it afterwards."""
        values = self._rows.values(tenant_id, run)
        run_statement(self._source, self._sql.insert_run, values, write=True)

    def list(
        self,
        tenant_id: str,
        *,
        client_ref: str | None,
        before: RunSortKey | None,
        limit: int,
    ) -> Sequence[GenerationRun]:
        """Up to ``limit`` runs newest first, strictly before ``before``."""
        params: dict[str, Any] = {"tenant_id": tenant_id, "limit": limit}
        if client_ref is not None:
            params["client_ref"] = client_ref
        if before is not None:
            params["before_at"], params["before_id"] = before
        statement = self._sql.list_runs(client=client_ref is not None, before=before is not None)
        return [self._rows.from_row(row) for row in run_statement(self._source, statement, params)]

    def counted_starts(
        self, tenant_id: str, *, client_ref: str | None, after: datetime
    ) -> Sequence[datetime]:
        """Start times of the runs the quota counts, strictly after ``after``."""
        params: dict[str, Any] = {"tenant_id": tenant_id, "after": after}
        if client_ref is not None:
            params["client_ref"] = client_ref
        statement = self._sql.counted_starts(client=client_ref is not None)
        # A locking read on MariaDB: it runs on the writing connection's transaction.
        return [row[0] for row in run_statement(self._source, statement, params, write=True)]

    def hold_quota(self, tenant_id: str) -> None:
        """Create or lock the tenant's lock row; it stays locked until the transaction ends."""
        run_statement(self._source, self._sql.lock_quota, {"tenant_id": tenant_id}, write=True)
