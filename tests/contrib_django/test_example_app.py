"""The example Django project end to end, through Django's test client.

Every error of the contract comes back over HTTP with its exact status and body,
and a read-only worker is refused on every route that writes, found by walking
the URL resolver so that a route added later is covered without editing this file.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from weekplan import InvalidInput, WeekPlanError
from weekplan.contrib.django.http import WeekPlanErrorMiddleware, weekplan_errors
from weekplan.errors import GuardrailsViolation
from weekplan.guardrails.decision import GuardDecision, Outcome
from weekplan.testing._base import MONDAY

pytestmark = pytest.mark.usefixtures("django_databases")

WEEK = MONDAY.isoformat()
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
UNKNOWN_HASH = "sha256:" + "0" * 64
DIET = {
    "diet_id": "koemelkvrij",
    "rules": [
        {
            "id": "geen-melk",
            "action": "block",
            "strictness": "hard",
            "priority": 1,
            "target": "ingredient",
            "match": {"term": "melk"},
        },
        {
            "id": "minder-suiker",
            "action": "block",
            "strictness": "soft",
            "priority": 5,
            "target": "ingredient",
            "match": {"term": "suiker"},
        },
    ],
}


def _json(response: Any) -> Any:
    return json.loads(response.content)


class Api:
    """A test client speaking JSON as one tenant and role."""

    def __init__(self, tenant: str, role: str = "worker") -> None:
        self.client = Client(headers={"X-Tenant": tenant, "X-Role": role})

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = "" if body is None else body if isinstance(body, str) else json.dumps(body)
        response = self.client.generic(method, path, data, content_type="application/json")
        content = _json(response) if response.content else None
        return response.status_code, content


@pytest.fixture
def tenant() -> str:
    return f"tenant-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def api(tenant: str) -> Api:
    return Api(tenant)


@pytest.fixture
def viewer(tenant: str) -> Api:
    return Api(tenant, role="viewer")


@pytest.fixture
def template(api: Api) -> dict[str, Any]:
    status, body = api.call(
        "POST",
        "/api/planning/templates",
        {
            "name": "Balanced week",
            "days": [
                {"day_key": "mon", "slot_key": "lunch", "notes": "soup"},
                {"day_key": "mon", "slot_key": "dinner", "notes": "salmon"},
            ],
        },
    )
    assert status == 201
    return dict(body)


@pytest.fixture
def week(api: Api, template: dict[str, Any]) -> dict[str, Any]:
    status, body = api.call(
        "POST",
        "/api/planning/instances",
        {"template_id": template["id"], "client_ref": "client-42", "week_start_date": WEEK},
    )
    assert status == 201
    return dict(body)


def _week_path(client_ref: str = "client-42", suffix: str = "") -> str:
    return f"/api/planning/instances/{client_ref}/{WEEK}{suffix}"


def test_the_worker_flow_over_http(api: Api, template: dict[str, Any]) -> None:
    assert template["version"] == 1
    assert template["days"][0] == {
        "day_key": "mon",
        "slot_key": "lunch",
        "dish_template_id": None,
        "notes": "soup",
    }
    status, page = api.call("GET", "/api/planning/templates?search=BALANCED&limit=10")
    assert (status, [t["id"] for t in page["items"]], page["next_cursor"]) == (
        200,
        [template["id"]],
        None,
    )
    status, renamed = api.call(
        "PATCH",
        f"/api/planning/templates/{template['id']}",
        {"name": "Lean", "expected_version": 1},
    )
    assert (status, renamed["name"], renamed["version"]) == (200, "Lean", 2)

    status, week = api.call(
        "POST",
        "/api/planning/instances",
        {"template_id": template["id"], "client_ref": "client-42", "week_start_date": WEEK},
    )
    assert (status, week["days"], week["template_snapshot"]) == (
        201,
        template["days"],
        template["days"],
    )
    status, edited = api.call("PUT", _week_path(suffix="/slots/mon/dinner"), {"notes": "tofu"})
    assert (status, edited["version"], edited["days"][1]["notes"]) == (200, 2, "tofu")
    status, overrides = api.call("GET", _week_path(suffix="/overrides"))
    assert [(o["slot_key"], o["current"]["notes"]) for o in overrides["items"]] == [
        ("dinner", "tofu")
    ]
    status, reset = api.call("POST", _week_path(suffix="/slots/mon/dinner/reset"), {})
    assert (status, reset["days"]) == (200, template["days"])

    status, replaced = api.call(
        "PUT", _week_path(), {"days": [{"day_key": "sun", "slot_key": "brunch"}]}
    )
    assert (status, [d["day_key"] for d in replaced["days"]]) == (200, ["sun"])
    status, listed = api.call(
        "GET", f"/api/planning/instances?client_ref=client-42&week_start_date={WEEK}"
    )
    assert [i["id"] for i in listed["items"]] == [week["id"]]
    assert (
        api.call("GET", f"/api/planning/templates/{template['id']}")[1]["days"]
        == (template["days"])
    )
    assert api.call("DELETE", _week_path()) == (204, None)
    assert api.call("DELETE", f"/api/planning/templates/{template['id']}") == (204, None)


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "expected"),
    [
        pytest.param(
            "GET",
            "/api/planning/templates/missing",
            None,
            404,
            {"detail": "week_plan_template_not_found"},
            id="TemplateNotFound",
        ),
        pytest.param(
            "GET",
            _week_path("nobody"),
            None,
            404,
            {"detail": "week_plan_instance_not_found"},
            id="InstanceNotFound",
        ),
        pytest.param(
            "POST",
            "/api/planning/instances",
            "SAME_WEEK",
            409,
            {"detail": "week_plan_instance_exists"},
            id="InstanceExists",
        ),
        pytest.param(
            "PUT",
            "/api/planning/templates/TEMPLATE",
            {"name": "Stale", "expected_version": 7},
            409,
            {"detail": "week_plan_version_conflict"},
            id="VersionConflict",
        ),
        pytest.param(
            "POST",
            "/api/planning/templates",
            {"name": " ", "days": [{"day_key": "funday", "slot_key": "lunch"}]},
            422,
            {
                "detail": "invalid_input",
                "errors": [
                    {"loc": ["name"], "msg": "must not be empty"},
                    {
                        "loc": ["days", 0, "day_key"],
                        "msg": "must be one of mon, tue, wed, thu, fri, sat, sun",
                    },
                ],
            },
            id="InvalidInput",
        ),
        pytest.param(
            "POST",
            "/api/planning/instances",
            {"template_id": "TEMPLATE", "client_ref": "client-7", "week_start_date": "2026-11-24"},
            422,
            {
                "detail": "invalid_input",
                "errors": [
                    {"loc": ["week_start_date"], "msg": "must be a mon (2026-11-24 is a tue)"}
                ],
            },
            id="InvalidInput-week",
        ),
        pytest.param(
            "PUT",
            _week_path(suffix="/slots/mon/lunch"),
            {"dish_template_id": "no-such-dish"},
            404,
            {"detail": "dish_not_found"},
            id="DishNotFound",
        ),
        pytest.param(
            "POST",
            _week_path(suffix="/bulk-assign"),
            {"slot_key": "dinner", "dish_template_id": "no-such-dish", "days": ["mon"]},
            404,
            {"detail": "dish_not_found"},
            id="DishNotFound-bulk",
        ),
        pytest.param(
            "GET",
            "/api/planning/dishes/no-such-dish",
            None,
            404,
            {"detail": "dish_not_found"},
            id="DishNotFound-get",
        ),
        pytest.param(
            "GET",
            "/api/planning/dish-suggestions?slot_key=lunch&limit=0",
            None,
            422,
            {
                "detail": "invalid_input",
                "errors": [{"loc": ["limit"], "msg": "must be an integer between 1 and 100"}],
            },
            id="InvalidInput-suggestions",
        ),
        pytest.param(
            "GET",
            f"/api/planning/rulesets/{UNKNOWN_HASH}",
            None,
            404,
            {"detail": "guardrails_ruleset_not_found"},
            id="RulesetNotFound-get",
        ),
        pytest.param(
            "PUT",
            "/api/planning/clients/client-42/ruleset",
            {"content_hash": UNKNOWN_HASH},
            404,
            {"detail": "guardrails_ruleset_not_found"},
            id="RulesetNotFound-assign",
        ),
        pytest.param(
            "GET",
            _week_path(suffix="/guardrails-check"),
            None,
            404,
            {"detail": "guardrails_ruleset_not_found"},
            id="RulesetNotFound-check",
        ),
        pytest.param(
            "POST",
            "/api/planning/rulesets",
            {"ruleset": {"diet_id": "vegan", "rules": "none"}},
            422,
            {
                "detail": "invalid_input",
                "errors": [{"loc": ["ruleset", "rules"], "msg": "must be a list"}],
            },
            id="InvalidInput-ruleset",
        ),
        pytest.param(
            "GET",
            "/api/planning/templates?limit=ten",
            None,
            422,
            {
                "detail": "invalid_input",
                "errors": [{"loc": ["limit"], "msg": "must be an integer"}],
            },
            id="InvalidInput-query",
        ),
        pytest.param(
            "POST",
            "/api/planning/templates",
            "{not json",
            422,
            {
                "detail": "invalid_input",
                "errors": [{"loc": ["body"], "msg": "must be a JSON object"}],
            },
            id="InvalidInput-body",
        ),
    ],
)
def test_every_contract_error_comes_back_with_its_status_and_body(
    api: Api,
    week: dict[str, Any],
    method: str,
    path: str,
    body: Any,
    status: int,
    expected: dict[str, Any],
) -> None:
    template_id = week["template_id"]
    if body == "SAME_WEEK":
        body = {"template_id": template_id, "client_ref": "client-42", "week_start_date": WEEK}
    elif isinstance(body, dict):
        body = {k: template_id if v == "TEMPLATE" else v for k, v in body.items()}
    assert api.call(method, path.replace("TEMPLATE", template_id), body) == (status, expected)


def test_a_tenant_comes_from_the_host_never_from_the_body(
    api: Api, template: dict[str, Any]
) -> None:
    status, body = api.call("POST", "/api/planning/templates", {"name": "x", "tenant_id": "other"})
    assert (status, body["errors"]) == (422, [{"loc": ["tenant_id"], "msg": "unknown field"}])
    intruder = Api(f"tenant-{uuid.uuid4().hex[:12]}")
    assert intruder.call("GET", f"/api/planning/templates/{template['id']}") == (
        404,
        {"detail": "week_plan_template_not_found"},
    )
    assert Client().get("/api/planning/templates").status_code == 403  # no tenant at all


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[URLPattern]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix)
        else:
            yield pattern


def _mutating_routes() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for pattern in _routes(get_resolver().url_patterns):
        methods: frozenset[str] = getattr(pattern.callback, "http_methods", frozenset())
        assert pattern.name, f"every route has a name: {pattern.pattern}"
        found.extend((pattern.name, m) for m in sorted(methods - SAFE_METHODS))
    return found


def test_the_route_walk_finds_every_writing_route() -> None:
    assert {
        ("templates", "POST"),
        ("template", "PUT"),
        ("template", "PATCH"),
        ("template", "DELETE"),
        ("instances", "POST"),
        ("instance", "PUT"),
        ("instance", "DELETE"),
        ("slot", "PUT"),
        ("slot-reset", "POST"),
        ("instance-bulk-assign", "POST"),
        ("template-bulk-assign", "POST"),
        ("dish", "PUT"),
        ("dish", "DELETE"),
        ("rulesets", "POST"),
        ("client-ruleset", "PUT"),
    } <= set(_mutating_routes())


@pytest.mark.parametrize(("name", "method"), _mutating_routes())
@pytest.mark.parametrize("body", [{}, "{not json"], ids=["empty", "garbage"])
def test_a_read_only_worker_is_refused_on_every_writing_route(
    api: Api, viewer: Api, week: dict[str, Any], name: str, method: str, body: Any
) -> None:
    samples = {
        "template_id": week["template_id"],
        "client_ref": "client-42",
        "week_start_date": WEEK,
        "day_key": "mon",
        "slot_key": "lunch",
        "dish_id": "soup",
        "content_hash": UNKNOWN_HASH,
    }
    pattern = next(p for p in _routes(get_resolver().url_patterns) if p.name == name)
    kwargs = {key: samples[key] for key in pattern.pattern.converters}
    before = (
        api.call("GET", "/api/planning/templates"),
        api.call("GET", "/api/planning/instances"),
    )
    assert viewer.call(method, reverse(name, kwargs=kwargs), body) == (403, {"detail": "read_only"})
    after = (api.call("GET", "/api/planning/templates"), api.call("GET", "/api/planning/instances"))
    assert after == before


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


def test_dishes_bulk_assign_suggestions_and_the_clients_week(
    api: Api, tenant: str, week: dict[str, Any]
) -> None:
    for dish_id, name, meal_types in [
        ("soup", "Tomatensoep", ["lunch"]),
        ("curry", "Chickpea curry", ["dinner"]),
        ("oats", "Havermout", []),
    ]:
        status, dish = api.call(
            "PUT", f"/api/planning/dishes/{dish_id}", {"name": name, "meal_types": meal_types}
        )
        assert (status, dish["version"]) == (200, 1)
    status, assigned = api.call(
        "POST",
        _week_path(suffix="/bulk-assign"),
        {"slot_key": "dinner", "dish_template_id": "curry", "days": ["mon", "wed"]},
    )
    assert status == 200
    assert [(d["day_key"], d["slot_key"], d["dish_template_id"]) for d in assigned["days"]] == [
        ("mon", "lunch", None),
        ("mon", "dinner", "curry"),
        ("wed", "dinner", "curry"),
    ]
    status, template = api.call(
        "POST",
        f"/api/planning/templates/{week['template_id']}/bulk-assign",
        {"slot_key": "lunch", "dish_template_id": "soup", "days": "tue"},
    )
    assert (status, template["days"][-1]["dish_template_id"]) == (200, "soup")

    status, suggested = api.call("GET", "/api/planning/dish-suggestions?slot_key=dinner&limit=2")
    assert status == 200
    assert [(s["dish"]["id"], s["history_count"]) for s in suggested["items"]] == [("curry", 2)]
    status, found = api.call("GET", "/api/planning/dish-suggestions?slot_key=snack&query=HAVER")
    assert [s["dish"]["name"] for s in found["items"]] == ["Havermout"]

    client = Client(headers={"X-Tenant": tenant, "X-Client-Ref": "client-42"})
    response = client.get(f"/client/weekly-plan?week_start_date={WEEK}")
    assert response.status_code == 200
    view = _json(response)
    assert [d["day_key"] for d in view["days"]] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert view["days"][2]["slots"] == [
        {
            "slot_key": "dinner",
            "meal_type": "dinner",
            "dish_template_id": "curry",
            "dish_name": "Chickpea curry",
            "dish_missing": False,
            "notes": None,
        }
    ]
    assert view["days"][3]["slots"] == []
    stranger = Client(headers={"X-Tenant": tenant, "X-Client-Ref": "client-7"})
    assert _json(stranger.get(f"/client/weekly-plan?week_start_date={WEEK}")) == {
        "detail": "week_plan_instance_not_found"
    }
    assert client.post(f"/client/weekly-plan?week_start_date={WEEK}").status_code == 405
    assert Client(headers={"X-Tenant": tenant}).get("/client/weekly-plan").status_code == 403


def test_a_clients_diet_is_enforced_over_http(api: Api, viewer: Api, week: dict[str, Any]) -> None:
    for dish_id, ingredients in [("pap", ["halfvolle melk"]), ("koek", ["suiker"])]:
        status, _ = api.call(
            "PUT", f"/api/planning/dishes/{dish_id}", {"name": dish_id, "ingredients": ingredients}
        )
        assert status == 200
    status, saved = api.call("POST", "/api/planning/rulesets", {"ruleset": DIET})
    assert (status, saved["diet_id"], saved["version"]) == (201, "koemelkvrij", 1)
    content_hash = saved["content_hash"]
    assert api.call("POST", "/api/planning/rulesets", {"ruleset": DIET}) == (201, saved)
    assert api.call("GET", f"/api/planning/rulesets/{content_hash}") == (200, saved)
    assert api.call("GET", "/api/planning/rulesets?diet_id=koemelkvrij") == (
        200,
        {"items": [saved], "next_cursor": None},
    )
    client_ruleset = "/api/planning/clients/client-42/ruleset"
    status, assigned = api.call("PUT", client_ruleset, {"content_hash": content_hash})
    assert (status, assigned["ruleset"]) == (200, saved)
    assert set(assigned) == {"ruleset", "weeks_checked", "weeks_not_compliant"}
    assert assigned["weeks_not_compliant"] == []
    status, week = api.call("GET", _week_path())  # its stored check may have been renewed
    assert viewer.call("GET", client_ruleset) == (200, {"ruleset": saved})

    status, refused = api.call(
        "PUT", _week_path(suffix="/slots/mon/lunch"), {"dish_template_id": "pap"}
    )
    assert (status, refused["detail"]) == (422, "guardrails_violation")
    assert refused["decision"]["outcome"] == "blocked"
    assert refused["decision"]["applied_rule_ids"] == ["geen-melk"]
    assert api.call("GET", _week_path()) == (200, week)  # nothing was saved

    status, warned = api.call(
        "PUT", _week_path(suffix="/slots/mon/lunch"), {"dish_template_id": "koek"}
    )
    assert status == 200
    assert warned["guardrails"]["outcome"] == "warned"
    assert warned["guardrails"]["content_hash"] == content_hash
    assert warned["guardrails"]["applied_rule_ids"] == ["minder-suiker"]
    status, checked = viewer.call("GET", _week_path(suffix="/guardrails-check"))
    assert (status, checked["outcome"], checked["content_hash"]) == (200, "warned", content_hash)

    status, taken_off = api.call("PUT", client_ruleset, {"content_hash": None})
    assert (status, taken_off["ruleset"], taken_off["weeks_not_compliant"]) == (200, None, [])
    status, unchecked = api.call(
        "PUT", _week_path(suffix="/slots/mon/lunch"), {"dish_template_id": "pap"}
    )
    assert (status, unchecked["guardrails"]) == (200, None)
