"""One slot of one day (:class:`PlanEntry`) and the rules for a list of them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from weekplan.domain._days import DayKey
from weekplan.domain._limits import (
    ID_MAX,
    MAX_ENTRIES,
    NOTES_MAX,
    SLOT_KEY_MAX,
    SLOT_KEY_SEARCH_MAX,
)
from weekplan.domain._sequences import take_items
from weekplan.domain.text import check_key, check_optional_text, check_text
from weekplan.errors import ErrorItem, InvalidInput

__all__ = [
    "EntryInput",
    "PlanEntry",
    "SlotKey",
    "entry_in_slot",
    "parse_entries",
    "parse_entry",
    "slot_index",
    "with_entry",
]

#: ``(day_key, slot_key)``: the identity of a slot within one template or instance.
SlotKey = tuple[DayKey, str]


def _to_day_key(value: Any) -> DayKey:
    if isinstance(value, DayKey):
        return value
    if isinstance(value, str):
        try:
            return DayKey(value)
        except ValueError:
            pass
    raise InvalidInput.at(("day_key",), "must be one of mon, tue, wed, thu, fri, sat, sun")


def _to_slot_key(value: Any) -> str:
    return check_text(
        value, "slot_key", max_length=SLOT_KEY_MAX, max_key_length=SLOT_KEY_SEARCH_MAX
    )


def _to_dish_id(value: Any) -> str | None:
    if value is None:
        return None
    return check_key(value, "dish_template_id", max_length=ID_MAX)


def _to_notes(value: Any) -> str | None:
    return check_optional_text(value, "notes", max_length=NOTES_MAX)


@attrs.frozen
class PlanEntry:
    """What is planned in one slot of one day.

    Strings are checked on construction; ``day_key`` accepts ``"mon"`` as well as
    ``DayKey.MON`` and ``slot_key`` is trimmed.

    >>> PlanEntry("tue", " lunch ", dish_template_id="dish-7")
    PlanEntry(day_key=<DayKey.TUE: 'tue'>, slot_key='lunch', dish_template_id='dish-7', notes=None)
    """

    day_key: DayKey = attrs.field(converter=_to_day_key)
    slot_key: str = attrs.field(converter=_to_slot_key)
    dish_template_id: str | None = attrs.field(default=None, converter=_to_dish_id)
    notes: str | None = attrs.field(default=None, converter=_to_notes)

    @property
    def key(self) -> SlotKey:
        """``(day_key, slot_key)``, unique within one plan."""
        return (self.day_key, self.slot_key)


#: What public functions accept for one entry: a :class:`PlanEntry` or a JSON-like mapping.
EntryInput = PlanEntry | Mapping[str, Any]

_ENTRY_FIELDS = frozenset({"day_key", "slot_key", "dish_template_id", "notes"})
_new = object.__new__
_set = object.__setattr__


def parse_entry(raw: Any) -> PlanEntry:
    """One entry from a :class:`PlanEntry` or a mapping, reporting every bad field at once."""
    if isinstance(raw, PlanEntry):
        return raw
    if not isinstance(raw, Mapping):
        raise InvalidInput.at((), "must be an entry object")
    errors: list[ErrorItem] = [
        {"loc": [str(name)], "msg": "unknown field"} for name in raw if name not in _ENTRY_FIELDS
    ]
    values: dict[str, Any] = {}
    for name, convert in (
        ("day_key", _to_day_key),
        ("slot_key", _to_slot_key),
        ("dish_template_id", _to_dish_id),
        ("notes", _to_notes),
    ):
        if name not in raw:
            if name in ("day_key", "slot_key"):
                errors.append({"loc": [name], "msg": "field required"})
            continue
        try:
            values[name] = convert(raw[name])
        except InvalidInput as exc:
            errors.extend(exc.errors)
    if errors:
        raise InvalidInput(errors)
    # Each field has been through its converter, which gives back a value it
    # gave: the constructor would only run them all again.
    entry: PlanEntry = _new(PlanEntry)
    _set(entry, "day_key", values["day_key"])
    _set(entry, "slot_key", values["slot_key"])
    _set(entry, "dish_template_id", values.get("dish_template_id"))
    _set(entry, "notes", values.get("notes"))
    return entry


def _day_order(entry: PlanEntry) -> int:
    return entry.day_key.position


def parse_entries(raw: Any, field: str = "days") -> tuple[PlanEntry, ...]:
    """Check a list of entries and put it in canonical order.

    Every problem is reported with its path (``["days", 3, "day_key"]``).
    Canonical order is Monday to Sunday; within a day, slots keep the order given.
    """
    if type(raw) is tuple:
        checked = _checked_plan(raw)
        if checked is not None:
            return checked
    if isinstance(raw, str | bytes | Mapping) or not isinstance(raw, Iterable):
        raise InvalidInput.at((field,), "must be a list of entries")
    items = take_items(raw, field, max_items=MAX_ENTRIES)
    entries: list[PlanEntry] = []
    errors: list[ErrorItem] = []
    seen: dict[SlotKey, int] = {}
    for index, item in enumerate(items):
        try:
            entry = parse_entry(item)
        except InvalidInput as exc:
            errors.extend(exc.prefixed(field, index).errors)
            continue
        if entry.key in seen:
            errors.append(
                {
                    "loc": [field, index, "slot_key"],
                    "msg": f"duplicate slot {entry.day_key.value}/{entry.slot_key} "
                    f"(also at index {seen[entry.key]})",
                }
            )
            continue
        seen[entry.key] = index
        entries.append(entry)
    if errors:
        raise InvalidInput(errors)
    return tuple(sorted(entries, key=_day_order))


#: The plans last checked or built as plans, newest first. Each is held, so no
#: other object can take its identity while it is here; the tuple is replaced,
#: never changed, so a reader in another thread sees one whole generation.
_recent_plans: tuple[tuple[PlanEntry, ...], ...] = ()
_RECENT_PLANS = 8


def _remember_plan(plan: tuple[PlanEntry, ...]) -> None:
    global _recent_plans  # noqa: PLW0603  # one immutable generation, swapped whole
    _recent_plans = (plan, *_recent_plans[: _RECENT_PLANS - 1])


def _checked_plan(raw: tuple[Any, ...]) -> tuple[PlanEntry, ...] | None:
    """``raw`` itself when it already is a plan: checked entries, no slot twice, in order.

    Domain values hold their entries as such a tuple, so rebuilding or evolving
    one (a week cloned from its template, a week with one slot edited) passes
    this quick look instead of a second pass of :func:`parse_entries`; a plan
    that has just passed it (or that :func:`with_entry` has just built) is
    known by its identity. Anything else (``None``) takes the full path, which
    also reports the problems.
    """
    for plan in _recent_plans:
        if plan is raw:
            return plan
    if len(raw) > MAX_ENTRIES:
        return None
    keys = set()
    last = 0
    for entry in raw:
        if type(entry) is not PlanEntry:
            return None
        position = entry.day_key.position
        if position < last:
            return None
        last = position
        keys.add((entry.day_key, entry.slot_key))
    if len(keys) != len(raw):
        return None
    _remember_plan(raw)
    return raw


def with_entry(days: tuple[PlanEntry, ...], entry: PlanEntry) -> tuple[PlanEntry, ...]:
    """A checked plan ``days`` with ``entry`` in its slot, last among its day's slots.

    The same as ``parse_entries([*others, entry])`` where ``others`` are the
    entries of ``days`` in other slots, without checking the others again.

    >>> days = (PlanEntry("mon", "breakfast"), PlanEntry("mon", "lunch"), PlanEntry("tue", "lunch"))
    >>> edited = with_entry(days, PlanEntry("mon", "breakfast", notes="eggs"))
    >>> [(e.day_key.value, e.slot_key, e.notes) for e in edited]
    [('mon', 'lunch', None), ('mon', 'breakfast', 'eggs'), ('tue', 'lunch', None)]
    """
    day, slot = entry.day_key, entry.slot_key
    kept = [e for e in days if e.slot_key != slot or e.day_key is not day]
    # Days are in order: the entry goes before the first entry of a later day.
    position = day.position
    at = len(kept)
    for index, other in enumerate(kept):
        if other.day_key is not day and other.day_key.position > position:
            at = index
            break
    edited = (*kept[:at], entry, *kept[at:])
    if len(edited) > MAX_ENTRIES:
        return parse_entries(edited)  # refused, with the message parse_entries gives
    # A plan by construction: ``days`` had each slot once in day order, ``entry``
    # takes the place of its slot's old entry (if any), last among its day's.
    _remember_plan(edited)
    return edited


def entry_in_slot(entries: Iterable[PlanEntry], day_key: DayKey, slot_key: str) -> PlanEntry | None:
    """The entry of ``entries`` in slot ``(day_key, slot_key)``, if any.

    The same as ``slot_index(entries).get((day_key, slot_key))``, without
    building the index for one look.

    >>> days = (PlanEntry("mon", "lunch", "soup"), PlanEntry("tue", "lunch"))
    >>> entry_in_slot(days, DayKey.MON, "lunch").dish_template_id
    'soup'
    >>> entry_in_slot(days, DayKey.WED, "lunch") is None
    True
    """
    for entry in entries:
        if entry.slot_key == slot_key and entry.day_key is day_key:
            return entry
    return None


def slot_index(entries: Iterable[PlanEntry]) -> dict[SlotKey, PlanEntry]:
    """The entries by ``(day_key, slot_key)``."""
    return {entry.key: entry for entry in entries}
