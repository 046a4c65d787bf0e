"""Assigning one dish to one slot across a day, several days or the whole week."""

from __future__ import annotations

from datetime import date
from typing import Any

from weekplan.domain._bulk import DayScope, assign_dish, parse_day_scope
from weekplan.domain._entries import PlanEntry, parse_entries, slot_index
from weekplan.domain._inputs import check_expected_version, check_template_id, collect_errors
from weekplan.domain._limits import SLOT_KEY_MAX
from weekplan.domain._locks import locked_changes
from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.domain.changes import ChangeSource, slot_changes
from weekplan.domain.text import check_text
from weekplan.errors import InvalidInput
from weekplan.planner._catalog import catalog_of, require_dishes
from weekplan.planner._dishes import check_dish_id
from weekplan.planner._instances import instance_key, load_instance, save_instance
from weekplan.planner._session import UseCases
from weekplan.planner._templates import load_template, save_template
from weekplan.planner._workflow import check_reason
from weekplan.ports import UnitOfWork

__all__ = ["BulkUseCases"]


class BulkUseCases(UseCases):
    """Bulk assignment on client weeks and on templates.

    Each call is one unit of work and at most one version bump, whatever the
    scope; assigning what is already there changes nothing and keeps the version.
    """

    def bulk_assign(
        self,
        client_ref: str,
        week_start_date: date | str,
        *,
        slot_key: str,
        dish_template_id: str,
        days: DayScope = "week",
        expected_version: int | None = None,
        skip_locked: bool = False,
        reason: str | None = None,
    ) -> WeekPlanInstance:
        """See :meth:`weekplan.WorkerPlanner.bulk_assign`."""
        (client_ref, week), slot, dish_id, scope, expected, skip, why = collect_errors(
            lambda: instance_key(self._session, client_ref, week_start_date),
            lambda: check_text(slot_key, "slot_key", max_length=SLOT_KEY_MAX),
            lambda: check_dish_id(dish_template_id, "dish_template_id"),
            lambda: parse_day_scope(days),
            lambda: check_expected_version(expected_version),
            lambda: _check_flag(skip_locked, "skip_locked"),
            lambda: check_reason(reason),
        )
        with self._client_transaction(client_ref) as uow:
            current = load_instance(self._session, uow, client_ref, week, expected_version=expected)
            # The dish is checked even when the days already hold it, so that a
            # repeated call with a deleted dish still says so.
            require_dishes(self._session, uow, (dish_id,))
            assigned = assign_dish(current.days, scope, slot, dish_id)
            if skip:
                assigned = self._leave_locked(uow, current, assigned)
            updated = save_instance(
                self._session,
                uow,
                current,
                assigned,
                dishes_checked=True,
                source=ChangeSource.BULK,
                reason=why,
            )
            uow.commit()
        return updated

    def bulk_assign_template(
        self,
        template_id: str,
        *,
        slot_key: str,
        dish_template_id: str,
        days: DayScope = "week",
        expected_version: int | None = None,
    ) -> WeekPlanTemplate:
        """See :meth:`weekplan.WorkerPlanner.bulk_assign_template`."""
        template_id, slot, dish_id, scope, expected = collect_errors(
            lambda: check_template_id(template_id),
            lambda: check_text(slot_key, "slot_key", max_length=SLOT_KEY_MAX),
            lambda: check_dish_id(dish_template_id, "dish_template_id"),
            lambda: parse_day_scope(days),
            lambda: check_expected_version(expected_version),
        )
        with self._transaction() as uow:
            current = load_template(self._session, uow, template_id, expected_version=expected)
            require_dishes(self._session, uow, (dish_id,))
            updated = save_template(
                self._session,
                uow,
                current,
                days=assign_dish(current.days, scope, slot, dish_id),
                dishes_checked=True,
                source=ChangeSource.BULK,
            )
            uow.commit()
        return updated

    def _leave_locked(
        self, uow: UnitOfWork, current: WeekPlanInstance, assigned: tuple[PlanEntry, ...]
    ) -> tuple[PlanEntry, ...]:
        """``assigned`` with every slot a lock forbids changing kept as ``current`` has it."""
        changes = slot_changes(current.days, assigned)
        forbidden = locked_changes(
            changes,
            current.locks,
            lambda ids: catalog_of(self._options, uow).get_many(self.tenant_id, ids),
        )
        if not forbidden:
            return assigned
        keep = {(change.day_key, change.slot_key) for change in forbidden}
        was = slot_index(current.days)
        kept = [entry for entry in assigned if entry.key not in keep]
        kept.extend(was[key] for key in keep if key in was)
        return parse_entries(kept)


def _check_flag(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput.at((field,), "must be true or false")
    return value
