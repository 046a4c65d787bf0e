"""The entry point: a :class:`Planner` over a store hands out worker and client sessions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from weekplan.domain.days import DayKey
from weekplan.domain.limits import ID_MAX
from weekplan.domain.meal_types import DEFAULT_VOCABULARY, MealVocabulary
from weekplan.domain.text import check_key
from weekplan.errors import InvalidInput
from weekplan.planner.client import ClientPlanner
from weekplan.planner.inputs import check_client_ref, collect_errors
from weekplan.planner.session import PlannerOptions, new_id, utc_now
from weekplan.planner.worker import WorkerPlanner
from weekplan.ports import DishCatalog, Store

__all__ = ["Planner"]


class Planner:
    """Weekly planning over one store.

    ``week_starts_on`` is the weekday every ``week_start_date`` must fall on;
    ``clock`` and ``id_factory`` are there for tests and for hosts with their own ids.
    ``meal_vocabulary`` says which slot keys mean which meal and which dish-name
    words hint at it (English and Dutch by default).
    ``dish_catalog`` plugs in a host's own dish tables (see
    :class:`~weekplan.ports.DishCatalog`); without it, dishes live in the store.

    >>> from weekplan.adapters.memory import InMemoryStore
    >>> planner = Planner(InMemoryStore())
    >>> planner.worker("tenant-a", read_only=True)
    <WorkerPlanner tenant='tenant-a' read-only>
    """

    def __init__(
        self,
        store: Store,
        *,
        week_starts_on: DayKey | str = DayKey.MON,
        clock: Callable[[], datetime] = utc_now,
        id_factory: Callable[[], str] = new_id,
        meal_vocabulary: MealVocabulary = DEFAULT_VOCABULARY,
        dish_catalog: DishCatalog | None = None,
    ) -> None:
        try:
            start = DayKey(week_starts_on)
        except ValueError:
            raise InvalidInput.at(
                ("week_starts_on",), "must be one of mon, tue, wed, thu, fri, sat, sun"
            ) from None
        if not isinstance(meal_vocabulary, MealVocabulary):
            raise InvalidInput.at(("meal_vocabulary",), "must be a MealVocabulary")
        self._store = store
        self._options = PlannerOptions(
            week_starts_on=start,
            clock=clock,
            id_factory=id_factory,
            meal_vocabulary=meal_vocabulary,
            dish_catalog=dish_catalog,
        )

    @property
    def week_starts_on(self) -> DayKey:
        """The weekday every week starts on."""
        return self._options.week_starts_on

    def worker(
        self, tenant_id: str, *, read_only: bool = False, actor: str | None = None
    ) -> WorkerPlanner:
        """A worker session in ``tenant_id``; ``read_only`` refuses every write.

        ``actor`` is who the change log records for the session's writes, e.g.
        the host's user id (``"user-17"``); weekplan never takes it from a payload.
        """
        tenant, who = collect_errors(
            lambda: check_key(tenant_id, "tenant_id", max_length=ID_MAX),
            lambda: None if actor is None else check_key(actor, "actor", max_length=ID_MAX),
        )
        return WorkerPlanner(self._store, self._options, tenant, read_only=read_only, actor=who)

    def client(self, tenant_id: str, client_ref: str) -> ClientPlanner:
        """A client's read-only view of their own weeks in ``tenant_id``."""
        tenant = check_key(tenant_id, "tenant_id", max_length=ID_MAX)
        return ClientPlanner(self._store, self._options, tenant, check_client_ref(client_ref))
