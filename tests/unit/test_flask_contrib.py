"""weekplan.contrib.flask on a bare Flask app: every error class becomes its JSON body."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

import weekplan.errors
from weekplan import InvalidInput, Planner, WeekPlanError
from weekplan.adapters.memory import InMemoryStore
from weekplan.contrib.flask import (
    RequestAccess,
    current_worker,
    init_app,
    json_response,
    planning_blueprint,
)
from weekplan.errors import (
    GenerationInfeasible,
    GenerationQuotaExceeded,
    GuardrailsViolation,
    MethodNotAllowed,
)
from weekplan.guardrails import GuardrailsRuleset, GuardRule, PlanTarget, RuleMatch, evaluate


def _an_instance_of(cls: type[WeekPlanError]) -> WeekPlanError:
    if cls is InvalidInput:
        return InvalidInput.at(("days", 3, "day_key"), "must be one of mon..sun")
    if cls is GuardrailsViolation:
        rule = GuardRule("no-milk", "block", "hard", 1, "ingredient", RuleMatch("milk"))
        decision = evaluate(
            GuardrailsRuleset("dairy-free", rules=[rule]),
            [PlanTarget("mon", "breakfast", ingredients=["milk"])],
        )
        return GuardrailsViolation(decision)
    if cls is GenerationInfeasible:
        return GenerationInfeasible(["force fish (fish): at least 3 per week"])
    if cls is GenerationQuotaExceeded:
        return GenerationQuotaExceeded(60, scope="client")
    if cls is MethodNotAllowed:
        return MethodNotAllowed(["GET"])
    return cls()


ERROR_CLASSES = sorted(
    (
        cls
        for cls in vars(weekplan.errors).values()
        if isinstance(cls, type) and issubclass(cls, WeekPlanError)
    ),
    key=lambda cls: cls.__name__,
)


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_every_weekplan_error_is_answered_with_its_status_and_body(
    cls: type[WeekPlanError],
) -> None:
    app = Flask("host")
    init_app(app, Planner(InMemoryStore()), access=lambda: RequestAccess("tenant-a"))
    error = _an_instance_of(cls)

    @app.get("/boom")
    def boom() -> str:
        raise error

    response = app.test_client().get("/boom")
    assert response.status_code == cls.status_code
    assert response.get_json() == error.to_dict()
    assert response.get_json()["detail"] == cls.detail


def test_the_worker_is_bound_to_the_tenant_and_mode_the_host_resolves() -> None:
    app = Flask("host")
    calls: list[str] = []

    def access() -> RequestAccess:
        calls.append("asked")
        return RequestAccess("tenant-b", read_only=True)

    init_app(app, Planner(InMemoryStore()), access=access)
    with app.test_request_context("/"):
        worker = current_worker()
        assert (worker.tenant_id, worker.read_only) == ("tenant-b", True)
        current_worker()
    assert calls == ["asked"], "the host is asked once per request"


def test_using_the_helpers_without_init_app_says_what_to_do() -> None:
    app = Flask("host")
    with app.test_request_context("/"), pytest.raises(RuntimeError, match="init_app"):
        current_worker()


def _host_with_its_own_405_page() -> Flask:
    app = Flask("host")
    init_app(app, Planner(InMemoryStore()), access=lambda: RequestAccess.worker("tenant-a"))

    @app.errorhandler(405)
    def host_405(error: Exception) -> tuple[str, int]:
        return "the host's own page", 405

    @app.get("/shop")
    def shop() -> str:
        return "shop"

    app.register_blueprint(planning_blueprint(), url_prefix="/v1")
    return app


def test_a_method_no_rule_lists_is_the_api_s_json_405_inside_it_and_the_host_s_outside() -> None:
    client = _host_with_its_own_405_page().test_client()
    inside = client.open("/v1/api/planning/templates", method="PROPFIND")
    assert (inside.status_code, inside.get_json()) == (405, {"detail": "method_not_allowed"})
    assert inside.headers["Allow"] == "GET, POST"
    outside = client.open("/shop", method="PROPFIND")
    assert (outside.status_code, outside.get_data(as_text=True)) == (405, "the host's own page")


def test_the_blueprint_serves_the_api_under_its_url_prefix() -> None:
    client = _host_with_its_own_405_page().test_client()
    assert client.post("/v1/api/planning/templates", json={"name": "W"}).status_code == 201
    missing = client.get("/v1/api/planning/templates/")
    assert (missing.status_code, missing.get_json()) == (404, {"detail": "route_not_found"})
    assert client.get("/api/planning/templates").status_code == 404


def test_a_client_gets_no_worker_in_the_host_s_own_routes_either() -> None:
    app = Flask("host")
    client_access = RequestAccess.client("tenant-a", "client-42")
    init_app(app, Planner(InMemoryStore()), access=lambda: client_access)

    @app.get("/my/templates")
    def my_templates() -> Any:
        return json_response(current_worker().list_templates())

    response = app.test_client().get("/my/templates")
    assert (response.status_code, response.get_json()) == (403, {"detail": "worker_only"})
