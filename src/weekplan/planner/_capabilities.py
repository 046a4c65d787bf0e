"""Which optional capabilities a store has, found once per :class:`~weekplan.Planner`.

The core of a store is templates, instances and the unit of work (see
:class:`~weekplan.ports.CoreStore`). Each optional capability is a small
protocol (:class:`~weekplan.ports.DishCapability`,
:class:`~weekplan.ports.RulesetCapability`, …) and a store has it exactly when
its units of work have the protocol's repositories.

Why detect rather than ask the store to declare: a declaration is a second
statement of what the unit of work's attributes already say, and the two can
drift; stores written before the port was layered keep working unchanged; and
the change log, locks, drafts, runs and schedules were already found this way.
Why once: :func:`detect_capabilities` runs when the ``Planner`` is built, on
one unit of work that is made but never entered, and looks attributes up
statically (no property runs, nothing touches storage). A call never decides
again, so a repository that fails while a call runs is an error of that call,
never mistaken for a capability the store lacks: with the rulesets capability,
a diet that cannot be read refuses the write instead of letting it through.

A use case that needs a capability asks the session first
(:func:`require`), so a store without it is refused with
:class:`~weekplan.NotSupportedByStore` naming what is missing, before any
unit of work is made. The steps every write shares never ask: on a store
without a capability, :func:`open_unit_of_work` hands the use cases a unit of
work whose missing repositories are empty stand-ins. The store has no dishes
(a plan that names one is refused) and no diets (no client is on one, so
weeks are saved unchecked, and no diet can be assigned); it logs no change,
its weeks have no locks and no drafts. A stand-in refuses every write, the
last line behind :func:`require`. A store with every capability gets its own
units of work, with nothing in between.

The optional capabilities of a repository (:class:`~weekplan.ports.BulkInstances`,
:class:`~weekplan.ports.BulkRulesetAssignments`, :class:`~weekplan.ports.MealSignalIndex`)
are not detected here: a repository exists only inside a transaction, so the use
case that can use one asks the repository it was handed.
"""

from __future__ import annotations

import enum
import inspect
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final, Generic, NoReturn, Protocol, TypeVar, cast

import attrs

from weekplan.domain._dishes import Dish
from weekplan.domain._drafts import WeekDraft
from weekplan.domain._entries import SlotKey
from weekplan.domain._history import HistoryKey
from weekplan.domain._locks import SlotLock
from weekplan.domain.changes import ChangeRecord, ChangeSet, ChangeSortKey, ChangeSubject
from weekplan.errors import NotSupportedByStore, StorageError
from weekplan.guardrails._model import GuardrailsRuleset
from weekplan.planner._uow_wrapper import CoreUnitOfWorkWrapper
from weekplan.ports import (
    CoreStore,
    CoreUnitOfWork,
    DishRepository,
    DishSortKey,
    MealHistoryRepository,
    RulesetRepository,
    RulesetSortKey,
    RunCapability,
    RunRepository,
    UnitOfWork,
)
from weekplan.schedule_ports import ScheduleCapability, ScheduleRepository
from weekplan.workflow_ports import (
    ChangeLogRepository,
    DraftRepository,
    SlotLockRepository,
    WorkflowUnitOfWork,
)

__all__ = [
    "Capability",
    "FullUnitOfWork",
    "StoreCapabilities",
    "detect_capabilities",
    "full",
    "offers",
    "open_read_unit_of_work",
    "open_unit_of_work",
    "refuse",
    "require",
    "require_client_lock",
]


class Capability(enum.Enum):
    """An optional capability of a store, named after what it keeps."""

    DISHES = "dishes"
    """The dish catalog with the meal history (:class:`~weekplan.ports.DishCapability`)."""
    RULESETS = "rulesets"
    """Diet rulesets with the client lock (:class:`~weekplan.ports.RulesetCapability`)."""
    CHANGES = "changes"
    """The change log (:class:`~weekplan.workflow_ports.ChangeLogCapability`)."""
    LOCKS = "locks"
    """Slot locks (:class:`~weekplan.workflow_ports.SlotLockCapability`)."""
    DRAFTS = "drafts"
    """Drafts (:class:`~weekplan.workflow_ports.DraftCapability`)."""
    RUNS = "runs"
    """Generation runs (:class:`~weekplan.ports.RunCapability`)."""
    SCHEDULES = "schedules"
    """Schedules (:class:`~weekplan.schedule_ports.ScheduleCapability`)."""
    SNAPSHOT_READS = "snapshot_reads"
    """Cheaper read-only units of work (:class:`~weekplan.ports.SnapshotReads`), on the store."""


