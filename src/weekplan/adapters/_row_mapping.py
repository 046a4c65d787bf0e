"""Each table's rows, both ways: a domain value to its column values, a row to the value.

weekplan's SQL stores (SQLAlchemy Core and the Django ORM) map the same tables,
so what each column of a row holds is written here once, per table, and the
stores only run statements and querysets:

* ``values(tenant_id, value)`` is the ``{column name: value}`` of a row to
  insert or to update with, after :func:`~weekplan.adapters._rows.same_tenant`
  refused a value of another tenant;
* ``from_row(row)`` is the domain value of a row read back, the row being its
  values in the order of the mapper's ``columns``: a SQLAlchemy ``Row`` of
  ``select(*(table.c[name] for name in columns))``, or a tuple of Django's
  ``values_list()`` of the same columns. Text weekplan did not write, and values
  that break the domain's rules, are :class:`~weekplan.errors.StorageError`.

Rows are positional rather than mappings because a read of one week is a store's
hottest path: indexing a tuple costs a fraction of looking a name up in a
mapping, and both stores give tuples for free.

Templates, instances and dishes are rebuilt with
:func:`~weekplan.domain._trusted.from_trusted_fields`: weekplan checked them when
it wrote them, and their JSON is checked entry by entry by the
:class:`~weekplan.adapters._rows.EntryCodec`. The other tables' rows go through
their value's checking constructor.

Timestamps come back as aware UTC datetimes: the SQLAlchemy schema's type gives
them so already, and a Django database whose ``TIME_ZONE`` is another zone gives
them in that zone, converted here.

>>> from weekplan.adapters._rows import EntryCodec
>>> rows = TableRows(EntryCodec())
>>> rows.templates.columns[:3]
('id', 'tenant_id', 'name')
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any, ClassVar, Final

from weekplan.adapters._rows import (
    ChangesCodec,
    EntryCodec,
    decode_check,
    decode_draft_check,
    decode_ruleset,
    decode_run_days,
    decode_texts,
    encode_check,
    encode_draft_check,
    encode_ruleset,
    encode_run_days,
    encode_texts,
    same_tenant,
    shared_changes_of,
    shared_changes_text,
)
from weekplan.domain._dishes import Dish
from weekplan.domain._drafts import WeekDraft
from weekplan.domain._history import HistoryKey
from weekplan.domain._locks import SlotLock
from weekplan.domain._meal_types import MealType
from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.domain._runs import GenerationRun
from weekplan.domain._schedules import Schedule, ScheduleRule, ScheduleSource
from weekplan.domain._suggestions import NO_SIGNAL, MealSignals
from weekplan.domain._trusted import from_trusted_fields
from weekplan.domain.changes import ChangeSet, SlotChange
from weekplan.domain.text import search_key
from weekplan.errors import InvalidInput, StorageError
from weekplan.guardrails._model import GuardrailsRuleset

__all__ = [
    "SIGNAL_COLUMNS",
    "AssignmentRows",
    "ChangeSetRows",
    "DishRows",
    "DraftRows",
    "HistoryRows",
    "InstanceRows",
    "RulesetRows",
    "RunRows",
    "ScheduleRows",
    "SharedChangesLookup",
    "SlotLockRows",
    "TableRows",
    "TemplateRows",
    "rank_column",
    "utc",
]

Row = Sequence[Any]


def utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime; a naive one is taken to be UTC already."""
    if value.tzinfo is UTC:
        return value
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else utc(value)


def rank_column(meal_type: MealType) -> str:
    """The ``weekplan_dishes`` column of a dish's rank for ``meal_type``: ``lunch_rank``."""
    return f"{meal_type.value}_rank"


#: The columns a dish's :class:`~weekplan.domain._suggestions.MealSignals` are stored in.
SIGNAL_COLUMNS: Final = ("signals_vocabulary", *(rank_column(meal) for meal in MealType))
_NO_SIGNALS: Final = ("", *(NO_SIGNAL for _ in MealType))


