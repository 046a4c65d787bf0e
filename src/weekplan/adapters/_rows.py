"""The row layer both SQL stores share: domain values to column values and back.

weekplan's SQLAlchemy store and its Django store map the same tables (the one
schema, :data:`weekplan.adapters.sqlalchemy.metadata`), so what a column holds
is defined once and each store only runs statements. Each table's mapper (a
domain value to its row and back) is in :mod:`weekplan.adapters._row_mapping`;
the texts its columns hold are made and read here:

* a list of plan entries (a template's and a draft's ``days``, a week's
  ``days`` and ``template_snapshot``) is a JSON array, in canonical order, of
  arrays ``[day, slot, dish id, notes]`` (``null`` for no dish or no notes)::

      [["mon","lunch","d-1",null]]

  Before, each entry was an object with the field names
  (``{"day_key":"mon","slot_key":"lunch","dish_template_id":"d-1","notes":null}``),
  about twice the bytes; such rows are still read as they are, and Alembic
  revision ``weekplan_0013`` or Django migration ``0016_compact_entries``
  rewrites them;

* a dish's meal types, tags, ingredients and steps, and a slot lock's
  ingredients, are JSON arrays of strings;
* a guardrails ruleset, a week's guardrails check and a draft's check are the
  JSON text of the dicts their own ``to_dict`` functions make;
* a generation run's days are day keys joined by commas, in week order;
* a change set's slot changes are a JSON array of runs, in the set's order: a
  run is the change type of consecutive changes, then one array per change,
  ``[day, slot, ...]`` followed by its entries' dish ids and notes::

      [["added",["mon","lunch","d-1",null],["tue","lunch","d-2","soup"]]]

  A change of four values has one entry, its new one (its old one in a
  ``removed`` run); of six, both, old then new; of two, neither; of three,
  ``[day, slot, [dish id, notes]]``, the one entry on the other side (a change
  weekplan never makes, written all the same). Before, each change was an
  array ``[change type, day, slot, old, new]``, its entries ``[dish id, notes]``
  or ``null`` (``[["added","mon","lunch",null,["d-1",null]]]``), about a third
  more bytes for the changes of a new week; such rows are still read as they
  are, and reverting Alembic revision ``weekplan_0015`` or Django migration
  ``0018_change_runs`` rewrites the new form back to it;

  the change sets of one write that hold the very same slot changes (the new
  weeks of one ``create_instances``: every entry of the template added) store
  them once, in the first set of the write; each other set holds a reference
  to it, the JSON object ``{"of":"<id of that set>"}``, which the log's
  readers resolve in the same tenant. The log is append-only, so the set
  referred to is always there. Reverting Alembic revision ``weekplan_0016`` or
  Django migration ``0019_shared_changes`` writes the changes into every such
  set again;

* every write names its tenant twice, as an argument and in the value, and
  :func:`same_tenant` refuses a mismatch.

JSON is compact (no spaces) and keeps non-ASCII text as it is. Text a store did
not write is :class:`~weekplan.errors.StorageError` when read, never a crash.

Since both stores write the same text into the same tables, a database written
through either store is read through the other as it is
(``tests/contrib_django/test_django_sql_shared_rows.py`` proves it both ways on
SQLite, PostgreSQL and MariaDB).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from typing import Any, Final

from weekplan.domain._days import DayKey
from weekplan.domain._drafts import DraftCheck
from weekplan.domain._entries import PlanEntry
from weekplan.domain._guardrails_check import GuardrailsCheck
from weekplan.domain.changes import ChangeType, SlotChange
from weekplan.errors import InvalidInput, StorageError
from weekplan.guardrails._loading import ruleset_from_dict, ruleset_to_dict
from weekplan.guardrails._model import GuardrailsRuleset

__all__ = [
    "ChangesCodec",
    "EntryCodec",
    "decode_check",
    "decode_draft_check",
    "decode_entries",
    "decode_ruleset",
    "decode_run_days",
    "decode_slot_changes",
    "decode_texts",
    "encode_check",
    "encode_draft_check",
    "encode_entries",
    "encode_ruleset",
    "encode_run_days",
    "encode_slot_changes",
    "encode_texts",
    "same_tenant",
    "shared_changes_of",
    "shared_changes_text",
]

_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_DECODER: Final = json.JSONDecoder()

EntryKey = tuple[str, str, str | None, str | None]


def same_tenant(tenant_id: str, row_tenant_id: str) -> None:
    """Refuse to write a value under another tenant than its own.

    A caller bug, not bad input: the use cases always pass the value's own tenant.
    """
    if tenant_id != row_tenant_id:
        raise ValueError("a row can only be written under its own tenant_id")


def encode_entries(entries: Iterable[PlanEntry]) -> str:
    """The JSON text of ``entries``, in the order given: ``[[day, slot, dish, notes], ...]``."""
    return _ENCODER.encode(
        # A DayKey is a str (StrEnum): the encoder writes its text as it is.
        [[e.day_key, e.slot_key, e.dish_template_id, e.notes] for e in entries]
    )


def decode_entries(text: str) -> tuple[PlanEntry, ...]:
    """The entries of a JSON text of :func:`encode_entries`, or of the earlier object form."""
    try:
        return tuple(PlanEntry(*_entry_key(item)) for item in _plan_array(_DECODER.decode(text)))
    except (ValueError, TypeError, KeyError, InvalidInput) as exc:
        # Only a row written by something other than weekplan can get here.
        raise StorageError("a stored plan is not valid weekplan JSON") from exc


def _plan_array(raw: Any) -> list[Any]:
    # A JSON object would iterate over its keys: only an array is a plan.
    if type(raw) is not list:
        raise TypeError("a plan is not an array")
    return raw


def _entry_key(item: Any) -> EntryKey:
    """``(day, slot, dish, notes)`` of a stored entry: an array, or an object as written before.

    A key of anything but strings and ``null`` cannot be hashed or is refused by
    :class:`~weekplan.PlanEntry`; an array of another length is ``ValueError``.
    """
    if type(item) is list:
        day, slot, dish, notes = item
        return (day, slot, dish, notes)
    if type(item) is dict:
        return (item["day_key"], item["slot_key"], item["dish_template_id"], item["notes"])
    raise TypeError("a stored entry is neither an array nor an object")


class EntryCodec:
    """:func:`encode_entries` and :func:`decode_entries`, interning the entries read.

    The same ``(day, slot, dish, notes)`` read twice gives the same frozen
    :class:`~weekplan.PlanEntry`, so the checks of its constructor run once per
    distinct entry rather than once per row read. Plans repeat entries a lot
    (every instance starts as a copy of its template); the cache is bounded and
    owned by one store, so it never grows without limit nor is shared between
    stores.

    Whole plans are remembered too, both ways: the same text decodes to the same
    tuple without parsing it again, and a tuple this codec decoded or encoded
    encodes to its text without building it again. A week's snapshot is its
    template's text, and an edit rewrites a week whose entries were read a moment
    before, so most plans a store reads or writes are ones it has just seen.

    A plan it has not seen (a week with one slot edited) is written from the
    texts of its entries, each entry's remembered (bounded likewise): an edit
    encodes the one entry it changed, not the whole week.
    """

    def __init__(self, max_entries: int = 8192, max_plans: int = 512) -> None:
        self._max_entries = max_entries
        self._max_plans = max_plans
        self._interned: dict[EntryKey, PlanEntry] = {}
        # id(entry) -> (entry, its JSON array): held, as the plans are below.
        self._entry_texts: dict[int, tuple[PlanEntry, str]] = {}
        # Text -> plan, and id(plan) -> (plan, text): the plan is held, so its id
        # is not reused by another object while it is remembered.
        self._plans: dict[str, tuple[PlanEntry, ...]] = {}
        self._texts: dict[int, tuple[tuple[PlanEntry, ...], str]] = {}
        self._lock = threading.Lock()

    def encode(self, entries: Iterable[PlanEntry]) -> str:
        """The JSON text of ``entries``, in the order given."""
        known = self._texts.get(id(entries))
        if known is not None and known[0] is entries:
            return known[1]
        if type(entries) is not tuple:
            return encode_entries(entries)
        text = self._joined(entries)
        self._remember(text, entries)
        return text

    def _joined(self, plan: tuple[PlanEntry, ...]) -> str:
        """The text of ``plan``, as :func:`encode_entries` writes it, from its entries' texts.

        The encoder writes a list as its items' texts joined by commas, so the
        plan's text is its entries' arrays, each written once, joined so.
        """
        remembered = self._entry_texts
        texts = []
        for entry in plan:
            known = remembered.get(id(entry))
            if known is not None and known[0] is entry:
                texts.append(known[1])
                continue
            text = _ENCODER.encode(
                [entry.day_key, entry.slot_key, entry.dish_template_id, entry.notes]
            )
            if type(entry) is PlanEntry:  # frozen: its text stays its own
                with self._lock:
                    if len(remembered) >= self._max_entries:
                        remembered.clear()
                    remembered[id(entry)] = (entry, text)
            texts.append(text)
        return "[" + ",".join(texts) + "]"

    def decode(self, text: str) -> tuple[PlanEntry, ...]:
        """The entries of a JSON text written by :meth:`encode` (or in the earlier object form)."""
        known = self._plans.get(text)
        if known is not None:
            return known
        plan, compact = self._decode(text)
        # A plan read in the earlier form is written in the compact one: its text
        # is remembered for reading only.
        self._remember(text, plan, encodes_to_it=compact)
        return plan

    def _remember(
        self, text: str, plan: tuple[PlanEntry, ...], *, encodes_to_it: bool = True
    ) -> None:
        with self._lock:
            if len(self._plans) >= self._max_plans or len(self._texts) >= self._max_plans:
                self._plans.clear()
                self._texts.clear()
            self._plans[text] = plan
            if encodes_to_it:
                self._texts[id(plan)] = (plan, text)

    def _decode(self, text: str) -> tuple[tuple[PlanEntry, ...], bool]:
        """The plan of ``text``, and whether ``text`` is its compact form."""
        compact = True
        try:
            interned = self._interned
            entries = []
            for item in _plan_array(_DECODER.decode(text)):
                # The compact form inline (the hot path), the earlier object form aside.
                if type(item) is list and len(item) == 4:  # [day, slot, dish, notes]
                    key: EntryKey = (item[0], item[1], item[2], item[3])
                else:
                    key = _entry_key(item)
                    compact = False
                entry = interned.get(key)
                if entry is None:
                    entry = self._intern(key)
                entries.append(entry)
        except (ValueError, TypeError, KeyError, InvalidInput) as exc:
            # Only a row written by something else than weekplan can get here.
            raise StorageError("a stored plan is not valid weekplan JSON") from exc
        return tuple(entries), compact

    def _intern(self, key: EntryKey) -> PlanEntry:
        entry = PlanEntry(*key)
        with self._lock:
            if len(self._interned) >= self._max_entries:
                # Dropping everything is crude but cheap, and a bound is what matters.
                self._interned.clear()
            self._interned[key] = entry
        return entry


def encode_texts(texts: Iterable[str]) -> str:
    """The JSON text of a list of strings (a dish's lists, a lock's ingredients)."""
    return _ENCODER.encode(list(texts))


def decode_texts(text: str) -> Sequence[str]:
    """The strings of a JSON text written by :func:`encode_texts`."""
    try:
        raw: Any = _DECODER.decode(text)
    except ValueError as exc:
        raise StorageError("a stored list is not valid JSON") from exc
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise StorageError("a stored list is not a JSON list of strings")
    return raw


def encode_check(check: GuardrailsCheck | None) -> str | None:
    """The JSON text of a week's guardrails check; ``None`` stays ``None`` (SQL ``NULL``)."""
    return None if check is None else _ENCODER.encode(check.to_dict())


