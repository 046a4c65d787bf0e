"""Week plan templates and the client week instances cloned from them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import attrs

from weekplan.domain._days import DayKey
from weekplan.domain._display import html_of, text_of
from weekplan.domain._entries import PlanEntry, SlotKey, parse_entries, slot_index
from weekplan.domain._fields import to_id, to_name, to_tenant_id
from weekplan.domain._guardrails_check import GuardrailsCheck
from weekplan.domain._limits import CLIENT_REF_MAX, ID_MAX, INT_MAX
from weekplan.domain._locks import SlotLock
from weekplan.domain.text import check_key
from weekplan.errors import InvalidInput

__all__ = ["SlotOverride", "WeekPlanInstance", "WeekPlanTemplate"]


def _template_id(value: Any) -> str:
    return check_key(value, "template_id", max_length=ID_MAX)


def _client_ref(value: Any) -> str:
    return check_key(value, "client_ref", max_length=CLIENT_REF_MAX)


def _days(value: Any) -> tuple[PlanEntry, ...]:
    return parse_entries(value, "days")


def _snapshot(value: Any) -> tuple[PlanEntry, ...]:
    return parse_entries(value, "template_snapshot")


def _week_start(value: Any) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidInput.at(("week_start_date",), "must be a date")
    return value


def _guardrails(value: Any) -> GuardrailsCheck | None:
    if value is None or isinstance(value, GuardrailsCheck):
        return value
    raise InvalidInput.at(("guardrails",), "must be a GuardrailsCheck or null")


def _locks(value: Any) -> tuple[SlotLock, ...]:
    if isinstance(value, str | bytes) or not all(isinstance(v, SlotLock) for v in value):
        raise InvalidInput.at(("locks",), "must be a list of SlotLock")
    return tuple(value)


def _positive_version(_instance: object, _attribute: object, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= INT_MAX:
        raise InvalidInput.at(("version",), f"must be an integer between 1 and {INT_MAX}")


def _aware(_instance: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidInput.at((attribute.name,), "must be a timezone-aware datetime")


@attrs.frozen
class WeekPlanTemplate:
    """A reusable week plan of one tenant.

    ``days`` holds one :class:`PlanEntry` per slot, Monday first.
    Editing a template never changes the instances already cloned from it.
    """

    id: str = attrs.field(converter=to_id)
    tenant_id: str = attrs.field(converter=to_tenant_id)
    name: str = attrs.field(converter=to_name)
    days: tuple[PlanEntry, ...] = attrs.field(converter=_days)
    version: int = attrs.field(validator=_positive_version)
    created_at: datetime = attrs.field(validator=_aware)
    updated_at: datetime = attrs.field(validator=_aware)

    def _repr_html_(self) -> str:
        """The template as a Monday→Sunday table, for notebooks."""
        return html_of(self)

    def __str__(self) -> str:
        return text_of(self)


@attrs.frozen
class SlotOverride:
    """One slot where an instance differs from the template snapshot it was cloned from.

    ``snapshot`` is ``None`` for a slot the worker added, ``current`` is ``None``
    for a slot the worker removed.
    """

    day_key: DayKey
    slot_key: str
    snapshot: PlanEntry | None
    current: PlanEntry | None


@attrs.frozen
class WeekPlanInstance:
    """One client's week, cloned from a template and then edited on its own.

    ``template_snapshot`` is what the template said at clone time and never
    changes; ``days`` is the plan the client sees.
    ``guardrails`` is the check of the client's diet that ``days`` passed when the
    week was last written, or ``None`` if the client had no diet then.
    ``locks`` are the week's locked slots (see :meth:`~weekplan.WorkerPlanner.lock_slot`),
    Monday first; a store keeps them apart from the week's row, and the planner
    attaches them when it reads the week.
    """

    id: str = attrs.field(converter=to_id)
    tenant_id: str = attrs.field(converter=to_tenant_id)
    template_id: str = attrs.field(converter=_template_id)
    client_ref: str = attrs.field(converter=_client_ref)
    week_start_date: date = attrs.field(converter=_week_start)
    days: tuple[PlanEntry, ...] = attrs.field(converter=_days)
    template_snapshot: tuple[PlanEntry, ...] = attrs.field(converter=_snapshot)
    version: int = attrs.field(validator=_positive_version)
    created_at: datetime = attrs.field(validator=_aware)
    updated_at: datetime = attrs.field(validator=_aware)
    guardrails: GuardrailsCheck | None = attrs.field(default=None, converter=_guardrails)
    locks: tuple[SlotLock, ...] = attrs.field(default=(), converter=_locks)

    def _repr_html_(self) -> str:
        """The week as a Monday→Sunday table with overrides marked, for notebooks."""
        return html_of(self)

    def __str__(self) -> str:
        return text_of(self)

    def overrides(self) -> tuple[SlotOverride, ...]:
        """Every slot where ``days`` differs from ``template_snapshot``, Monday first."""
        current = slot_index(self.days)
        original = slot_index(self.template_snapshot)
        keys: dict[SlotKey, None] = dict.fromkeys([*original, *current])
        return tuple(
            SlotOverride(day, slot, original.get((day, slot)), current.get((day, slot)))
            for day, slot in sorted(keys, key=lambda key: key[0].position)
            if original.get((day, slot)) != current.get((day, slot))
        )

    def with_slot_reset(self, day_key: DayKey, slot_key: str) -> tuple[PlanEntry, ...]:
        """``days`` with one slot put back as the snapshot has it (removed if it had none)."""
        original = slot_index(self.template_snapshot).get((day_key, slot_key))
        kept = [e for e in self.days if e.key != (day_key, slot_key)]
        if original is not None:
            kept.append(original)
        return parse_entries(kept)
