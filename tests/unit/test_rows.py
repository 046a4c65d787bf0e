"""The row layer both SQL stores share: what a column holds, and what a failure means."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import attrs
import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st
from psycopg.pq import DiagnosticField
from tests.plan_forms import change_items_form

from weekplan.adapters._change_runs_rewrite import as_items
from weekplan.adapters._db_errors import lost_to_a_concurrent_transaction, translate_failure
from weekplan.adapters._row_mapping import InstanceRows
from weekplan.adapters._rows import (
    ChangesCodec,
    EntryCodec,
    decode_check,
    decode_entries,
    decode_run_days,
    decode_slot_changes,
    decode_texts,
    encode_check,
    encode_entries,
    encode_run_days,
    encode_slot_changes,
    encode_texts,
    same_tenant,
)
from weekplan.domain._days import DayKey
from weekplan.domain._entries import PlanEntry
from weekplan.domain._guardrails_check import GuardrailsCheck
from weekplan.domain._plans import WeekPlanInstance
from weekplan.domain.changes import ChangeType, SlotChange
from weekplan.errors import ConcurrentUpdate, StorageError
from weekplan.testing import strategies as wps


@given(wps.entry_lists())
def test_entries_come_back_as_they_were_written_by_either_decoder(entries: list[PlanEntry]) -> None:
    text = encode_entries(entries)
    assert decode_entries(text) == tuple(entries)
    assert EntryCodec().decode(text) == tuple(entries)
    assert EntryCodec().encode(entries) == text


@given(st.lists(st.text()))
def test_lists_of_strings_come_back_as_they_were(texts: list[str]) -> None:
    assert list(decode_texts(encode_texts(texts))) == texts


@given(st.lists(st.sampled_from(list(DayKey)), unique=True))
def test_run_days_come_back_in_their_order(days: list[DayKey]) -> None:
    assert decode_run_days(encode_run_days(days)) == days


@given(wps.guardrails_checks() | st.none())
def test_checks_come_back_as_they_were(check: GuardrailsCheck | None) -> None:
    assert decode_check(encode_check(check)) == check


@pytest.mark.parametrize(
    ("decode", "text"),
    [
        (decode_entries, "not json"),
        (decode_entries, '[{"day_key": "someday"}]'),
        (decode_texts, '{"a": 1}'),
        (decode_texts, "[1, 2]"),
        (decode_check, '{"outcome": "blocked"}'),
        (decode_run_days, "mon,someday"),
    ],
)
def test_text_weekplan_did_not_write_is_a_storage_error(
    decode: Callable[[str], object], text: str
) -> None:
    with pytest.raises(StorageError):
        decode(text)


def test_a_value_is_written_only_under_its_own_tenant() -> None:
    same_tenant("tenant-a", "tenant-a")
    with pytest.raises(ValueError, match="own tenant_id"):
        same_tenant("tenant-a", "tenant-b")


class _MariaDBError(Exception):
    """A MariaDB error as PyMySQL and mysqlclient raise one: ``args`` are ``(code, message)``."""


def _postgresql_error(sqlstate: str) -> psycopg.Error:
    info: dict[int, bytes | None] = {DiagnosticField.SQLSTATE: sqlstate.encode()}
    return psycopg.errors.lookup(sqlstate)("lost", info=info)


@pytest.mark.parametrize(
    "driver_error",
    [
        pytest.param(_postgresql_error("40001"), id="postgresql-serialization-failure"),
        pytest.param(_postgresql_error("40P01"), id="postgresql-deadlock"),
        pytest.param(_MariaDBError(1213, "Deadlock found"), id="mariadb-deadlock"),
        pytest.param(_MariaDBError(1020, "Record has changed"), id="mariadb-1020"),
    ],
)
def test_a_lost_race_is_a_concurrent_update_the_call_may_retry(driver_error: Exception) -> None:
    assert lost_to_a_concurrent_transaction(driver_error)
    error = translate_failure(driver_error, "OperationalError")
    assert isinstance(error, ConcurrentUpdate)
    assert error.whole_transaction


@pytest.mark.parametrize(
    "driver_error",
    [
        pytest.param(_postgresql_error("23505"), id="postgresql-unique-violation"),
        pytest.param(_MariaDBError(2003, "Can't connect"), id="mariadb-down"),
        pytest.param(None, id="no-driver-error"),
    ],
)
def test_any_other_failure_is_a_storage_error(driver_error: Exception | None) -> None:
    assert not lost_to_a_concurrent_transaction(driver_error)
    assert isinstance(translate_failure(driver_error, "DatabaseError"), StorageError)


@st.composite
def slot_change_lists(draw: st.DrawFn) -> tuple[SlotChange, ...]:
    """Non-empty slot changes as a change set holds them: each entry in its own slot."""
    changes = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        day, slot = draw(wps.day_keys()), draw(wps.slot_keys())
        entry = st.builds(
            PlanEntry, st.just(day), st.just(slot), st.none() | wps.dish_ids(), wps.notes()
        )
        old, new = draw(st.none() | entry), draw(st.none() | entry)
        changes.append(SlotChange(draw(st.sampled_from(ChangeType)), day, slot, old, new))
    return tuple(changes)


@given(slot_change_lists())
def test_a_change_sets_slot_changes_read_back_as_written(changes: tuple[SlotChange, ...]) -> None:
    text = encode_slot_changes(changes)
    assert decode_slot_changes(text) == changes
    codec = ChangesCodec()
    assert codec.encode(changes) == text
    assert codec.decode(text) == changes
    assert ChangesCodec().decode(text) == changes  # a fresh codec, from the text alone


@given(slot_change_lists())
def test_slot_changes_in_the_earlier_form_read_back_as_they_were(
    changes: tuple[SlotChange, ...],
) -> None:
    assert ChangesCodec().decode(change_items_form(changes)) == changes


@given(slot_change_lists())
def test_the_downgrades_rewrite_gives_the_earlier_form_of_any_changes(
    changes: tuple[SlotChange, ...],
) -> None:
    earlier = change_items_form(changes)
    assert as_items(encode_slot_changes(changes)) == earlier
    assert as_items(earlier) == earlier  # a rerun finds nothing to do


def test_a_change_sets_text_says_each_slot_once_and_each_run_of_a_type_once() -> None:
    entry = PlanEntry("mon", "lunch", "d-1", None)
    other = PlanEntry("tue", "diner", None, "ß")
    changes = [
        SlotChange(ChangeType.ADDED, DayKey.MON, "lunch", None, entry),
        SlotChange(ChangeType.ADDED, DayKey.TUE, "diner", None, other),
        SlotChange(ChangeType.REMOVED, DayKey.MON, "lunch", entry, None),
        SlotChange(
            ChangeType.CHANGED,
            DayKey.TUE,
            "diner",
            other,
            attrs.evolve(other, dish_template_id="d-1", notes=None),
        ),
        SlotChange(ChangeType.LOCKED, DayKey.WED, "x", None, None),
        SlotChange(ChangeType.ADDED, DayKey.MON, "lunch", entry, None),
        SlotChange(ChangeType.REMOVED, DayKey.TUE, "diner", None, other),
    ]
    text = encode_slot_changes(changes)
    assert text == (
        '[["added",["mon","lunch","d-1",null],["tue","diner",null,"ß"]],'
        '["removed",["mon","lunch","d-1",null]],'
        '["changed",["tue","diner",null,"ß","d-1",null]],'
        '["locked",["wed","x"]],'
        '["added",["mon","lunch",["d-1",null]]],'
        '["removed",["tue","diner",[null,"ß"]]]]'
    )
    assert ChangesCodec().decode(text) == tuple(changes)


def test_a_new_weeks_changes_of_42_slots_fit_two_rows_to_a_page() -> None:
    entries = [
        PlanEntry(day, f"slot-{n // 7}", f"dish-{n}", f"note {n}")
        for n, day in zip(range(42), list(DayKey) * 6, strict=True)
    ]
    changes = tuple(SlotChange(ChangeType.ADDED, e.day_key, e.slot_key, None, e) for e in entries)
    assert len(change_items_form(changes)) > 2100
    assert len(encode_slot_changes(changes).encode()) < 1600


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[]",
        "{}",
        '[["added","mon","lunch",null]]',
        '[["added","sun!","lunch",null,null]]',
        '[["nope","mon","lunch",null,null]]',
        '[["added","mon",7,null,null]]',
        '[["added","mon","lunch",{"dish_template_id":null,"notes":null},null]]',
        '[["added","mon","lunch",["d-1"],null]]',
        '[{"a":"added","b":"mon","c":"lunch","d":null,"e":null}]',
        '[["added","mon","lunch",[7,null],null]]',
        '[["added"]]',
        '[["added",[]]]',
        '[["added",["mon"]]]',
        '[["added",["mon","lunch","d-1"]]]',
        '[["added",["mon","lunch",null,null,null]]]',
        '[["added",["mon","lunch",null,null,null,null,null]]]',
        '[["added",["mon","lunch",[7,null]]]]',
        '[["added",["mon","lunch",null]]]',
        '[["added",["mon",7]]]',
        '[["added",["someday","lunch"]]]',
        '[["nope",["mon","lunch"]]]',
        '[["added",["mon","lunch",[1],2]]]',
        '[["added",["mon","lunch"]],7]',
    ],
)
def test_a_change_set_weekplan_did_not_write_is_a_storage_error(text: str) -> None:
    with pytest.raises(StorageError):
        ChangesCodec().decode(text)


def _instance_row(rows: InstanceRows, week: WeekPlanInstance) -> tuple[object, ...]:
    values = rows.values(week.tenant_id, week)
    return tuple(values[column] for column in InstanceRows.columns)


@given(wps.instances(), st.booleans())
def test_a_weeks_row_reads_back_as_the_week_its_snapshot_null_when_it_is_the_days(
    week: WeekPlanInstance, unedited: bool
) -> None:
    if unedited:
        week = attrs.evolve(week, template_snapshot=tuple(week.days))
    rows = InstanceRows(EntryCodec())
    row = _instance_row(rows, week)
    assert (row[6] is None) == (week.template_snapshot == week.days)
    read = InstanceRows(EntryCodec()).from_row(row)
    assert read == week
    if row[6] is None:
        assert read.template_snapshot is read.days  # decoded once


def test_a_snapshot_equal_to_the_days_is_null_whether_the_same_tuple_or_an_equal_one() -> None:
    days = (PlanEntry("mon", "lunch", "d-1"), PlanEntry("tue", "diner", notes="ß"))
    now = datetime(2026, 11, 1, tzinfo=UTC)
    week = WeekPlanInstance(
        "w-1", "t-1", "tpl-1", "c-1", date(2026, 11, 2), days, days, 1, now, now
    )
    rows = InstanceRows(EntryCodec())
    assert _instance_row(rows, week)[6] is None
    assert _instance_row(rows, attrs.evolve(week, template_snapshot=tuple(days)))[6] is None
    edited = attrs.evolve(week, days=days[:1])
    assert _instance_row(rows, edited)[6] == encode_entries(days)
    # A row written before weekplan_0014, its snapshot the days' text: read as the same tuple.
    written_out = (
        *_instance_row(rows, week)[:6],
        encode_entries(days),
        *_instance_row(rows, week)[7:],
    )
    read = InstanceRows(EntryCodec()).from_row(written_out)
    assert read == week
    assert read.template_snapshot is read.days