class TemplateRows:
    """``weekplan_templates``: one :class:`~weekplan.WeekPlanTemplate` per row."""

    #: The columns :meth:`from_row` reads, in this order (the template's fields).
    columns: ClassVar[tuple[str, ...]] = (
        "id",
        "tenant_id",
        "name",
        "days",
        "version",
        "created_at",
        "updated_at",
    )

    def __init__(self, codec: EntryCodec) -> None:
        self._codec = codec

    def values(self, tenant_id: str, template: WeekPlanTemplate) -> dict[str, Any]:
        """Every column of the template's row."""
        same_tenant(tenant_id, template.tenant_id)
        return {
            "tenant_id": template.tenant_id,
            "id": template.id,
            "name": template.name,
            # The domain refuses names whose key would not fit the column.
            "name_key": search_key(template.name),
            "days": self._codec.encode(template.days),
            "version": template.version,
            "created_at": template.created_at,
            "updated_at": template.updated_at,
        }

    def from_row(self, row: Row) -> WeekPlanTemplate:
        """The template of a row of :attr:`columns`."""
        created, updated = row[5], row[6]
        if created.tzinfo is not UTC or updated.tzinfo is not UTC:
            created, updated = utc(created), utc(updated)
        # A row weekplan wrote was a checked template; its entries are checked
        # once each by the codec, which interns them.
        return from_trusted_fields(
            WeekPlanTemplate,
            row[0],
            row[1],
            row[2],
            self._codec.decode(row[3]),
            row[4],
            created,
            updated,
        )


class InstanceRows:
    """``weekplan_instances``: one :class:`~weekplan.WeekPlanInstance` per row, without locks.

    A week's ``template_snapshot`` is stored as ``NULL`` when it equals its
    ``days`` (every week as created, and every week never edited or reset back
    to its snapshot), and read back as the same tuple as the days.
    """

    #: The columns :meth:`from_row` reads, in this order (the instance's fields).
    columns: ClassVar[tuple[str, ...]] = (
        "id",
        "tenant_id",
        "template_id",
        "client_ref",
        "week_start_date",
        "days",
        "template_snapshot",
        "version",
        "created_at",
        "updated_at",
        "guardrails",
    )

    def __init__(self, codec: EntryCodec) -> None:
        self._codec = codec

    def values(self, tenant_id: str, instance: WeekPlanInstance) -> dict[str, Any]:
        """Every column of the instance's row (its locks live in ``weekplan_slot_locks``)."""
        same_tenant(tenant_id, instance.tenant_id)
        encode = self._codec.encode
        days, snapshot = instance.days, instance.template_snapshot
        return {
            "tenant_id": instance.tenant_id,
            "id": instance.id,
            "template_id": instance.template_id,
            "client_ref": instance.client_ref,
            "week_start_date": instance.week_start_date,
            "days": encode(days),
            # A snapshot equal to the days (every week until its first edit) is
            # NULL: the row holds its plan once.
            "template_snapshot": (
                None if snapshot is days or snapshot == days else encode(snapshot)
            ),
            "version": instance.version,
            "created_at": instance.created_at,
            "updated_at": instance.updated_at,
            "guardrails": encode_check(instance.guardrails),
        }

    def from_row(self, row: Row) -> WeekPlanInstance:
        """The instance of a row of :attr:`columns` (more columns after them are ignored)."""
        decode = self._codec.decode
        days = decode(row[5])
        # NULL is a snapshot equal to the days, as is the days' text (as written
        # before weekplan_0014): the same tuple, decoded once.
        stored = row[6]
        snapshot = days if stored is None or stored == row[5] else decode(stored)
        guardrails = None if row[10] is None else decode_check(row[10])
        created, updated = row[8], row[9]
        if created.tzinfo is not UTC or updated.tzinfo is not UTC:
            created, updated = utc(created), utc(updated)
        # As for templates: a row weekplan wrote, rebuilt without a second check.
        return from_trusted_fields(
            WeekPlanInstance,
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            days,
            snapshot,
            row[7],
            created,
            updated,
            guardrails,
            (),
        )


