"""The OpenAPI 3.1 document: valid, complete, and the one the command line prints."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openapi_spec_validator import validate

from weekplan.__main__ import main
from weekplan.http import ROUTES, Audience, openapi_document


def test_the_document_is_valid_openapi_3_1() -> None:
    document = openapi_document()
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_route_of_the_table_is_one_operation_with_its_id() -> None:
    document = openapi_document()
    operations = {
        (method.upper(), path): operation["operationId"]
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    assert operations == {(r.method, r.path): r.operation_id for r in ROUTES}


def test_every_operation_documents_its_success_and_its_errors_as_json() -> None:
    by_id = {r.operation_id: r for r in ROUTES}
    for item in openapi_document()["paths"].values():
        for operation in item.values():
            route = by_id[operation["operationId"]]
            responses: dict[str, Any] = operation["responses"]
            assert {str(s) for s in route.statuses} <= set(responses)
            if route.audience is not Audience.ANYONE:
                for status in ("401", "403", "404", "422"):
                    schema = responses[status]["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}
            if route.writes:
                assert "413" in responses


def test_a_client_payload_schema_has_no_worker_bookkeeping() -> None:
    schemas = openapi_document()["components"]["schemas"]
    for name in ("ClientWeekPayload", "ClientDayPayload", "ClientSlotPayload", "ClientDishPayload"):
        assert not {"tenant_id", "template_id", "template_snapshot"} & set(
            schemas[name]["properties"]
        ), name


def test_python_m_weekplan_openapi_prints_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi"]) == 0
    assert json.loads(capsys.readouterr().out) == openapi_document()


def test_what_a_route_creates_links_to_the_routes_that_work_on_it() -> None:
    paths = openapi_document()["paths"]
    created = paths["/api/planning/templates"]["post"]["responses"]["201"]["links"]
    assert created["get_template"]["parameters"] == {"template_id": "$response.body#/id"}
    week = paths["/api/planning/instances"]["post"]["responses"]["201"]["links"]
    assert week["get_instance"]["parameters"] == {
        "client_ref": "$response.body#/client_ref",
        "week_start_date": "$response.body#/week_start_date",
    }
    dish = paths["/api/planning/dishes/{dish_id}"]["put"]["responses"]["201"]["links"]
    assert dish["delete_dish"]["parameters"] == {"dish_id": "$request.path.dish_id"}


def test_the_lock_and_draft_routes_document_409_and_404() -> None:
    operations = {
        operation["operationId"]: operation
        for item in openapi_document()["paths"].values()
        for operation in item.values()
    }
    for operation_id in ("lock_slot", "unlock_slot", "start_draft", "apply_draft"):
        assert "409" in operations[operation_id]["responses"], operation_id
    for operation_id in ("get_draft", "review_draft", "apply_draft", "discard_draft"):
        assert "404" in operations[operation_id]["responses"], operation_id
    apply_body = operations["apply_draft"]["requestBody"]["content"]["application/json"]
    assert apply_body["schema"] == {"$ref": "#/components/schemas/DraftApply"}
    lock_body = operations["lock_slot"]["requestBody"]["content"]["application/json"]
    assert lock_body["schema"] == {"$ref": "#/components/schemas/LockSlot"}


def test_the_generate_route_documents_infeasible_422_and_quota_429_with_retry_after() -> None:
    operations = {
        operation["operationId"]: operation
        for item in openapi_document()["paths"].values()
        for operation in item.values()
    }
    generate = operations["generate_draft"]
    body = generate["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/DraftGenerate"}
    responses = generate["responses"]
    assert "generation_infeasible" in responses["422"]["description"]
    assert "Retry-After" in responses["429"]["headers"]
    assert "429" not in operations["apply_draft"]["responses"]
    runs = operations["list_runs"]
    assert [p["name"] for p in runs["parameters"]] == ["client_ref", "limit", "cursor"]
    assert set(runs["responses"]) >= {"200", "403"}
    error = openapi_document()["components"]["schemas"]["Error"]["properties"]
    assert {"conflicts", "retry_after", "scope"} <= set(error)