def decode_check(text: str | None) -> GuardrailsCheck | None:
    """The check of a JSON text written by :func:`encode_check`."""
    if text is None:
        return None
    try:
        return GuardrailsCheck.from_dict(_DECODER.decode(text))
    except (ValueError, InvalidInput) as exc:
        raise StorageError("a stored guardrails check is not valid weekplan JSON") from exc


def encode_draft_check(check: DraftCheck | None) -> str | None:
    """The JSON text of a draft's guardrails decision; ``None`` stays ``None``."""
    return None if check is None else _ENCODER.encode(check.to_dict())


def decode_draft_check(text: str | None) -> DraftCheck | None:
    """The decision of a JSON text written by :func:`encode_draft_check`."""
    if text is None:
        return None
    try:
        return DraftCheck.from_dict(_DECODER.decode(text))
    except (ValueError, InvalidInput) as exc:
        raise StorageError("a stored draft is not valid") from exc


def encode_ruleset(ruleset: GuardrailsRuleset) -> str:
    """The JSON text of a ruleset, content hash included."""
    return _ENCODER.encode(ruleset_to_dict(ruleset))


def decode_ruleset(text: str) -> GuardrailsRuleset:
    """The ruleset of a JSON text written by :func:`encode_ruleset`.

    Parsing checks the stored hash against the rules, so a row edited by hand
    cannot pass for the ruleset a recorded decision names.
    """
    try:
        return ruleset_from_dict(_DECODER.decode(text))
    except (ValueError, InvalidInput) as exc:
        raise StorageError("a stored ruleset is not valid weekplan JSON") from exc