class DishRows:
    """``weekplan_dishes``: one :class:`~weekplan.Dish` per row, with its meal signals."""

    #: The columns :meth:`from_row` reads, in this order (the dish's fields).
    columns: ClassVar[tuple[str, ...]] = (
        "id",
        "tenant_id",
        "name",
        "meal_types",
        "tags",
        "ingredients",
        "steps",
        "version",
        "created_at",
        "updated_at",
    )
    #: The columns of a dish's meal signals: their vocabulary, then a rank per meal.
    signal_columns: ClassVar[tuple[str, ...]] = SIGNAL_COLUMNS

    def values(
        self, tenant_id: str, dish: Dish, signals: MealSignals | None = None
    ) -> dict[str, Any]:
        """Every column of the dish's row; no ``signals`` stores "none computed"."""
        same_tenant(tenant_id, dish.tenant_id)
        return {
            "tenant_id": dish.tenant_id,
            "id": dish.id,
            "name": dish.name,
            "name_key": search_key(dish.name),
            "meal_types": encode_texts([meal_type.value for meal_type in dish.meal_types]),
            "tags": encode_texts(dish.tags),
            "ingredients": encode_texts(dish.ingredients),
            "steps": encode_texts(dish.steps),
            "version": dish.version,
            "created_at": dish.created_at,
            "updated_at": dish.updated_at,
            **self.signal_values(signals),
        }

    @staticmethod
    def signal_values(signals: MealSignals | None) -> dict[str, Any]:
        """The signal columns of a row: ``signals``, or none (``""`` and no rank)."""
        if signals is None:
            return dict(zip(SIGNAL_COLUMNS, _NO_SIGNALS, strict=True))
        return dict(zip(SIGNAL_COLUMNS, (signals.vocabulary, *signals.ranks), strict=True))

    def from_row(self, row: Row) -> Dish:
        """The dish of a row of :attr:`columns`."""
        try:
            meal_types = tuple(MealType(value) for value in decode_texts(row[3]))
        except ValueError as exc:
            raise StorageError("a stored dish names an unknown meal type") from exc
        # The lists were checked and made unique when the dish was written.
        return from_trusted_fields(
            Dish,
            row[0],
            row[1],
            row[2],
            meal_types,
            tuple(decode_texts(row[4])),
            tuple(decode_texts(row[5])),
            tuple(decode_texts(row[6])),
            row[7],
            _utc_or_none(row[8]),
            _utc_or_none(row[9]),
        )


class RulesetRows:
    """``weekplan_rulesets``: a ruleset's JSON document, its labels copied for listing."""

    #: The columns :meth:`from_row` reads: the document alone.
    columns: ClassVar[tuple[str, ...]] = ("document",)

    def values(self, tenant_id: str, ruleset: GuardrailsRuleset) -> dict[str, Any]:
        """Every column of the ruleset's row (a ruleset belongs to the tenant storing it)."""
        return {
            "tenant_id": tenant_id,
            "content_hash": ruleset.content_hash,
            "diet_id": ruleset.diet_id,
            "version": ruleset.version,
            "document": encode_ruleset(ruleset),
        }

    def from_row(self, row: Row) -> GuardrailsRuleset:
        """The ruleset of a row of :attr:`columns`, checked against its content hash."""
        return decode_ruleset(row[0])


class AssignmentRows:
    """``weekplan_ruleset_assignments``: the ruleset one client is on."""

    #: The columns :meth:`from_row` reads, in this order.
    columns: ClassVar[tuple[str, ...]] = ("client_ref", "content_hash")

    def values(self, tenant_id: str, client_ref: str, content_hash: str) -> dict[str, Any]:
        """Every column of the assignment's row."""
        return {"tenant_id": tenant_id, "client_ref": client_ref, "content_hash": content_hash}

    def from_row(self, row: Row) -> tuple[str, str]:
        """``(client_ref, content_hash)`` of a row of :attr:`columns`."""
        return row[0], row[1]


