"""The client's planner: a read-only look at the client's own weeks."""

from __future__ import annotations

from weekplan.domain.paging import Page
from weekplan.domain.plans import WeekPlanInstance
from weekplan.planner.session import PlannerOptions, Session
from weekplan.planner.worker import WorkerPlanner
from weekplan.ports import Store

__all__ = ["ClientPlanner"]


class ClientPlanner(Session):
    """What one client of one tenant may see: their own weeks, nothing else.

    It has no method that writes.
    """

    def __init__(
        self, store: Store, options: PlannerOptions, tenant_id: str, client_ref: str
    ) -> None:
        super().__init__(store, options, tenant_id, read_only=True)
        self._client_ref = client_ref

    @property
    def client_ref(self) -> str:
        """The client this planner shows."""
        return self._client_ref

    def list_weeks(self, *, limit: int = 50, cursor: str | None = None) -> Page[WeekPlanInstance]:
        """The client's weeks, oldest first."""
        reader = WorkerPlanner(self._store, self._options, self.tenant_id, read_only=True)
        return reader.list_instances(client_ref=self._client_ref, limit=limit, cursor=cursor)

    def __repr__(self) -> str:
        return f"<ClientPlanner tenant={self.tenant_id!r} client={self._client_ref!r}>"
