"""Generation over the framework-neutral HTTP API: its statuses, errors and headers."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from weekplan import GenerationInfeasible, Planner
from weekplan.adapters.memory import InMemoryStore
from weekplan.generation import GeneratedWeek, GenerationQuota, GenerationRequest
from weekplan.http import ApiRequest, ApiResponse, PlanningApi, RequestAccess

WEEK = "/api/planning/instances/client-1/2026-11-23"


class Impossible:
    """A generator for which no week ever meets the diet."""

    name = "impossible"
    version = "0"

    def generate(self, request: GenerationRequest) -> GeneratedWeek:
        raise GenerationInfeasible(["force fish: at least 9 per week"])


def send(api: PlanningApi, method: str, path: str, body: Any = None, **query: str) -> ApiResponse:
    raw = b"" if body is None else json.dumps(body).encode()
    request = ApiRequest.of(method, path, body=raw, query=query)
    return api.handle(request, lambda: RequestAccess.worker("tenant-a"))


def api_with_a_week(planner: Planner) -> PlanningApi:
    api = PlanningApi(planner)
    for dish in ("soup", "stew"):
        send(api, "PUT", f"/api/planning/dishes/{dish}", {"name": dish, "meal_types": ["dinner"]})
    days = [{"day_key": day, "slot_key": "dinner"} for day in ("mon", "tue")]
    template = send(api, "POST", "/api/planning/templates", {"name": "T", "days": days}).body
    body = {"template_id": template["id"], "client_ref": "client-1"}
    body["week_start_date"] = "2026-11-23"
    assert send(api, "POST", "/api/planning/instances", body).status == 201
    return api


def test_a_generation_fills_the_draft_and_its_run_is_listed() -> None:
    api = api_with_a_week(Planner(InMemoryStore()))
    generated = send(api, "POST", f"{WEEK}/draft/generate", {"days": ["tue"], "seed": 7})
    assert generated.status == 200
    days = {e["day_key"]: e["dish_template_id"] for e in generated.body["draft"]["days"]}
    assert days["mon"] is None
    assert days["tue"] in {"soup", "stew"}
    assert generated.body["entries"][0]["dish_id"] == days["tue"]
    runs = send(api, "GET", "/api/planning/runs", client_ref="client-1", limit="5").body
    assert [(r["run_type"], r["status"], r["seed"]) for r in runs["items"]] == [
        ("regenerate", "succeeded", 7)
    ]
    assert send(api, "GET", f"{WEEK}/draft").body["days"] == generated.body["draft"]["days"]


def test_a_week_that_does_not_exist_is_404_and_records_no_run() -> None:
    api = PlanningApi(Planner(InMemoryStore()))
    missing = send(api, "POST", f"{WEEK}/draft/generate", {})
    assert (missing.status, missing.body) == (404, {"detail": "week_plan_instance_not_found"})
    assert send(api, "GET", "/api/planning/runs").body == {"items": [], "next_cursor": None}


def test_an_infeasible_diet_is_422_naming_the_conflicts() -> None:
    api = api_with_a_week(Planner(InMemoryStore(), generator=Impossible()))
    answer = send(api, "POST", f"{WEEK}/draft/generate", {})
    assert (answer.status, answer.body) == (
        422,
        {"detail": "generation_infeasible", "conflicts": ["force fish: at least 9 per week"]},
    )
    runs = send(api, "GET", "/api/planning/runs").body["items"]
    assert [r["status"] for r in runs] == ["infeasible"]


def test_over_the_quota_is_429_with_retry_after_in_the_body_and_the_header() -> None:
    quota = GenerationQuota(per_client=1)
    api = api_with_a_week(Planner(InMemoryStore(), generation_quota=quota))
    assert send(api, "POST", f"{WEEK}/draft/generate", {"seed": 1}).status == 200
    refused = send(api, "POST", f"{WEEK}/draft/generate", {"seed": 2})
    assert refused.status == 429
    assert refused.body == {
        "detail": "generation_quota_exceeded",
        "retry_after": refused.body["retry_after"],
        "scope": "client",
    }
    assert 0 < refused.body["retry_after"] <= 3600
    assert refused.headers == {"Retry-After": str(refused.body["retry_after"])}


def test_a_malformed_generation_body_names_each_bad_field() -> None:
    api = api_with_a_week(Planner(InMemoryStore()))
    for body, field in (({"days": "funday"}, "days"), ({"seed": -1}, "seed")):
        answer = send(api, "POST", f"{WEEK}/draft/generate", body)
        assert (answer.status, answer.body["errors"][0]["loc"]) == (422, [field]), body
    assert send(api, "GET", "/api/planning/runs").body["items"] == []


def test_without_or_tools_the_default_generator_answers_503_and_records_a_failed_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "ortools", None)  # as if the extra were not installed
    api = api_with_a_week(Planner(InMemoryStore()))
    answer = send(api, "POST", f"{WEEK}/draft/generate", {})
    assert (answer.status, answer.body) == (503, {"detail": "generation_failed"})
    runs = send(api, "GET", "/api/planning/runs").body["items"]
    assert [(r["status"], r["generator_version"]) for r in runs] == [("failed", "not-installed")]
    assert "weekplan[generate]" in runs[0]["error_message"]


def test_a_week_that_does_not_exist_is_generated_from_the_template_named_in_the_body() -> None:
    api = api_with_a_week(Planner(InMemoryStore()))
    template_id = send(api, "GET", "/api/planning/templates").body["items"][0]["id"]
    later = "/api/planning/instances/client-1/2026-11-30"
    generated = send(api, "POST", f"{later}/draft/generate", {"template_id": template_id})
    assert generated.status == 200, generated.body
    assert [e["slot_key"] for e in generated.body["draft"]["days"]] == ["dinner", "dinner"]
    week = send(api, "GET", later).body
    assert (week["template_id"], week["version"]) == (template_id, 1)
    unknown = send(api, "POST", f"{WEEK[:-10]}2026-12-07/draft/generate", {"template_id": "x"})
    assert (unknown.status, unknown.body) == (404, {"detail": "week_plan_template_not_found"})
