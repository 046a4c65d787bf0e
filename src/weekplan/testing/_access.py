"""Conformance: read-only workers and clients never change anything."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from weekplan.domain._entries import PlanEntry
from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.errors import ReadOnlyAccess
from weekplan.planner._access import is_writing
from weekplan.planner._planner import Planner
from weekplan.planner._worker import WorkerPlanner
from weekplan.testing._base import MONDAY, ConformanceBase, snapshot_of

__all__ = ["AccessConformance", "public_methods", "writing_method_names"]


def public_methods(cls: type) -> dict[str, Callable[..., Any]]:
    """Every public method of a planner class, inherited ones included."""
    return {
        name: member
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


def writing_method_names(cls: type) -> list[str]:
    """The public methods declared with ``@writes``, found by introspection."""
    return sorted(name for name, method in public_methods(cls).items() if is_writing(method))


def plausible_arguments(method: Callable[..., Any], template_id: str) -> dict[str, Any]:
    """Valid-looking arguments for any planner method, by parameter name."""
    by_name: dict[str, Any] = {
        "template_id": template_id,
        "client_ref": "client-42",
        "week_start_date": MONDAY,
        "day_key": "mon",
        "slot_key": "lunch",
        "name": "Changed",
        "days": [PlanEntry("tue", "dinner", notes="changed")],
        "notes": "changed",
        "dish_template_id": None,
        "dish_id": "dish-1",
    }
    arguments: dict[str, Any] = {}
    for parameter in inspect.signature(method).parameters.values():
        if parameter.name == "self" or parameter.default is not inspect.Parameter.empty:
            if parameter.name in ("name", "days", "notes"):
                arguments[parameter.name] = by_name[parameter.name]
            continue
        arguments[parameter.name] = by_name.get(parameter.name, "value")
    return arguments


class AccessConformance(ConformanceBase):
    def test_every_writing_method_of_a_read_only_worker_is_refused_and_changes_nothing(
        self,
        planner: Planner,
        worker: WorkerPlanner,
        template: WeekPlanTemplate,
        instance: WeekPlanInstance,
    ) -> None:
        viewer = planner.worker(worker.tenant_id, read_only=True)
        before = snapshot_of(worker)
        for name in writing_method_names(WorkerPlanner):
            method = getattr(viewer, name)
            with pytest.raises(ReadOnlyAccess) as caught:
                method(**plausible_arguments(method, template.id))
            assert caught.value.to_dict() == {"detail": "read_only"}, name
            assert caught.value.status_code == 403
        assert snapshot_of(worker) == before

    def test_read_only_is_checked_before_the_input(
        self, planner: Planner, worker: WorkerPlanner
    ) -> None:
        viewer = planner.worker(worker.tenant_id, read_only=True)
        with pytest.raises(ReadOnlyAccess):
            viewer.create_template("", days="not a list")  # type: ignore[arg-type]
        with pytest.raises(ReadOnlyAccess):
            viewer.delete_instance("", "not a date")

    def test_a_read_only_worker_reads_everything(
        self, planner: Planner, worker: WorkerPlanner, instance: WeekPlanInstance
    ) -> None:
        viewer = planner.worker(worker.tenant_id, read_only=True)
        assert viewer.get_instance("client-42", MONDAY) == instance
        assert viewer.get_template(instance.template_id).id == instance.template_id
        assert snapshot_of(viewer) == snapshot_of(worker)
        assert viewer.list_overrides("client-42", MONDAY) == ()

    def test_a_client_lists_only_its_own_weeks(
        self, planner: Planner, worker: WorkerPlanner, template: WeekPlanTemplate
    ) -> None:
        mine = worker.create_instance(template.id, "client-1", MONDAY)
        worker.create_instance(template.id, "client-2", MONDAY)
        client = planner.client(worker.tenant_id, "client-1")
        assert client.list_weeks().items == (mine,)
        assert planner.client("some-other-tenant", "client-1").list_weeks().items == ()
