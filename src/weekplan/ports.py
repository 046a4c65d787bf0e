"""The ports a store implements: repositories, a unit of work, and the store itself.

The port is layered. The core is what every store implements: a
:class:`CoreStore` whose :class:`CoreUnitOfWork` has ``templates`` and
``instances``. Everything else is an optional capability, one small protocol
each, that the :class:`~weekplan.Planner` detects once when it is built:
:class:`DishCapability` (the dish catalog with the meal history),
:class:`RulesetCapability` (diet rulesets with the client lock),
:class:`RunCapability`, :class:`SnapshotReads`, the change log, slot locks and
drafts of :mod:`weekplan.workflow_ports`, and the schedules of
:mod:`weekplan.schedule_ports`. A call that needs a capability the store lacks
raises :class:`~weekplan.NotSupportedByStore`. :class:`UnitOfWork` and
:class:`Store` are the core with the dish and ruleset capabilities, the port as
weekplan's own stores implement it.

Each repository method takes the
``tenant_id`` explicitly: there is no way to read or write without naming the
tenant, and a store must never return a row of another tenant.

Repositories are collections, not services: they do not check versions against
the caller's expectations or raise "not found" (the use cases do), with two
exceptions that only the database can decide atomically:

* ``add`` of an instance whose ``(tenant_id, client_ref, week_start_date)`` is
  taken raises :class:`~weekplan.errors.InstanceExists`, even when a concurrent
  transaction took it a moment ago;
* ``replace`` is a compare-and-set on ``version`` and returns ``False`` when the
  stored version is not the expected one.

Listings are keyset-paginated: ``after`` is the sort key of the last row of the
previous page, and rows come strictly after it.
"""

from __future__ import annotations

import inspect
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol, Self, cast, runtime_checkable

from weekplan.domain._dishes import Dish
from weekplan.domain._history import HistoryKey
from weekplan.domain._meal_types import MealType
from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.domain._runs import GenerationRun
from weekplan.domain._suggestions import MealSignals
from weekplan.guardrails._model import GuardrailsRuleset

__all__ = [
    "BulkClientLocks",
    "BulkInstances",
    "BulkRulesetAssignments",
    "CoreStore",
    "CoreUnitOfWork",
    "DishCapability",
    "DishCatalog",
    "DishRepository",
    "DishSortKey",
    "InstanceRepository",
    "InstanceSortKey",
    "MealHistoryRepository",
    "MealRankKey",
    "MealSignalIndex",
    "RulesetCapability",
    "RulesetRepository",
    "RulesetSortKey",
    "RunCapability",
    "RunRepository",
    "RunSortKey",
    "SnapshotReads",
    "Store",
    "TemplateRepository",
    "TemplateSortKey",
    "TemplateWithAssignmentReads",
    "UnitOfWork",
    "meal_signal_index_of",
    "runs_of",
]

#: ``(search_key(name), id)``: templates are listed in this order.
TemplateSortKey = tuple[str, str]
#: ``(week_start_date, client_ref)``: instances are listed in this order.
InstanceSortKey = tuple[date, str]
#: ``(search_key(name), id)``: dishes are listed in this order.
DishSortKey = tuple[str, str]
#: ``(rank, search_key(name), id)``: a meal's signalled dishes are ranked in this order.
MealRankKey = tuple[int, str, str]
#: ``(diet_id, version, content_hash)``: rulesets are listed in this order.
RulesetSortKey = tuple[str, int, str]
#: ``(started_at, id)``: runs are listed newest first, in this order reversed.
RunSortKey = tuple[datetime, str]


