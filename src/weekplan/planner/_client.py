"""The client's planner: a read-only look at the client's own weeks."""

from __future__ import annotations

from datetime import date

from weekplan.domain._client_view import ClientWeekView, build_client_view, dish_ids
from weekplan.domain._paging import Page
from weekplan.domain._plans import WeekPlanInstance
from weekplan.planner._catalog import catalog_of
from weekplan.planner._instances import InstanceUseCases, instance_key, load_instance
from weekplan.planner._options import PlannerOptions
from weekplan.planner._session import Session
from weekplan.ports import CoreStore

__all__ = ["ClientPlanner"]


class ClientPlanner:
    """What one client of one tenant may see: their own weeks, nothing else.

    It has no method that writes.
    """

    def __init__(
        self, store: CoreStore, options: PlannerOptions, tenant_id: str, client_ref: str
    ) -> None:
        self._session = Session(store, options, tenant_id, read_only=True)
        self._options = options
        self._client_ref = client_ref

    @property
    def tenant_id(self) -> str:
        """The tenant every call of this session reads."""
        return self._session.tenant_id

    @property
    def actor(self) -> str | None:
        """Always ``None``: a client's planner writes nothing, so it records no one."""
        return self._session.actor

    @property
    def read_only(self) -> bool:
        """Always ``True``: a client's planner refuses every write."""
        return self._session.read_only

    @property
    def client_ref(self) -> str:
        """The client this planner shows."""
        return self._client_ref

    def list_weeks(self, *, limit: int = 50, cursor: str | None = None) -> Page[WeekPlanInstance]:
        """The client's weeks, oldest first."""
        reader = InstanceUseCases(self._session)
        return reader.list_instances(client_ref=self._client_ref, limit=limit, cursor=cursor)

    def weekly_plan(self, week_start_date: date | str) -> ClientWeekView:
        """The client's week: every day Monday to Sunday, each slot with its dish and notes.

        Another client's week, like a week that does not exist, is
        :class:`~weekplan.InstanceNotFound`. Use ``view.slot(day_key, slot_key)``
        for one slot's detail.

        >>> from weekplan import Planner
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> planner = Planner(InMemoryStore())
        >>> worker = planner.worker("tenant-a")
        >>> _ = worker.upsert_dish("oats", name="Havermout")
        >>> plan = worker.create_template("Week", [
        ...     {"day_key": "tue", "slot_key": "lunch"},
        ...     {"day_key": "tue", "slot_key": "ontbijt", "dish_template_id": "oats"}])
        >>> _ = worker.create_instance(plan.id, "client-42", "2026-11-23")
        >>> view = planner.client("tenant-a", "client-42").weekly_plan("2026-11-23")
        >>> [(s.slot_key, s.dish_name) for s in view.day("tue").slots], view.day("mon").slots
        ([('ontbijt', 'Havermout'), ('lunch', None)], ())
        """
        client_ref, week = instance_key(self._session, self._client_ref, week_start_date)
        with self._session.reading(single_statement=False) as uow:
            instance = load_instance(self._session, uow, client_ref, week)
            dishes = catalog_of(self._options, uow).get_many(
                self.tenant_id, dish_ids(instance.days)
            )
        return build_client_view(
            instance, dishes, self._options.meal_vocabulary, self._options.week_starts_on
        )

    def __repr__(self) -> str:
        return f"<ClientPlanner tenant={self.tenant_id!r} client={self._client_ref!r}>"
