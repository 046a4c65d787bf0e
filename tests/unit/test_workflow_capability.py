"""The change log, locks and drafts are an optional capability of a store."""

from __future__ import annotations

from typing import Any

import pytest

from weekplan import InvalidInput, NotSupportedByStore, Planner, ReadOnlyAccess
from weekplan.adapters.memory import InMemoryStore
from weekplan.planner._uow_wrapper import UnitOfWorkWrapper
from weekplan.ports import (
    Store,
)
from weekplan.testing._instances import InstanceConformance
from weekplan.testing._isolation import IsolationConformance
from weekplan.testing._templates import TemplateConformance
from weekplan.testing._workflow_base import requires_workflow

MONDAY = "2026-11-23"


class _CoreOnlyUnitOfWork(UnitOfWorkWrapper):
    """A unit of work with the mandatory repositories only, as a host's own store may have."""

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)  # every optional capability stays hidden


class CoreOnlyStore:
    """The in-memory store seen without its workflow repositories."""

    def __init__(self) -> None:
        self._inner = InMemoryStore()

    def unit_of_work(self) -> _CoreOnlyUnitOfWork:
        return _CoreOnlyUnitOfWork(self._inner.unit_of_work())


class TestCoreOnlyStore(TemplateConformance, InstanceConformance, IsolationConformance):
    """A store without the capability keeps the core contract (and its locks are none)."""

    def make_store(self) -> Store:
        return CoreOnlyStore()


def test_the_workflow_conformance_tests_skip_a_store_without_the_capability() -> None:
    with pytest.raises(pytest.skip.Exception, match="optional capability"):
        requires_workflow(CoreOnlyStore())
    requires_workflow(InMemoryStore())  # and run on one that has it


def test_a_store_without_the_capability_writes_weeks_and_refuses_workflow_calls_clearly() -> None:
    worker = Planner(CoreOnlyStore()).worker("tenant-a", actor="user-17")
    template = worker.create_template("Week", [{"day_key": "mon", "slot_key": "lunch"}])
    worker.create_instance(template.id, "client-42", MONDAY)
    week = worker.set_slot("client-42", MONDAY, "mon", "lunch", notes="soup")
    assert week.locks == ()
    for attempt in (
        lambda: worker.list_changes("client-42", MONDAY),
        lambda: worker.list_all_changes(limit=5),
        lambda: worker.lock_slot("client-42", MONDAY, "mon", "lunch"),
        lambda: worker.start_draft("client-42", MONDAY),
        lambda: worker.review_draft("client-42", MONDAY),
    ):
        with pytest.raises(NotSupportedByStore) as caught:
            attempt()
        assert caught.value.to_dict() == {"detail": "not_supported_by_store"}


def test_a_read_only_worker_is_refused_before_the_capability_is_asked_for() -> None:
    viewer = Planner(CoreOnlyStore()).worker("tenant-a", read_only=True)
    with pytest.raises(ReadOnlyAccess):
        viewer.lock_slot("client-42", MONDAY, "mon", "lunch")


def test_the_actor_is_checked_like_any_key() -> None:
    with pytest.raises(InvalidInput) as caught:
        Planner(InMemoryStore()).worker("tenant-a", actor="")
    assert caught.value.errors[0]["loc"] == ["actor"]
