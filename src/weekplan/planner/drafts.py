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

from weekplan.domain._inputs import check_expected_version, collect_errors
from weekplan.domain.changes import ChangeSource, slot_changes
from weekplan.domain.drafts import DraftCheck, WeekDraft
from weekplan.domain.entries import PlanEntry
from weekplan.domain.history import introduced_dish_ids
from weekplan.domain.locks import locked_changes
from weekplan.domain.plans import WeekPlanInstance
from weekplan.errors import ConcurrentUpdate, DraftNotFound, VersionConflict
from weekplan.planner._draft_review import DraftReview
from weekplan.planner.access import writes
from weekplan.planner.draft_editor import DraftEditor
from weekplan.planner.enforcement import client_ruleset, decide_plan
from weekplan.planner.locks import LockUseCases
from weekplan.planner.workflow import check_reason, require_workflow
from weekplan.ports import UnitOfWork

__all__ = ["DraftUseCases"]


class DraftUseCases(LockUseCases):
    """The one draft of each client's week, and the review and apply of it."""

    @writes
    def start_draft(self, client_ref: str, week_start_date: date | str) -> WeekDraft:
        """Open the draft of the client's week: a copy of its days, at draft version 1.

        A week has at most one draft; if it has one already, that draft is
        returned as it is (discard it first to start over).
        """
        client, week = self._instance_key(client_ref, week_start_date)
        with self._client_transaction(client) as uow:
            drafts = require_workflow(uow).drafts
            live = self._load_instance(uow, client, week)
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
                guardrails=self._draft_check(uow, client, live.days),
            )
            drafts.add(self.tenant_id, draft)
            uow.commit()
        return draft

    def get_draft(self, client_ref: str, week_start_date: date | str) -> WeekDraft:
        """The draft of the client's week, or :class:`~weekplan.DraftNotFound`."""
        client, week = self._instance_key(client_ref, week_start_date)
        with self._transaction() as uow:
            self._load_instance(uow, client, week)
            return self._load_draft(uow, client, week)

    def draft(self, client_ref: str, week_start_date: date | str) -> DraftEditor:
        """A handle whose writing methods edit the draft of the client's week, not the week.

        It has ``set_slot``, ``update``, ``reset_slot`` and ``bulk_assign``,
        taking what the week's methods take; each is one transaction and returns
        the draft. Nothing is read until a method is called.
        """
        client, week = self._instance_key(client_ref, week_start_date)
        return DraftEditor(self, client, week)

    def review_draft(self, client_ref: str, week_start_date: date | str) -> DraftReview:
        """What applying the draft would do now, without writing anything.

        The review holds the guardrails decision on the draft as it would go
        live, the slot-by-slot diff against the live week, the live week's locks
        it would break, and whether the live week changed since the draft
        started. ``review.applicable`` says whether :meth:`apply_draft` would
        go through. Read-only workers may review.

        >>> from weekplan import Planner
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> worker = Planner(InMemoryStore()).worker("tenant-a")
        >>> plan = worker.create_template("Week", [{"day_key": "mon", "slot_key": "lunch"}])
        >>> _ = worker.create_instance(plan.id, "client-42", "2026-11-23")
        >>> _ = worker.start_draft("client-42", "2026-11-23")
        >>> _ = worker.draft("client-42", "2026-11-23").set_slot("tue", "lunch", notes="soup")
        >>> review = worker.review_draft("client-42", "2026-11-23")
        >>> [(c.change_type.value, c.day_key.value, c.slot_key) for c in review.diff]
        [('added', 'tue', 'lunch')]
        >>> review.applicable
        True
        """
        client, week = self._instance_key(client_ref, week_start_date)
        with self._transaction() as uow:
            live = self._load_instance(uow, client, week)
            draft = self._load_draft(uow, client, week)
            ruleset = client_ruleset(uow, self.tenant_id, client)
            catalog = self._catalog(uow)
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

    @writes
    def apply_draft(
        self,
        client_ref: str,
        week_start_date: date | str,
        *,
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> WeekPlanInstance:
        """Make the draft the live week, in one transaction, and drop the draft.

        Strictly fail-closed; nothing changes when any of these holds:

        * the live week changed since the draft started, or the draft is no
          longer at ``expected_version`` (the draft version that was reviewed):
          :class:`~weekplan.VersionConflict`;
        * the draft would change a locked slot: :class:`~weekplan.SlotLocked`;
        * the draft breaks a hard rule of the client's diet:
          :class:`~weekplan.GuardrailsViolation`.

        Otherwise the week takes the draft's days with one change record per
        changed slot, source ``apply``, and ``reason`` if given.
        """
        (client, week), expected, why = collect_errors(
            lambda: self._instance_key(client_ref, week_start_date),
            lambda: check_expected_version(expected_version),
            lambda: check_reason(reason),
        )
        with self._client_transaction(client) as uow:
            drafts = require_workflow(uow).drafts
            live = self._load_instance(uow, client, week)
            draft = self._load_draft(uow, client, week)
            if expected is not None and draft.version != expected:
                raise VersionConflict("the draft changed since that version")
            if live.version != draft.base_version or live.id != draft.instance_id:
                raise VersionConflict("the week changed since the draft started")
            updated = self._save_instance(
                uow, live, draft.days, source=ChangeSource.APPLY, reason=why, strict=True
            )
            drafts.remove(self.tenant_id, client, week)
            uow.commit()
        return updated

    @writes
    def discard_draft(self, client_ref: str, week_start_date: date | str) -> None:
        """Drop the draft of the client's week; the live week stays as it is."""
        client, week = self._instance_key(client_ref, week_start_date)
        with self._transaction() as uow:
            drafts = require_workflow(uow).drafts
            self._load_instance(uow, client, week)
            if not drafts.remove(self.tenant_id, client, week):
                raise DraftNotFound()
            uow.commit()

    # -- shared steps -------------------------------------------------------------

    def _load_draft(self, uow: UnitOfWork, client_ref: str, week: date) -> WeekDraft:
        draft = require_workflow(uow).drafts.get(self.tenant_id, client_ref, week)
        if draft is None:
            raise DraftNotFound()
        return draft

    def _draft_check(
        self, uow: UnitOfWork, client_ref: str, days: tuple[PlanEntry, ...]
    ) -> DraftCheck | None:
        ruleset = client_ruleset(uow, self.tenant_id, client_ref)
        if ruleset is None:
            return None
        decision = decide_plan(
            self._catalog(uow), self.tenant_id, ruleset, days, rulesets=self._options.rulesets
        )
        return DraftCheck.of(ruleset, decision)

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
        with self._client_transaction(client_ref) as uow:
            drafts = require_workflow(uow).drafts
            live = self._load_instance(uow, client_ref, week)
            draft = self._load_draft(uow, client_ref, week)
            if expected_version is not None and draft.version != expected_version:
                raise VersionConflict()
            if dishes_checked is not None:
                dishes_checked(uow)
            days = edit(live, draft)
            if days == draft.days:
                return draft
            if dishes_checked is None:
                self._require_dishes(uow, introduced_dish_ids(draft.days, days))
            updated = attrs.evolve(
                draft,
                days=days,
                version=draft.version + 1,
                updated_at=self._options.clock(),
                actor=self.actor,
                guardrails=self._draft_check(uow, client_ref, days),
            )
            if not drafts.replace(self.tenant_id, updated, expected_version=draft.version):
                # Edited since it was read, by a call that got in first: run this one again.
                raise ConcurrentUpdate()
            uow.commit()
        return updated
