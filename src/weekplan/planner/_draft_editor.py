"""The handle whose writing methods edit a week's draft instead of the live week."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

import attrs

from weekplan.domain._bulk import DayScope, assign_dish, parse_day_scope
from weekplan.domain._days import DayKey
from weekplan.domain._drafts import WeekDraft
from weekplan.domain._entries import EntryInput, PlanEntry, parse_entries, parse_entry, slot_index
from weekplan.domain._inputs import check_expected_version, collect_errors
from weekplan.domain._limits import SLOT_KEY_MAX
from weekplan.domain._plans import WeekPlanInstance
from weekplan.domain.text import check_text
from weekplan.planner._access import writes
from weekplan.planner._catalog import require_dishes
from weekplan.planner._dishes import check_dish_id
from weekplan.planner._options import UNSET, Unset

if TYPE_CHECKING:
    from weekplan.planner._drafts import DraftUseCases

__all__ = ["DraftEditor"]


class DraftEditor:
    """Edits of one week's draft; get one from :meth:`~weekplan.WorkerPlanner.draft`.

    Each method is one transaction on the draft, takes ``expected_version`` (the
    draft's version) and returns the draft. Edits that break the client's diet
    are saved, with the decision in ``draft.guardrails``; locked slots may be
    edited too. Both are settled when the draft is applied.
    A missing draft is :class:`~weekplan.DraftNotFound`.
    """

    def __init__(self, worker: DraftUseCases, client_ref: str, week_start_date: date) -> None:
        self._worker = worker
        self._client_ref = client_ref
        self._week = week_start_date

    @property
    def read_only(self) -> bool:
        """Whether the worker behind this handle refuses writes."""
        return self._worker.read_only

    @writes
    def set_slot(
        self,
        day_key: DayKey | str,
        slot_key: str,
        *,
        dish_template_id: str | Unset | None = UNSET,
        notes: str | Unset | None = UNSET,
        expected_version: int | None = None,
    ) -> WeekDraft:
        """Set the dish and/or notes of one slot of the draft, as ``set_slot`` does on a week."""
        probe, expected = collect_errors(
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
        )

        def edit(_live: WeekPlanInstance, draft: WeekDraft) -> tuple[PlanEntry, ...]:
            entry = slot_index(draft.days).get(probe.key) or PlanEntry(
                probe.day_key, probe.slot_key
            )
            if not isinstance(dish_template_id, Unset):
                entry = attrs.evolve(entry, dish_template_id=probe.dish_template_id)
            if not isinstance(notes, Unset):
                entry = attrs.evolve(entry, notes=probe.notes)
            return parse_entries([*(e for e in draft.days if e.key != probe.key), entry])

        return self._worker._edit_draft(self._client_ref, self._week, expected, edit)

    @writes
    def update(
        self, *, days: Iterable[EntryInput], expected_version: int | None = None
    ) -> WeekDraft:
        """Replace every entry of the draft."""
        entries, expected = collect_errors(
            lambda: parse_entries(days), lambda: check_expected_version(expected_version)
        )
        return self._worker._edit_draft(
            self._client_ref, self._week, expected, lambda _live, _draft: entries
        )

    @writes
    def reset_slot(
        self, day_key: DayKey | str, slot_key: str, *, expected_version: int | None = None
    ) -> WeekDraft:
        """Put one slot of the draft back as the week's template snapshot has it."""
        probe, expected = collect_errors(
            lambda: parse_entry({"day_key": day_key, "slot_key": slot_key}),
            lambda: check_expected_version(expected_version),
        )

        def edit(live: WeekPlanInstance, draft: WeekDraft) -> tuple[PlanEntry, ...]:
            as_draft = attrs.evolve(live, days=draft.days, locks=())
            return as_draft.with_slot_reset(probe.day_key, probe.slot_key)

        return self._worker._edit_draft(self._client_ref, self._week, expected, edit)

    @writes
    def bulk_assign(
        self,
        *,
        slot_key: str,
        dish_template_id: str,
        days: DayScope = "week",
        expected_version: int | None = None,
    ) -> WeekDraft:
        """Put one dish in ``slot_key`` on each day of ``days`` of the draft."""
        slot, dish_id, scope, expected = collect_errors(
            lambda: check_text(slot_key, "slot_key", max_length=SLOT_KEY_MAX),
            lambda: check_dish_id(dish_template_id, "dish_template_id"),
            lambda: parse_day_scope(days),
            lambda: check_expected_version(expected_version),
        )
        worker = self._worker
        return worker._edit_draft(
            self._client_ref,
            self._week,
            expected,
            lambda _live, draft: assign_dish(draft.days, scope, slot, dish_id),
            dishes_checked=lambda uow: require_dishes(worker._session, uow, (dish_id,)),
        )

    def __repr__(self) -> str:
        return f"<DraftEditor client={self._client_ref!r} week={self._week.isoformat()}>"
