"""The error contract: one hierarchy, fixed status codes and detail codes."""

import pytest

from weekplan import (
    DishNotFound,
    InstanceExists,
    InstanceNotFound,
    InvalidInput,
    ReadOnlyAccess,
    TemplateNotFound,
    VersionConflict,
    WeekPlanError,
)
from weekplan.errors import (
    ClientOnly,
    MethodNotAllowed,
    PayloadTooLarge,
    RouteNotFound,
    WorkerOnly,
)


@pytest.mark.parametrize(
    ("error", "status", "detail"),
    [
        (TemplateNotFound, 404, "week_plan_template_not_found"),
        (InstanceNotFound, 404, "week_plan_instance_not_found"),
        (InstanceExists, 409, "week_plan_instance_exists"),
        (ReadOnlyAccess, 403, "read_only"),
        (VersionConflict, 409, "week_plan_version_conflict"),
        (DishNotFound, 404, "dish_not_found"),
        (WorkerOnly, 403, "worker_only"),
        (ClientOnly, 403, "client_only"),
        (RouteNotFound, 404, "route_not_found"),
        (PayloadTooLarge, 413, "payload_too_large"),
    ],
)
def test_each_error_carries_the_contracts_status_and_detail(
    error: type[WeekPlanError], status: int, detail: str
) -> None:
    raised = error()
    assert isinstance(raised, WeekPlanError)
    assert (raised.status_code, raised.detail) == (status, detail)
    assert raised.to_dict() == {"detail": detail}


def test_method_not_allowed_names_the_methods_the_path_takes() -> None:
    error = MethodNotAllowed(["POST", "GET"])
    assert (error.status_code, error.to_dict(), error.allowed) == (
        405,
        {"detail": "method_not_allowed"},
        ("GET", "POST"),
    )


def test_invalid_input_lists_every_error_with_its_path() -> None:
    err = InvalidInput(
        [{"loc": ("days", 3, "day_key"), "msg": "bad day"}, {"loc": ["name"], "msg": "empty"}]
    )
    assert err.status_code == 422
    assert err.to_dict() == {
        "detail": "invalid_input",
        "errors": [
            {"loc": ["days", 3, "day_key"], "msg": "bad day"},
            {"loc": ["name"], "msg": "empty"},
        ],
    }
    assert "days.3.day_key: bad day" in str(err)


def test_invalid_input_can_be_nested_under_a_parent_field() -> None:
    nested = InvalidInput.at(["slot_key"], "empty").prefixed("days", 0)
    assert nested.errors == [{"loc": ["days", 0, "slot_key"], "msg": "empty"}]
