"""Default ids are version-7 UUIDs; change records convert their enums; change sets give records."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from weekplan.domain._days import DayKey
from weekplan.domain._entries import PlanEntry
from weekplan.domain.changes import (
    ChangeRecord,
    ChangeSet,
    ChangeSource,
    ChangeSubject,
    ChangeType,
    SlotChange,
    record_id,
    record_position,
    records_before,
)
from weekplan.planner._options import new_id


def test_a_new_id_is_the_hex_of_a_version_7_uuid_of_the_current_millisecond() -> None:
    before = time.time_ns() // 1_000_000
    ids = [new_id() for _ in range(2000)]
    after = time.time_ns() // 1_000_000
    assert len(set(ids)) == len(ids)
    for value in ids:
        parsed = uuid.UUID(hex=value)
        assert (parsed.hex, parsed.version, parsed.variant) == (value, 7, uuid.RFC_4122)
        assert before <= int(value[:12], 16) <= after


def test_ids_made_later_sort_after_those_of_an_earlier_millisecond() -> None:
    first = new_id()
    millisecond = int(first[:12], 16)
    while time.time_ns() // 1_000_000 <= millisecond:
        time.sleep(0.0005)
    assert new_id() > first


def _record(**changes: Any) -> ChangeRecord:
    fields: dict[str, Any] = {
        "id": "r-1",
        "tenant_id": "t",
        "subject": "week",
        "subject_id": "w-1",
        "client_ref": "c",
        "week_start_date": date(2026, 11, 23),
        "change_type": "changed",
        "day_key": "mon",
        "slot_key": "lunch",
        "old": None,
        "new": None,
        "actor": None,
        "source": "edit",
        "reason": None,
        "at": datetime(2026, 11, 23, tzinfo=UTC),
        "version_before": 1,
        "version_after": 2,
    }
    return ChangeRecord(**{**fields, **changes})


def test_a_change_record_takes_members_or_their_values() -> None:
    from_text = _record()
    from_members = _record(
        subject=ChangeSubject.WEEK,
        change_type=ChangeType.CHANGED,
        day_key=DayKey.MON,
        source=ChangeSource.EDIT,
    )
    assert from_text == from_members
    assert type(from_text.day_key) is DayKey
    assert type(from_text.source) is ChangeSource


@pytest.mark.parametrize("field", ["subject", "change_type", "day_key", "source"])
def test_a_change_record_refuses_a_value_outside_its_enum(field: str) -> None:
    with pytest.raises(ValueError, match="is not a valid"):
        _record(**{field: "nonsense"})


_ids = st.text(alphabet="ab.019", min_size=1, max_size=8)


@given(set_id=_ids, other=_ids, position=st.integers(0, 60), other_position=st.integers(0, 60))
def test_record_ids_name_one_slot_of_one_set_each(
    set_id: str, other: str, position: int, other_position: int
) -> None:
    made = record_id(set_id, position)
    assert record_position(made) == (set_id, position)
    if (set_id, position) != (other, other_position):
        assert record_id(other, other_position) != made


def test_a_sets_first_record_has_the_sets_id_unless_that_looks_numbered() -> None:
    assert [record_id("3f2a", n) for n in range(3)] == ["3f2a", "3f2a.1", "3f2a.2"]
    assert record_id("chg.7", 0) == "chg.7.0"
    assert record_id("chg.07", 0) == "chg.07"
    assert record_position("chg.07") == ("chg.07", 0)


def _set(**changes: Any) -> ChangeSet:
    fields: dict[str, Any] = {
        "id": "s-1",
        "tenant_id": "t",
        "subject": "week",
        "subject_id": "w-1",
        "client_ref": "c",
        "week_start_date": date(2026, 11, 23),
        "actor": "user-17",
        "source": "edit",
        "reason": "asked",
        "at": datetime(2026, 11, 23, tzinfo=UTC),
        "version_before": 1,
        "version_after": 2,
        "changes": (
            SlotChange(ChangeType.ADDED, DayKey.MON, "lunch", None, PlanEntry("mon", "lunch")),
            SlotChange(ChangeType.REMOVED, DayKey.TUE, "lunch", PlanEntry("tue", "lunch"), None),
        ),
    }
    return ChangeSet(**{**fields, **changes})


def test_a_change_set_gives_one_record_per_slot_in_its_order() -> None:
    first, second = _set().records()
    assert first == _record(
        id="s-1",
        change_type="added",
        new=PlanEntry("mon", "lunch"),
        actor="user-17",
        reason="asked",
    )
    assert (second.id, second.day_key, second.change_type, second.old) == (
        "s-1.1",
        DayKey.TUE,
        ChangeType.REMOVED,
        PlanEntry("tue", "lunch"),
    )
    assert (first.sort_key, second.sort_key) == (
        (first.at, "s-1", 0),
        (first.at, "s-1", 1),
    )


def test_a_change_set_holds_at_least_one_change() -> None:
    with pytest.raises(ValueError, match="at least one"):
        _set(changes=())


def test_records_before_cuts_a_page_within_a_set() -> None:
    newer = _set(id="s-2", at=datetime(2026, 11, 24, tzinfo=UTC))
    older = _set()
    everything = records_before([newer, older], None, 10)
    assert [r.id for r in everything] == ["s-2.1", "s-2", "s-1.1", "s-1"]
    assert [r.id for r in records_before([newer, older], everything[0].sort_key, 2)] == [
        "s-2",
        "s-1.1",
    ]
    assert records_before([older], everything[-1].sort_key, 2) == []
