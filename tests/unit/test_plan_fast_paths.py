"""The quick paths for plans already checked give what the full check gives."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from weekplan import InvalidInput, PlanEntry
from weekplan.domain._days import DAY_ORDER, DayKey
from weekplan.domain._entries import (
    entry_in_slot,
    parse_entries,
    parse_entry,
    slot_index,
    with_entry,
)
from weekplan.domain._limits import MAX_ENTRIES
from weekplan.testing import strategies as wps

# Few slot keys, so that lists often hold one slot twice.
entries = st.builds(
    PlanEntry,
    day_key=wps.day_keys(),
    slot_key=st.sampled_from(["breakfast", "lunch", "dinner"]),
    dish_template_id=st.none() | st.sampled_from(["d1", "d2"]),
)


def _outcome(raw: Any) -> Any:
    try:
        return parse_entries(raw)
    except InvalidInput as exc:
        return exc.errors


@given(st.lists(entries, max_size=12))
def test_a_tuple_of_entries_parses_as_the_same_list_does(items: list[PlanEntry]) -> None:
    assert _outcome(tuple(items)) == _outcome(items)


@given(wps.entry_lists(), entries)
def test_with_entry_is_the_entry_appended_to_the_other_slots(
    days: tuple[PlanEntry, ...], entry: PlanEntry
) -> None:
    others = [e for e in days if e.key != entry.key]
    assert with_entry(days, entry) == parse_entries([*others, entry])


def test_a_checked_plan_is_returned_as_it_is() -> None:
    days = parse_entries([PlanEntry("tue", "lunch"), PlanEntry("mon", "lunch")])
    assert parse_entries(days) is days


def test_a_tuple_of_too_many_entries_is_refused() -> None:
    days = tuple(PlanEntry(DAY_ORDER[n % 7], f"slot {n}") for n in range(MAX_ENTRIES + 1))
    with pytest.raises(InvalidInput, match=f"at most {MAX_ENTRIES}"):
        parse_entries(days)


def test_a_tuple_holding_something_else_than_entries_is_checked_item_by_item() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_entries((PlanEntry(DayKey.MON, "lunch"), {"day_key": "xx", "slot_key": "a"}))
    assert caught.value.errors[0]["loc"][:3] == ["days", 1, "day_key"]


@given(wps.entry_lists().filter(bool), st.data())
def test_with_entry_replacing_a_slot_moves_it_last_in_its_day(
    days: tuple[PlanEntry, ...], data: st.DataObject
) -> None:
    old = data.draw(st.sampled_from(days))
    entry = PlanEntry(old.day_key, old.slot_key, notes="edited")
    others = [e for e in days if e.key != entry.key]
    assert with_entry(days, entry) == parse_entries([*others, entry])


def test_with_entry_refuses_a_new_slot_in_a_full_plan() -> None:
    days = parse_entries([PlanEntry(DAY_ORDER[n % 7], f"slot {n}") for n in range(MAX_ENTRIES)])
    with pytest.raises(InvalidInput, match=f"at most {MAX_ENTRIES}"):
        with_entry(days, PlanEntry("sun", "one more"))
    # A slot it already has can still change.
    assert len(with_entry(days, PlanEntry(days[0].day_key, days[0].slot_key, notes="x"))) == len(
        days
    )


@given(wps.entry_lists(), entries)
def test_the_entry_in_a_slot_is_the_one_the_slot_index_gives(
    days: tuple[PlanEntry, ...], probe: PlanEntry
) -> None:
    assert entry_in_slot(days, probe.day_key, probe.slot_key) is slot_index(days).get(probe.key)


@given(wps.entry_lists(), entries)
def test_a_plan_with_entry_built_is_returned_as_it_is_by_parse_entries(
    days: tuple[PlanEntry, ...], entry: PlanEntry
) -> None:
    edited = with_entry(days, entry)
    assert parse_entries(edited) is edited


def test_a_tuple_once_refused_is_refused_again_after_plans_were_checked() -> None:
    twice = (PlanEntry("mon", "lunch"), PlanEntry("mon", "lunch"))
    for _ in range(3):
        parse_entries((PlanEntry("tue", "lunch"),))
        with pytest.raises(InvalidInput, match="duplicate slot"):
            parse_entries(twice)


@given(
    st.sampled_from(["mon", "sun", DayKey.WED]),
    st.sampled_from(["lunch", " lunch ", "Déjeuner\t"]),
    st.none() | st.sampled_from(["d1", "dish-7"]),
    st.none() | st.sampled_from(["", " soup ", "two\nlines"]),
    st.sets(st.sampled_from(["dish_template_id", "notes"])),
)
def test_an_entry_parsed_from_a_mapping_is_the_one_its_constructor_builds(
    day: Any, slot: str, dish: str | None, notes: str | None, given_fields: set[str]
) -> None:
    raw = {"day_key": day, "slot_key": slot, "dish_template_id": dish, "notes": notes}
    raw = {
        name: value for name, value in raw.items() if name in given_fields | {"day_key", "slot_key"}
    }
    parsed = parse_entry(raw)
    built = PlanEntry(**raw)
    assert parsed == built
    assert hash(parsed) == hash(built)
    assert [
        type(getattr(parsed, f)) for f in ("day_key", "slot_key", "dish_template_id", "notes")
    ] == [type(getattr(built, f)) for f in ("day_key", "slot_key", "dish_template_id", "notes")]