class HistoryRows:
    """``weekplan_meal_history``: one running total per ``(slot kind, dish)``."""

    #: The columns :meth:`from_row` reads, in this order.
    columns: ClassVar[tuple[str, ...]] = ("slot_kind", "dish_id", "count")

    def values(self, tenant_id: str, key: HistoryKey, count: int) -> dict[str, Any]:
        """The columns of one total's row (``count`` is the change, for an upsert that adds)."""
        return {"tenant_id": tenant_id, "slot_kind": key[0], "dish_id": key[1], "count": count}

    def from_row(self, row: Row) -> tuple[HistoryKey, int]:
        """``((slot_kind, dish_id), count)`` of a row of :attr:`columns`."""
        return (row[0], row[1]), int(row[2])


#: What a reader of the log gives to look up stored sets' changes texts:
#: ``(tenant_id, set ids)`` to ``{set id: changes text}`` of those it found.
SharedChangesLookup = Callable[[str, Collection[str]], Mapping[str, str]]

#: A changes text this long or shorter is stored as it is in every set that has it:
#: a reference to another set would save no bytes.
_SHARED_CHANGES_MIN = 64


class ChangeSetRows:
    """``weekplan_change_sets``: one :class:`~weekplan.domain.changes.ChangeSet` per row.

    The set's slot changes are one JSON text, made and read by the store's
    :class:`~weekplan.adapters._rows.ChangesCodec`: the weeks
    ``create_instances`` makes together log one changes tuple, encoded once,
    and stored once (see :meth:`batch_values`).
    """

    #: The columns :meth:`from_row` reads, in this order (the change set's fields).
    columns: ClassVar[tuple[str, ...]] = (
        "id",
        "tenant_id",
        "subject",
        "subject_id",
        "client_ref",
        "week_start_date",
        "actor",
        "source",
        "reason",
        "at",
        "version_before",
        "version_after",
        "changes",
    )

    def __init__(self, codec: ChangesCodec) -> None:
        self._codec = codec

    def values(self, tenant_id: str, change_set: ChangeSet) -> dict[str, Any]:
        """Every column of the change set's row."""
        same_tenant(tenant_id, change_set.tenant_id)
        return {
            "tenant_id": change_set.tenant_id,
            "id": change_set.id,
            "subject": change_set.subject.value,
            "subject_id": change_set.subject_id,
            "client_ref": change_set.client_ref,
            "week_start_date": change_set.week_start_date,
            "actor": change_set.actor,
            "source": change_set.source.value,
            "reason": change_set.reason,
            "at": change_set.at,
            "version_before": change_set.version_before,
            "version_after": change_set.version_after,
            "changes": self._codec.encode(change_set.changes),
        }

    def batch_values(self, tenant_id: str, sets: Sequence[ChangeSet]) -> list[dict[str, Any]]:
        """The rows of ``sets``, written together: each changes text stored once.

        A set whose changes are the very tuple of an earlier set of the batch
        (as the new weeks of one ``create_instances`` share theirs) refers to
        that set's row, ``{"of":"<its id>"}``, rather than repeating the text:
        the log of a thousand new weeks holds their 42 entries once.
        """
        rows = [self.values(tenant_id, change_set) for change_set in sets]
        if len(rows) < 2:
            return rows
        # id(changes) -> the first set holding them, and the text that refers to it.
        holders: dict[int, tuple[tuple[SlotChange, ...], str, str | None]] = {}
        for change_set, row in zip(sets, rows, strict=True):
            changes = change_set.changes
            if len(row["changes"]) <= _SHARED_CHANGES_MIN:
                continue
            # The tuple is held in the entry, so that its id is not reused meanwhile.
            held, holder, reference = holders.get(id(changes), (changes, change_set.id, None))
            if holder == change_set.id:
                holders[id(changes)] = (held, holder, reference)
                continue
            if reference is None:
                reference = shared_changes_text(holder)
                holders[id(changes)] = (held, holder, reference)
            row["changes"] = reference
        return rows

    def from_row(self, row: Row, changes_text: str | None = None) -> ChangeSet:
        """The change set of a row of :attr:`columns` (its changes ``changes_text`` if given)."""
        changes = self._codec.decode(row[12] if changes_text is None else changes_text)
        try:
            return ChangeSet(
                id=row[0],
                tenant_id=row[1],
                subject=row[2],
                subject_id=row[3],
                client_ref=row[4],
                week_start_date=row[5],
                actor=row[6],
                source=row[7],
                reason=row[8],
                at=utc(row[9]),
                version_before=row[10],
                version_after=row[11],
                changes=changes,
            )
        except (ValueError, AttributeError) as exc:
            raise StorageError("a stored change set is not valid") from exc

    def from_rows(self, rows: Sequence[Row], lookup: SharedChangesLookup) -> list[ChangeSet]:
        """The change sets of rows of :attr:`columns`, each set's shared changes resolved.

        A set that refers to another's changes (see :meth:`batch_values`) takes
        them from that set's row: from ``rows`` when it is among them, else from
        ``lookup``, called at most once per tenant with the sets still missing.
        """
        refers: dict[int, str] = {}
        for index, row in enumerate(rows):
            holder = shared_changes_of(row[12])
            if holder is not None:
                refers[index] = holder
        if not refers:
            return [self.from_row(row) for row in rows]
        texts = {(row[1], row[0]): row[12] for row in rows}
        missing: dict[str, set[str]] = {}
        for index, holder in refers.items():
            tenant_id = rows[index][1]
            if (tenant_id, holder) not in texts:
                missing.setdefault(tenant_id, set()).add(holder)
        for tenant_id, holders in missing.items():
            for found, text in lookup(tenant_id, sorted(holders)).items():
                texts[tenant_id, found] = text
        sets: list[ChangeSet] = []
        for index, row in enumerate(rows):
            refers_to = refers.get(index)
            if refers_to is None:
                sets.append(self.from_row(row))
                continue
            shared = texts.get((row[1], refers_to))
            if shared is None or shared_changes_of(shared) is not None:
                raise StorageError("a stored change set refers to changes that are not stored")
            sets.append(self.from_row(row, shared))
        return sets


