"""Bulk assignment touches exactly the scoped days and the one slot."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from weekplan import DayKey, InvalidInput, PlanEntry
from weekplan.domain._bulk import assign_dish, parse_day_scope
from weekplan.domain._days import DAY_ORDER
from weekplan.domain._entries import parse_entries

SLOTS = ["breakfast", "lunch", "dinner", "snack_1"]

entries_strategy = st.lists(
    st.builds(
        PlanEntry,
        st.sampled_from(DAY_ORDER),
        st.sampled_from(SLOTS),
        st.one_of(st.none(), st.sampled_from(["d1", "d2", "d3"])),
        st.one_of(st.none(), st.text(alphabet="abc ", max_size=5)),
    ),
    max_size=20,
    unique_by=lambda e: e.key,
).map(parse_entries)
scope_strategy = st.one_of(
    st.just("week"),
    st.sampled_from([d.value for d in DayKey]),
    st.lists(st.sampled_from(DAY_ORDER), min_size=1, max_size=7),
)


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("week", DAY_ORDER),
        ("tue", (DayKey.TUE,)),
        (["thu", "mon"], (DayKey.MON, DayKey.THU)),
        ((DayKey.SUN,), (DayKey.SUN,)),
    ],
)
def test_scopes_parse_to_days(scope: Any, expected: tuple[DayKey, ...]) -> None:
    assert parse_day_scope(scope) == expected


@pytest.mark.parametrize(
    ("scope", "loc"),
    [
        ("Week", ["days"]),
        ("monday", ["days"]),
        ([], ["days"]),
        (["mon", "xyz"], ["days", 1]),
        (3, ["days"]),
        ({"mon": 1}, ["days"]),
        (None, ["days"]),
    ],
)
def test_bad_scopes_are_invalid_input_naming_days(scope: Any, loc: list[Any]) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_day_scope(scope)
    assert caught.value.errors[0]["loc"] == loc


@given(entries_strategy, scope_strategy, st.sampled_from(SLOTS))
def test_assign_touches_exactly_the_scoped_days_and_slot(
    entries: tuple[PlanEntry, ...], scope: Any, slot_key: str
) -> None:
    days = parse_day_scope(scope)
    result = assign_dish(entries, days, slot_key, "new-dish")
    touched = {(d, slot_key) for d in days}
    before = {e.key: e for e in entries}
    after = {e.key: e for e in result}
    assert set(after) == set(before) | touched
    for key, entry in after.items():
        if key in touched:
            assert entry.dish_template_id == "new-dish"
            assert entry.notes == (before[key].notes if key in before else None)
        else:
            assert entry == before[key]
    assert assign_dish(result, days, slot_key, "new-dish") == result