#: The attributes a unit of work has when its store has the capability.
_UNIT_OF_WORK_MEMBERS: Final[Mapping[Capability, tuple[str, ...]]] = {
    Capability.DISHES: ("dishes", "meal_history"),
    Capability.RULESETS: ("rulesets",),
    Capability.CHANGES: ("changes",),
    Capability.LOCKS: ("locks",),
    Capability.DRAFTS: ("drafts",),
    Capability.RUNS: ("runs",),
    Capability.SCHEDULES: ("schedules",),
}

#: What a store without the capability lacks, and where its protocol is described.
_WHAT: Final[Mapping[Capability, str]] = {
    Capability.DISHES: "no dish catalog (see weekplan.ports.DishCapability)",
    Capability.RULESETS: "no diet rulesets (see weekplan.ports.RulesetCapability)",
    Capability.CHANGES: "no change log (see weekplan.workflow_ports.ChangeLogCapability)",
    Capability.LOCKS: "no slot locks (see weekplan.workflow_ports.SlotLockCapability)",
    Capability.DRAFTS: "no drafts (see weekplan.workflow_ports.DraftCapability)",
    Capability.RUNS: "no generation runs (see weekplan.ports.RunCapability)",
    Capability.SCHEDULES: "no schedules (see weekplan.schedule_ports.ScheduleCapability)",
}


@attrs.frozen
class StoreCapabilities:
    """The optional capabilities one store has."""

    present: frozenset[Capability] = frozenset(Capability)
    #: Whether the store's units of work have every optional repository.
    complete: bool = attrs.field(init=False)

    @complete.default
    def _complete(self) -> bool:
        return self.present.issuperset(_UNIT_OF_WORK_MEMBERS)

    def __contains__(self, capability: object) -> bool:
        return capability in self.present


class FullUnitOfWork(UnitOfWork, WorkflowUnitOfWork, RunCapability, ScheduleCapability, Protocol):
    """A unit of work as :func:`open_unit_of_work` makes it: every repository is there.

    The store's own, or an empty stand-in for a capability the store lacks.
    """


_MISSING: Final = object()


def offers(target: object, name: str) -> bool:
    """Whether ``target`` has the attribute ``name``, without running it if it is a property.

    A property that fails when read is still offered: the failure belongs to
    the call that reads it, never taken for a capability that is absent.
    Only an object that forwards attributes with ``__getattr__`` is asked.
    """
    if inspect.getattr_static(target, name, _MISSING) is not _MISSING:
        return True
    return hasattr(target, name)


def _has(target: object, name: str) -> bool:
    # Static first (``offers``): a unit of work not yet entered is never asked for a
    # repository it may only build inside a transaction.
    try:
        return offers(target, name)
    except Exception:  # a forwarder that fails while probing: no capability
        return False


def detect_capabilities(store: CoreStore) -> StoreCapabilities:
    """The capabilities of ``store``, from one unit of work that is made and never entered."""
    probe = store.unit_of_work()
    present = {
        capability
        for capability, members in _UNIT_OF_WORK_MEMBERS.items()
        if all(_has(probe, name) for name in members)
    }
    if _has(store, "read_unit_of_work"):
        present.add(Capability.SNAPSHOT_READS)
    return StoreCapabilities(frozenset(present))


def refuse(*missing: Capability) -> NoReturn:
    """Raise :class:`~weekplan.NotSupportedByStore` naming each ``missing`` capability."""
    raise NotSupportedByStore(
        "this store keeps " + "; ".join(_WHAT.get(c, f"no {c.value}") for c in missing)
    )


def require(capabilities: StoreCapabilities, *wanted: Capability) -> None:
    """:class:`~weekplan.NotSupportedByStore` naming each of ``wanted`` the store lacks."""
    missing = [capability for capability in wanted if capability not in capabilities]
    if missing:
        refuse(*missing)


