"""Assigning one dish to one slot across a day, several days or the whole week."""

from __future__ import annotations

from datetime import date
from typing import Any

from weekplan.domain._inputs import check_expected_version, check_template_id, collect_errors
from weekplan.domain.bulk import DayScope, assign_dish, parse_day_scope
from weekplan.domain.changes import ChangeSource, slot_changes
from weekplan.domain.entries import PlanEntry, parse_entries, slot_index
from weekplan.domain.limits import SLOT_KEY_MAX
from weekplan.domain.locks import locked_changes
from weekplan.domain.plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.domain.text import check_text
from weekplan.errors import InvalidInput
from weekplan.planner.access import writes
from weekplan.planner.dishes import check_dish_id
from weekplan.planner.instances import InstanceUseCases
from weekplan.planner.workflow import check_reason
from weekplan.ports import UnitOfWork

__all__ = ["BulkUseCases"]


class BulkUseCases(InstanceUseCases):
    """Bulk assignment on client weeks and on templates.

    Each call is one unit of work and at most one version bump, whatever the
    scope; assigning what is already there changes nothing and keeps the version.
    """

    @writes
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
        """Put one dish in ``slot_key`` on each day of ``days`` of the client's week.

        ``days`` is ``"week"``, one day (``"tue"``) or a list (``["mon", "thu"]``).
        A day without the slot gets it; an existing slot keeps its notes.
        Other slots and days, and the template, are untouched.
        Raises :class:`~weekplan.DishNotFound` unless the dish is in the tenant's catalog.
        A locked slot it would change is :class:`~weekplan.SlotLocked` and nothing
        changes, unless ``skip_locked`` is true: then locked slots stay as they are
        and the other days get the dish.

        >>> from weekplan import Planner
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> worker = Planner(InMemoryStore()).worker("tenant-a")
        >>> _ = worker.upsert_dish("soup", name="Tomatensoep")
        >>> template = worker.create_template("Empty week")
        >>> _ = worker.create_instance(template.id, "client-42", "2026-11-23")
        >>> week = worker.bulk_assign("client-42", "2026-11-23", slot_key="lunch",
        ...                           dish_template_id="soup", days=["mon", "thu"])
        >>> [(e.day_key.value, e.slot_key, e.dish_template_id) for e in week.days]
        [('mon', 'lunch', 'soup'), ('thu', 'lunch', 'soup')]
        """
        (client_ref, week), slot, dish_id, scope, expected, skip, why = collect_errors(
            lambda: self._instance_key(client_ref, week_start_date),
            lambda: check_text(slot_key, "slot_key", max_length=SLOT_KEY_MAX),
            lambda: check_dish_id(dish_template_id, "dish_template_id"),
            lambda: parse_day_scope(days),
            lambda: check_expected_version(expected_version),
            lambda: _check_flag(skip_locked, "skip_locked"),
            lambda: check_reason(reason),
        )
        with self._client_transaction(client_ref) as uow:
            current = self._load_instance(uow, client_ref, week, expected_version=expected)
            # The dish is checked even when the days already hold it, so that a
            # repeated call with a deleted dish still says so.
            self._require_dishes(uow, (dish_id,))
            assigned = assign_dish(current.days, scope, slot, dish_id)
            if skip:
                assigned = self._leave_locked(uow, current, assigned)
            updated = self._save_instance(
                uow,
                current,
                assigned,
                dishes_checked=True,
                source=ChangeSource.BULK,
                reason=why,
            )
            uow.commit()
        return updated

    @writes
    def bulk_assign_template(
        self,
        template_id: str,
        *,
        slot_key: str,
        dish_template_id: str,
        days: DayScope = "week",
        expected_version: int | None = None,
    ) -> WeekPlanTemplate:
        """:meth:`bulk_assign` on a template; instances cloned before keep their entries."""
        template_id, slot, dish_id, scope, expected = collect_errors(
            lambda: check_template_id(template_id),
            lambda: check_text(slot_key, "slot_key", max_length=SLOT_KEY_MAX),
            lambda: check_dish_id(dish_template_id, "dish_template_id"),
            lambda: parse_day_scope(days),
            lambda: check_expected_version(expected_version),
        )
        with self._transaction() as uow:
            current = self._load_template(uow, template_id, expected_version=expected)
            self._require_dishes(uow, (dish_id,))
            updated = self._save_template(
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
            changes, current.locks, lambda ids: self._catalog(uow).get_many(self.tenant_id, ids)
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
