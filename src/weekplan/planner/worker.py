"""The worker's planner: everything a nutritionist or trainer does in one tenant."""

from __future__ import annotations

from weekplan.planner.runs import RunUseCases

__all__ = ["WorkerPlanner"]


class WorkerPlanner(RunUseCases):
    """Templates, client weeks, dishes, diet rulesets and generation runs of one tenant,
    read-write or read-only.

    Get one from :meth:`weekplan.Planner.worker`; every call is one transaction.
    A read-only worker reads everything and gets :class:`~weekplan.ReadOnlyAccess`
    from every method that writes.

    The common flow is three calls:

    >>> from weekplan import Planner
    >>> from weekplan.adapters.memory import InMemoryStore
    >>> worker = Planner(InMemoryStore()).worker("tenant-a")
    >>> template = worker.create_template("Balanced", [{"day_key": "mon", "slot_key": "lunch"}])
    >>> week = worker.create_instance(template.id, "client-42", "2026-11-23")
    >>> week = worker.set_slot("client-42", "2026-11-23", "mon", "lunch", notes="extra greens")
    >>> (week.version, week.days[0].notes, worker.get_template(template.id).days[0].notes)
    (2, 'extra greens', None)
    """

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"<WorkerPlanner tenant={self.tenant_id!r} {mode}>"
