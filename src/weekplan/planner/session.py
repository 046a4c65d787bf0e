"""What every planner session shares: its store, tenant, options and units of work."""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import Final, Literal, Self

import attrs

from weekplan.domain.days import DayKey
from weekplan.domain.meal_types import DEFAULT_VOCABULARY, MealVocabulary
from weekplan.errors import ReadOnlyAccess
from weekplan.generation.checked import DEFAULT_MAX_ATTEMPTS
from weekplan.generation.port import PlanGenerator
from weekplan.generation.quota import GenerationQuota
from weekplan.guardrails.cache import RulesetCache
from weekplan.planner.capabilities import (
    Capability,
    StoreCapabilities,
    open_read_unit_of_work,
    open_unit_of_work,
    refuse,
    require_client_lock,
)
from weekplan.ports import (
    CoreStore,
    DishCatalog,
    DishRepository,
    InstanceRepository,
    MealHistoryRepository,
    RulesetRepository,
    RunRepository,
    TemplateRepository,
    UnitOfWork,
    runs_of,
)
from weekplan.workflow_ports import ChangeLogRepository, DraftRepository, SlotLockRepository

__all__ = ["UNSET", "PlannerOptions", "Session", "Unset"]


class Unset(enum.Enum):
    """The type of :data:`UNSET`: "this keyword was not given"."""

    UNSET = enum.auto()


UNSET: Final = Unset.UNSET
Unsettable = Literal[Unset.UNSET]


def utc_now() -> datetime:
    """The current time in UTC, to the microsecond (what every store can hold)."""
    return datetime.now(UTC)


def new_id() -> str:
    """A random id: 32 hex digits, the ``hex`` of a version-4 UUID.

    Built from the bytes directly: a write logs one record per changed slot, each
    with an id, and ``uuid.uuid4()`` costs several times more for the same digits.
    """
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    return raw.hex()


@attrs.frozen
class PlannerOptions:
    """Options shared by every session of one :class:`~weekplan.Planner`."""

    week_starts_on: DayKey = DayKey.MON
    clock: Callable[[], datetime] = utc_now
    id_factory: Callable[[], str] = new_id
    meal_vocabulary: MealVocabulary = DEFAULT_VOCABULARY
    dish_catalog: DishCatalog | None = None
    """A host's own dish catalog; ``None`` keeps dishes in the store."""
    generator: PlanGenerator | None = None
    """What generates weeks; ``None`` is the CP-SAT solver (the ``generate`` extra)."""
    generation_quota: GenerationQuota = attrs.Factory(GenerationQuota)
    """How many generations a client and a tenant may start in a rolling window."""
    generation_attempts: int = DEFAULT_MAX_ATTEMPTS
    """How many proposals a generation asks for before it gives up."""
    rulesets: RulesetCache = attrs.field(factory=RulesetCache, eq=False, repr=False)
    """The compiled rulesets of this planner's sessions (never shared with another planner)."""
    capabilities: StoreCapabilities = attrs.Factory(StoreCapabilities)
    """The store's optional capabilities, found once by the ``Planner``."""


class _ReadOnlyUnitOfWork:
    """A unit of work whose ``commit`` is refused: the defence behind ``@writes``."""

    def __init__(self, inner: UnitOfWork) -> None:
        self._inner = inner

    # Passed through on use: a store may build its repositories only when asked.
    @property
    def templates(self) -> TemplateRepository:
        return self._inner.templates

    @property
    def instances(self) -> InstanceRepository:
        return self._inner.instances

    @property
    def dishes(self) -> DishRepository:
        return self._inner.dishes

    @property
    def meal_history(self) -> MealHistoryRepository:
        return self._inner.meal_history

    @property
    def rulesets(self) -> RulesetRepository:
        return self._inner.rulesets

    @property
    def runs(self) -> RunRepository | None:
        # An optional capability: absent from the store, absent here.
        return runs_of(self._inner)

    # The optional workflow repositories (see weekplan.workflow_ports), when the store has them.
    @property
    def wrapped(self) -> UnitOfWork:
        """The unit of work whose ``commit`` this one refuses."""
        return self._inner

    @property
    def changes(self) -> ChangeLogRepository:
        return self._inner.changes  # type: ignore[attr-defined,no-any-return]

    @property
    def locks(self) -> SlotLockRepository:
        return self._inner.locks  # type: ignore[attr-defined,no-any-return]

    @property
    def drafts(self) -> DraftRepository:
        return self._inner.drafts  # type: ignore[attr-defined,no-any-return]

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._inner.rollback()

    def commit(self) -> None:
        raise ReadOnlyAccess()

    def rollback(self) -> None:
        self._inner.rollback()


class Session:
    """The tenant, access mode and options of one planner session."""

    def __init__(
        self,
        store: CoreStore,
        options: PlannerOptions,
        tenant_id: str,
        *,
        read_only: bool,
        actor: str | None = None,
    ) -> None:
        self._store = store
        self._options = options
        self._tenant_id = tenant_id
        self._read_only = read_only
        self._actor = actor

    @property
    def tenant_id(self) -> str:
        """The tenant every call of this session reads and writes."""
        return self._tenant_id

    @property
    def actor(self) -> str | None:
        """Who the change log records for this session's writes (given by the host)."""
        return self._actor

    @property
    def read_only(self) -> bool:
        """Whether this session refuses every write with ``ReadOnlyAccess``."""
        return self._read_only

    @contextmanager
    def _transaction(self) -> Iterator[UnitOfWork]:
        with open_unit_of_work(self._store, self._options.capabilities) as uow:
            yield _ReadOnlyUnitOfWork(uow) if self._read_only else uow

    @contextmanager
    def _reading(self, *, single_statement: bool) -> Iterator[UnitOfWork]:
        """A unit of work for a call that never writes (see :class:`~weekplan.ports.SnapshotReads`).

        ``single_statement`` is a promise that the call runs exactly one statement.
        """
        uow = open_read_unit_of_work(
            self._store, self._options.capabilities, single_statement=single_statement
        )
        with uow:
            yield _ReadOnlyUnitOfWork(uow)

    def _require(self, capability: Capability) -> None:
        """:class:`~weekplan.NotSupportedByStore` unless the store has ``capability``."""
        if capability not in self._options.capabilities:
            refuse(capability)

    @contextmanager
    def _client_transaction(self, client_ref: str) -> Iterator[UnitOfWork]:
        """A unit of work that holds ``client_ref`` from its first statement on.

        For every write of a client's week and every change of the ruleset the
        client is on: holding the client first serializes the two, so a week is
        never checked against a ruleset that another call is replacing at the
        same moment (see ``RulesetRepository.lock_client``).
        """
        with self._transaction() as uow:
            require_client_lock(uow.rulesets)(self._tenant_id, client_ref)
            yield uow
