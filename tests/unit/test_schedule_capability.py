"""A store without schedules keeps working, and the schedule calls say what is missing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from weekplan import NotSupportedByStore, Planner, ReadOnlyAccess
from weekplan.adapters.memory import InMemoryStore
from weekplan.planner._uow_wrapper import UnitOfWorkWrapper


class _WithoutSchedules(UnitOfWorkWrapper):
    """A unit of work of the in-memory store, showing only the required repositories."""

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)  # the schedules, like every optional capability, stay hidden


class _StoreWithoutSchedules:
    def __init__(self) -> None:
        self._inner = InMemoryStore()

    def unit_of_work(self) -> _WithoutSchedules:
        return _WithoutSchedules(self._inner.unit_of_work())


def test_a_store_without_schedules_plans_and_refuses_the_schedule_calls_clearly() -> None:
    planner = Planner(_StoreWithoutSchedules())
    worker = planner.worker("tenant-a")
    template = worker.create_template("Week")
    assert worker.get_template(template.id) == template
    for call in (
        worker.list_schedules,
        lambda: worker.get_schedule("client-1"),
        lambda: worker.delete_schedule("client-1"),
        lambda: worker.set_schedule(
            "client-1", weekday="fri", time="09:00", timezone="UTC", source="generator"
        ),
        lambda: planner.run_due(datetime(2026, 11, 27, tzinfo=UTC)),
    ):
        with pytest.raises(NotSupportedByStore) as caught:
            call()
        assert caught.value.status_code == 501
        assert "schedules" in str(caught.value)


def test_a_read_only_worker_is_refused_before_the_capability_is_looked_at() -> None:
    viewer = Planner(_StoreWithoutSchedules()).worker("tenant-a", read_only=True)
    with pytest.raises(ReadOnlyAccess):
        viewer.delete_schedule("client-1")
