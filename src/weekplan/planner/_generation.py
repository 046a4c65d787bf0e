"""Use cases: generate a client's week into its draft, or regenerate some of its days.

Nothing generated goes live on its own: the result is the week's draft, which a
worker reviews (:meth:`~weekplan.WorkerPlanner.review_draft`) and applies
(:meth:`~weekplan.WorkerPlanner.apply_draft`) or discards. Every generation is
recorded as a run (:meth:`~weekplan.WorkerPlanner.list_runs`) and counted
against the planner's generation quota.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

from weekplan.domain._bulk import WEEK, DayScope, parse_day_scope
from weekplan.domain._days import DAY_ORDER
from weekplan.domain._drafts import WeekDraft
from weekplan.domain._entries import PlanEntry, SlotKey
from weekplan.domain._inputs import check_template_id, collect_errors
from weekplan.domain._runs import GenerationRun, RunType
from weekplan.errors import InvalidInput, VersionConflict
from weekplan.generation._checked import CheckedWeek
from weekplan.generation._request import GeneratedEntry
from weekplan.planner._capabilities import Capability
from weekplan.planner._catalog import catalog_of, require_dishes
from weekplan.planner._drafts import draft_check
from weekplan.planner._generation_flow import GenerationJob
from weekplan.planner._instances import add_instance, instance_key, load_instance
from weekplan.planner._session import UseCases
from weekplan.planner._templates import load_template
from weekplan.planner._workflow import locks_of, workflow_of
from weekplan.ports import UnitOfWork

__all__ = ["GeneratedDraft", "GenerationUseCases"]


def _check_seed(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise InvalidInput.at(("seed",), "must be an integer from 0 to 2**31 - 1 or null")
    return value


@attrs.frozen
class GeneratedDraft:
    """What a generation left for review: the draft, the run, and a reason per filled slot."""

    draft: WeekDraft
    run: GenerationRun
    entries: tuple[GeneratedEntry, ...]


class GenerationUseCases(UseCases):
    """Generation of client weeks into their drafts."""

    def generate_draft(
        self,
        client_ref: str,
        week_start_date: date | str,
        *,
        days: DayScope = WEEK,
        seed: int | None = None,
        template_id: str | None = None,
    ) -> GeneratedDraft:
        """See :meth:`weekplan.WorkerPlanner.generate_draft`."""
        (client, week), scope, chosen_seed, template = collect_errors(
            lambda: instance_key(self._session, client_ref, week_start_date),
            lambda: parse_day_scope(days),
            lambda: _check_seed(seed),
            lambda: None if template_id is None else check_template_id(template_id),
        )
        self._require(Capability.DRAFTS)
        saved: list[WeekDraft] = []

        def base(uow: UnitOfWork) -> tuple[tuple[PlanEntry, ...], frozenset[SlotKey]]:
            if template is not None and uow.instances.get(self.tenant_id, client, week) is None:
                # The week to be: the template's slots, nothing locked, no draft yet.
                return load_template(self._session, uow, template).days, frozenset()
            live = load_instance(self._session, uow, client, week)
            draft = workflow_of(uow).drafts.get(self.tenant_id, client, week)
            locked = frozenset(lock.key for lock in locks_of(uow, self.tenant_id, client, week))
            return (live.days if draft is None else draft.days), locked

        def save(uow: UnitOfWork, checked: CheckedWeek) -> int:
            saved.append(self._save_generated(uow, client, week, checked, template))
            return saved[-1].version

        job = GenerationJob(
            tenant_id=self.tenant_id,
            client_ref=client,
            week_start_date=week,
            days=scope,
            run_type=RunType.GENERATE if scope == DAY_ORDER else RunType.REGENERATE,
            seed=chosen_seed,
            options=self._options,
            transaction=lambda: self._client_transaction(client),
            catalog=lambda uow: catalog_of(self._options, uow),
            base=base,
            save=save,
        )
        checked, run = job.run()
        return GeneratedDraft(saved[-1], run, checked.proposal.entries)

    def _save_generated(
        self,
        uow: UnitOfWork,
        client: str,
        week: date,
        checked: CheckedWeek,
        template: str | None,
    ) -> WeekDraft:
        """Write the generated dishes into the draft as it is now, never over a lock.

        A missing week is first created from ``template`` (when given).
        """
        drafts = workflow_of(uow).drafts
        if template is not None and uow.instances.get(self.tenant_id, client, week) is None:
            add_instance(
                self._session, uow, load_template(self._session, uow, template), client, week
            )
        live = load_instance(self._session, uow, client, week)
        draft = drafts.get(self.tenant_id, client, week)
        locked = {lock.key for lock in locks_of(uow, self.tenant_id, client, week)}
        chosen = {e.key: e.dish_id for e in checked.proposal.entries if e.key not in locked}
        current = live.days if draft is None else draft.days
        days = tuple(
            attrs.evolve(entry, dish_template_id=chosen[entry.key])
            if entry.key in chosen
            else entry
            for entry in current
        )
        require_dishes(self._session, uow, set(chosen.values()))
        now = self._options.clock()
        guardrails = draft_check(self._session, uow, client, days)
        if draft is None:
            created = WeekDraft(
                tenant_id=self.tenant_id,
                client_ref=client,
                week_start_date=week,
                instance_id=live.id,
                base_version=live.version,
                days=days,
                version=1,
                created_at=now,
                updated_at=now,
                actor=self.actor,
                guardrails=guardrails,
            )
            drafts.add(self.tenant_id, created)
            return created
        updated = attrs.evolve(
            draft,
            days=days,
            version=draft.version + 1,
            updated_at=now,
            actor=self.actor,
            guardrails=guardrails,
        )
        if not drafts.replace(self.tenant_id, updated, expected_version=draft.version):
            raise VersionConflict("the draft changed while the week was generated")
        return updated