class TemplateRepository(Protocol):
    """Templates of every tenant, always addressed through one tenant."""

    def get(self, tenant_id: str, template_id: str) -> WeekPlanTemplate | None:
        """The template, or ``None`` if this tenant has none with that id."""
        ...

    def list(
        self,
        tenant_id: str,
        *,
        search: str | None,
        after: TemplateSortKey | None,
        limit: int,
    ) -> Sequence[WeekPlanTemplate]:
        """Up to ``limit`` templates ordered by ``(search_key(name), id)``.

        ``search`` is already in :func:`~weekplan.domain.text.search_key` form and
        matches as a substring of the name's search key.
        """
        ...

    def add(self, tenant_id: str, template: WeekPlanTemplate) -> None:
        """Store a new template (its id is new)."""
        ...

    def replace(self, tenant_id: str, template: WeekPlanTemplate, *, expected_version: int) -> bool:
        """Overwrite the template if its stored version is ``expected_version``."""
        ...

    def remove(self, tenant_id: str, template_id: str) -> bool:
        """Delete the template; ``False`` if there was none."""
        ...


class InstanceRepository(Protocol):
    """Client week instances, unique by ``(tenant_id, client_ref, week_start_date)``.

    Every field comes back equal to what was written, ``guardrails`` included
    (``None`` or a :class:`~weekplan.GuardrailsCheck`, which
    :meth:`~weekplan.GuardrailsCheck.to_dict` and ``from_dict`` turn into one
    JSON value and back).
    """

    def get(
        self, tenant_id: str, client_ref: str, week_start_date: date
    ) -> WeekPlanInstance | None:
        """The instance, or ``None``."""
        ...

    def list(
        self,
        tenant_id: str,
        *,
        client_ref: str | None,
        week_start_date: date | None,
        after: InstanceSortKey | None,
        limit: int,
    ) -> Sequence[WeekPlanInstance]:
        """Up to ``limit`` instances ordered by ``(week_start_date, client_ref)``."""
        ...

    def add(self, tenant_id: str, instance: WeekPlanInstance) -> None:
        """Store a new instance, or raise :class:`~weekplan.errors.InstanceExists`."""
        ...

    def replace(self, tenant_id: str, instance: WeekPlanInstance, *, expected_version: int) -> bool:
        """Overwrite the instance if its stored version is ``expected_version``."""
        ...

    def remove(self, tenant_id: str, client_ref: str, week_start_date: date) -> bool:
        """Delete the instance; ``False`` if there was none."""
        ...


class DishCatalog(Protocol):
    """Where dish names and details are read from: the reading half of :class:`DishRepository`.

    A host that keeps dishes in its own tables implements just these two methods
    and passes the object as ``Planner(store, dish_catalog=...)``; weekplan then
    reads dishes there and no longer writes any (``upsert_dish`` and
    ``delete_dish`` raise :class:`~weekplan.ReadOnlyAccess`).
    """

    def get_many(self, tenant_id: str, dish_ids: Collection[str]) -> Mapping[str, Dish]:
        """The dishes of this tenant among ``dish_ids``, by id; ids it lacks are left out.

        Called once per use case with every id it needs, never once per id.
        """
        ...

    def list(
        self,
        tenant_id: str,
        *,
        search: str | None,
        after: DishSortKey | None,
        limit: int,
    ) -> Sequence[Dish]:
        """Up to ``limit`` dishes ordered by ``(search_key(name), id)``, strictly after ``after``.

        ``search`` is already in :func:`~weekplan.domain.text.search_key` form and
        matches as a substring of the name's search key.
        """
        ...


class DishRepository(DishCatalog, Protocol):
    """The tenant's dish catalog as weekplan stores it. Ids are unique per tenant."""

    def add(self, tenant_id: str, dish: Dish) -> None:
        """Store a new dish (no dish of this tenant has its id)."""
        ...

    def replace(self, tenant_id: str, dish: Dish, *, expected_version: int) -> bool:
        """Overwrite the dish if its stored version is ``expected_version``."""
        ...

    def remove(self, tenant_id: str, dish_id: str) -> bool:
        """Delete the dish; ``False`` if there was none.

        Plans that name the dish keep naming it (it shows as missing).
        """
        ...