def full(uow: CoreUnitOfWork) -> FullUnitOfWork:
    """``uow``, made by :func:`open_unit_of_work`, typed with every repository it has.

    Nothing is looked up: the stand-ins were chosen when the unit of work was made.
    """
    return cast(FullUnitOfWork, uow)


def require_client_lock(rulesets: RulesetRepository) -> Callable[[str, str], None]:
    """The ``lock_client`` of a ruleset repository, or :class:`~weekplan.NotSupportedByStore`.

    Fails closed: a store that keeps diets but cannot hold a client cannot keep
    a week write and a diet change apart, so it may do neither.
    """
    lock: Callable[[str, str], None] | None = getattr(rulesets, "lock_client", None)
    if lock is None:
        raise NotSupportedByStore(
            "this store's rulesets have no client lock (RulesetRepository.lock_client), "
            "so a client's weeks and diet cannot be changed safely"
        )
    return lock


def open_unit_of_work(store: CoreStore, capabilities: StoreCapabilities) -> UnitOfWork:
    """A new unit of work of ``store``, as the use cases expect it (see :func:`full`)."""
    uow = store.unit_of_work()
    if capabilities.complete:
        return cast(UnitOfWork, uow)
    return _WithoutCapabilities(uow, capabilities)


def open_read_unit_of_work(
    store: CoreStore, capabilities: StoreCapabilities, *, single_statement: bool
) -> UnitOfWork:
    """A new unit of work for a call that only reads (:class:`~weekplan.ports.SnapshotReads`)."""
    if Capability.SNAPSHOT_READS not in capabilities:
        return open_unit_of_work(store, capabilities)
    reading: Any = store
    uow = reading.read_unit_of_work(single_statement=single_statement)
    if capabilities.complete:
        return cast(UnitOfWork, uow)
    return _WithoutCapabilities(uow, capabilities)


class _NoDishes:
    """The dish catalog of a store without one: empty, and refusing to be used."""

    def get_many(self, tenant_id: str, dish_ids: Collection[str]) -> Mapping[str, Dish]:
        # Looking up no dish (a plan without dishes) is fine; naming one is the feature.
        if dish_ids:
            refuse(Capability.DISHES)
        return {}

    def list(
        self, tenant_id: str, *, search: str | None, after: DishSortKey | None, limit: int
    ) -> Sequence[Dish]:
        refuse(Capability.DISHES)

    def add(self, tenant_id: str, dish: Dish) -> None:
        refuse(Capability.DISHES)

    def replace(self, tenant_id: str, dish: Dish, *, expected_version: int) -> bool:
        refuse(Capability.DISHES)

    def remove(self, tenant_id: str, dish_id: str) -> bool:
        refuse(Capability.DISHES)


class _NoMealHistory:
    """The meal history of a store without a catalog: nothing is kept."""

    def apply_delta(self, tenant_id: str, deltas: Mapping[HistoryKey, int]) -> None:
        return None

    def counts(self, tenant_id: str) -> Mapping[HistoryKey, int]:
        return {}


class _NoRulesets:
    """The rulesets of a store without diets: no client is on one, and none can be stored."""

    def assigned(self, tenant_id: str, client_ref: str) -> str | None:
        return None

    def assigned_many(self, tenant_id: str, client_refs: Collection[str]) -> Mapping[str, str]:
        return {}

    def lock_client(self, tenant_id: str, client_ref: str) -> None:
        # Nothing to serialize against: no diet can be assigned in this store.
        return None

    def get(self, tenant_id: str, content_hash: str) -> GuardrailsRuleset | None:
        refuse(Capability.RULESETS)

    def list(
        self, tenant_id: str, *, diet_id: str | None, after: RulesetSortKey | None, limit: int
    ) -> Sequence[GuardrailsRuleset]:
        refuse(Capability.RULESETS)

    def add(self, tenant_id: str, ruleset: GuardrailsRuleset) -> None:
        refuse(Capability.RULESETS)

    def assign(self, tenant_id: str, client_ref: str, content_hash: str | None) -> None:
        refuse(Capability.RULESETS)