class SlotLockRows:
    """``weekplan_slot_locks``: one :class:`~weekplan.domain._locks.SlotLock` per row."""

    #: The columns :meth:`from_row` reads, in this order (the lock's fields).
    columns: ClassVar[tuple[str, ...]] = (
        "tenant_id",
        "client_ref",
        "week_start_date",
        "day_key",
        "slot_key",
        "reason",
        "ingredients",
        "actor",
        "locked_at",
    )
    #: The columns after the week's key: what a join of a week with its locks reads.
    slot_columns: ClassVar[tuple[str, ...]] = columns[3:]

    def values(self, tenant_id: str, lock: SlotLock) -> dict[str, Any]:
        """Every column of the lock's row."""
        same_tenant(tenant_id, lock.tenant_id)
        return {
            "tenant_id": lock.tenant_id,
            "client_ref": lock.client_ref,
            "week_start_date": lock.week_start_date,
            "day_key": lock.day_key.value,
            "slot_key": lock.slot_key,
            "reason": lock.reason,
            "ingredients": encode_texts(lock.ingredients),
            "actor": lock.actor,
            "locked_at": lock.locked_at,
        }

    def from_row(self, row: Row) -> SlotLock:
        """The lock of a row of :attr:`columns`."""
        return self._lock(row[0], row[1], row[2], row[3:9])

    def of_week(self, week: WeekPlanInstance, row: Row) -> SlotLock:
        """A lock of ``week`` from a row of :attr:`slot_columns` (the week's key left out)."""
        return self._lock(week.tenant_id, week.client_ref, week.week_start_date, row)

    @staticmethod
    def _lock(tenant_id: str, client_ref: str, week_start_date: date, slot: Row) -> SlotLock:
        day_key, slot_key, reason, ingredients, actor, locked_at = slot
        try:
            return SlotLock(
                tenant_id=tenant_id,
                client_ref=client_ref,
                week_start_date=week_start_date,
                day_key=day_key,
                slot_key=slot_key,
                reason=reason,
                ingredients=decode_texts(ingredients),
                actor=actor,
                locked_at=_utc_or_none(locked_at),
            )
        except (ValueError, InvalidInput) as exc:
            raise StorageError("a stored slot lock is not valid") from exc