class MealSignalIndex(DishRepository, Protocol):
    """An optional capability of a dish repository: dishes ranked per meal by an index.

    Each stored dish carries the :class:`~weekplan.domain._suggestions.MealSignals`
    it was last written with (or none), and the store ranks a meal's dishes by
    ``(rank, search_key(name), id)`` without reading the rest of the catalog.
    ``suggest_dishes`` uses it when ``uow.dishes`` has it and every dish of the
    tenant carries signals of the planner's vocabulary
    (:meth:`signals_current`); otherwise it scans the catalog, with the same
    result. A store without it, or a host's own :class:`DishCatalog`, always scans.
    """

    def add(self, tenant_id: str, dish: Dish, *, signals: MealSignals | None = None) -> None:
        """:meth:`DishRepository.add`, storing ``signals`` with the dish (``None``: none)."""
        ...

    def replace(
        self,
        tenant_id: str,
        dish: Dish,
        *,
        expected_version: int,
        signals: MealSignals | None = None,
    ) -> bool:
        """:meth:`DishRepository.replace`; the dish's signals become ``signals``."""
        ...

    def set_signals(
        self, tenant_id: str, dish_id: str, *, version: int, signals: MealSignals
    ) -> bool:
        """Store ``signals`` for the dish if its stored version is ``version``.

        ``False`` (and nothing written) if the dish is gone or was written since:
        that write stored signals of its own.
        """
        ...

    def signals_current(self, tenant_id: str, vocabulary: str) -> bool:
        """Whether every dish of the tenant carries signals with this vocabulary fingerprint."""
        ...

    def stale_signals(
        self, tenant_id: str, vocabulary: str, *, after: str | None, limit: int
    ) -> Sequence[Dish]:
        """Up to ``limit`` dishes by id, after id ``after``, with signals not of ``vocabulary``."""
        ...

    def meal_ranks(
        self, tenant_id: str, meal_type: MealType | None, dish_ids: Collection[str]
    ) -> Mapping[str, MealRankKey]:
        """``(rank, search_key(name), id)`` for the meal of the tenant's dishes among ``dish_ids``.

        With no meal type every rank is ``NO_SIGNAL``. One read for all the ids,
        without the dishes' details: suggestions order the dishes with history by
        it and read only the few they return.
        """
        ...

    def ranked_for_meal(
        self,
        tenant_id: str,
        meal_type: MealType,
        *,
        search: str | None,
        after: MealRankKey | None,
        limit: int,
    ) -> Sequence[tuple[int, Dish]]:
        """Up to ``limit`` ``(rank, dish)`` pairs with a rank below ``NO_SIGNAL`` for the meal.

        Ordered by ``(rank, search_key(name), id)``, strictly after ``after``;
        ``search`` as in :meth:`DishCatalog.list`.
        """
        ...


def meal_signal_index_of(dishes: DishRepository) -> MealSignalIndex | None:
    """The dish repository as a :class:`MealSignalIndex`, or ``None`` if it has no such index."""
    if callable(getattr(dishes, "ranked_for_meal", None)):
        return cast(MealSignalIndex, dishes)
    return None


class MealHistoryRepository(Protocol):
    """Running totals of how many plan entries name each dish, per kind of slot.

    A total is keyed by ``(slot_kind, dish_id)`` (see :mod:`weekplan.domain._history`)
    and counts the entries of the tenant's current templates and instances with
    that dish in a slot of that kind. The use cases keep it exact by applying, in
    the same unit of work as every write of a plan, the difference the write makes.
    """

    def apply_delta(self, tenant_id: str, deltas: Mapping[HistoryKey, int]) -> None:
        """Add each delta (positive or negative) to its total, creating totals as needed.

        A total that reaches zero may be deleted; ``counts`` never reports it.
        Deltas arrive already summed per key, at most one per key, none zero.
        """
        ...

    def counts(self, tenant_id: str) -> Mapping[HistoryKey, int]:
        """Every positive total of the tenant.

        Its size is the number of distinct ``(slot_kind, dish_id)`` pairs in use,
        which depends on the catalog, not on how many entries were ever planned.
        """
        ...