def encode_run_days(days: Iterable[DayKey]) -> str:
    """A run's days as day keys joined by commas: ``mon,tue``."""
    return ",".join(day.value for day in days)


def decode_run_days(text: str) -> list[DayKey]:
    """The days of a text written by :func:`encode_run_days`."""
    try:
        return [DayKey(day) for day in text.split(",") if day]
    except ValueError as exc:
        raise StorageError("a stored generation run is not a valid run") from exc


def _change_item(change: SlotChange) -> list[Any]:
    """A change in its run: ``[day, slot]`` and its entries' dish ids and notes."""
    old, new = change.old, change.new
    removed = change.change_type is ChangeType.REMOVED
    # A DayKey is a str (StrEnum): the encoder writes its text as it is.
    if old is None:
        if new is None:
            return [change.day_key, change.slot_key]
        # The entry its type implies is the new one, but for a removal.
        one, implied = new, not removed
    elif new is None:
        one, implied = old, removed
    else:
        return [
            change.day_key,
            change.slot_key,
            old.dish_template_id,
            old.notes,
            new.dish_template_id,
            new.notes,
        ]
    if implied:
        return [change.day_key, change.slot_key, one.dish_template_id, one.notes]
    return [change.day_key, change.slot_key, [one.dish_template_id, one.notes]]