class DraftRows:
    """``weekplan_drafts``: one :class:`~weekplan.domain._drafts.WeekDraft` per client week."""

    #: The columns :meth:`from_row` reads, in this order (the draft's fields).
    columns: ClassVar[tuple[str, ...]] = (
        "tenant_id",
        "client_ref",
        "week_start_date",
        "instance_id",
        "base_version",
        "days",
        "version",
        "created_at",
        "updated_at",
        "actor",
        "guardrails",
    )

    def __init__(self, codec: EntryCodec) -> None:
        self._codec = codec

    def values(self, tenant_id: str, draft: WeekDraft) -> dict[str, Any]:
        """Every column of the draft's row."""
        same_tenant(tenant_id, draft.tenant_id)
        return {
            "tenant_id": draft.tenant_id,
            "client_ref": draft.client_ref,
            "week_start_date": draft.week_start_date,
            "instance_id": draft.instance_id,
            "base_version": draft.base_version,
            "days": self._codec.encode(draft.days),
            "version": draft.version,
            "created_at": draft.created_at,
            "updated_at": draft.updated_at,
            "actor": draft.actor,
            "guardrails": encode_draft_check(draft.guardrails),
        }

    def from_row(self, row: Row) -> WeekDraft:
        """The draft of a row of :attr:`columns`."""
        days = self._codec.decode(row[5])
        check = decode_draft_check(row[10])
        try:
            return WeekDraft(
                tenant_id=row[0],
                client_ref=row[1],
                week_start_date=row[2],
                instance_id=row[3],
                base_version=row[4],
                days=days,
                version=row[6],
                created_at=utc(row[7]),
                updated_at=utc(row[8]),
                actor=row[9],
                guardrails=check,
            )
        except (ValueError, InvalidInput) as exc:
            raise StorageError("a stored draft is not valid") from exc


class RunRows:
    """``weekplan_generation_runs``: one :class:`~weekplan.domain._runs.GenerationRun` per row."""

    #: The columns :meth:`from_row` reads, in this order (the run's fields).
    columns: ClassVar[tuple[str, ...]] = (
        "id",
        "tenant_id",
        "client_ref",
        "week_start_date",
        "run_type",
        "status",
        "started_at",
        "attempts",
        "duration_ms",
        "generator",
        "generator_version",
        "days",
        "ruleset_hash",
        "seed",
        "draft_version",
        "error_code",
        "error_message",
    )

    def values(self, tenant_id: str, run: GenerationRun) -> dict[str, Any]:
        """Every column of the run's row."""
        same_tenant(tenant_id, run.tenant_id)
        return {
            "tenant_id": run.tenant_id,
            "id": run.id,
            "client_ref": run.client_ref,
            "week_start_date": run.week_start_date,
            "run_type": run.run_type.value,
            "status": run.status.value,
            "started_at": run.started_at,
            "attempts": run.attempts,
            "duration_ms": run.duration_ms,
            "generator": run.generator,
            "generator_version": run.generator_version,
            "days": encode_run_days(run.days),
            "ruleset_hash": run.ruleset_hash,
            "seed": run.seed,
            "draft_version": run.draft_version,
            "error_code": run.error_code,
            "error_message": run.error_message,
        }

    def from_row(self, row: Row) -> GenerationRun:
        """The run of a row of :attr:`columns`."""
        values = dict(zip(self.columns, row, strict=True))
        values["days"] = decode_run_days(values["days"])
        try:
            values["started_at"] = utc(values["started_at"])
            return GenerationRun(**values)
        except (InvalidInput, TypeError, ValueError, AttributeError) as exc:
            raise StorageError("a stored generation run is not a valid run") from exc


