"""The domain values enforce their invariants on construction."""

from datetime import UTC, date, datetime

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from weekplan import DayKey, InvalidInput, PlanEntry, WeekPlanInstance, WeekPlanTemplate
from weekplan.domain._entries import parse_entries
from weekplan.domain._limits import CLIENT_REF_MAX, NAME_MAX, SLOT_KEY_MAX
from weekplan.domain._paging import decode_cursor, encode_cursor
from weekplan.domain._weeks import parse_week_start
from weekplan.domain.text import search_key
from weekplan.testing import strategies as wps

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


def test_day_keys_are_the_seven_days_in_order_and_plain_strings() -> None:
    assert [d.value for d in DayKey] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert isinstance(DayKey.TUE, str)
    assert DayKey("tue") is DayKey.TUE
    assert [d.position for d in DayKey] == list(range(7))


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        ({"day_key": "monday", "slot_key": "lunch"}, ["day_key"]),
        ({"day_key": "mon", "slot_key": "   "}, ["slot_key"]),
        ({"day_key": "mon", "slot_key": "x" * (SLOT_KEY_MAX + 1)}, ["slot_key"]),
        ({"day_key": "mon", "slot_key": "lunch", "dish_template_id": " d"}, ["dish_template_id"]),
        ({"day_key": "mon", "slot_key": "lunch", "notes": "a\x07"}, ["notes"]),
        ({"day_key": "mon", "slot_key": "lunch", "notes": 3}, ["notes"]),
        ({"day_key": 1, "slot_key": "lunch"}, ["day_key"]),
    ],
)
def test_a_bad_entry_field_is_invalid_input_naming_it(
    fields: dict[str, object], loc: list[str]
) -> None:
    with pytest.raises(InvalidInput) as caught:
        PlanEntry(**fields)
    assert caught.value.errors[0]["loc"] == loc


def test_notes_keep_newlines_and_tabs() -> None:
    assert PlanEntry("mon", "lunch", notes="a\n\tb").notes == "a\n\tb"


def test_entries_are_put_monday_first_keeping_slot_order_within_a_day() -> None:
    entries = parse_entries(
        [PlanEntry("sun", "a"), PlanEntry("mon", "z"), PlanEntry("mon", "b"), PlanEntry("wed", "c")]
    )
    assert [(e.day_key.value, e.slot_key) for e in entries] == [
        ("mon", "z"),
        ("mon", "b"),
        ("wed", "c"),
        ("sun", "a"),
    ]


@given(wps.entry_lists())
def test_canonical_order_is_stable_under_reparsing(entries: tuple[PlanEntry, ...]) -> None:
    assert parse_entries(entries) == entries
    backwards = list(reversed(entries))
    assert parse_entries(backwards) == tuple(sorted(backwards, key=lambda e: e.day_key.position))


@pytest.mark.parametrize("raw", ["mon", {"day_key": "mon"}, 5, None, b"xy"])
def test_days_must_be_a_list_of_entries(raw: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_entries(raw)
    assert caught.value.errors[0]["loc"] == ["days"]


def _template(**overrides: object) -> WeekPlanTemplate:
    fields: dict[str, object] = {
        "id": "t-1",
        "tenant_id": "tenant-a",
        "name": "Plan",
        "days": (),
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW,
    }
    fields.update(overrides)
    return WeekPlanTemplate(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"name": ""}, ["name"]),
        ({"name": "x" * (NAME_MAX + 1)}, ["name"]),
        ({"tenant_id": ""}, ["tenant_id"]),
        ({"version": 0}, ["version"]),
        ({"version": True}, ["version"]),
        ({"created_at": datetime(2026, 1, 1)}, ["created_at"]),
        ({"days": [PlanEntry("mon", "a"), PlanEntry("mon", "a")]}, ["days", 1, "slot_key"]),
    ],
)
def test_a_template_refuses_values_that_break_an_invariant(
    overrides: dict[str, object], loc: list[object]
) -> None:
    with pytest.raises(InvalidInput) as caught:
        _template(**overrides)
    assert caught.value.errors[0]["loc"] == loc


def test_templates_are_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        _template().name = "changed"  # type: ignore[misc]


def test_an_instance_refuses_a_long_client_ref_and_a_datetime_week() -> None:
    base = {
        "id": "i-1",
        "tenant_id": "tenant-a",
        "template_id": "t-1",
        "client_ref": "c",
        "week_start_date": date(2026, 11, 23),
        "days": (),
        "template_snapshot": (),
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW,
    }
    with pytest.raises(InvalidInput):
        WeekPlanInstance(**{**base, "client_ref": "c" * (CLIENT_REF_MAX + 1)})  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        WeekPlanInstance(**{**base, "week_start_date": NOW})  # type: ignore[arg-type]


@given(wps.instances())
def test_overrides_are_exactly_the_slots_that_differ(instance: WeekPlanInstance) -> None:
    current = {e.key: e for e in instance.days}
    original = {e.key: e for e in instance.template_snapshot}
    differing = {k for k in current.keys() | original.keys() if current.get(k) != original.get(k)}
    overrides = instance.overrides()
    assert {(o.day_key, o.slot_key) for o in overrides} == differing
    for override in overrides:
        assert override.current == current.get((override.day_key, override.slot_key))
        assert override.snapshot == original.get((override.day_key, override.slot_key))


@given(wps.instances(), st.data())
def test_resetting_a_slot_makes_it_equal_to_the_snapshot(
    instance: WeekPlanInstance, data: st.DataObject
) -> None:
    keys = sorted({e.key for e in (*instance.days, *instance.template_snapshot)}, key=repr)
    if not keys:
        return
    day, slot = data.draw(st.sampled_from(keys))
    reset = attrs.evolve(instance, days=instance.with_slot_reset(day, slot))
    assert (day, slot) not in {(o.day_key, o.slot_key) for o in reset.overrides()}
    assert len(reset.overrides()) <= len(instance.overrides())


def test_search_keys_ignore_case_and_accents() -> None:
    assert search_key("Crème BRÛLÉE") == search_key("creme brulee") == "creme brulee"
    assert search_key("Straße") == "strasse"


# Positions are stored keys and search forms: never a control character or a lone surrogate.
_position_parts = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=20)


@given(st.lists(_position_parts, max_size=3))
def test_a_cursor_decodes_to_the_position_it_encodes(position: list[str]) -> None:
    cursor = encode_cursor("kind", position)
    assert decode_cursor("kind", cursor, arity=len(position)) == tuple(position)
    with pytest.raises(InvalidInput):
        decode_cursor("other-kind", cursor, arity=len(position))


def test_week_starts_are_checked_against_the_configured_day() -> None:
    assert parse_week_start("2026-11-22", DayKey.SUN) == date(2026, 11, 22)
    with pytest.raises(InvalidInput) as caught:
        parse_week_start("2026-11-22", DayKey.MON)
    assert "must be a mon (2026-11-22 is a sun)" in caught.value.errors[0]["msg"]
    with pytest.raises(InvalidInput):
        parse_week_start("2026-02-30", DayKey.MON)
