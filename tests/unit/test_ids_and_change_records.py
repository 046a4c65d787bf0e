"""Default ids are version-4 UUIDs; change records convert their enums as before."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from weekplan.domain.changes import ChangeRecord, ChangeSource, ChangeSubject, ChangeType
from weekplan.domain.days import DayKey
from weekplan.planner.options import new_id


def test_a_new_id_is_the_hex_of_a_random_version_4_uuid() -> None:
    ids = [new_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for value in ids:
        parsed = uuid.UUID(hex=value)
        assert (parsed.hex, parsed.version, parsed.variant) == (value, 4, uuid.RFC_4122)


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