def encode_slot_changes(changes: Iterable[SlotChange]) -> str:
    """The JSON text of a change set's slot changes, in the order given.

    Consecutive changes of one type are one run, ``[change type, change, ...]``,
    each change ``[day, slot, ...]`` and the dish ids and notes of the entries
    its type implies (see the module): a new week's changes say ``"added"`` and
    no empty old entry once, not once per slot. A log row is written with every
    write, so its size is what a write of many weeks costs most.
    """
    runs: list[list[Any]] = []
    run: list[Any] = []
    kind: ChangeType | None = None
    for change in changes:
        if change.change_type is not kind:
            kind = change.change_type
            run = [kind]  # a StrEnum: written as its text
            runs.append(run)
        run.append(_change_item(change))
    return _ENCODER.encode(runs)


def decode_slot_changes(text: str) -> tuple[SlotChange, ...]:
    """The slot changes of a JSON text written by :func:`encode_slot_changes`."""
    return ChangesCodec().decode(text)


def shared_changes_text(set_id: str) -> str:
    """The text of a change set whose slot changes are those stored in set ``set_id``."""
    return _ENCODER.encode({"of": set_id})


def shared_changes_of(text: str) -> str | None:
    """The set whose changes a text of :func:`shared_changes_text` refers to; else ``None``.

    A text of slot changes is an array: only an object is a reference.
    """
    if not text.startswith("{"):
        return None
    try:
        raw: Any = _DECODER.decode(text)
        set_id = raw["of"]
    except (ValueError, TypeError, KeyError) as exc:
        raise StorageError("a stored change set is not valid weekplan JSON") from exc
    if type(set_id) is not str or len(raw) != 1:
        raise StorageError("a stored change set is not valid weekplan JSON")
    return set_id


