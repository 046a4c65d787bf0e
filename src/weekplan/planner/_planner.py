"""The entry point: a :class:`Planner` over a store hands out worker and client sessions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from weekplan.domain._days import DayKey
from weekplan.domain._inputs import check_client_ref, check_flag, collect_errors
from weekplan.domain._limits import ID_MAX
from weekplan.domain._meal_types import DEFAULT_VOCABULARY, MealVocabulary
from weekplan.domain.text import check_key
from weekplan.errors import InvalidInput
from weekplan.generation._checked import DEFAULT_MAX_ATTEMPTS
from weekplan.generation._port import PlanGenerator
from weekplan.generation._quota import GenerationQuota
from weekplan.planner._capabilities import detect_capabilities
from weekplan.planner._client import ClientPlanner
from weekplan.planner._options import PlannerOptions, new_id, utc_now
from weekplan.planner._scheduled_runs import (
    ScheduledRun,
    check_now,
    check_run_limit,
    due_tenants,
    run_due,
)
from weekplan.planner._worker import WorkerPlanner
from weekplan.ports import CoreStore, DishCatalog

__all__ = ["Planner"]


class Planner:
    """Weekly planning over one store.

    ``week_starts_on`` is the weekday every ``week_start_date`` must fall on;
    ``clock`` and ``id_factory`` are there for tests and for hosts with their own ids.
    ``meal_vocabulary`` says which slot keys mean which meal and which dish-name
    words hint at it (English and Dutch by default).
    ``dish_catalog`` plugs in a host's own dish tables (see
    :class:`~weekplan.ports.DishCatalog`); without it, dishes live in the store.
    ``generator`` generates weeks (the CP-SAT solver of the ``generate`` extra
    unless given), at most ``generation_attempts`` proposals per generation, and
    ``generation_quota`` limits generations per client and tenant (10 an hour
    per client unless given).

    The store needs only the core port (:class:`~weekplan.ports.CoreStore`);
    its optional capabilities are found here, once, and a call that needs one
    it lacks raises :class:`~weekplan.NotSupportedByStore` (see
    :attr:`capabilities`).

    >>> from weekplan.adapters.memory import InMemoryStore
    >>> planner = Planner(InMemoryStore())
    >>> planner.worker("tenant-a", read_only=True)
    <WorkerPlanner tenant='tenant-a' read-only>
    """

    def __init__(
        self,
        store: CoreStore,
        *,
        week_starts_on: DayKey | str = DayKey.MON,
        clock: Callable[[], datetime] = utc_now,
        id_factory: Callable[[], str] = new_id,
        meal_vocabulary: MealVocabulary = DEFAULT_VOCABULARY,
        dish_catalog: DishCatalog | None = None,
        generator: PlanGenerator | None = None,
        generation_quota: GenerationQuota | None = None,
        generation_attempts: int = DEFAULT_MAX_ATTEMPTS,
    ) -> None:
        if not (isinstance(week_starts_on, str) and week_starts_on in DayKey._value2member_map_):
            raise InvalidInput.at(
                ("week_starts_on",), "must be one of mon, tue, wed, thu, fri, sat, sun"
            )
        start = DayKey(week_starts_on)
        if not isinstance(meal_vocabulary, MealVocabulary):
            raise InvalidInput.at(("meal_vocabulary",), "must be a MealVocabulary")
        if generator is not None and not isinstance(generator, PlanGenerator):
            raise InvalidInput.at(("generator",), "must be a PlanGenerator")
        quota = GenerationQuota() if generation_quota is None else generation_quota
        if not isinstance(quota, GenerationQuota):
            raise InvalidInput.at(("generation_quota",), "must be a GenerationQuota")
        if (
            isinstance(generation_attempts, bool)
            or not isinstance(generation_attempts, int)
            or generation_attempts < 1
        ):
            raise InvalidInput.at(("generation_attempts",), "must be a positive integer")
        self._store = store
        self._options = PlannerOptions(
            week_starts_on=start,
            clock=clock,
            id_factory=id_factory,
            meal_vocabulary=meal_vocabulary,
            dish_catalog=dish_catalog,
            generator=generator,
            generation_quota=quota,
            generation_attempts=generation_attempts,
            capabilities=detect_capabilities(store),
        )

    @property
    def week_starts_on(self) -> DayKey:
        """The weekday every week starts on."""
        return self._options.week_starts_on

    @property
    def capabilities(self) -> frozenset[str]:
        """The optional capabilities the store has, by name, found when the planner was built.

        >>> from weekplan.adapters.memory import InMemoryStore
        >>> sorted(Planner(InMemoryStore()).capabilities)
        ['changes', 'dishes', 'drafts', 'locks', 'rulesets', 'runs', 'schedules']
        """
        return frozenset(capability.value for capability in self._options.capabilities.present)

    def worker(
        self, tenant_id: str, *, read_only: bool = False, actor: str | None = None
    ) -> WorkerPlanner:
        """A worker session in ``tenant_id``; ``read_only`` refuses every write.

        ``actor`` is who the change log records for the session's writes, e.g.
        the host's user id (``"user-17"``); weekplan never takes it from a payload.
        """
        tenant, read_only, who = collect_errors(
            lambda: check_key(tenant_id, "tenant_id", max_length=ID_MAX),
            lambda: check_flag(read_only, "read_only"),
            lambda: None if actor is None else check_key(actor, "actor", max_length=ID_MAX),
        )
        return WorkerPlanner(self._store, self._options, tenant, read_only=read_only, actor=who)

    def client(self, tenant_id: str, client_ref: str) -> ClientPlanner:
        """A client's read-only view of their own weeks in ``tenant_id``."""
        tenant, client = collect_errors(
            lambda: check_key(tenant_id, "tenant_id", max_length=ID_MAX),
            lambda: check_client_ref(client_ref),
        )
        return ClientPlanner(self._store, self._options, tenant, client)

    def run_due(
        self, now: datetime, *, limit: int = 100, tenant_id: str | None = None
    ) -> list[ScheduledRun]:
        """Draft the week of every schedule due at ``now`` (up to ``limit`` of them).

        Looks across every tenant, or only ``tenant_id``'s. Each schedule is
        claimed, drafted and moved to its next time in one transaction, and is
        run by exactly one caller however many call at once (on PostgreSQL and
        MariaDB claimed rows are locked and skipped by the others; SQLite and
        the in-memory store run one transaction at a time). A week already
        drafted is not made again; a failure is recorded on the schedule
        (``last_outcome``, ``last_error_code``) and the others still run.
        Returns what each run did; fewer than ``limit`` means none is left due.
        A store without schedules, or without drafts, raises
        :class:`~weekplan.NotSupportedByStore` before any schedule is claimed.

        >>> from datetime import UTC, datetime
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> planner = Planner(InMemoryStore(), clock=lambda: datetime(2026, 11, 23, tzinfo=UTC))
        >>> worker = planner.worker("tenant-a")
        >>> template = worker.create_template("Balanced")
        >>> _ = worker.set_schedule("client-42", weekday="fri", time="09:00",
        ...     timezone="Europe/Amsterdam", source={"template_id": template.id})
        >>> [(r.client_ref, str(r.week_start_date), r.outcome.value)
        ...  for r in planner.run_due(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))]
        [('client-42', '2026-11-30', 'produced')]
        """
        moment, most, only = collect_errors(
            lambda: check_now(now),
            lambda: check_run_limit(limit),
            lambda: (
                None if tenant_id is None else check_key(tenant_id, "tenant_id", max_length=ID_MAX)
            ),
        )
        return run_due(self._store, self._options, moment, limit=most, tenant_id=only)

    def due_tenants(self, now: datetime, *, limit: int = 1000) -> list[str]:
        """Up to ``limit`` tenants with a schedule due at ``now``, in order; nothing is claimed.

        For fanning work out per tenant (see :mod:`weekplan.contrib.celery`).
        """
        moment, most = collect_errors(lambda: check_now(now), lambda: check_run_limit(limit))
        return due_tenants(self._store, self._options, moment, limit=most)
