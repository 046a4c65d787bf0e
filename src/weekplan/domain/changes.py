"""The change log: one record per slot a write changed, kept for good.

A record says what happened to one slot of one week (or template): its entry
before and after, who did it (the worker session's ``actor``), through which
kind of call (``source``), why (an optional ``reason``), when (the planner's
clock) and the version of the plan before and after. Records are never changed
or removed, so a week's records replayed in order over its template snapshot
give its days back (:func:`replay`).
"""

from __future__ import annotations

import enum
import functools
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Final

import attrs

from weekplan.domain.days import DayKey
from weekplan.domain.entries import PlanEntry, SlotKey, slot_index
from weekplan.errors import InvalidInput

__all__ = [
    "ChangeRecord",
    "ChangeSortKey",
    "ChangeSource",
    "ChangeSubject",
    "ChangeType",
    "SlotChange",
    "decode_entry",
    "encode_entry",
    "replay",
    "slot_changes",
]

#: ``(at, id)``: change records are listed newest first in this order.
ChangeSortKey = tuple[datetime, str]


class ChangeSubject(enum.StrEnum):
    """What a record is about: a client's week or a template."""

    WEEK = "week"
    TEMPLATE = "template"


class ChangeType(enum.StrEnum):
    """What happened to the slot."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    LOCKED = "locked"
    UNLOCKED = "unlocked"


class ChangeSource(enum.StrEnum):
    """The kind of call that made the change."""

    CREATE = "create"
    EDIT = "edit"
    BULK = "bulk"
    RESET = "reset"
    DELETE = "delete"
    APPLY = "apply"
    LOCK = "lock"
    GENERATE = "generate"


@attrs.frozen
class SlotChange:
    """One slot whose entry differs between two versions of a plan."""

    change_type: ChangeType
    day_key: DayKey
    slot_key: str
    old: PlanEntry | None
    new: PlanEntry | None


def slot_changes(before: Iterable[PlanEntry], after: Iterable[PlanEntry]) -> tuple[SlotChange, ...]:
    """Every slot added, removed or changed from ``before`` to ``after``, Monday first.

    A slot that only moved within its day is not a change: the order of the
    slots of one day is presentation, not content.
    """
    old, new = slot_index(before), slot_index(after)
    keys: dict[SlotKey, None] = dict.fromkeys([*old, *new])
    changes = []
    for day, slot in sorted(keys, key=lambda key: key[0].position):
        was, now = old.get((day, slot)), new.get((day, slot))
        if was is now or was == now:
            continue
        kind = ChangeType.ADDED if was is None else ChangeType.REMOVED if now is None else None
        changes.append(SlotChange(kind or ChangeType.CHANGED, day, slot, was, now))
    return tuple(changes)


# The converters keep a member as it is, without the enum's look-up: a write logs
# one record per changed slot, and the members it already holds are the common case.


def _to_subject(value: Any) -> ChangeSubject:
    return value if type(value) is ChangeSubject else ChangeSubject(value)


def _to_change_type(value: Any) -> ChangeType:
    return value if type(value) is ChangeType else ChangeType(value)


def _to_day_key(value: Any) -> DayKey:
    return value if type(value) is DayKey else DayKey(value)


def _to_source(value: Any) -> ChangeSource:
    return value if type(value) is ChangeSource else ChangeSource(value)


@attrs.frozen
class ChangeRecord:
    """One slot of one week (or template) changed by one write; never edited afterwards.

    ``subject`` and ``subject_id`` say whose slot: a week (its instance id, with
    ``client_ref`` and ``week_start_date``) or a template (its id; both ``None``).
    ``old`` and ``new`` are the slot's entry before and after (``None`` where the
    slot did not exist). A lock or unlock leaves the entry as it is (``old ==
    new``) and its ``reason`` is the lock's. ``version_before`` is ``None`` for a
    plan the write created, ``version_after`` for one it deleted.
    """

    id: str
    tenant_id: str
    subject: ChangeSubject = attrs.field(converter=_to_subject)
    subject_id: str
    client_ref: str | None
    week_start_date: date | None
    change_type: ChangeType = attrs.field(converter=_to_change_type)
    day_key: DayKey = attrs.field(converter=_to_day_key)
    slot_key: str
    old: PlanEntry | None
    new: PlanEntry | None
    actor: str | None
    source: ChangeSource = attrs.field(converter=_to_source)
    reason: str | None
    at: datetime
    version_before: int | None
    version_after: int | None

    @property
    def sort_key(self) -> ChangeSortKey:
        """``(at, id)``: listings run newest first in this order."""
        return (self.at, self.id)

    @property
    def changes_entry(self) -> bool:
        """Whether the record changed what is planned (not a lock or an unlock)."""
        return self.change_type in (ChangeType.ADDED, ChangeType.REMOVED, ChangeType.CHANGED)


def _replay_order(record: ChangeRecord) -> tuple[int, int]:
    # Versions order the writes of one plan even when the clock does not; a
    # delete (no version after) comes last.
    after = record.version_after if record.version_after is not None else 2**31
    return (after, 0 if record.version_before is None else record.version_before)


def replay(
    snapshot: Sequence[PlanEntry], records: Iterable[ChangeRecord]
) -> dict[SlotKey, PlanEntry]:
    """The slots a plan has after ``records`` (of that one plan), replayed over ``snapshot``.

    The result is keyed by slot, since records say nothing of the order of the
    slots within a day.
    """
    slots = slot_index(snapshot)
    for record in sorted(records, key=_replay_order):
        if not record.changes_entry:
            continue
        key = (record.day_key, record.slot_key)
        if record.new is None:
            slots.pop(key, None)
        else:
            slots[key] = record.new
    return slots


_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_DECODER: Final = json.JSONDecoder()


def encode_entry(entry: PlanEntry | None) -> str | None:
    """One entry as JSON text with the seed's field names, for a store's column."""
    if entry is None:
        return None
    return _entry_text(entry)


# Equal entries have the same text, and a week's records repeat the entries of its
# template (a new week logs every slot): bounded, and a pure function of the entry.
@functools.lru_cache(maxsize=4096)
def _entry_text(entry: PlanEntry) -> str:
    return _ENCODER.encode(
        {
            "day_key": entry.day_key.value,
            "slot_key": entry.slot_key,
            "dish_template_id": entry.dish_template_id,
            "notes": entry.notes,
        }
    )


def decode_entry(text: str | None) -> PlanEntry | None:
    """The entry of :func:`encode_entry`'s text; anything else is ``InvalidInput``."""
    if text is None:
        return None
    try:
        raw: Any = _DECODER.decode(text)
        return PlanEntry(raw["day_key"], raw["slot_key"], raw["dish_template_id"], raw["notes"])
    except (ValueError, TypeError, KeyError) as exc:
        raise InvalidInput.at(("entry",), "is not a stored plan entry") from exc
