"""The slot changes between two plans: the new plan's shortcut agrees with the comparison."""

from __future__ import annotations

from hypothesis import given

from weekplan import PlanEntry
from weekplan.domain.changes import ChangeType, slot_changes
from weekplan.testing import strategies as wps


@given(wps.entry_lists())
def test_a_new_plans_changes_are_its_slots_added(
    entries: tuple[PlanEntry, ...],
) -> None:
    plan = tuple(entries)
    changes = slot_changes((), plan)
    # The same comparison without the shortcut (a list is not the remembered tuple).
    assert changes == slot_changes([], list(plan))
    assert all(c.change_type is ChangeType.ADDED and c.old is None for c in changes)
    assert {(c.day_key, c.slot_key): c.new for c in changes} == {
        (e.day_key, e.slot_key): e for e in plan
    }
    assert [c.day_key.position for c in changes] == sorted(c.day_key.position for c in changes)


@given(wps.entry_lists())
def test_one_plan_cloned_twice_logs_one_tuple_of_changes(entries: tuple[PlanEntry, ...]) -> None:
    plan = tuple(entries)
    assert slot_changes((), plan) is slot_changes((), plan)
    assert slot_changes((), plan) == slot_changes((), tuple(entries))
