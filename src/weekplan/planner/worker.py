"""The worker's planner: everything a nutritionist or trainer does in one tenant."""

from __future__ import annotations

from weekplan.domain.client_view import dish_ids
from weekplan.domain.plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.errors import InstanceNotFound, InvalidInput, TemplateNotFound
from weekplan.planner.generation import GenerationUseCases
from weekplan.planner.schedules import ScheduleUseCases
from weekplan.rendering.grid import WeekGrid

__all__ = ["WorkerPlanner"]


class WorkerPlanner(ScheduleUseCases, GenerationUseCases):
    """Templates, client weeks, dishes, diet rulesets, the change log, slot locks,
    drafts, schedules, and generation into drafts with its runs, of one tenant,
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

    def grid(self, plan: WeekPlanTemplate | WeekPlanInstance) -> WeekGrid:
        """A template or client week with its dishes by name, for ``print`` and Jupyter.

        ``print(week)`` alone shows dish ids, since a week holds only ids; this
        looks their names up in the tenant's catalog. Rows come in the order of
        the day (breakfast, morning snack, lunch, afternoon snack, dinner, evening
        snack, then slots of no known meal), as in the client's view.
        Another tenant's template or week is not found, as everywhere.

        >>> from weekplan import Planner, PlanEntry
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> worker = Planner(InMemoryStore()).worker("tenant-a")
        >>> _ = worker.upsert_dish("oats", name="Havermout")
        >>> plan = worker.create_template("Week", [PlanEntry("mon", "dinner", notes="soup"),
        ...                                        PlanEntry("mon", "ontbijt", "oats")])
        >>> print(worker.grid(plan))
        Week (version 1)
        slot    | mon       | tue | wed | thu | fri | sat | sun
        --------+-----------+-----+-----+-----+-----+-----+----
        ontbijt | Havermout |     |     |     |     |     |
        dinner  | soup      |     |     |     |     |     |
        """
        if not isinstance(plan, WeekPlanTemplate | WeekPlanInstance):
            raise InvalidInput.at(("plan",), "must be a WeekPlanTemplate or a WeekPlanInstance")
        if plan.tenant_id != self.tenant_id:
            if isinstance(plan, WeekPlanTemplate):
                raise TemplateNotFound()
            raise InstanceNotFound()
        with self._transaction() as uow:
            dishes = self._catalog(uow).get_many(self.tenant_id, dish_ids(plan.days))
        names = {dish_id: dish.name for dish_id, dish in dishes.items()}
        return WeekGrid(plan, names, self._options.meal_vocabulary)

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"<WorkerPlanner tenant={self.tenant_id!r} {mode}>"