class RulesetRepository(Protocol):
    """Guardrails rulesets of every tenant, and the ruleset each client is on.

    A ruleset is stored under its ``content_hash``, unique per tenant, and never
    changes or goes away once stored, so a decision recorded with a hash can be
    reproduced later. Two tenants may store the same hash; each sees only its own.
    ``diet_id`` and ``version`` are labels, not keys: several stored rulesets may
    carry the same ones.

    A store must give back a ruleset equal (``==``) to the one added;
    :func:`~weekplan.guardrails.ruleset_to_dict` and
    :func:`~weekplan.guardrails.ruleset_from_dict` round-trip one exactly, for a
    store that keeps it as JSON.
    """

    def get(self, tenant_id: str, content_hash: str) -> GuardrailsRuleset | None:
        """The ruleset this tenant stored under ``content_hash``, or ``None``."""
        ...

    def list(
        self,
        tenant_id: str,
        *,
        diet_id: str | None,
        after: RulesetSortKey | None,
        limit: int,
    ) -> Sequence[GuardrailsRuleset]:
        """Up to ``limit`` rulesets ordered by ``(diet_id, version, content_hash)``.

        ``diet_id`` keeps only rulesets with exactly that diet id; rows come
        strictly after ``after``.
        """
        ...

    def add(self, tenant_id: str, ruleset: GuardrailsRuleset) -> None:
        """Store the ruleset under its content hash, unless this tenant has one there.

        Adding a hash the tenant already stored changes nothing and raises
        nothing (the first one stored is kept, labels included), also when a
        concurrent transaction stored it a moment ago.
        """
        ...

    def assigned(self, tenant_id: str, client_ref: str) -> str | None:
        """The content hash of the ruleset ``client_ref`` is on, or ``None``."""
        ...

    def assign(self, tenant_id: str, client_ref: str, content_hash: str | None) -> None:
        """Put ``client_ref`` on the ruleset with ``content_hash``; ``None`` takes it off.

        One client is on at most one ruleset; assigning replaces the previous one.
        The use cases only pass hashes this tenant stored.
        """
        ...

    def lock_client(self, tenant_id: str, client_ref: str) -> None:
        """Hold the client until this unit of work ends: others that lock them wait.

        The use cases call it first in every unit of work that writes one of the
        client's weeks or changes which ruleset the client is on, so the two are
        serialized: a week is always checked against the ruleset the client is
        on when the week is saved, never against one being replaced meanwhile.
        It must work before the client has any row anywhere, and what the unit
        of work reads after it must include every change committed by a unit of
        work that held the client before. A store whose units of work already
        run one at a time has nothing to do.
        """
        ...


class RunRepository(Protocol):
    """Generation runs: an optional capability, offered by a unit of work as ``runs``.

    A run is added once and never changed or removed; the repository has no
    method that could. Runs also drive the generation quota, which must hold
    under concurrency: :meth:`hold_quota` serializes the quota decisions of one
    tenant until the unit of work ends, so a check of :meth:`counted_starts`
    followed by :meth:`add` cannot interleave with another's.
    """

    def add(self, tenant_id: str, run: GenerationRun) -> None:
        """Record a run (its id is new: the use cases make one per run)."""
        ...

    def list(
        self,
        tenant_id: str,
        *,
        client_ref: str | None,
        before: RunSortKey | None,
        limit: int,
    ) -> Sequence[GenerationRun]:
        """Up to ``limit`` runs, newest first by ``(started_at, id)``.

        ``client_ref`` keeps one client's runs; rows come strictly before ``before``.
        """
        ...

    def counted_starts(
        self, tenant_id: str, *, client_ref: str | None, after: datetime
    ) -> Sequence[datetime]:
        """Start times, strictly after ``after``, of the runs the quota counts.

        Every run counts but a ``quota_exceeded`` one; ``client_ref`` keeps one
        client's runs, ``None`` counts the whole tenant. Called after
        :meth:`hold_quota`, it sees every run committed before the hold began.
        """
        ...

    def hold_quota(self, tenant_id: str) -> None:
        """Wait for, then hold, the tenant's quota lock until this unit of work ends."""
        ...