class ScheduleRows:
    """``weekplan_schedules``: one :class:`~weekplan.domain._schedules.Schedule` per client."""

    #: The columns :meth:`from_row` reads, in this order.
    columns: ClassVar[tuple[str, ...]] = (
        "tenant_id",
        "client_ref",
        "weekday",
        "wall_time",
        "timezone",
        "weeks_ahead",
        "source_kind",
        "template_id",
        "next_run_at",
        "last_week_done",
        "last_run_at",
        "last_outcome",
        "last_error_code",
        "last_error_message",
    )

    def values(self, tenant_id: str, schedule: Schedule) -> dict[str, Any]:
        """Every column of the schedule's row; the rule's time as ``HH:MM``."""
        same_tenant(tenant_id, schedule.tenant_id)
        outcome = schedule.last_outcome
        return {
            "tenant_id": schedule.tenant_id,
            "client_ref": schedule.client_ref,
            "weekday": schedule.rule.weekday.value,
            "wall_time": schedule.rule.time.strftime("%H:%M"),
            "timezone": schedule.rule.timezone,
            "weeks_ahead": schedule.weeks_ahead,
            "source_kind": schedule.source.kind.value,
            "template_id": schedule.source.template_id,
            "next_run_at": schedule.next_run_at,
            "last_week_done": schedule.last_week_done,
            "last_run_at": schedule.last_run_at,
            "last_outcome": None if outcome is None else outcome.value,
            "last_error_code": schedule.last_error_code,
            "last_error_message": schedule.last_error_message,
        }

    def from_row(self, row: Row) -> Schedule:
        """The schedule of a row of :attr:`columns`."""
        (tenant_id, client_ref, weekday, wall_time, timezone, weeks_ahead, source_kind) = row[:7]
        (template_id, next_run_at, last_week_done, last_run_at) = row[7:11]
        if isinstance(last_week_done, datetime):
            # A DATE column some drivers hand back as a datetime at midnight.
            last_week_done = last_week_done.date()
        try:
            return Schedule(
                tenant_id,
                client_ref,
                ScheduleRule(weekday, time.fromisoformat(wall_time), timezone),
                weeks_ahead=weeks_ahead,
                source=ScheduleSource(source_kind, template_id),
                next_run_at=_utc_or_none(next_run_at),
                last_week_done=last_week_done,
                last_run_at=_utc_or_none(last_run_at),
                last_outcome=row[11],
                last_error_code=row[12],
                last_error_message=row[13],
            )
        except (InvalidInput, ValueError, TypeError) as exc:
            raise StorageError(f"a stored schedule is not a valid weekplan value: {exc}") from exc


class TableRows:
    """The mappers of every table a store keeps, sharing one store's codecs.

    The codecs belong to the store, which makes one :class:`TableRows`: the
    :class:`~weekplan.adapters._rows.EntryCodec` it passes in, and the
    :class:`~weekplan.adapters._rows.ChangesCodec` made here. The mappers hold
    nothing else, so one :class:`TableRows` serves all of a store's threads.
    """

    def __init__(self, codec: EntryCodec) -> None:
        self.templates: Final = TemplateRows(codec)
        self.instances: Final = InstanceRows(codec)
        self.dishes: Final = DishRows()
        self.rulesets: Final = RulesetRows()
        self.assignments: Final = AssignmentRows()
        self.history: Final = HistoryRows()
        self.change_sets: Final = ChangeSetRows(ChangesCodec())
        self.locks: Final = SlotLockRows()
        self.drafts: Final = DraftRows(codec)
        self.runs: Final = RunRows()
        self.schedules: Final = ScheduleRows()
