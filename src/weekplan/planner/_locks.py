"""Locking slots of a client's week, so that later writes leave them alone.

Locking or unlocking bumps the week's version (a compare-and-set like any
edit), so a write that read the week before the lock fails with
:class:`~weekplan.VersionConflict` instead of slipping past it; and each is one
record on the change log (``locked`` / ``unlocked``, source ``lock``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import attrs

from weekplan.domain._days import DayKey
from weekplan.domain._dishes import parse_texts
from weekplan.domain._entries import parse_entry, slot_index
from weekplan.domain._inputs import check_expected_version, collect_errors
from weekplan.domain._limits import INGREDIENT_MAX, MAX_INGREDIENTS
from weekplan.domain._locks import SlotLock
from weekplan.domain._plans import WeekPlanInstance
from weekplan.domain.changes import ChangeType
from weekplan.errors import ConcurrentUpdate, SlotNotFound
from weekplan.planner._capabilities import Capability
from weekplan.planner._instances import instance_key, load_instance
from weekplan.planner._session import UseCases
from weekplan.planner._workflow import (
    check_reason,
    lock_change_set,
    locks_of,
    log_changes,
    workflow_of,
)
from weekplan.ports import UnitOfWork

__all__ = ["LockUseCases"]


def _check_ingredients(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return parse_texts(
        value, "ingredients", max_items=MAX_INGREDIENTS, max_length=INGREDIENT_MAX, unique=True
    )


class LockUseCases(UseCases):
    """Locks on slots of clients' weeks (e.g. groceries already bought)."""

    def lock_slot(
        self,
        client_ref: str,
        week_start_date: date | str,
        day_key: DayKey | str,
        slot_key: str,
        *,
        reason: str | None = None,
        ingredients: Iterable[str] | None = None,
        expected_version: int | None = None,
    ) -> WeekPlanInstance:
        """See :meth:`weekplan.WorkerPlanner.lock_slot`."""
        (client, week), probe, why, held, expected = collect_errors(
            lambda: instance_key(self._session, client_ref, week_start_date),
            lambda: parse_entry({"day_key": day_key, "slot_key": slot_key}),
            lambda: check_reason(reason),
            lambda: _check_ingredients(ingredients),
            lambda: check_expected_version(expected_version),
        )
        self._require(Capability.LOCKS)
        with self._client_transaction(client) as uow:
            workflow = workflow_of(uow)
            current = load_instance(self._session, uow, client, week, expected_version=expected)
            if probe.key not in slot_index(current.days):
                raise SlotNotFound()
            now = self._options.clock()
            lock = SlotLock(
                tenant_id=self.tenant_id,
                client_ref=client,
                week_start_date=week,
                day_key=probe.day_key,
                slot_key=probe.slot_key,
                reason=why,
                ingredients=held,
                actor=self.actor,
                locked_at=now,
            )
            # The week's compare-and-set comes first: of two racing writers, the
            # second fails there with VersionConflict, before touching the lock.
            bumped = self._bump(uow, current, now)
            workflow.locks.put(self.tenant_id, lock)
            updated = self._logged(uow, bumped, current.version, ChangeType.LOCKED, lock)
            uow.commit()
        return updated

    def unlock_slot(
        self,
        client_ref: str,
        week_start_date: date | str,
        day_key: DayKey | str,
        slot_key: str,
        *,
        expected_version: int | None = None,
    ) -> WeekPlanInstance:
        """See :meth:`weekplan.WorkerPlanner.unlock_slot`."""
        (client, week), probe, expected = collect_errors(
            lambda: instance_key(self._session, client_ref, week_start_date),
            lambda: parse_entry({"day_key": day_key, "slot_key": slot_key}),
            lambda: check_expected_version(expected_version),
        )
        self._require(Capability.LOCKS)
        with self._client_transaction(client) as uow:
            workflow = workflow_of(uow)
            current = load_instance(self._session, uow, client, week, expected_version=expected)
            lock = next((lock for lock in current.locks if lock.key == probe.key), None)
            if lock is None:
                return current
            bumped = self._bump(uow, current, self._options.clock())
            workflow.locks.remove(self.tenant_id, client, week, probe.key)
            updated = self._logged(uow, bumped, current.version, ChangeType.UNLOCKED, lock)
            uow.commit()
        return updated

    def _bump(self, uow: UnitOfWork, current: WeekPlanInstance, now: datetime) -> WeekPlanInstance:
        """Save the week one version up with the same days (compare-and-set)."""
        bumped = attrs.evolve(current, version=current.version + 1, updated_at=now, locks=())
        if not uow.instances.replace(self.tenant_id, bumped, expected_version=current.version):
            # Changed since it was read, by a call that got in first: run this one again.
            raise ConcurrentUpdate()
        return bumped

    def _logged(
        self,
        uow: UnitOfWork,
        bumped: WeekPlanInstance,
        version_before: int,
        change_type: ChangeType,
        lock: SlotLock,
    ) -> WeekPlanInstance:
        """Log the lock change and return the week with its locks as they are now."""
        change_set = lock_change_set(
            self._options.id_factory,
            week=bumped,
            lock=lock,
            change_type=change_type,
            actor=self.actor,
            at=bumped.updated_at,
            version_before=version_before,
            version_after=bumped.version,
        )
        log_changes(uow, self.tenant_id, [change_set])
        locks = locks_of(uow, self.tenant_id, bumped.client_ref, bumped.week_start_date)
        return attrs.evolve(bumped, locks=locks)