def runs_of(uow: CoreUnitOfWork) -> RunRepository | None:
    """The unit of work's run records, or ``None`` if its store keeps no runs.

    A ``runs`` property that fails is read, and fails the call: the quota it
    holds must never be skipped because the repository failed to load.
    """
    if inspect.getattr_static(uow, "runs", None) is None and not hasattr(uow, "runs"):
        return None
    runs: RunRepository | None = cast(Any, uow).runs
    return runs


class CoreUnitOfWork(Protocol):
    """One transaction over the core repositories: what every store implements.

    Leaving the ``with`` block without :meth:`commit` rolls everything back,
    including when an exception is raised.
    """

    @property
    def templates(self) -> TemplateRepository:
        """The templates, seen through this transaction."""
        ...

    @property
    def instances(self) -> InstanceRepository:
        """The instances, seen through this transaction."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make every change of this unit of work durable and visible."""
        ...

    def rollback(self) -> None:
        """Forget every change of this unit of work."""
        ...


@runtime_checkable
class DishCapability(Protocol):
    """An optional capability of a unit of work: the dish catalog and the meal history.

    Without it the store has no dishes: the dish calls (``upsert_dish``,
    ``get_dish``, ``list_dishes``, ``delete_dish``, ``suggest_dishes``) and a
    plan that names a dish raise :class:`~weekplan.NotSupportedByStore`, unless
    the host plugs in its own :class:`DishCatalog`; plans of notes and empty
    slots work as ever, and no history is kept.
    """

    @property
    def dishes(self) -> DishRepository:
        """The dish catalog, seen through this transaction."""
        ...

    @property
    def meal_history(self) -> MealHistoryRepository:
        """The planning history totals, seen through this transaction."""
        ...


@runtime_checkable
class RulesetCapability(Protocol):
    """An optional capability of a unit of work: diet rulesets, with the client lock.

    Without it the store has no diets: no client is on one, so every week is
    saved unchecked, and the ruleset calls (``save_ruleset``,
    ``assign_ruleset``, ``check_instance``, …) raise
    :class:`~weekplan.NotSupportedByStore`. A store with it must read the
    diets it keeps: an error while reading one refuses the write, never lets
    the diet lapse.
    """

    @property
    def rulesets(self) -> RulesetRepository:
        """The guardrails rulesets and client assignments, seen through this transaction."""
        ...


@runtime_checkable
class RunCapability(Protocol):
    """An optional capability of a unit of work: the record of generation runs.

    Without it, generation keeps no runs and ``list_runs`` lists none.
    """

    @property
    def runs(self) -> RunRepository:
        """The generation runs, seen through this transaction."""
        ...


class UnitOfWork(CoreUnitOfWork, DishCapability, RulesetCapability, Protocol):
    """The core unit of work with the dish catalog and the rulesets, as weekplan's stores have.

    The use cases are written against it: on a store without one of the two
    capabilities, the :class:`~weekplan.Planner` hands them a unit of work
    whose missing repositories hold nothing and refuse every write.
    """


class CoreStore(Protocol):
    """The least a store implements: units of work over templates and instances."""

    def unit_of_work(self) -> CoreUnitOfWork:
        """A new, not yet entered, unit of work.

        Making one must not touch storage: the :class:`~weekplan.Planner`
        makes one, once, to see which capabilities the store has.
        """
        ...


class Store(Protocol):
    """Where weekplan keeps its data. ``InMemoryStore`` and ``SqlAlchemyStore`` are two.

    A store with every repository of :class:`UnitOfWork`; any
    :class:`CoreStore` is accepted too.
    """

    def unit_of_work(self) -> UnitOfWork:
        """A new, not yet entered, unit of work."""
        ...


