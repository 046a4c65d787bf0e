"""The optional schedules capability of a store.

A store whose units of work also have ``schedules`` (a
:class:`ScheduleRepository`) keeps clients' schedules and lets
:meth:`weekplan.Planner.run_due` claim due ones. A store without it keeps
working for everything else; the schedule calls raise
:class:`~weekplan.NotSupportedByStore`.

Every method takes ``tenant_id`` and never returns another tenant's row, but
one: :meth:`ScheduleRepository.claim_due`, whose job is to find due work
across tenants, takes ``tenant_id=None`` to mean "every tenant", explicitly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from weekplan.domain._schedules import Schedule
from weekplan.ports import CoreUnitOfWork

__all__ = ["ScheduleCapability", "ScheduleRepository", "schedules_of"]


class ScheduleRepository(Protocol):
    """Clients' schedules, at most one per ``(tenant_id, client_ref)``."""

    def get(self, tenant_id: str, client_ref: str) -> Schedule | None:
        """The client's schedule, or ``None``."""
        ...

    def list(self, tenant_id: str, *, after: str | None, limit: int) -> Sequence[Schedule]:
        """Up to ``limit`` schedules ordered by ``client_ref``, strictly after ``after``."""
        ...

    def put(self, tenant_id: str, schedule: Schedule) -> None:
        """Store the schedule, replacing the client's schedule if it has one."""
        ...

    def remove(self, tenant_id: str, client_ref: str) -> bool:
        """Delete the client's schedule; ``False`` if there was none."""
        ...

    def claim_due(
        self, now: datetime, *, tenant_id: str | None, client_ref: str | None, limit: int
    ) -> Sequence[Schedule]:
        """Up to ``limit`` schedules with ``next_run_at <= now``, earliest first, claimed.

        ``tenant_id=None`` looks across every tenant; ``client_ref`` (with a
        ``tenant_id``) looks at that one client's schedule only. A claimed schedule is
        held by this unit of work until it ends: a concurrent unit of work
        neither gets it nor waits for it (it skips it), so each due schedule is
        claimed by exactly one. Committing a moved ``next_run_at`` releases it
        done; rolling back leaves it due.
        """
        ...

    def due_tenants(self, now: datetime, *, limit: int) -> Sequence[str]:
        """Up to ``limit`` distinct tenants with a schedule due at ``now``, in order.

        For fanning out work per tenant; nothing is claimed.
        """
        ...


@runtime_checkable
class ScheduleCapability(Protocol):
    """A unit of work that reaches the schedules."""

    @property
    def schedules(self) -> ScheduleRepository:
        """The schedules, seen through this unit of work."""
        ...


def schedules_of(uow: CoreUnitOfWork) -> ScheduleRepository | None:
    """The unit of work's schedules, or ``None`` if its store keeps none."""
    inner = getattr(uow, "wrapped", uow)
    if not hasattr(inner, "schedules"):
        return None
    repository: ScheduleRepository = inner.schedules
    return repository
