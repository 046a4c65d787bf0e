"""The change log: one record per slot a write changed, kept for good.

A record says what happened to one slot of one week (or template): its entry
before and after, who did it (the worker session's ``actor``), through which
kind of call (``source``), why (an optional ``reason``), when (the planner's
clock) and the version of the plan before and after. Records are never changed
or removed, so a week's records replayed in order over its template snapshot
give its days back (:func:`replay`).

A store keeps the records of one write together, as one :class:`ChangeSet`:
who, why, when and the versions once, and the slots the write changed in
order. :meth:`ChangeSet.records` gives its records back; the ``n``-th slot's
record id is derived from the set's id by :func:`record_id`.
"""

from __future__ import annotations

import enum
import functools
import json
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Final

import attrs

from weekplan.domain._days import DayKey
from weekplan.domain._entries import PlanEntry, SlotKey, slot_index
from weekplan.errors import InvalidInput

__all__ = [
    "ChangeRecord",
    "ChangeSet",
    "ChangeSortKey",
    "ChangeSource",
    "ChangeSubject",
    "ChangeType",
    "SlotChange",
    "decode_entry",
    "encode_entry",
    "record_id",
    "record_position",
    "records_before",
    "replay",
    "slot_changes",
]

#: ``(at, set id, position in the set)``: change records are listed newest first
#: in this order, so the records of one write stay together.
ChangeSortKey = tuple[datetime, str, int]


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
    if before == () and type(after) is tuple:
        return _added(after)
    return _compared(before, after)


@functools.lru_cache(maxsize=64)
def _added(after: tuple[PlanEntry, ...]) -> tuple[SlotChange, ...]:
    # A new plan's changes, remembered: every week cloned from one template logs
    # the same changes, and one tuple lets a store encode their text once (the
    # entries are frozen values, so an equal plan shares them safely).
    return _compared((), after)


def _compared(before: Iterable[PlanEntry], after: Iterable[PlanEntry]) -> tuple[SlotChange, ...]:
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
        """``(at, set id, position)``: listings run newest first in this order."""
        set_id, position = record_position(self.id)
        return (self.at, set_id, position)

    @property
    def changes_entry(self) -> bool:
        """Whether the record changed what is planned (not a lock or an unlock)."""
        return self.change_type in (ChangeType.ADDED, ChangeType.REMOVED, ChangeType.CHANGED)


_POSITION: Final = re.compile(r"0|[1-9][0-9]*", re.ASCII)


def record_id(set_id: str, position: int) -> str:
    """The id of the record of the ``position``-th slot (from 0) of the change set ``set_id``.

    The first slot's record has the set's id; slot ``n`` has ``f"{set_id}.{n}"``.
    A set id that itself ends in ``.`` and a number gets ``.0`` for its first
    record, so that :func:`record_position` reads every id back unambiguously:

    >>> [record_id("c1", n) for n in range(3)]
    ['c1', 'c1.1', 'c1.2']
    >>> record_id("c.7", 0), record_position("c.7.0"), record_position("c.7")
    ('c.7.0', ('c.7', 0), ('c', 7))
    """
    if position or _numbered(set_id):
        return f"{set_id}.{position}"
    return set_id


def record_position(record_id: str) -> tuple[str, int]:
    """``(set id, position)`` of a record id made by :func:`record_id`."""
    if _numbered(record_id):
        head, _, tail = record_id.rpartition(".")
        return (head, int(tail))
    return (record_id, 0)


def _numbered(value: str) -> bool:
    _, dot, tail = value.rpartition(".")
    return bool(dot) and _POSITION.fullmatch(tail) is not None


def _some_changes(_: object, __: attrs.Attribute[Any], value: tuple[SlotChange, ...]) -> None:
    if not value:
        raise ValueError("a change set holds at least one slot change")


@attrs.frozen
class ChangeSet:
    """What one write changed in one week (or template): one row of a store's change log.

    Everything but the slots is the same for each of the write's records, so it
    is kept once; :meth:`records` gives the records, one per slot change in
    ``changes`` order, with ids from :func:`record_id`. A set holds at least one
    change: a write that changed nothing is not logged.

    >>> from datetime import UTC, datetime
    >>> changed = ChangeSet(
    ...     id="c1", tenant_id="t", subject=ChangeSubject.TEMPLATE, subject_id="tpl-1",
    ...     client_ref=None, week_start_date=None, actor=None, source=ChangeSource.CREATE,
    ...     reason=None, at=datetime(2026, 11, 23, tzinfo=UTC), version_before=None,
    ...     version_after=1, changes=(
    ...         SlotChange(ChangeType.ADDED, DayKey.MON, "lunch", None, PlanEntry("mon", "lunch")),
    ...         SlotChange(ChangeType.ADDED, DayKey.TUE, "lunch", None, PlanEntry("tue", "lunch")),
    ...     ),
    ... )
    >>> [(r.id, r.day_key.value) for r in changed.records()]
    [('c1', 'mon'), ('c1.1', 'tue')]
    """

    id: str
    tenant_id: str
    subject: ChangeSubject = attrs.field(converter=_to_subject)
    subject_id: str
    client_ref: str | None
    week_start_date: date | None
    actor: str | None
    source: ChangeSource = attrs.field(converter=_to_source)
    reason: str | None
    at: datetime
    version_before: int | None
    version_after: int | None
    changes: tuple[SlotChange, ...] = attrs.field(validator=_some_changes)

    @property
    def sort_key(self) -> tuple[datetime, str]:
        """``(at, id)``: sets are listed newest first in this order."""
        return (self.at, self.id)

    def records(self) -> tuple[ChangeRecord, ...]:
        """One record per slot change, in ``changes`` order."""
        return tuple(self.record(position) for position in range(len(self.changes)))

    def record(self, position: int) -> ChangeRecord:
        """The record of the ``position``-th slot change (from 0)."""
        change = self.changes[position]
        return ChangeRecord(
            id=record_id(self.id, position),
            tenant_id=self.tenant_id,
            subject=self.subject,
            subject_id=self.subject_id,
            client_ref=self.client_ref,
            week_start_date=self.week_start_date,
            change_type=change.change_type,
            day_key=change.day_key,
            slot_key=change.slot_key,
            old=change.old,
            new=change.new,
            actor=self.actor,
            source=self.source,
            reason=self.reason,
            at=self.at,
            version_before=self.version_before,
            version_after=self.version_after,
        )


def records_before(
    sets: Iterable[ChangeSet], before: ChangeSortKey | None, limit: int
) -> list[ChangeRecord]:
    """Up to ``limit`` records of ``sets`` (given newest first), newest first, before ``before``.

    What every store's listing does once it has the sets that may hold them: the
    sets from the one ``before`` names on, ``(at, id)`` descending.
    """
    found: list[ChangeRecord] = []
    for change_set in sets:
        for position in reversed(range(len(change_set.changes))):
            if before is None or (change_set.at, change_set.id, position) < before:
                found.append(change_set.record(position))
                if len(found) >= limit:
                    return found
    return found


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
