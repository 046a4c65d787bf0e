"""The example Django project end to end, through Django's test client.

It runs weekplan's HTTP conformance suite (the same requests get the same
statuses and JSON as on Flask and on weekplan's own API), and the parts that
are Django's own: CSRF, a host's ``PermissionDenied``, an unexpected failure,
the access classes of ``weekplan.contrib.django.http``, and its error middleware.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings

from weekplan import InvalidInput, WeekPlanError
from weekplan.contrib.django.http import (
    ClientAccess,
    WeekPlanErrorMiddleware,
    WorkerAccess,
    weekplan_errors,
)
from weekplan.contrib.django.views import PlanningView
from weekplan.errors import (
    GenerationInfeasible,
    GenerationQuotaExceeded,
    GuardrailsViolation,
    MethodNotAllowed,
)
from weekplan.guardrails._decision import GuardDecision, Outcome
from weekplan.http import RequestAccess
from weekplan.testing import HttpConformance, HttpResult

pytestmark = pytest.mark.usefixtures("django_databases")


def _json(response: Any) -> Any:
    return json.loads(response.content)


class DjangoClient:
    """Django's test client, authenticating with one bearer token."""

    def __init__(self, token: str | None, **client_options: Any) -> None:
        self._client = Client(**client_options)
        self._headers = {} if token is None else {"Authorization": f"Bearer {token}"}

    def request(
        self, method: str, path: str, *, body: bytes | None = None, content_type: str | None = None
    ) -> HttpResult:
        response = self._client.generic(
            method,
            path,
            body or b"",
            content_type=content_type or "application/octet-stream",
            headers=self._headers,
        )
        names = {name.lower(): value for name, value in response.headers.items()}
        return HttpResult(response.status_code, names, response.content)


def _token_for(access: RequestAccess) -> str:
    token = uuid.uuid4().hex
    settings.EXAMPLE_TOKENS[token] = access
    return token


class TestDjangoExampleApp(HttpConformance):
    def make_client(self, access: RequestAccess | None) -> DjangoClient:
        return DjangoClient(None if access is None else _token_for(access))


# -- what is Django's own ---------------------------------------------------------------


def _tenant() -> str:
    return f"tenant-{uuid.uuid4().hex[:12]}"


def test_the_api_is_exempt_from_csrf_by_default_under_django_s_csrf_middleware() -> None:
    client = DjangoClient(_token_for(RequestAccess.worker(_tenant())), enforce_csrf_checks=True)
    created = client.request(
        "POST", "/api/planning/templates", body=b'{"name": "W"}', content_type="application/json"
    )
    assert created.status == 201


@override_settings(WEEKPLAN_CSRF_PROTECT=True)
def test_with_csrf_protection_a_request_without_the_token_is_403_json() -> None:
    client = DjangoClient(_token_for(RequestAccess.worker(_tenant())), enforce_csrf_checks=True)
    refused = client.request(
        "POST", "/api/planning/templates", body=b'{"name": "W"}', content_type="application/json"
    )
    assert (refused.status, refused.json()) == (403, {"detail": "csrf_failed"})
    read = client.request("GET", "/api/planning/templates")
    assert read.status == 200


def _view_answer(access: Any, path: str = "api/planning/templates") -> tuple[int, Any]:
    view = PlanningView(access=access)
    request = RequestFactory().get("/" + path)
    response = view(request, path)
    return response.status_code, _json(response)


def test_a_host_s_permission_denied_is_403_forbidden_json() -> None:
    def refuse(request: HttpRequest) -> RequestAccess:
        raise PermissionDenied

    assert _view_answer(refuse) == (403, {"detail": "forbidden"})


def test_an_unexpected_failure_is_500_internal_error_json(caplog: pytest.LogCaptureFixture) -> None:
    def broken(request: HttpRequest) -> RequestAccess:
        raise RuntimeError("the host's bug")

    assert _view_answer(broken) == (500, {"detail": "internal_error"})
    assert "the host's bug" in caplog.text


def test_the_access_classes_of_the_http_module_still_work_as_answers() -> None:
    tenant = _tenant()
    assert _view_answer(lambda request: WorkerAccess(tenant)) == (
        200,
        {"items": [], "next_cursor": None},
    )
    client = ClientAccess(tenant, "client-42")
    assert _view_answer(lambda request: client) == (403, {"detail": "worker_only"})
    viewer = WorkerAccess(tenant, read_only=True)
    view = PlanningView(access=lambda request: viewer)
    request = RequestFactory().post("/x", b"{}", content_type="application/json")
    response = view(request, "api/planning/templates")
    assert (response.status_code, _json(response)) == (403, {"detail": "read_only"})


def test_a_trailing_slash_is_not_redirected_by_common_middleware() -> None:
    client = DjangoClient(_token_for(RequestAccess.worker(_tenant())))
    result = client.request("GET", "/api/planning/templates/")
    assert (result.status, result.json()) == (404, {"detail": "route_not_found"})


def _every_error_class(cls: type[WeekPlanError] = WeekPlanError) -> Iterator[type[WeekPlanError]]:
    yield cls
    for sub in cls.__subclasses__():
        yield from _every_error_class(sub)


def _instance_of(cls: type[WeekPlanError]) -> WeekPlanError:
    if issubclass(cls, GuardrailsViolation):
        decision = GuardDecision(
            ok=False,
            outcome=Outcome.BLOCKED,
            matches=(),
            applied_rule_ids=("no-dairy",),
            reason_codes=("forbidden_ingredient",),
            remediation_hints=(),
            summary="mon/lunch: melk is forbidden",
            trace=(),
            quota_checks=(),
            content_hash="0" * 64,
        )
        return cls(decision)
    if issubclass(cls, InvalidInput):
        return cls.at(("days", 3, "day_key"), "must be one of mon..sun")
    if issubclass(cls, GenerationInfeasible):
        return cls(["force fish (fish): at least 3 per week"])
    if issubclass(cls, GenerationQuotaExceeded):
        return cls(60, scope="client")
    if issubclass(cls, MethodNotAllowed):
        return cls(["GET", "POST"])
    return cls()


@pytest.mark.parametrize("error_class", list(_every_error_class()), ids=lambda c: c.__name__)
def test_the_middleware_and_the_decorator_answer_every_weekplan_error(
    error_class: type[WeekPlanError],
) -> None:
    error = _instance_of(error_class)

    def view(request: HttpRequest) -> HttpResponse:
        raise error

    request = RequestFactory().get("/")
    middleware = WeekPlanErrorMiddleware(view)
    via_middleware = middleware.process_exception(request, error)
    via_decorator = weekplan_errors(view)(request)
    for response in (via_middleware, via_decorator):
        assert response is not None
        assert response.status_code == error.status_code
        assert _json(response) == error.to_dict()
    assert middleware.process_exception(request, ValueError("not ours")) is None


def test_a_planner_that_cannot_be_built_is_500_internal_error_json(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken_planner() -> Any:
        raise RuntimeError("the app is not in INSTALLED_APPS")

    view = PlanningView(planner=broken_planner, access=lambda request: None)
    request = RequestFactory().get("/api/planning/templates")
    response = view(request, "api/planning/templates")
    assert (response.status_code, _json(response)) == (500, {"detail": "internal_error"})
    assert "not in INSTALLED_APPS" in caplog.text
