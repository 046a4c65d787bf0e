"""The SQL stores' entry codec: the compact form it writes, the earlier form it still reads,
and the plans it remembers, within a bound."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.plan_forms import object_form

from weekplan import PlanEntry, StorageError
from weekplan.adapters._rows import EntryCodec, decode_entries, encode_entries
from weekplan.testing import strategies as wps


def test_a_plan_is_stored_as_an_array_of_entry_arrays() -> None:
    days = (PlanEntry("mon", "lunch", "d-1"), PlanEntry("tue", 'diner "2"', notes="Ærwten ✓"))
    expected = '[["mon","lunch","d-1",null],["tue","diner \\"2\\"",null,"Ærwten ✓"]]'
    assert encode_entries(days) == expected
    assert EntryCodec().encode(days) == expected


def test_a_benchmark_week_costs_under_half_the_bytes_of_the_object_form() -> None:
    days = tuple(
        PlanEntry(
            ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[n % 7],
            f"slot-{n // 7}",
            f"dish-{n}",
            f"note {n}",
        )
        for n in range(42)
    )
    compact = len(EntryCodec().encode(days).encode())
    # 1,535 bytes against 3,551: about 37 bytes an entry instead of 85.
    assert compact < len(object_form(days).encode()) * 0.45


@given(wps.entry_lists(dishes=wps.dish_ids() | st.none()))
def test_both_forms_decode_to_the_plan(days: tuple[PlanEntry, ...]) -> None:
    old = object_form(days)
    assert decode_entries(old) == days
    assert EntryCodec().decode(old) == days
    codec = EntryCodec()
    compact = codec.encode(days)
    assert decode_entries(compact) == days
    assert EntryCodec().decode(compact) == days
    # A plan read from an old row is written again in the compact form, by a
    # codec that has seen the plan or not.
    assert codec.encode(codec.decode(old)) == compact
    fresh = EntryCodec()
    assert fresh.encode(fresh.decode(old)) == compact


def test_a_plan_mixing_both_forms_is_read_entry_by_entry() -> None:
    text = (
        '[["mon","lunch",null,null],'
        '{"day_key":"tue","slot_key":"lunch","dish_template_id":"d","notes":null}]'
    )
    expected = (PlanEntry("mon", "lunch"), PlanEntry("tue", "lunch", "d"))
    assert EntryCodec().decode(text) == expected
    assert decode_entries(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{}",
        '"mon"',
        "[1]",
        "[null]",
        '[["mon","lunch",null]]',
        '[["mon","lunch",null,null,null]]',
        '[["someday","lunch",null,null]]',
        '[["mon",7,null,null]]',
        '[["mon","lunch",7,null]]',
        '[["mon","lunch",null,["x"]]]',
        '[["mon","lunch",{"a":1},null]]',
        '[[["mon"],"lunch",null,null]]',
        '[{"day_key":"mon","slot_key":"lunch"}]',
        '[{"day_key":"mon","slot_key":"lunch","dish_template_id":[],"notes":null}]',
        '{"day_key":"mon","slot_key":"lunch","dish_template_id":null,"notes":null}',
    ],
)
def test_anything_else_is_a_storage_error_on_both_decoders(text: str) -> None:
    with pytest.raises(StorageError):
        EntryCodec().decode(text)
    with pytest.raises(StorageError):
        decode_entries(text)


@given(wps.entry_lists())
def test_a_plan_decodes_from_its_text_and_encodes_back_to_it(days: tuple[PlanEntry, ...]) -> None:
    codec = EntryCodec()
    text = codec.encode(days)
    assert text == EntryCodec().encode(list(days))  # remembered or not, the same text
    fresh = EntryCodec()
    decoded = fresh.decode(text)
    assert decoded == days
    assert fresh.decode((text + " ")[:-1]) is decoded  # an equal text read again
    assert fresh.encode(decoded) == text


def test_a_remembered_plan_is_only_its_own_tuple_not_an_equal_one() -> None:
    codec = EntryCodec()
    days = (PlanEntry("mon", "lunch", notes="a"),)
    text = codec.encode(days)
    other = (PlanEntry("mon", "lunch", notes="b"),)
    assert codec.encode(other) != text
    assert codec.decode(codec.encode(other)) == other


def test_the_plans_remembered_are_bounded() -> None:
    codec = EntryCodec(max_plans=3)
    for n in range(10):
        codec.decode(codec.encode((PlanEntry("mon", "lunch", notes=str(n)),)))
        assert len(codec._plans) <= 3
        assert len(codec._texts) <= 3


def test_a_text_weekplan_did_not_write_is_a_storage_error_every_time() -> None:
    codec = EntryCodec()
    for _ in range(2):
        with pytest.raises(StorageError):
            codec.decode('[{"day_key": "xx"}]')


@given(wps.entry_lists(), st.data())
def test_a_plan_with_one_entry_changed_encodes_as_a_plan_never_seen(
    days: tuple[PlanEntry, ...], data: st.DataObject
) -> None:
    codec = EntryCodec(max_entries=4)
    codec.encode(days)
    if days:
        index = data.draw(st.integers(0, len(days) - 1))
        edited = attrs.evolve(
            days[index], notes=data.draw(st.none() | st.text('aé"\\✓ ', max_size=5))
        )
        days = (*days[:index], edited, *days[index + 1 :])
    # Each entry's text is remembered from the first plan, within the bound.
    assert codec.encode(days) == encode_entries(days)
    assert len(codec._entry_texts) <= 4
