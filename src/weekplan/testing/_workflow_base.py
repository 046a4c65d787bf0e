"""What the workflow conformance tests share: the capability check and a few helpers."""

from __future__ import annotations

from datetime import date

import pytest

from weekplan.domain.changes import ChangeRecord
from weekplan.planner._worker import WorkerPlanner
from weekplan.ports import Store
from weekplan.testing._base import ConformanceBase, all_pages
from weekplan.workflow_ports import WorkflowUnitOfWork

__all__ = ["WorkflowBase", "log_of", "requires_workflow"]


def requires_workflow(store: Store) -> None:
    """Skip the calling test unless ``store`` has the optional workflow capability."""
    uow = store.unit_of_work()
    if not isinstance(uow, WorkflowUnitOfWork):
        pytest.skip("the store has no change log, locks or drafts (an optional capability)")


def log_of(worker: WorkerPlanner, client_ref: str, week: date) -> tuple[ChangeRecord, ...]:
    """Every record of a week, newest first, following cursors (pages of 7)."""
    return all_pages(lambda c: worker.list_changes(client_ref, week, limit=7, cursor=c))


class WorkflowBase(ConformanceBase):
    """The workflow tests' fixtures: each skips on a store without the capability.

    (Not an autouse fixture: that would reach every test of ``StoreConformance``.)
    """

    @pytest.fixture
    def workflow_store(self, store: Store) -> Store:
        """The store, if it has the workflow capability; the test is skipped otherwise."""
        requires_workflow(store)
        return store