class ChangesCodec:
    """:func:`encode_slot_changes` and its inverse, remembering recent texts both ways.

    Creating many weeks from one template logs the same slot changes for each,
    as one tuple: its text is built once and reused while the tuple is
    remembered (by identity, the tuple held so that its id is not reused). The
    new weeks' logs read back the same text, decoded once likewise. Bounded,
    and owned by one store.
    """

    def __init__(self, max_texts: int = 512) -> None:
        self._max_texts = max_texts
        self._changes: dict[str, tuple[SlotChange, ...]] = {}
        self._texts: dict[int, tuple[tuple[SlotChange, ...], str]] = {}
        self._entries: dict[EntryKey, PlanEntry] = {}
        self._lock = threading.Lock()

    def encode(self, changes: Sequence[SlotChange]) -> str:
        """The JSON text of ``changes``, in the order given."""
        known = self._texts.get(id(changes))
        if known is not None and known[0] is changes:
            return known[1]
        text = encode_slot_changes(changes)
        if type(changes) is tuple:
            self._remember(text, changes)
        return text

    def decode(self, text: str) -> tuple[SlotChange, ...]:
        """The slot changes of a JSON text written by :meth:`encode`."""
        known = self._changes.get(text)
        if known is not None:
            return known
        changes = self._decode(text)
        self._remember(text, changes)
        return changes

    def _remember(self, text: str, changes: tuple[SlotChange, ...]) -> None:
        with self._lock:
            if len(self._changes) >= self._max_texts or len(self._texts) >= self._max_texts:
                self._changes.clear()
                self._texts.clear()
            self._changes[text] = changes
            self._texts[id(changes)] = (changes, text)

    def _decode(self, text: str) -> tuple[SlotChange, ...]:
        try:
            raw: Any = _DECODER.decode(text)
            if not isinstance(raw, list) or not raw:
                raise TypeError("not a non-empty list")
            changes: list[SlotChange] = []
            for each in raw:
                element = _array(each)
                if len(element) > 1 and type(element[1]) is list:
                    self._decode_run(element, changes)
                else:
                    # The earlier form: [change type, day, slot, old, new].
                    change_type, day_key, slot_key, old, new = element
                    day, slot = DayKey(day_key), _text(slot_key)
                    changes.append(
                        SlotChange(
                            ChangeType(change_type),
                            day,
                            slot,
                            self._entry(day, slot, old),
                            self._entry(day, slot, new),
                        )
                    )
            return tuple(changes)
        except (ValueError, TypeError, LookupError, InvalidInput, StorageError) as exc:
            # Only a row written by something other than weekplan can get here.
            raise StorageError("a stored change set is not valid weekplan JSON") from exc

    def _decode_run(self, run: list[Any], changes: list[SlotChange]) -> None:
        """Append the changes of a run ``[change type, change, ...]``."""
        kind = ChangeType(run[0])
        removed = kind is ChangeType.REMOVED
        for each in run[1:]:
            item = _array(each)
            day, slot = DayKey(item[0]), _text(item[1])
            size = len(item)
            old: PlanEntry | None = None
            new: PlanEntry | None = None
            if size == 6:
                old = self._pair(day, slot, item[2], item[3])
                new = self._pair(day, slot, item[4], item[5])
            elif size == 4:
                one = self._pair(day, slot, item[2], item[3])
                old, new = (one, None) if removed else (None, one)
            elif size == 3:
                dish, notes = _array(item[2])
                other = self._pair(day, slot, dish, notes)
                old, new = (None, other) if removed else (other, None)
            elif size != 2:
                raise TypeError("a change is not 2, 3, 4 or 6 values")
            changes.append(SlotChange(kind, day, slot, old, new))

    def _entry(self, day: DayKey, slot: str, raw: Any) -> PlanEntry | None:
        if raw is None:
            return None
        dish, notes = _array(raw)
        return self._pair(day, slot, dish, notes)

    def _pair(self, day: DayKey, slot: str, dish: Any, notes: Any) -> PlanEntry:
        key: EntryKey = (day.value, slot, dish, notes)
        entry = self._entries.get(key)
        if entry is None:
            # Checked once per distinct entry, as EntryCodec does; bounded likewise.
            entry = PlanEntry(*key)
            with self._lock:
                if len(self._entries) >= 8 * self._max_texts:
                    self._entries.clear()
                self._entries[key] = entry
        return entry


def _array(value: Any) -> list[Any]:
    # A JSON object would unpack into its keys: only an array is a change or an entry.
    if type(value) is not list:
        raise TypeError("not an array")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value
