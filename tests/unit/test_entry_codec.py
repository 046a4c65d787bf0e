"""The SQL store's entry codec remembers plans it has seen, within a bound."""

from __future__ import annotations

import pytest
from hypothesis import given

from weekplan import PlanEntry, StorageError
from weekplan.adapters._rows import EntryCodec
from weekplan.testing import strategies as wps


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
