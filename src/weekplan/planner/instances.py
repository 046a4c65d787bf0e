"""Use cases on client week instances: clone from a template, read, edit, delete."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import attrs

from weekplan.domain._inputs import (
    check_client_ref,
    check_expected_version,
    check_template_id,
    collect_errors,
)
from weekplan.domain.bulk_instances import InstancesCreated, parse_client_refs
from weekplan.domain.changes import ChangeSource, SlotChange, slot_changes
from weekplan.domain.days import DayKey
from weekplan.domain.entries import (
    EntryInput,
    PlanEntry,
    parse_entries,
    parse_entry,
    slot_index,
    with_entry,
)
from weekplan.domain.history import history_delta
from weekplan.domain.paging import Page, check_limit, decode_cursor, encode_cursor
from weekplan.domain.plans import SlotOverride, WeekPlanInstance, WeekPlanTemplate
from weekplan.domain.trusted import evolve_checked
from weekplan.domain.weeks import is_week_start_in_range, parse_week_start
from weekplan.errors import (
    ConcurrentUpdate,
    InstanceExists,
    InstanceNotFound,
    InvalidInput,
    VersionConflict,
    WeekPlanError,
)
from weekplan.planner.access import writes
from weekplan.planner.bulk_instances import (
    add_new_instances,
    checks_per_ruleset,
    rulesets_of_clients,
)
from weekplan.planner.capabilities import require_client_lock
from weekplan.planner.enforcement import enforce
from weekplan.planner.session import UNSET, Unset
from weekplan.planner.templates import TemplateUseCases
from weekplan.planner.workflow import (
    check_reason,
    enforce_locks,
    log_changes,
    week_records,
    week_with_locks,
    workflow_of,
)
from weekplan.ports import UnitOfWork

__all__ = ["InstanceUseCases"]

_CURSOR_KIND = "instances"


def _check_compliant(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise InvalidInput.at(("compliant",), "must be true, false or null")


class InstanceUseCases(TemplateUseCases):
    """Client week instances of the tenant. Their edits never reach the template.

    When the client is on a guardrails ruleset (see
    :meth:`~weekplan.WorkerPlanner.assign_ruleset`), every write of their week
    is checked on the week as it would be after the write: a hard violation
    raises :class:`~weekplan.GuardrailsViolation` and nothing is saved; soft
    violations are saved and listed in the returned week's ``guardrails``.
    """

    @writes
    def create_instance(
        self, template_id: str, client_ref: str, week_start_date: date | str
    ) -> WeekPlanInstance:
        """Clone the template into ``client_ref``'s week starting ``week_start_date``.

        The template's entries become both ``template_snapshot`` (frozen from now
        on) and ``days`` (what the worker edits and the client sees).
        Raises :class:`~weekplan.TemplateNotFound` or :class:`~weekplan.InstanceExists`,
        and :class:`~weekplan.GuardrailsViolation` if the template breaks a hard
        rule of the client's diet.
        """
        template_id, client_ref, week = collect_errors(
            lambda: check_template_id(template_id),
            lambda: check_client_ref(client_ref),
            lambda: self._week(week_start_date),
        )
        with self._client_transaction(client_ref) as uow:
            template = self._load_template(uow, template_id)
            instance = self._add_instance(uow, template, client_ref, week)
            uow.commit()
        return instance

    def _add_instance(
        self, uow: UnitOfWork, template: WeekPlanTemplate, client_ref: str, week: date
    ) -> WeekPlanInstance:
        """Clone ``template`` into the client's week inside ``uow``: checked, stored, logged."""
        now = self._options.clock()
        instance = WeekPlanInstance(
            id=self._options.id_factory(),
            tenant_id=self.tenant_id,
            template_id=template.id,
            client_ref=client_ref,
            week_start_date=week,
            days=template.days,
            template_snapshot=template.days,
            version=1,
            created_at=now,
            updated_at=now,
        )
        # The template's dishes were checked when they entered it.
        self._plan_changed(uow, (), instance.days, check_dishes=False)
        instance = enforce(
            uow, self._catalog(uow), self.tenant_id, instance, rulesets=self._options.rulesets
        )
        uow.instances.add(self.tenant_id, instance)
        self._log_week(
            uow, instance, slot_changes((), instance.days), ChangeSource.CREATE, None, now, None
        )
        return instance

    @writes
    def create_instances(
        self, template_id: str, client_refs: Iterable[str], week_start_date: date | str
    ) -> InstancesCreated:
        """Clone the template into the week starting ``week_start_date`` of each client.

        Each client is treated as :meth:`create_instance` would treat it, in one
        transaction for all: a client that already has a week that date gets
        :class:`~weekplan.InstanceExists`, and one whose diet the template
        breaks gets :class:`~weekplan.GuardrailsViolation`, both reported in
        the result's ``errors`` (see :class:`~weekplan.InstancesCreated`) while
        every other client's week is created. A template that does not exist
        (:class:`~weekplan.TemplateNotFound`) or a bad argument
        (:class:`~weekplan.InvalidInput`; ``client_refs`` is a list of at most
        1,000 distinct refs) creates nothing.

        It costs a few statements whatever the number of clients: the template,
        the clients' diets and their rulesets are each read once, each ruleset
        is evaluated once, and the weeks are inserted together.
        """
        template_id, clients, week = collect_errors(
            lambda: check_template_id(template_id),
            lambda: parse_client_refs(client_refs, check_client_ref),
            lambda: self._week(week_start_date),
        )
        with self._transaction() as uow:
            # Each client held first, as one create_instance holds its client; in
            # one order, so that two bulk calls never wait for each other in a circle.
            for client in sorted(clients):
                require_client_lock(uow.rulesets)(self.tenant_id, client)
            template = self._load_template(uow, template_id)
            if not clients:
                return InstancesCreated(())
            diets = rulesets_of_clients(uow, self.tenant_id, clients)
            outcomes = checks_per_ruleset(
                uow,
                self._catalog(uow),
                self.tenant_id,
                sorted(set(diets.values())),
                template.days,
                rulesets=self._options.rulesets,
            )
            now = self._options.clock()
            errors: dict[str, WeekPlanError] = {}
            candidates: list[WeekPlanInstance] = []
            for client in clients:
                content_hash = diets.get(client)
                outcome = None if content_hash is None else outcomes[content_hash]
                if isinstance(outcome, WeekPlanError):
                    errors[client] = outcome
                    continue
                candidates.append(
                    WeekPlanInstance(
                        id=self._options.id_factory(),
                        tenant_id=self.tenant_id,
                        template_id=template.id,
                        client_ref=client,
                        week_start_date=week,
                        days=template.days,
                        template_snapshot=template.days,
                        version=1,
                        created_at=now,
                        updated_at=now,
                        guardrails=outcome,
                    )
                )
            taken = set(add_new_instances(uow, self.tenant_id, candidates))
            created = tuple(c for c in candidates if c.client_ref not in taken)
            errors.update((client, InstanceExists()) for client in taken)
            per_week = history_delta((), template.days)
            if created and per_week:
                delta = {key: change * len(created) for key, change in per_week.items()}
                uow.meal_history.apply_delta(self.tenant_id, delta)
            records = [
                record
                for instance in created
                for record in week_records(
                    self._options.id_factory,
                    week=instance,
                    changes=slot_changes((), instance.days),
                    actor=self.actor,
                    source=ChangeSource.CREATE,
                    reason=None,
                    at=now,
                    version_before=None,
                    version_after=instance.version,
                )
            ]
            if records:
                log_changes(uow, self.tenant_id, records)
            uow.commit()
        # Errors in the order the clients were given, as the weeks are.
        return InstancesCreated(created, {c: errors[c] for c in clients if c in errors})

    def get_instance(self, client_ref: str, week_start_date: date | str) -> WeekPlanInstance:
        """The client's week, or :class:`~weekplan.InstanceNotFound`."""
        client_ref, week = self._instance_key(client_ref, week_start_date)
        # The week and its locks: one statement where the store reads them
        # together (see WeekWithLocksReads), else two in one transaction.
        one = getattr(self._store, "reads_week_with_locks", False) is True
        with self._reading(single_statement=one) as uow:
            return self._load_instance(uow, client_ref, week)

    def list_instances(
        self,
        *,
        client_ref: str | None = None,
        week_start_date: date | str | None = None,
        compliant: bool | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[WeekPlanInstance]:
        """Instances by week then client, optionally of one client and/or one week.

        ``compliant=False`` keeps the weeks whose stored guardrails check has a
        hard violation (not yet compliant with the client's diet),
        ``compliant=True`` those whose check has none; weeks without a check
        (clients without a diet) are in neither.
        """
        client, week, limit, wanted = collect_errors(
            lambda: None if client_ref is None else check_client_ref(client_ref),
            lambda: None if week_start_date is None else self._week(week_start_date),
            lambda: check_limit(limit),
            lambda: _check_compliant(compliant),
        )
        position = decode_cursor(_CURSOR_KIND, cursor, arity=2)
        after = None
        if position is not None:
            try:
                after = (date.fromisoformat(position[0]), position[1])
            except ValueError:
                raise InvalidInput.at(("cursor",), "is not a cursor of this listing") from None
            if not is_week_start_in_range(after[0]):
                raise InvalidInput.at(("cursor",), "is not a cursor of this listing")
        with self._transaction() as uow:
            rows = self._listed(
                uow, client=client, week=week, after=after, wanted=limit + 1, compliant=wanted
            )
        items = tuple(rows[:limit])
        next_cursor = None
        if len(rows) > limit:
            last = items[-1]
            next_cursor = encode_cursor(
                _CURSOR_KIND, (last.week_start_date.isoformat(), last.client_ref)
            )
        return Page(items, next_cursor)

    def _listed(
        self,
        uow: UnitOfWork,
        *,
        client: str | None,
        week: date | None,
        after: tuple[date, str] | None,
        wanted: int,
        compliant: bool | None,
    ) -> list[WeekPlanInstance]:
        """Up to ``wanted`` instances after ``after``, kept by ``compliant`` when given."""
        found: list[WeekPlanInstance] = []
        while True:
            # The stores list by key; the check is filtered here, batch by batch.
            batch = list(
                uow.instances.list(
                    self.tenant_id,
                    client_ref=client,
                    week_start_date=week,
                    after=after,
                    limit=wanted,
                )
            )
            found += [
                row
                for row in batch
                if compliant is None
                or (row.guardrails is not None and row.guardrails.compliant is compliant)
            ]
            if len(found) >= wanted or len(batch) < wanted:
                return found[:wanted]
            after = (batch[-1].week_start_date, batch[-1].client_ref)

    @writes
    def update_instance(
        self,
        client_ref: str,
        week_start_date: date | str,
        *,
        days: Iterable[EntryInput],
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> WeekPlanInstance:
        """Replace the client's week entries. The template is never touched.

        ``reason`` goes into the change log with each slot this changes; a
        locked slot it would change is :class:`~weekplan.SlotLocked`.
        """
        (client_ref, week), entries, expected, why = collect_errors(
            lambda: self._instance_key(client_ref, week_start_date),
            lambda: parse_entries(days),
            lambda: check_expected_version(expected_version),
            lambda: check_reason(reason),
        )
        with self._client_transaction(client_ref) as uow:
            current = self._load_instance(uow, client_ref, week, expected_version=expected)
            updated = self._save_instance(uow, current, entries, reason=why)
            uow.commit()
        return updated

    @writes
    def set_slot(
        self,
        client_ref: str,
        week_start_date: date | str,
        day_key: DayKey | str,
        slot_key: str,
        *,
        dish_template_id: str | Unset | None = UNSET,
        notes: str | Unset | None = UNSET,
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> WeekPlanInstance:
        """Set the dish and/or notes of one slot, creating the slot if the day lacks it.

        A keyword not given keeps its current value; ``None`` clears it.
        ``reason`` goes into the change log.
        """
        (client_ref, week), probe, expected, why = collect_errors(
            lambda: self._instance_key(client_ref, week_start_date),
            lambda: parse_entry(
                {
                    "day_key": day_key,
                    "slot_key": slot_key,
                    "dish_template_id": None
                    if isinstance(dish_template_id, Unset)
                    else dish_template_id,
                    "notes": None if isinstance(notes, Unset) else notes,
                }
            ),
            lambda: check_expected_version(expected_version),
            lambda: check_reason(reason),
        )
        with self._client_transaction(client_ref) as uow:
            current = self._load_instance(uow, client_ref, week, expected_version=expected)
            existing = slot_index(current.days).get(probe.key)
            entry = existing or PlanEntry(probe.day_key, probe.slot_key)
            if not isinstance(dish_template_id, Unset):
                entry = attrs.evolve(entry, dish_template_id=probe.dish_template_id)
            if not isinstance(notes, Unset):
                entry = attrs.evolve(entry, notes=probe.notes)
            updated = self._save_instance(uow, current, with_entry(current.days, entry), reason=why)
            uow.commit()
        return updated

    @writes
    def reset_slot(
        self,
        client_ref: str,
        week_start_date: date | str,
        day_key: DayKey | str,
        slot_key: str,
        *,
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> WeekPlanInstance:
        """Put one slot back as the template snapshot has it (removed if the snapshot lacks it)."""
        (client_ref, week), probe, expected, why = collect_errors(
            lambda: self._instance_key(client_ref, week_start_date),
            lambda: parse_entry({"day_key": day_key, "slot_key": slot_key}),
            lambda: check_expected_version(expected_version),
            lambda: check_reason(reason),
        )
        with self._client_transaction(client_ref) as uow:
            current = self._load_instance(uow, client_ref, week, expected_version=expected)
            reset = current.with_slot_reset(probe.day_key, probe.slot_key)
            updated = self._save_instance(
                uow, current, reset, source=ChangeSource.RESET, reason=why
            )
            uow.commit()
        return updated

    def list_overrides(
        self, client_ref: str, week_start_date: date | str
    ) -> tuple[SlotOverride, ...]:
        """Every slot where the client's week differs from the template snapshot."""
        return self.get_instance(client_ref, week_start_date).overrides()

    @writes
    def delete_instance(
        self, client_ref: str, week_start_date: date | str, *, reason: str | None = None
    ) -> None:
        """Delete the client's week, with its locks and its draft.

        Its change records stay, and one more per slot says it was removed.
        """
        (client_ref, week), why = collect_errors(
            lambda: self._instance_key(client_ref, week_start_date),
            lambda: check_reason(reason),
        )
        with self._transaction() as uow:
            current = self._load_instance(uow, client_ref, week)
            if not uow.instances.remove(self.tenant_id, client_ref, week):
                raise InstanceNotFound()
            self._plan_changed(uow, current.days, ())
            workflow = workflow_of(uow)
            if workflow is not None:
                workflow.locks.remove_week(self.tenant_id, client_ref, week)
                workflow.drafts.remove(self.tenant_id, client_ref, week)
            changes = slot_changes(current.days, ())
            self._log_week(
                uow, current, changes, ChangeSource.DELETE, why, self._options.clock(), None
            )
            uow.commit()

    # -- shared steps -------------------------------------------------------------

    def _week(self, value: Any) -> date:
        return parse_week_start(value, self._options.week_starts_on)

    def _instance_key(self, client_ref: Any, week_start_date: Any) -> tuple[str, date]:
        client, week = collect_errors(
            lambda: check_client_ref(client_ref), lambda: self._week(week_start_date)
        )
        return client, week

    def _load_instance(
        self,
        uow: UnitOfWork,
        client_ref: str,
        week: date,
        *,
        expected_version: int | None = None,
    ) -> WeekPlanInstance:
        instance = week_with_locks(uow, self.tenant_id, client_ref, week)
        if instance is None:
            raise InstanceNotFound()
        if expected_version is not None and instance.version != expected_version:
            raise VersionConflict()
        return instance

    def _save_instance(
        self,
        uow: UnitOfWork,
        current: WeekPlanInstance,
        days: tuple[PlanEntry, ...],
        *,
        dishes_checked: bool = False,
        source: ChangeSource = ChangeSource.EDIT,
        reason: str | None = None,
        strict: bool = False,
    ) -> WeekPlanInstance:
        """Every instance edit goes through here: locks, guardrails, version bump,
        compare-and-set, and one change record per changed slot.

        The guardrails refuse an edit that makes the week worse on a hard rule;
        with ``strict`` (applying a reviewed draft) every hard violation refuses it.

        An edit that changes nothing is not written and keeps the version.
        ``dishes_checked`` spares a second lookup when the caller checked the dishes.
        ``current`` carries the week's locks (as :meth:`_load_instance` reads it).
        """
        if days == current.days:
            return current
        changes = slot_changes(current.days, days)
        enforce_locks(self._catalog(uow), self.tenant_id, changes, current.locks)
        self._plan_changed(uow, current.days, days, check_dishes=not dishes_checked)
        now = self._options.clock()
        candidate = evolve_checked(current, days=days, version=current.version + 1, updated_at=now)
        # Never worse than the week before the write; a reviewed draft is applied strictly.
        previous = None if strict else current.days
        updated = enforce(
            uow,
            self._catalog(uow),
            self.tenant_id,
            candidate,
            previous,
            rulesets=self._options.rulesets,
            strict=strict,
        )
        # The locks live apart from the week's row; the store keeps the week without them.
        stored = evolve_checked(updated, locks=())
        if not uow.instances.replace(self.tenant_id, stored, expected_version=current.version):
            # Changed since it was read, by a call that got in first: run this one again.
            raise ConcurrentUpdate()
        self._log_week(uow, updated, changes, source, reason, now, current.version)
        return updated

    def _log_week(  # noqa: PLR0917  # private, and every call passes the same seven
        self,
        uow: UnitOfWork,
        week: WeekPlanInstance,
        changes: Iterable[SlotChange],
        source: ChangeSource,
        reason: str | None,
        at: datetime,
        version_before: int | None,
    ) -> None:
        """Append one record per changed slot of ``week`` (as it is after the write)."""
        records = week_records(
            self._options.id_factory,
            week=week,
            changes=changes,
            actor=self.actor,
            source=source,
            reason=reason,
            at=at,
            version_before=version_before,
            version_after=None if source is ChangeSource.DELETE else week.version,
        )
        log_changes(uow, self.tenant_id, records)