class _NoChangeLog:
    """The change log of a store without one: a write is kept, unlogged; nothing can be read."""

    def append(self, tenant_id: str, sets: Sequence[ChangeSet]) -> None:
        return None

    def list(
        self,
        tenant_id: str,
        *,
        subject: ChangeSubject | None,
        subject_id: str | None,
        client_ref: str | None,
        week_start_date: date | None,
        since: datetime | None,
        until: datetime | None,
        before: ChangeSortKey | None,
        limit: int,
    ) -> Sequence[ChangeRecord]:
        refuse(Capability.CHANGES)


class _NoLocks:
    """The slot locks of a store without them: no week has one, and none can be put."""

    def of_week(self, tenant_id: str, client_ref: str, week_start_date: date) -> Sequence[SlotLock]:
        return ()

    def put(self, tenant_id: str, lock: SlotLock) -> None:
        refuse(Capability.LOCKS)

    def remove(self, tenant_id: str, client_ref: str, week_start_date: date, slot: SlotKey) -> bool:
        refuse(Capability.LOCKS)

    def remove_week(self, tenant_id: str, client_ref: str, week_start_date: date) -> None:
        return None


class _NoDrafts:
    """The drafts of a store without them: no week has one, and none can be kept."""

    def get(self, tenant_id: str, client_ref: str, week_start_date: date) -> WeekDraft | None:
        return None

    def add(self, tenant_id: str, draft: WeekDraft) -> None:
        refuse(Capability.DRAFTS)

    def replace(self, tenant_id: str, draft: WeekDraft, *, expected_version: int) -> bool:
        refuse(Capability.DRAFTS)

    def remove(self, tenant_id: str, client_ref: str, week_start_date: date) -> bool:
        return False


class _Refusing:
    """A repository of a capability the store lacks whose every method refuses.

    For the runs and the schedules: no use case reaches for them without
    asking first (:func:`require`), so this only makes a missed question an
    error that names the capability.
    """

    def __init__(self, capability: Capability) -> None:
        self._capability = capability

    def __getattr__(self, name: str) -> Callable[..., NoReturn]:
        if name.startswith("_"):
            raise AttributeError(name)

        def refused(*args: object, **kwargs: object) -> NoReturn:
            refuse(self._capability)

        return refused


_STAND_INS: Final[Mapping[str, object]] = {
    "dishes": _NoDishes(),
    "meal_history": _NoMealHistory(),
    "rulesets": _NoRulesets(),
    "changes": _NoChangeLog(),
    "locks": _NoLocks(),
    "drafts": _NoDrafts(),
    "runs": _Refusing(Capability.RUNS),
    "schedules": _Refusing(Capability.SCHEDULES),
}


R = TypeVar("R")


class _Repository(Generic[R]):
    """A repository of the wrapped unit of work, or the stand-in of a capability the store lacks."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, uow: _WithoutCapabilities, owner: type | None = None) -> R:
        repository: R = uow.repository(self._name)
        return repository


class _WithoutCapabilities(CoreUnitOfWorkWrapper):
    """A store's unit of work, with empty stand-ins for the capabilities it lacks.

    Which repositories are the store's own was found once, when the planner
    was built: nothing here asks the store again.
    """

    dishes = _Repository[DishRepository]()
    meal_history = _Repository[MealHistoryRepository]()
    rulesets = _Repository[RulesetRepository]()
    changes = _Repository[ChangeLogRepository]()
    locks = _Repository[SlotLockRepository]()
    drafts = _Repository[DraftRepository]()
    runs = _Repository[RunRepository]()
    schedules = _Repository[ScheduleRepository]()

    def __init__(self, inner: CoreUnitOfWork, capabilities: StoreCapabilities) -> None:
        super().__init__(inner)
        self._found = frozenset(
            name
            for capability in capabilities.present
            for name in _UNIT_OF_WORK_MEMBERS.get(capability, ())
        )

    def repository(self, name: str) -> Any:
        """The store's repository ``name`` if it has the capability, else its stand-in."""
        if name not in self._found:
            return _STAND_INS[name]
        try:
            return getattr(self._inner, name)
        except AttributeError as exc:
            # Found when the planner was built: failing now is the store failing, and must
            # not read as a capability that is absent.
            raise StorageError(f"the store's {name} failed: {exc}") from exc
