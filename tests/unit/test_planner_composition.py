"""How the planner is built: use-case groups composed by a facade, the gate on the facade.

``WorkerPlanner`` inherits nothing; it holds one of each group of use cases and
delegates. These tests keep the facade and the groups in step, so a use case
added to a group without its public method (or with another signature) fails
here, as does a method that writes without being declared with ``@writes``.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import pytest

from weekplan import ClientPlanner, Planner, ReadOnlyAccess, WeekPlanError, WorkerPlanner
from weekplan.adapters.memory import InMemoryStore
from weekplan.planner._access import is_writing
from weekplan.planner._session import UseCases
from weekplan.testing._access import plausible_arguments, public_methods

MONDAY = "2026-11-23"


def _groups() -> list[type[UseCases]]:
    # Importing the facade imported every group.
    return sorted(UseCases.__subclasses__(), key=lambda group: group.__name__)


def _group_methods() -> Iterator[tuple[type[UseCases], str]]:
    for group in _groups():
        for name in vars(group):
            if not name.startswith("_") and inspect.isfunction(vars(group)[name]):
                yield group, name


def test_the_planners_inherit_nothing() -> None:
    assert WorkerPlanner.__mro__ == (WorkerPlanner, object)
    assert ClientPlanner.__mro__ == (ClientPlanner, object)


def test_no_group_of_use_cases_inherits_another() -> None:
    groups = _groups()
    assert len(groups) >= 11
    assert all(group.__bases__ == (UseCases,) for group in groups), groups


def test_every_use_case_of_a_group_is_on_the_worker_with_the_same_signature() -> None:
    seen = set()
    for group, name in _group_methods():
        assert name not in seen, f"{name} is in two groups"
        seen.add(name)
        facade = getattr(WorkerPlanner, name, None)
        assert facade is not None, f"{group.__name__}.{name} has no WorkerPlanner method"
        assert inspect.signature(facade) == inspect.signature(getattr(group, name)), name
        assert facade.__doc__, name
        assert getattr(group, name).__doc__, f"{group.__name__}.{name} has no docstring"


def test_the_worker_has_no_public_method_that_is_not_a_use_case_but_grid() -> None:
    delegated = {name for _, name in _group_methods()}
    assert set(public_methods(WorkerPlanner)) - delegated == {"grid"}


@pytest.fixture
def planner() -> Planner:
    return Planner(InMemoryStore())


def test_every_method_not_declared_as_writing_runs_on_a_read_only_worker(
    planner: Planner,
) -> None:
    """A use case that commits without ``@writes`` meets the read-only unit of work here."""
    worker = planner.worker("tenant-a")
    template = worker.create_template("Week", [{"day_key": "mon", "slot_key": "lunch"}])
    worker.create_instance(template.id, "client-42", MONDAY)
    viewer = planner.worker("tenant-a", read_only=True)
    readers = [name for name, m in public_methods(WorkerPlanner).items() if not is_writing(m)]
    assert {"get_instance", "list_templates", "review_draft", "list_runs"} <= set(readers)
    for name in readers:
        method = getattr(viewer, name)
        arguments = plausible_arguments(method, template.id)
        if name == "grid":
            arguments = {"plan": template}
        try:
            method(**arguments)
        except ReadOnlyAccess:  # pragma: no cover - reached only when the test fails
            pytest.fail(f"{name} writes but is not declared with @writes")
        except WeekPlanError:
            continue  # made-up arguments may well be refused, only never as a write
