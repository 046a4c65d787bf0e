"""Drafts of a client's week: edited aside, reviewed, then applied whole or not at all."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import attrs

from weekplan.domain._entries import PlanEntry
from weekplan.domain._guardrails_check import DecisionSummary, Outcome, RulesetLabels
from weekplan.errors import InvalidInput


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


__all__ = ["DraftCheck", "WeekDraft"]


@attrs.frozen
class DraftCheck:
    """The guardrails decision a draft got when it was last saved; ``blocked`` included.

    A draft is never refused for a violation: the decision is kept so that a
    reviewer sees it, and :meth:`~weekplan.WorkerPlanner.apply_draft` decides again.
    """

    content_hash: str
    outcome: Outcome = attrs.field(converter=Outcome)
    summary: str
    reason_codes: tuple[str, ...] = attrs.field(default=(), converter=_texts)

    @classmethod
    def of(cls, ruleset: RulesetLabels, decision: DecisionSummary) -> DraftCheck:
        """What ``decision`` of ``ruleset`` says."""
        return cls(ruleset.content_hash, decision.outcome, decision.summary, decision.reason_codes)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, for a store's column."""
        return {
            "content_hash": self.content_hash,
            "outcome": self.outcome.value,
            "summary": self.summary,
            "reason_codes": list(self.reason_codes),
        }

    @classmethod
    def from_dict(cls, payload: Any) -> DraftCheck:
        """The check of a dict written by :meth:`to_dict`; anything else is ``InvalidInput``."""
        if not isinstance(payload, Mapping):
            raise InvalidInput.at(("guardrails",), "must be an object")
        try:
            return cls(
                payload["content_hash"],
                payload["outcome"],
                payload["summary"],
                payload["reason_codes"],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput.at(("guardrails",), "is not a stored draft check") from exc

    @property
    def blocked(self) -> bool:
        """Whether a hard rule blocks the draft as it stands."""
        return self.outcome is Outcome.BLOCKED


@attrs.frozen
class WeekDraft:
    """The one draft of a client's week: a copy of its days, edited apart from the live week.

    ``base_version`` is the live week's version when the draft was started; the
    draft applies only while the live week is still at that version.
    ``version`` counts the draft's own edits, from 1. ``guardrails`` is the
    decision of the client's diet on the draft when it was last saved (``None``
    for a client without a diet). A client never sees a draft.
    """

    tenant_id: str
    client_ref: str
    week_start_date: date
    instance_id: str
    base_version: int
    days: tuple[PlanEntry, ...]
    version: int
    created_at: datetime
    updated_at: datetime
    actor: str | None = None
    guardrails: DraftCheck | None = None
