"""The steps every write shares with the workflow capability: log, locks, drafts.

Each function takes the write's unit of work, so what it reads and appends is
part of the write's one transaction: a write that fails leaves no record.
Whether the store keeps a change log, locks and drafts was found once, when
the :class:`~weekplan.Planner` was built (:mod:`weekplan.planner._capabilities`):
on a store without one of them the unit of work holds an empty stand-in, so a
write is not logged and a week has no locks, and the calls that cannot work
without it are refused before their unit of work is made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from weekplan.domain._entries import PlanEntry, slot_index
from weekplan.domain._locks import SlotLock, locked_changes
from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.domain._trusted import evolve_checked
from weekplan.domain.changes import (
    ChangeSet,
    ChangeSource,
    ChangeSubject,
    ChangeType,
    SlotChange,
    slot_changes,
)
from weekplan.domain.text import check_optional_text
from weekplan.errors import SlotLocked
from weekplan.planner._capabilities import full
from weekplan.ports import DishCatalog, UnitOfWork
from weekplan.workflow_ports import WorkflowUnitOfWork

__all__ = [
    "REASON_MAX",
    "check_reason",
    "enforce_locks",
    "lock_change_set",
    "locks_of",
    "log_changes",
    "template_change_set",
    "week_change_set",
    "week_with_locks",
    "workflow_of",
]

REASON_MAX = 500


def check_reason(value: Any) -> str | None:
    """An optional reason for the change log: ``None`` or text of at most 500 characters."""
    return check_optional_text(value, "reason", max_length=REASON_MAX)


def workflow_of(uow: UnitOfWork) -> WorkflowUnitOfWork:
    """``uow``'s change log, locks and drafts: the store's own, or empty stand-ins.

    Nothing is asked of the store: what it has was found when the planner was
    built, and the stand-ins were put in when ``uow`` was made
    (:func:`~weekplan.planner._capabilities.open_unit_of_work`). A repository the
    store has but fails to load fails the call; it is never taken for none.
    """
    return full(uow)


def locks_of(uow: UnitOfWork, tenant_id: str, client_ref: str, week: date) -> tuple[SlotLock, ...]:
    """The week's locks, Monday first then by slot key; none on a store without locks."""
    found = workflow_of(uow).locks.of_week(tenant_id, client_ref, week)
    return tuple(sorted(found, key=lambda lock: (lock.day_key.position, lock.slot_key)))


def week_with_locks(
    uow: UnitOfWork, tenant_id: str, client_ref: str, week: date
) -> WeekPlanInstance | None:
    """The week with its locks attached, or ``None``: in one read where the store can."""
    read = getattr(uow.instances, "get_with_locks", None)
    if read is not None:
        found: WeekPlanInstance | None = read(tenant_id, client_ref, week)
        return found
    instance = uow.instances.get(tenant_id, client_ref, week)
    if instance is None:
        return None
    locks = locks_of(uow, tenant_id, client_ref, week)
    return evolve_checked(instance, locks=locks) if locks else instance


def enforce_locks(
    catalog: DishCatalog,
    tenant_id: str,
    changes: Iterable[SlotChange],
    locks: Sequence[SlotLock],
) -> None:
    """:class:`~weekplan.SlotLocked` naming each locked slot among ``changes``."""
    if not locks:
        return
    forbidden = locked_changes(tuple(changes), locks, lambda ids: catalog.get_many(tenant_id, ids))
    if forbidden:
        raise SlotLocked([(c.day_key.value, c.slot_key) for c in forbidden])


def week_change_set(
    new_id: Callable[[], str],
    *,
    week: WeekPlanInstance,
    changes: Iterable[SlotChange],
    actor: str | None,
    source: ChangeSource,
    reason: str | None,
    at: datetime,
    version_before: int | None,
    version_after: int | None,
) -> ChangeSet | None:
    """The change set of one write of a client's week; ``None`` if it changed no slot.

    One id for the whole set: its records' ids derive from it.
    """
    held = changes if type(changes) is tuple else tuple(changes)
    if not held:
        return None
    return ChangeSet(
        id=new_id(),
        tenant_id=week.tenant_id,
        subject=ChangeSubject.WEEK,
        subject_id=week.id,
        client_ref=week.client_ref,
        week_start_date=week.week_start_date,
        actor=actor,
        source=source,
        reason=reason,
        at=at,
        version_before=version_before,
        version_after=version_after,
        changes=held,
    )


def template_change_set(
    new_id: Callable[[], str],
    *,
    template: WeekPlanTemplate,
    before: Iterable[PlanEntry],
    after: Iterable[PlanEntry],
    actor: str | None,
    source: ChangeSource,
    at: datetime,
    version_before: int | None,
    version_after: int | None,
) -> ChangeSet | None:
    """The change set of one write of a template; ``None`` if it changed no slot."""
    changes = slot_changes(before, after)
    if not changes:
        return None
    return ChangeSet(
        id=new_id(),
        tenant_id=template.tenant_id,
        subject=ChangeSubject.TEMPLATE,
        subject_id=template.id,
        # Only a template's set has no client (a week's names the week's): SQL
        # stores index templates' logs by exactly the sets whose client is NULL.
        client_ref=None,
        week_start_date=None,
        actor=actor,
        source=source,
        reason=None,
        at=at,
        version_before=version_before,
        version_after=version_after,
        changes=changes,
    )


def lock_change_set(
    new_id: Callable[[], str],
    *,
    week: WeekPlanInstance,
    lock: SlotLock,
    change_type: ChangeType,
    actor: str | None,
    at: datetime,
    version_before: int,
    version_after: int,
) -> ChangeSet:
    """The change set of locking or unlocking one slot; the slot's entry is unchanged."""
    entry = slot_index(week.days).get(lock.key)
    change = SlotChange(change_type, lock.day_key, lock.slot_key, entry, entry)
    return ChangeSet(
        id=new_id(),
        tenant_id=week.tenant_id,
        subject=ChangeSubject.WEEK,
        subject_id=week.id,
        client_ref=week.client_ref,
        week_start_date=week.week_start_date,
        actor=actor,
        source=ChangeSource.LOCK,
        reason=lock.reason,
        at=at,
        version_before=version_before,
        version_after=version_after,
        changes=(change,),
    )


def log_changes(uow: UnitOfWork, tenant_id: str, sets: Sequence[ChangeSet | None]) -> None:
    """Append the change ``sets`` in the write's unit of work; ``None`` is skipped.

    Nothing is kept on a store without a log (its stand-in drops them).
    """
    kept = [change_set for change_set in sets if change_set is not None]
    if kept:
        workflow_of(uow).changes.append(tenant_id, kept)