@runtime_checkable
class SnapshotReads(Protocol):
    """An optional capability of a store: units of work that only read, made cheaper.

    The use cases ask for one when a call cannot write; a store without
    ``read_unit_of_work`` gets an ordinary :meth:`Store.unit_of_work` instead.
    Nothing is ever committed through it.

    ``single_statement=True`` promises that exactly one statement runs. One
    statement always sees one consistent snapshot of the database (PostgreSQL
    and MariaDB take a snapshot per statement even outside a transaction, and
    SQLite holds its read lock, or in WAL mode its read mark, for the whole
    statement), so a store may run it outside a transaction and spare the
    round trips of ``BEGIN`` and ``ROLLBACK``. Reads of more than one statement
    (``single_statement=False``) keep one transaction, so every statement sees
    the same data.
    """

    def read_unit_of_work(self, *, single_statement: bool) -> CoreUnitOfWork:
        """A new, not yet entered, unit of work that only reads."""
        ...


class BulkInstances(Protocol):
    """An optional capability of an instance repository: many new weeks at once.

    :meth:`~weekplan.WorkerPlanner.create_instances` uses it when
    ``uow.instances`` has it, and otherwise calls ``add`` once per week, which
    a store whose transaction cannot go on after a refused ``add`` must not
    rely on.
    """

    def add_new(self, tenant_id: str, instances: Sequence[WeekPlanInstance]) -> Collection[str]:
        """Store each instance whose ``(client_ref, week_start_date)`` is free; refuse the rest.

        Returns the ``client_ref`` of every instance not stored because its key
        was taken, also when a concurrent transaction took it a moment ago. The
        others are stored, and the unit of work goes on as usual. The use cases
        pass instances of one tenant with distinct keys.
        """
        ...


class BulkClientLocks(Protocol):
    """An optional capability of a ruleset repository: many clients held at once.

    For a call that writes many clients' weeks in one unit of work
    (``create_instances``): holding each client is what
    :meth:`RulesetRepository.lock_client` does for one, sent together where
    the database allows it (one batch of statements rather than one round trip
    per client).
    """

    def lock_clients(self, tenant_id: str, client_refs: Sequence[str]) -> None:
        """Hold every client of ``client_refs``, in the order given, until the unit of work ends.

        The same as calling :meth:`RulesetRepository.lock_client` for each in
        turn; callers pass the clients sorted, so two such calls never wait for
        each other in a circle.
        """
        ...


class BulkRulesetAssignments(Protocol):
    """An optional capability of a ruleset repository: many clients' rulesets in one read."""

    def assigned_many(self, tenant_id: str, client_refs: Collection[str]) -> Mapping[str, str]:
        """The content hash of the ruleset of each client among ``client_refs`` that is on one.

        Clients on no ruleset are left out.
        """
        ...


class TemplateWithAssignmentReads(Protocol):
    """Optional, on a store's ``templates``: a template and a client's ruleset in one read.

    A store whose template repository has this method, and whose store object
    says ``reads_template_with_assignment = True``, lets
    :meth:`~weekplan.WorkerPlanner.create_instance` read the template and the
    client's assignment in one statement; without it the planner reads the
    template, then asks ``rulesets.assigned``. The planner calls it after
    ``lock_client``, so the assignment it reads must be as fresh as
    ``assigned`` would read it then; a unit of work that already knows the
    client's assignment (a locking read of ``lock_client``) keeps that one.
    """

    def get_with_assignment(
        self, tenant_id: str, template_id: str, client_ref: str
    ) -> WeekPlanTemplate | None:
        """The template, or ``None``, read with the ruleset ``client_ref`` is on.

        When the template exists, ``rulesets.assigned(tenant_id, client_ref)``
        of the same unit of work then answers without reading again.
        """
        ...
