"""What applying a draft would do: the result of reviewing it.

It holds the guardrails' decision beside the draft and the live week, so it
lives with the use cases, above both the domain and the guardrails.
"""

from __future__ import annotations

import attrs

from weekplan.domain._drafts import WeekDraft
from weekplan.domain._locks import SlotLock
from weekplan.domain._plans import WeekPlanInstance
from weekplan.domain.changes import SlotChange
from weekplan.guardrails import GuardDecision

__all__ = ["DraftReview"]


@attrs.frozen
class DraftReview:
    """What applying a draft would do, computed without writing anything.

    ``decision`` is the client's diet on the draft as it would go live (``None``
    without a diet); ``diff`` every slot it adds, removes or changes against the
    live week, Monday first; ``locked`` the live week's locks it would break;
    ``stale`` whether the live week changed since the draft started.
    """

    draft: WeekDraft
    live: WeekPlanInstance
    decision: GuardDecision | None
    diff: tuple[SlotChange, ...]
    locked: tuple[SlotLock, ...]
    stale: bool

    @property
    def applicable(self) -> bool:
        """Whether :meth:`~weekplan.WorkerPlanner.apply_draft` would succeed now."""
        return not self.stale and not self.locked and (self.decision is None or self.decision.ok)
