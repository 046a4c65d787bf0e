"""Drafts of a client's week: start, edit aside, review, then apply or discard.

A draft is a copy of the week's days, edited apart from the live week (through
:meth:`DraftUseCases.draft`) while the client keeps seeing the live week.
Draft edits are saved with the guardrails decision of the client's diet but
never refused for a violation; applying is strictly fail-closed and decides
everything again in its one transaction. Starting, editing and discarding a
draft are not on the change log (the live week does not change); applying
writes one record per changed slot, with source ``apply``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import attrs

from weekplan.domain._drafts import DraftCheck, WeekDraft
from weekplan.domain._entries import PlanEntry
from weekplan.domain._history import introduced_dish_ids
from weekplan.domain._inputs import check_expected_version, collect_errors
from weekplan.domain._locks import locked_changes
from weekplan.domain._plans import WeekPlanInstance
from weekplan.domain.changes import ChangeSource, slot_changes
from weekplan.errors import ConcurrentUpdate, DraftNotFound, VersionConflict
from weekplan.planner._capabilities import Capability
from weekplan.planner._catalog import catalog_of, require_dishes
from weekplan.planner._draft_editor import DraftEditor
from weekplan.planner._draft_review import DraftReview
from weekplan.planner._enforcement import client_ruleset, decide_plan
from weekplan.planner._instances import instance_key, load_instance, save_instance
from weekplan.planner._session import Session, UseCases
from weekplan.planner._workflow import check_reason, workflow_of
from weekplan.ports import UnitOfWork

__all__ = ["DraftUseCases", "draft_check"]


class DraftUseCases(UseCases):
    """The one draft of each client's week, and the review and apply of it."""

    def start_draft(self, client_ref: str, week_start_date: date | str) -> WeekDraft:
        """See :meth:`weekplan.WorkerPlanner.start_draft`."""
        client, week = instance_key(self._session, client_ref, week_start_date)
        self._require(Capability.DRAFTS)
        with self._client_transaction(client) as uow:
            drafts = workflow_of(uow).drafts
            live = load_instance(self._session, uow, client, week)
            existing = drafts.get(self.tenant_id, client, week)
            if existing is not None:
                return existing
            now = self._options.clock()
            draft = WeekDraft(
                tenant_id=self.tenant_id,
                client_ref=client,
                week_start_date=week,
                instance_id=live.id,
                base_version=live.version,
                days=live.days,
                version=1,
                created_at=now,
                updated_at=now,
                actor=self.actor,
                guardrails=draft_check(self._session, uow, client, live.days),
            )
            drafts.add(self.tenant_id, draft)
            uow.commit()
        return draft

    def get_draft(self, client_ref: str, week_start_date: date | str) -> WeekDraft:
        """See :meth:`weekplan.WorkerPlanner.get_draft`."""
        client, week = instance_key(self._session, client_ref, week_start_date)
        self._require(Capability.DRAFTS)
        with self._transaction() as uow:
            load_instance(self._session, uow, client, week)
            return self._load_draft(uow, client, week)

    def draft(self, client_ref: str, week_start_date: date | str) -> DraftEditor:
        """See :meth:`weekplan.WorkerPlanner.draft`."""
        client, week = instance_key(self._session, client_ref, week_start_date)
        self._require(Capability.DRAFTS)
        return DraftEditor(self, client, week)

    def review_draft(self, client_ref: str, week_start_date: date | str) -> DraftReview:
        """See :meth:`weekplan.WorkerPlanner.review_draft`."""
        client, week = instance_key(self._session, client_ref, week_start_date)
        self._require(Capability.DRAFTS)
        with self._transaction() as uow:
            live = load_instance(self._session, uow, client, week)
            draft = self._load_draft(uow, client, week)
            ruleset = client_ruleset(uow, self.tenant_id, client)
            catalog = catalog_of(self._options, uow)
            decision = (
                None
                if ruleset is None
                else decide_plan(
                    catalog, self.tenant_id, ruleset, draft.days, rulesets=self._options.rulesets
                )
            )
            diff = slot_changes(live.days, draft.days)
            forbidden = locked_changes(
                diff, live.locks, lambda ids: catalog.get_many(self.tenant_id, ids)
            )
        keys = {(change.day_key, change.slot_key) for change in forbidden}
        return DraftReview(
            draft=draft,
            live=live,
            decision=decision,
            diff=diff,
            locked=tuple(lock for lock in live.locks if lock.key in keys),
            stale=live.version != draft.base_version,
        )

    def apply_draft(
        self,
        client_ref: str,
        week_start_date: date | str,
        *,
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> WeekPlanInstance:
        """See :meth:`weekplan.WorkerPlanner.apply_draft`."""
        (client, week), expected, why = collect_errors(
            lambda: instance_key(self._session, client_ref, week_start_date),
            lambda: check_expected_version(expected_version),
            lambda: check_reason(reason),
        )
        self._require(Capability.DRAFTS)
        with self._client_transaction(client) as uow:
            drafts = workflow_of(uow).drafts
            live = load_instance(self._session, uow, client, week)
            draft = self._load_draft(uow, client, week)
            if expected is not None and draft.version != expected:
                raise VersionConflict("the draft changed since that version")
            if live.version != draft.base_version or live.id != draft.instance_id:
                raise VersionConflict("the week changed since the draft started")
            updated = save_instance(
                self._session,
                uow,
                live,
                draft.days,
                source=ChangeSource.APPLY,
                reason=why,
                strict=True,
            )
            drafts.remove(self.tenant_id, client, week)
            uow.commit()
        return updated

    def discard_draft(self, client_ref: str, week_start_date: date | str) -> None:
        """See :meth:`weekplan.WorkerPlanner.discard_draft`."""
        client, week = instance_key(self._session, client_ref, week_start_date)
        self._require(Capability.DRAFTS)
        with self._transaction() as uow:
            drafts = workflow_of(uow).drafts
            load_instance(self._session, uow, client, week)
            if not drafts.remove(self.tenant_id, client, week):
                raise DraftNotFound()
            uow.commit()

    # -- shared steps -------------------------------------------------------------

    def _load_draft(self, uow: UnitOfWork, client_ref: str, week: date) -> WeekDraft:
        draft = workflow_of(uow).drafts.get(self.tenant_id, client_ref, week)
        if draft is None:
            raise DraftNotFound()
        return draft

    def _edit_draft(
        self,
        client_ref: str,
        week: date,
        expected_version: int | None,
        edit: Callable[[WeekPlanInstance, WeekDraft], tuple[PlanEntry, ...]],
        *,
        dishes_checked: Callable[[UnitOfWork], None] | None = None,
    ) -> WeekDraft:
        """One draft edit: ``edit`` gives the new days from the live week and the draft.

        New dish ids are checked (a draft names only dishes that exist), the
        guardrails decision is saved with the draft but refuses nothing, and the
        draft's version goes one up in a compare-and-set.
        """
        self._require(Capability.DRAFTS)
        with self._client_transaction(client_ref) as uow:
            drafts = workflow_of(uow).drafts
            live = load_instance(self._session, uow, client_ref, week)
            draft = self._load_draft(uow, client_ref, week)
            if expected_version is not None and draft.version != expected_version:
                raise VersionConflict()
            if dishes_checked is not None:
                dishes_checked(uow)
            days = edit(live, draft)
            if days == draft.days:
                return draft
            if dishes_checked is None:
                require_dishes(self._session, uow, introduced_dish_ids(draft.days, days))
            updated = attrs.evolve(
                draft,
                days=days,
                version=draft.version + 1,
                updated_at=self._options.clock(),
                actor=self.actor,
                guardrails=draft_check(self._session, uow, client_ref, days),
            )
            if not drafts.replace(self.tenant_id, updated, expected_version=draft.version):
                # Edited since it was read, by a call that got in first: run this one again.
                raise ConcurrentUpdate()
            uow.commit()
        return updated


def draft_check(
    session: Session, uow: UnitOfWork, client_ref: str, days: tuple[PlanEntry, ...]
) -> DraftCheck | None:
    """The diet decision on a draft's ``days``, or ``None`` for a client without a diet."""
    ruleset = client_ruleset(uow, session.tenant_id, client_ref)
    if ruleset is None:
        return None
    decision = decide_plan(
        catalog_of(session.options, uow),
        session.tenant_id,
        ruleset,
        days,
        rulesets=session.options.rulesets,
    )
    return DraftCheck.of(ruleset, decision)
