"""The optional workflow capability of a store: change log, slot locks and drafts.

A store whose units of work also have ``changes``, ``locks`` or ``drafts``
gets the change log, slot locks or the draft → review → apply flow; each of the
three works without the others. A store without one keeps working for
everything else: without the log its writes are not logged, without locks its
weeks have none, and the calls that need the missing one (``list_changes``,
``lock_slot``, ``start_draft``, …) raise :class:`~weekplan.NotSupportedByStore`.

As in :mod:`weekplan.ports`, every method takes ``tenant_id`` and never
returns another tenant's row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from weekplan.domain._drafts import WeekDraft
from weekplan.domain._entries import SlotKey
from weekplan.domain._locks import SlotLock
from weekplan.domain._plans import WeekPlanInstance
from weekplan.domain.changes import ChangeRecord, ChangeSet, ChangeSortKey, ChangeSubject

__all__ = [
    "ChangeLogCapability",
    "ChangeLogRepository",
    "DraftCapability",
    "DraftRepository",
    "SlotLockCapability",
    "SlotLockRepository",
    "WeekWithLocksReads",
    "WorkflowUnitOfWork",
]


class ChangeLogRepository(Protocol):
    """Change sets, append-only: there is no method that changes or removes one.

    A store keeps one :class:`~weekplan.domain.changes.ChangeSet` per write and
    lists the records they hold, one per changed slot.
    """

    def append(self, tenant_id: str, sets: Sequence[ChangeSet]) -> None:
        """Store new change sets (their ids are new), all in this unit of work."""
        ...

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
        """Up to ``limit`` records, newest first by their ``sort_key``, strictly before ``before``.

        The order is ``(at, set id, position in the set)``, descending. Each
        filter that is not ``None`` must match the set exactly; ``since`` keeps
        sets at or after it and ``until`` sets strictly before it. Since every
        set holds a change, ``limit + 1`` sets from the one ``before`` names on
        (``(at, id)`` descending) hold every record the page can need:
        :func:`~weekplan.domain.changes.records_before` picks them.
        """
        ...


class SlotLockRepository(Protocol):
    """The locked slots of clients' weeks, at most one lock per slot."""

    def of_week(self, tenant_id: str, client_ref: str, week_start_date: date) -> Sequence[SlotLock]:
        """Every lock of the week (any order)."""
        ...

    def put(self, tenant_id: str, lock: SlotLock) -> None:
        """Store the lock, replacing the slot's lock if it has one."""
        ...

    def remove(self, tenant_id: str, client_ref: str, week_start_date: date, slot: SlotKey) -> bool:
        """Unlock the slot; ``False`` if it was not locked."""
        ...

    def remove_week(self, tenant_id: str, client_ref: str, week_start_date: date) -> None:
        """Unlock every slot of the week (the week is being deleted)."""
        ...


class WeekWithLocksReads(Protocol):
    """Optional, on a workflow store's ``instances``: a week and its locks in one read.

    A store whose instance repository has this method, and whose store object
    says ``reads_week_with_locks = True``, lets the planner read a week as one
    statement (see :class:`~weekplan.ports.SnapshotReads`): no transaction
    around it, where that spares round trips. Without it the planner reads the
    week, then its locks, in one transaction.
    """

    def get_with_locks(
        self, tenant_id: str, client_ref: str, week_start_date: date
    ) -> WeekPlanInstance | None:
        """The instance with its ``locks`` (Monday first, then by slot key), or ``None``."""
        ...


class DraftRepository(Protocol):
    """The drafts of clients' weeks, at most one per week."""

    def get(self, tenant_id: str, client_ref: str, week_start_date: date) -> WeekDraft | None:
        """The week's draft, or ``None``."""
        ...

    def add(self, tenant_id: str, draft: WeekDraft) -> None:
        """Store a new draft (the use cases only add one to a week that has none).

        If the week has a draft after all (a racing call added it since the use
        case looked), raise :class:`~weekplan.ConcurrentUpdate` and keep that
        draft: the call is then run again and returns it.
        """
        ...

    def replace(self, tenant_id: str, draft: WeekDraft, *, expected_version: int) -> bool:
        """Overwrite the week's draft if its stored version is ``expected_version``."""
        ...

    def remove(self, tenant_id: str, client_ref: str, week_start_date: date) -> bool:
        """Drop the week's draft; ``False`` if there was none."""
        ...


@runtime_checkable
class ChangeLogCapability(Protocol):
    """A unit of work that reaches the change log."""

    @property
    def changes(self) -> ChangeLogRepository:
        """The change log, seen through this unit of work."""
        ...


@runtime_checkable
class SlotLockCapability(Protocol):
    """A unit of work that reaches the slot locks."""

    @property
    def locks(self) -> SlotLockRepository:
        """The slot locks, seen through this unit of work."""
        ...


@runtime_checkable
class DraftCapability(Protocol):
    """A unit of work that reaches the drafts."""

    @property
    def drafts(self) -> DraftRepository:
        """The drafts, seen through this unit of work."""
        ...


@runtime_checkable
class WorkflowUnitOfWork(ChangeLogCapability, SlotLockCapability, DraftCapability, Protocol):
    """A unit of work that also reaches the change log, the locks and the drafts.

    weekplan's own stores have all three; a store may have any of them (see
    :class:`ChangeLogCapability`, :class:`SlotLockCapability`,
    :class:`DraftCapability`).
    """
