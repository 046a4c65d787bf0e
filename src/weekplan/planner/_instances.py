"""Use cases on client week instances: clone from a template, read, edit, delete."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from weekplan.domain._bulk_instances import InstancesCreated, parse_client_refs
from weekplan.domain._days import DayKey
from weekplan.domain._entries import (
    EntryInput,
    PlanEntry,
    entry_in_slot,
    parse_entries,
    parse_entry,
    with_entry,
)
from weekplan.domain._history import history_delta
from weekplan.domain._inputs import (
    check_client_ref,
    check_expected_version,
    check_template_id,
    collect_errors,
)
from weekplan.domain._paging import Page, check_limit, decode_cursor, encode_cursor
from weekplan.domain._plans import SlotOverride, WeekPlanInstance, WeekPlanTemplate
from weekplan.domain._trusted import evolve_checked
from weekplan.domain._weeks import is_week_start_in_range, parse_week_start
from weekplan.domain.changes import ChangeSource, ChangeType, SlotChange, slot_changes
from weekplan.errors import (
    ConcurrentUpdate,
    InstanceExists,
    InstanceNotFound,
    InvalidInput,
    VersionConflict,
    WeekPlanError,
)
from weekplan.planner._bulk_instances import (
    add_new_instances,
    checks_per_ruleset,
    lock_clients,
    rulesets_of_clients,
)
from weekplan.planner._catalog import catalog_of
from weekplan.planner._enforcement import enforce
from weekplan.planner._history import plan_changed
from weekplan.planner._options import UNSET, Unset
from weekplan.planner._session import Session, UseCases
from weekplan.planner._templates import load_template, load_template_of_client
from weekplan.planner._workflow import (
    check_reason,
    enforce_locks,
    log_changes,
    week_change_set,
    week_with_locks,
    workflow_of,
)
from weekplan.ports import UnitOfWork

__all__ = [
    "InstanceUseCases",
    "add_instance",
    "instance_key",
    "load_instance",
    "save_instance",
    "week_of",
]

_CURSOR_KIND = "instances"


def _check_compliant(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise InvalidInput.at(("compliant",), "must be true, false or null")


class InstanceUseCases(UseCases):
    """Client week instances of the tenant. Their edits never reach the template.

    When the client is on a guardrails ruleset (see
    :meth:`~weekplan.WorkerPlanner.assign_ruleset`), every write of their week
    is checked on the week as it would be after the write: a hard violation
    raises :class:`~weekplan.GuardrailsViolation` and nothing is saved; soft
    violations are saved and listed in the returned week's ``guardrails``.
    """

    def create_instance(
        self, template_id: str, client_ref: str, week_start_date: date | str
    ) -> WeekPlanInstance:
        """See :meth:`weekplan.WorkerPlanner.create_instance`."""
        template_id, client_ref, week = collect_errors(
            lambda: check_template_id(template_id),
            lambda: check_client_ref(client_ref),
            lambda: week_of(self._session, week_start_date),
        )
        with self._client_transaction(client_ref) as uow:
            template = load_template_of_client(self._session, uow, template_id, client_ref)
            instance = add_instance(self._session, uow, template, client_ref, week)
            uow.commit()
        return instance

    def create_instances(
        self, template_id: str, client_refs: Iterable[str], week_start_date: date | str
    ) -> InstancesCreated:
        """See :meth:`weekplan.WorkerPlanner.create_instances`."""
        template_id, clients, week = collect_errors(
            lambda: check_template_id(template_id),
            lambda: parse_client_refs(client_refs, check_client_ref),
            lambda: week_of(self._session, week_start_date),
        )
        with self._transaction() as uow:
            # Each client held first, as one create_instance holds its client.
            lock_clients(uow, self.tenant_id, clients)
            template = load_template(self._session, uow, template_id)
            if not clients:
                return InstancesCreated(())
            diets = rulesets_of_clients(uow, self.tenant_id, clients)
            outcomes = checks_per_ruleset(
                uow,
                catalog_of(self._options, uow),
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
                if candidates:
                    # The weeks differ only in these: the days, dates and ids the
                    # first week checked are not checked again for each client.
                    candidates.append(
                        evolve_checked(
                            candidates[0],
                            id=self._options.id_factory(),
                            client_ref=client,
                            guardrails=outcome,
                        )
                    )
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
            created = (
                tuple(c for c in candidates if c.client_ref not in taken)
                if taken
                else tuple(candidates)
            )
            errors.update((client, InstanceExists()) for client in taken)
            per_week = history_delta((), template.days)
            if created and per_week:
                delta = {key: change * len(created) for key, change in per_week.items()}
                uow.meal_history.apply_delta(self.tenant_id, delta)
            # Every new week holds the template's days: one changes tuple for all
            # their sets, which a store may encode once.
            added = slot_changes((), template.days)
            sets = [
                week_change_set(
                    self._options.id_factory,
                    week=instance,
                    changes=added,
                    actor=self.actor,
                    source=ChangeSource.CREATE,
                    reason=None,
                    at=now,
                    version_before=None,
                    version_after=instance.version,
                )
                for instance in created
            ]
            log_changes(uow, self.tenant_id, sets)
            uow.commit()
        # Errors in the order the clients were given, as the weeks are.
        return InstancesCreated(created, {c: errors[c] for c in clients if c in errors})

    def get_instance(self, client_ref: str, week_start_date: date | str) -> WeekPlanInstance:
        """See :meth:`weekplan.WorkerPlanner.get_instance`."""
        client_ref, week = instance_key(self._session, client_ref, week_start_date)
        # The week and its locks: one statement where the store reads them
        # together (see WeekWithLocksReads), else two in one transaction.
        one = getattr(self._store, "reads_week_with_locks", False) is True
        with self._reading(single_statement=one) as uow:
            return load_instance(self._session, uow, client_ref, week)

    def list_instances(
        self,
        *,
        client_ref: str | None = None,
        week_start_date: date | str | None = None,
        compliant: bool | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[WeekPlanInstance]:
        """See :meth:`weekplan.WorkerPlanner.list_instances`."""
        client, week, limit, wanted = collect_errors(
            lambda: None if client_ref is None else check_client_ref(client_ref),
            lambda: None if week_start_date is None else week_of(self._session, week_start_date),
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

    def update_instance(
        self,
        client_ref: str,
        week_start_date: date | str,
        *,
        days: Iterable[EntryInput],
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> WeekPlanInstance:
        """See :meth:`weekplan.WorkerPlanner.update_instance`."""
        (client_ref, week), entries, expected, why = collect_errors(
            lambda: instance_key(self._session, client_ref, week_start_date),
            lambda: parse_entries(days),
            lambda: check_expected_version(expected_version),
            lambda: check_reason(reason),
        )
        with self._client_transaction(client_ref) as uow:
            current = load_instance(self._session, uow, client_ref, week, expected_version=expected)
            updated = save_instance(self._session, uow, current, entries, reason=why)
            uow.commit()
        return updated

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
        """See :meth:`weekplan.WorkerPlanner.set_slot`."""
        (client_ref, week), probe, expected, why = collect_errors(
            lambda: instance_key(self._session, client_ref, week_start_date),
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
            current = load_instance(self._session, uow, client_ref, week, expected_version=expected)
            existing = entry_in_slot(current.days, probe.day_key, probe.slot_key)
            # The probe is the new entry of an empty slot (what was not given is
            # None); a filled slot keeps what was not given. Checked already.
            entry: PlanEntry = probe
            if existing is not None:
                given: dict[str, str | None] = {}
                if not isinstance(dish_template_id, Unset):
                    given["dish_template_id"] = probe.dish_template_id
                if not isinstance(notes, Unset):
                    given["notes"] = probe.notes
                entry = evolve_checked(existing, **given) if given else existing
            # The one slot this call can change: no need to compare the whole week.
            kind = ChangeType.ADDED if existing is None else ChangeType.CHANGED
            change = () if entry == existing else (SlotChange(kind, *entry.key, existing, entry),)
            updated = save_instance(
                self._session,
                uow,
                current,
                with_entry(current.days, entry),
                reason=why,
                changes=change,
            )
            uow.commit()
        return updated

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
        """See :meth:`weekplan.WorkerPlanner.reset_slot`."""
        (client_ref, week), probe, expected, why = collect_errors(
            lambda: instance_key(self._session, client_ref, week_start_date),
            lambda: parse_entry({"day_key": day_key, "slot_key": slot_key}),
            lambda: check_expected_version(expected_version),
            lambda: check_reason(reason),
        )
        with self._client_transaction(client_ref) as uow:
            current = load_instance(self._session, uow, client_ref, week, expected_version=expected)
            reset = current.with_slot_reset(probe.day_key, probe.slot_key)
            updated = save_instance(
                self._session, uow, current, reset, source=ChangeSource.RESET, reason=why
            )
            uow.commit()
        return updated

    def list_overrides(
        self, client_ref: str, week_start_date: date | str
    ) -> tuple[SlotOverride, ...]:
        """See :meth:`weekplan.WorkerPlanner.list_overrides`."""
        return self.get_instance(client_ref, week_start_date).overrides()

    def delete_instance(
        self, client_ref: str, week_start_date: date | str, *, reason: str | None = None
    ) -> None:
        """See :meth:`weekplan.WorkerPlanner.delete_instance`."""
        (client_ref, week), why = collect_errors(
            lambda: instance_key(self._session, client_ref, week_start_date),
            lambda: check_reason(reason),
        )
        with self._transaction() as uow:
            current = load_instance(self._session, uow, client_ref, week)
            if not uow.instances.remove(self.tenant_id, client_ref, week):
                raise InstanceNotFound()
            plan_changed(self._session, uow, current.days, ())
            workflow = workflow_of(uow)
            workflow.locks.remove_week(self.tenant_id, client_ref, week)
            workflow.drafts.remove(self.tenant_id, client_ref, week)
            changes = slot_changes(current.days, ())
            _log_week(
                self._session,
                uow,
                current,
                changes,
                ChangeSource.DELETE,
                why,
                self._options.clock(),
                None,
            )
            uow.commit()


# -- shared steps: imported by the other use cases --------------------


def week_of(session: Session, value: Any) -> date:
    """``value`` as a week start of this session (on its ``week_starts_on``)."""
    return parse_week_start(value, session.options.week_starts_on)


def instance_key(session: Session, client_ref: Any, week_start_date: Any) -> tuple[str, date]:
    """The client and week a caller names, both checked, every error reported at once."""
    client, week = collect_errors(
        lambda: check_client_ref(client_ref), lambda: week_of(session, week_start_date)
    )
    return client, week


def load_instance(
    session: Session,
    uow: UnitOfWork,
    client_ref: str,
    week: date,
    *,
    expected_version: int | None = None,
) -> WeekPlanInstance:
    """The client's week with its locks, or :class:`~weekplan.InstanceNotFound`.

    With ``expected_version``, a week at another version is :class:`~weekplan.VersionConflict`.
    """
    instance = week_with_locks(uow, session.tenant_id, client_ref, week)
    if instance is None:
        raise InstanceNotFound()
    if expected_version is not None and instance.version != expected_version:
        raise VersionConflict()
    return instance


def add_instance(
    session: Session, uow: UnitOfWork, template: WeekPlanTemplate, client_ref: str, week: date
) -> WeekPlanInstance:
    """Clone ``template`` into the client's week inside ``uow``: checked, stored, logged."""
    now = session.options.clock()
    instance = WeekPlanInstance(
        id=session.options.id_factory(),
        tenant_id=session.tenant_id,
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
    plan_changed(session, uow, (), instance.days, check_dishes=False)
    instance = enforce(
        uow,
        catalog_of(session.options, uow),
        session.tenant_id,
        instance,
        rulesets=session.options.rulesets,
    )
    uow.instances.add(session.tenant_id, instance)
    _log_week(
        session,
        uow,
        instance,
        slot_changes((), instance.days),
        ChangeSource.CREATE,
        None,
        now,
        None,
    )
    return instance


def save_instance(
    session: Session,
    uow: UnitOfWork,
    current: WeekPlanInstance,
    days: tuple[PlanEntry, ...],
    *,
    dishes_checked: bool = False,
    source: ChangeSource = ChangeSource.EDIT,
    reason: str | None = None,
    strict: bool = False,
    changes: tuple[SlotChange, ...] | None = None,
) -> WeekPlanInstance:
    """Every instance edit goes through here: locks, guardrails, version bump,
    compare-and-set, and one change record per changed slot.

    The guardrails refuse an edit that makes the week worse on a hard rule;
    with ``strict`` (applying a reviewed draft) every hard violation refuses it.

    An edit that changes nothing is not written and keeps the version.
    ``dishes_checked`` spares a second lookup when the caller checked the dishes.
    ``current`` carries the week's locks (as :func:`load_instance` reads it).
    ``changes``, when the caller knows them, must be ``slot_changes(current.days, days)``.
    """
    if changes is None:
        if days == current.days:
            return current
        changes = slot_changes(current.days, days)
    elif not changes:
        # The caller compared the slots it touched: nothing changed.
        return current
    enforce_locks(catalog_of(session.options, uow), session.tenant_id, changes, current.locks)
    if any(_dish_of(c.old) != _dish_of(c.new) for c in changes):
        # An edit of notes alone brings no dish to check and leaves the history as it is.
        plan_changed(session, uow, current.days, days, check_dishes=not dishes_checked)
    now = session.options.clock()
    candidate = evolve_checked(current, days=days, version=current.version + 1, updated_at=now)
    # Never worse than the week before the write; a reviewed draft is applied strictly.
    previous = None if strict else current.days
    updated = enforce(
        uow,
        catalog_of(session.options, uow),
        session.tenant_id,
        candidate,
        previous,
        rulesets=session.options.rulesets,
        strict=strict,
    )
    # The locks live apart from the week's row; the store keeps the week without them.
    stored = evolve_checked(updated, locks=()) if updated.locks else updated
    if not uow.instances.replace(session.tenant_id, stored, expected_version=current.version):
        # Changed since it was read, by a call that got in first: run this one again.
        raise ConcurrentUpdate()
    _log_week(session, uow, updated, changes, source, reason, now, current.version)
    return updated


def _dish_of(entry: PlanEntry | None) -> str | None:
    return None if entry is None else entry.dish_template_id


def _log_week(  # noqa: PLR0917  # private, and every call passes the same eight
    session: Session,
    uow: UnitOfWork,
    week: WeekPlanInstance,
    changes: Iterable[SlotChange],
    source: ChangeSource,
    reason: str | None,
    at: datetime,
    version_before: int | None,
) -> None:
    """Append the change set of ``week`` (as it is after the write), if a slot changed."""
    change_set = week_change_set(
        session.options.id_factory,
        week=week,
        changes=changes,
        actor=session.actor,
        source=source,
        reason=reason,
        at=at,
        version_before=version_before,
        version_after=None if source is ChangeSource.DELETE else week.version,
    )
    log_changes(uow, session.tenant_id, [change_set])
