"""The example Flask app, end to end over HTTP with Flask's test client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_app import create_app
from werkzeug.test import TestResponse

from weekplan.http import ROUTES

MONDAY = "2026-11-23"
WORKER = "worker-token"
VIEWER = "viewer-token"
CLIENT = "client-token"
OTHER = "other-practice-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

TEMPLATE_BODY = {
    "name": "Balanced week",
    "days": [
        {"day_key": "mon", "slot_key": "breakfast", "dish_template_id": "oats"},
        {"day_key": "mon", "slot_key": "dinner", "notes": "salmon"},
    ],
}


class Api:
    """The test client, speaking as one token at a time."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def call(
        self, method: str, url: str, token: str = WORKER, body: Any = None, **kwargs: Any
    ) -> TestResponse:
        headers = {"Authorization": f"Bearer {token}"}
        if body is not None:
            kwargs["json"] = body
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def ok(self, method: str, url: str, token: str = WORKER, body: Any = None) -> Any:
        response = self.call(method, url, token, body)
        assert response.status_code in (200, 201, 204), (response.status_code, response.json)
        return response.get_json(silent=True)


@pytest.fixture
def app() -> Flask:
    return create_app({"TESTING": True, "WEEKPLAN_DATABASE_URL": "sqlite://"})


@pytest.fixture
def api(app: Flask) -> Iterator[Api]:
    with app.test_client() as client:
        yield Api(client)


@pytest.fixture
def template(api: Api) -> dict[str, Any]:
    api.ok(
        "PUT", "/api/planning/dishes/oats", body={"name": "Havermout", "meal_types": ["breakfast"]}
    )
    created: dict[str, Any] = api.ok("POST", "/api/planning/templates", body=TEMPLATE_BODY)
    return created


@pytest.fixture
def instance(api: Api, template: dict[str, Any]) -> dict[str, Any]:
    body = {"template_id": template["id"], "client_ref": "client-42", "week_start_date": MONDAY}
    created: dict[str, Any] = api.ok("POST", "/api/planning/instances", body=body)
    return created


def no_milk(strictness: str) -> dict[str, Any]:
    """A dairy-free ruleset whose one rule blocks milk, hard or soft."""
    return {
        "diet_id": "koemelkvrij",
        "rules": [
            {
                "id": "geen-melk",
                "action": "block",
                "strictness": strictness,
                "priority": 1,
                "target": "ingredient",
                "match": {"term": "melk"},
            }
        ],
    }


@pytest.fixture
def milky_dish(api: Api) -> str:
    api.ok("PUT", "/api/planning/dishes/pap", body={"name": "Pap", "ingredients": ["melk"]})
    return "pap"


@pytest.fixture
def diet(api: Api, instance: dict[str, Any]) -> str:
    """The hash of a hard dairy-free ruleset that client-42 is on (their week passes it)."""
    saved = api.ok("POST", "/api/planning/rulesets", body=no_milk("hard"))
    api.ok(
        "PUT",
        "/api/planning/clients/client-42/ruleset",
        body={"content_hash": saved["content_hash"]},
    )
    content_hash: str = saved["content_hash"]
    return content_hash


def test_the_worker_flow_clone_edit_one_slot_leaves_the_template_alone(
    api: Api, template: dict[str, Any], instance: dict[str, Any]
) -> None:
    assert instance["days"] == instance["template_snapshot"] == template["days"]
    week = f"/api/planning/instances/client-42/{MONDAY}"
    edited = api.ok("PUT", f"{week}/slots/mon/dinner", body={"notes": "tofu stir-fry"})
    assert edited["version"] == 2
    assert api.ok("GET", f"{week}/overrides") == [
        {
            "day_key": "mon",
            "slot_key": "dinner",
            "snapshot": {
                "day_key": "mon",
                "slot_key": "dinner",
                "dish_template_id": None,
                "notes": "salmon",
            },
            "current": {
                "day_key": "mon",
                "slot_key": "dinner",
                "dish_template_id": None,
                "notes": "tofu stir-fry",
            },
        }
    ]
    assert api.ok("GET", f"/api/planning/templates/{template['id']}") == template
    reset = api.ok("POST", f"{week}/slots/mon/dinner/reset")
    assert reset["days"] == template["days"]


def test_templates_are_listed_searched_paged_updated_and_deleted(
    api: Api, template: dict[str, Any]
) -> None:
    api.ok("POST", "/api/planning/templates", body={"name": "Lean week"})
    page = api.ok("GET", "/api/planning/templates?search=BALANCED")
    assert [t["name"] for t in page["items"]] == ["Balanced week"]
    first = api.ok("GET", "/api/planning/templates?limit=1")
    second = api.ok("GET", f"/api/planning/templates?limit=1&cursor={first['next_cursor']}")
    assert [first["items"][0]["name"], second["items"][0]["name"]] == ["Balanced week", "Lean week"]
    url = f"/api/planning/templates/{template['id']}"
    renamed = api.ok("PATCH", url, body={"name": "Renamed", "expected_version": 1})
    assert (renamed["name"], renamed["version"], renamed["days"]) == (
        "Renamed",
        2,
        template["days"],
    )
    assert api.call("DELETE", url).status_code == 204
    assert api.call("GET", url).status_code == 404


def test_instances_are_replaced_listed_and_deleted(api: Api, instance: dict[str, Any]) -> None:
    week = f"/api/planning/instances/client-42/{MONDAY}"
    days = [{"day_key": "sun", "slot_key": "brunch", "dish_template_id": None, "notes": "eggs"}]
    replaced = api.ok("PUT", week, body={"days": days, "expected_version": 1})
    assert replaced["days"] == days
    assert replaced["template_snapshot"] == instance["template_snapshot"]
    listed = api.ok("GET", f"/api/planning/instances?client_ref=client-42&week_start_date={MONDAY}")
    assert [i["id"] for i in listed["items"]] == [instance["id"]]
    assert api.call("DELETE", week).status_code == 204
    assert api.call("GET", week).get_json() == {"detail": "week_plan_instance_not_found"}


def test_bulk_assign_and_dish_suggestions(api: Api, instance: dict[str, Any]) -> None:
    api.ok(
        "PUT", "/api/planning/dishes/soup", body={"name": "Tomato soup", "meal_types": ["lunch"]}
    )
    week = f"/api/planning/instances/client-42/{MONDAY}"
    body = {"slot_key": "lunch", "dish_template_id": "soup", "days": ["wed", "mon"]}
    assigned = api.ok("POST", f"{week}/bulk-assign", body=body)
    lunches = [
        (e["day_key"], e["dish_template_id"]) for e in assigned["days"] if e["slot_key"] == "lunch"
    ]
    assert lunches == [("mon", "soup"), ("wed", "soup")]
    suggestions = api.ok("GET", "/api/planning/dish-suggestions?slot_key=lunch&limit=5")
    assert suggestions[0]["dish"]["id"] == "soup"
    assert {s["dish"]["id"] for s in suggestions} <= {"soup", "oats"}
    found = api.ok("GET", "/api/planning/dish-suggestions?slot_key=breakfast&query=haver")
    assert [s["dish"]["name"] for s in found] == ["Havermout"]


# -- diet guardrails ----------------------------------------------------------------

WEEK = f"/api/planning/instances/client-42/{MONDAY}"


def test_rulesets_are_saved_once_listed_read_assigned_and_detached(api: Api) -> None:
    saved = api.call("POST", "/api/planning/rulesets", body=no_milk("hard"))
    assert saved.status_code == 201
    ruleset = saved.get_json()
    assert (ruleset["diet_id"], ruleset["version"]) == ("koemelkvrij", 1)
    content_hash = ruleset["content_hash"]
    assert api.ok("POST", "/api/planning/rulesets", body=ruleset) == ruleset, "saved again"
    api.ok("POST", "/api/planning/rulesets", body={**no_milk("soft"), "diet_id": "lactosevrij"})
    page = api.ok("GET", "/api/planning/rulesets?limit=1")
    assert [r["diet_id"] for r in page["items"]] == ["koemelkvrij"]
    rest = api.ok("GET", f"/api/planning/rulesets?limit=1&cursor={page['next_cursor']}")
    assert ([r["diet_id"] for r in rest["items"]], rest["next_cursor"]) == (["lactosevrij"], None)
    only = api.ok("GET", "/api/planning/rulesets?diet_id=koemelkvrij")
    assert only == {"items": [ruleset], "next_cursor": None}
    assert api.ok("GET", f"/api/planning/rulesets/{content_hash}", token=VIEWER) == ruleset

    client = "/api/planning/clients/client-42/ruleset"
    assert api.ok("GET", client) == {"ruleset": None}
    assert api.ok("PUT", client, body={"content_hash": content_hash}) == {
        "ruleset": ruleset,
        "weeks_checked": 0,
        "weeks_not_compliant": [],
    }
    assert api.ok("GET", client, token=VIEWER) == {"ruleset": ruleset}
    assert api.call("DELETE", client).status_code == 204
    assert api.ok("GET", client) == {"ruleset": None}
    assert api.call("DELETE", client).status_code == 204, "detaching twice is harmless"


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("PUT", f"{WEEK}/slots/mon/dinner", {"dish_template_id": "pap"}),
        ("POST", f"{WEEK}/bulk-assign", {"slot_key": "lunch", "dish_template_id": "pap"}),
    ],
)
def test_a_change_a_hard_rule_blocks_is_422_with_the_decision_and_saves_nothing(
    api: Api, diet: str, milky_dish: str, method: str, url: str, body: dict[str, Any]
) -> None:
    before = api.ok("GET", WEEK)
    response = api.call(method, url, body=body)
    assert response.status_code == 422
    assert response.get_json() == {
        "detail": "guardrails_violation",
        "decision": {
            "outcome": "blocked",
            "reason_codes": ["blocked_ingredient"],
            "applied_rule_ids": ["geen-melk"],
            "summary": response.get_json()["decision"]["summary"],
        },
    }
    assert "geen-melk" in response.get_json()["decision"]["summary"]
    assert api.ok("GET", WEEK) == before
    assert api.ok("GET", f"{WEEK}/overrides") == []


def test_a_soft_rule_saves_and_the_week_carries_the_warning_and_the_ruleset_hash(
    api: Api, instance: dict[str, Any], milky_dish: str
) -> None:
    assert instance["guardrails"] is None
    soft = api.ok("POST", "/api/planning/rulesets", body=no_milk("soft"))["content_hash"]
    api.ok("PUT", "/api/planning/clients/client-42/ruleset", body={"content_hash": soft})
    saved = api.ok("PUT", f"{WEEK}/slots/mon/dinner", body={"dish_template_id": "pap"})
    assert saved["version"] == 2
    assert [e["dish_template_id"] for e in saved["days"] if e["slot_key"] == "dinner"] == ["pap"]
    check = saved["guardrails"]
    assert (check["content_hash"], check["outcome"], check["applied_rule_ids"]) == (
        soft,
        "warned",
        ["geen-melk"],
    )
    assert api.ok("GET", WEEK)["guardrails"] == check
    decision = api.ok("GET", f"{WEEK}/check", token=VIEWER)
    assert (decision["ok"], decision["outcome"], decision["content_hash"]) == (True, "warned", soft)
    assert [(m["rule_id"], m["day_key"], m["dish_id"]) for m in decision["matches"]] == [
        ("geen-melk", "mon", "pap")
    ]


def test_checking_a_week_reads_the_client_s_current_diet_and_writes_nothing(
    api: Api, diet: str, milky_dish: str
) -> None:
    assert api.ok("GET", f"{WEEK}/check")["outcome"] == "allowed"
    api.ok("PUT", f"{WEEK}/slots/mon/dinner", body={"notes": "rustig eten"})
    before = api.ok("GET", WEEK)
    decision = api.ok("GET", f"{WEEK}/check")
    assert (decision["ok"], decision["outcome"], decision["content_hash"]) == (
        True,
        "allowed",
        diet,
    )
    assert api.ok("GET", WEEK) == before


def test_suggestions_for_a_client_leave_out_dishes_their_diet_blocks(
    api: Api, diet: str, milky_dish: str
) -> None:
    def suggested(query: str) -> set[str]:
        found = api.ok("GET", f"/api/planning/dish-suggestions?slot_key=breakfast{query}")
        return {s["dish"]["id"] for s in found}

    assert suggested("") == {"oats", "pap"}
    assert suggested("&client_ref=client-42") == {"oats"}
    assert suggested("&client_ref=client-without-diet") == {"oats", "pap"}


def test_unknown_rulesets_and_malformed_ones_have_their_status_and_body(
    api: Api, instance: dict[str, Any]
) -> None:
    not_found = {"detail": "guardrails_ruleset_not_found"}
    cases: list[tuple[TestResponse, int, dict[str, Any]]] = [
        (api.call("GET", "/api/planning/rulesets/sha256:unknown"), 404, not_found),
        (
            api.call(
                "PUT",
                "/api/planning/clients/client-42/ruleset",
                body={"content_hash": "sha256:unknown"},
            ),
            404,
            not_found,
        ),
        (api.call("GET", f"{WEEK}/check"), 404, not_found),
        (
            api.call(
                "POST",
                "/api/planning/rulesets",
                body={
                    "diet_id": "koemelkvrij",
                    "rules": [
                        {**no_milk("hard")["rules"][0], "action": "forbid"},
                        {**no_milk("hard")["rules"][0], "id": "x", "match": {"term": 7}},
                    ],
                },
            ),
            422,
            {
                "detail": "invalid_input",
                "errors": [
                    {"loc": ["rules", 0, "action"], "msg": "must be one of allow, block"},
                    {"loc": ["rules", 1, "match", "term"], "msg": "must be a string"},
                ],
            },
        ),
        (
            api.call("PUT", "/api/planning/clients/client-42/ruleset", body={"hash": "x"}),
            422,
            {
                "detail": "invalid_input",
                "errors": [
                    {"loc": ["content_hash"], "msg": "field required"},
                    {"loc": ["hash"], "msg": "unknown field"},
                ],
            },
        ),
        (
            api.call("GET", "/api/planning/rulesets?limit=0"),
            422,
            {
                "detail": "invalid_input",
                "errors": [{"loc": ["limit"], "msg": "must be an integer between 1 and 200"}],
            },
        ),
    ]
    for response, status, body in cases:
        assert (response.status_code, response.get_json()) == (status, body), response.request.path
    tampered = api.call(
        "POST", "/api/planning/rulesets", body={**no_milk("hard"), "content_hash": "sha256:0"}
    )
    assert tampered.status_code == 422
    assert [e["loc"] for e in tampered.get_json()["errors"]] == [["content_hash"]]
    assert api.ok("GET", "/api/planning/rulesets") == {"items": [], "next_cursor": None}


def test_the_client_sees_their_week_day_by_day_and_one_slot_in_detail(
    api: Api, instance: dict[str, Any]
) -> None:
    view = api.ok("GET", f"/client/weekly-plan?week_start_date={MONDAY}", token=CLIENT)
    assert [d["day_key"] for d in view["days"]] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert [d["date"] for d in view["days"]][:2] == ["2026-11-23", "2026-11-24"]
    assert [s["slot_key"] for s in view["days"][0]["slots"]] == ["breakfast", "dinner"]
    assert view["days"][1]["slots"] == []
    slot = api.ok(
        "GET", f"/client/weekly-plan/mon/breakfast?week_start_date={MONDAY}", token=CLIENT
    )
    assert slot["dish"]["name"] == "Havermout"
    weeks = api.ok("GET", "/client/weeks", token=CLIENT)
    assert [w["week_start_date"] for w in weeks["items"]] == [MONDAY]


# -- the error contract over HTTP -------------------------------------------------


def test_every_error_of_the_contract_has_its_status_and_body(
    api: Api, template: dict[str, Any], instance: dict[str, Any]
) -> None:
    week = f"/api/planning/instances/client-42/{MONDAY}"
    cases: list[tuple[TestResponse, int, dict[str, Any]]] = [
        (
            api.call("GET", "/api/planning/templates/missing"),
            404,
            {"detail": "week_plan_template_not_found"},
        ),
        (
            api.call(
                "POST",
                "/api/planning/instances",
                body={"template_id": "missing", "client_ref": "c-1", "week_start_date": MONDAY},
            ),
            404,
            {"detail": "week_plan_template_not_found"},
        ),
        (
            api.call("GET", "/api/planning/instances/client-7/2026-11-30"),
            404,
            {"detail": "week_plan_instance_not_found"},
        ),
        (
            api.call(
                "POST",
                "/api/planning/instances",
                body={
                    "template_id": template["id"],
                    "client_ref": "client-42",
                    "week_start_date": MONDAY,
                },
            ),
            409,
            {"detail": "week_plan_instance_exists"},
        ),
        (
            api.call("DELETE", f"/api/planning/templates/{template['id']}", token=VIEWER),
            403,
            {"detail": "read_only"},
        ),
        (
            api.call(
                "PATCH",
                f"/api/planning/templates/{template['id']}",
                body={"name": "x", "expected_version": 7},
            ),
            409,
            {"detail": "week_plan_version_conflict"},
        ),
        (
            api.call(
                "POST",
                f"{week}/bulk-assign",
                body={"slot_key": "lunch", "dish_template_id": "nope"},
            ),
            404,
            {"detail": "dish_not_found"},
        ),
        (
            api.call("GET", "/api/planning/dishes/nope"),
            404,
            {"detail": "dish_not_found"},
        ),
        (
            api.call(
                "GET", f"/client/weekly-plan/tue/lunch?week_start_date={MONDAY}", token=CLIENT
            ),
            404,
            {"detail": "week_plan_slot_not_found"},
        ),
        (
            api.call(
                "POST",
                "/api/planning/templates",
                body={"name": "", "days": [{"day_key": "funday", "slot_key": "x"}]},
            ),
            422,
            {
                "detail": "invalid_input",
                "errors": [
                    {
                        "loc": ["days", 0, "day_key"],
                        "msg": "must be one of mon, tue, wed, thu, fri, sat, sun",
                    }
                ],
            },
        ),
        (
            api.call(
                "POST",
                "/api/planning/instances",
                body={
                    "template_id": template["id"],
                    "client_ref": "c-1",
                    "week_start_date": "2026-11-24",
                },
            ),
            422,
            {
                "detail": "invalid_input",
                "errors": [
                    {"loc": ["week_start_date"], "msg": "must be a mon (2026-11-24 is a tue)"}
                ],
            },
        ),
        (
            api.call("GET", "/api/planning/templates?limit=0"),
            422,
            {
                "detail": "invalid_input",
                "errors": [{"loc": ["limit"], "msg": "must be an integer between 1 and 200"}],
            },
        ),
        (
            api.call(
                "POST", "/api/planning/templates", data="not json", content_type="application/json"
            ),
            422,
            {
                "detail": "invalid_input",
                "errors": [{"loc": [], "msg": "the body must be a JSON object"}],
            },
        ),
    ]
    for response, status, body in cases:
        assert (response.status_code, response.get_json()) == (status, body), response.request.path


def test_a_caller_the_host_did_not_authenticate_gets_401_as_json(api: Api) -> None:
    response = api.call("GET", "/api/planning/templates", token="forged")
    assert (response.status_code, response.get_json()) == (401, {"detail": "unauthorized"})


def test_a_worker_has_no_client_weekly_plan(api: Api) -> None:
    response = api.call("GET", f"/client/weekly-plan?week_start_date={MONDAY}")
    assert (response.status_code, response.get_json()) == (403, {"detail": "client_only"})


# -- read-only access, on every route that writes ----------------------------------

URL_VALUES = {
    "client_ref": "client-42",
    "week_start_date": MONDAY,
    "day_key": "mon",
    "slot_key": "dinner",
    "dish_id": "oats",
}


#: A body each writing route would accept; a route not listed here gets ``{}``.
PLAUSIBLE_BODIES: dict[str, Any] = {
    "create_template": {"name": "Changed"},
    "update_template": {"name": "Changed"},
    "bulk_assign_template": {"slot_key": "lunch", "dish_template_id": "oats"},
    "create_instance": {"client_ref": "client-42", "week_start_date": MONDAY},
    "update_instance": {"days": []},
    "set_slot": {"notes": "changed"},
    "bulk_assign": {"slot_key": "lunch", "dish_template_id": "oats"},
    "upsert_dish": {"name": "Changed"},
    "save_ruleset": no_milk("soft"),
}


def mutating_routes(
    app: Flask, template_id: str, content_hash: str = "sha256:unknown"
) -> list[tuple[str, str, Any]]:
    """Every (method, url, plausible body) of the API that may write, from the route table."""
    values = {**URL_VALUES, "template_id": template_id, "content_hash": content_hash}
    routes = []
    for route in ROUTES:
        if not route.writes:
            continue
        body = PLAUSIBLE_BODIES.get(route.operation_id, {})
        if route.operation_id == "create_instance":
            body = {**body, "template_id": template_id}
        if route.operation_id == "assign_ruleset":
            body = {"content_hash": content_hash}
        routes.append((route.method, route.example_path(**values), body))
    return routes


def _everything(api: Api) -> list[Any]:
    return [
        api.ok("GET", "/api/planning/templates"),
        api.ok("GET", "/api/planning/instances"),
        api.ok("GET", "/api/planning/dishes"),
        api.ok("GET", "/api/planning/rulesets"),
        api.ok("GET", "/api/planning/clients/client-42/ruleset"),
    ]


def test_a_read_only_worker_gets_403_read_only_on_every_route_that_writes(
    app: Flask, api: Api, template: dict[str, Any], instance: dict[str, Any], diet: str
) -> None:
    routes = mutating_routes(app, template["id"], diet)
    assert len(routes) >= 15
    assert {
        ("PUT", f"/api/planning/instances/client-42/{MONDAY}/slots/mon/dinner"),
        ("POST", "/api/planning/rulesets"),
        ("PUT", "/api/planning/clients/client-42/ruleset"),
        ("DELETE", "/api/planning/clients/client-42/ruleset"),
    } <= {(method, url) for method, url, _ in routes}
    before = _everything(api)
    for method, url, plausible in routes:
        for body in (plausible, None, {"name": "x", "days": "garbage"}):
            response = api.call(method, url, token=VIEWER, body=body)
            assert (response.status_code, response.get_json()) == (403, {"detail": "read_only"}), (
                method,
                url,
            )
    assert _everything(api) == before


def test_a_read_only_worker_reads_everything(
    api: Api, template: dict[str, Any], instance: dict[str, Any]
) -> None:
    assert api.ok("GET", f"/api/planning/templates/{template['id']}", token=VIEWER) == template
    assert api.ok("GET", f"/api/planning/instances/client-42/{MONDAY}", token=VIEWER) == instance


# -- tenant isolation ---------------------------------------------------------------


#: Writes that act in the caller's own tenant, which another tenant may do too.
OWN_TENANT_WRITES = {
    ("POST", "/api/planning/templates"),
    ("PUT", "/api/planning/dishes/oats"),
    ("POST", "/api/planning/rulesets"),
    # Their own client-42, who has no diet there.
    ("DELETE", "/api/planning/clients/client-42/ruleset"),
}


def test_a_tenant_cannot_reach_another_tenant_s_data(
    app: Flask, api: Api, template: dict[str, Any], instance: dict[str, Any], diet: str
) -> None:
    before = _everything(api)
    assert api.ok("GET", "/api/planning/templates", token=OTHER)["items"] == []
    assert api.ok("GET", "/api/planning/instances", token=OTHER)["items"] == []
    assert api.ok("GET", "/api/planning/rulesets", token=OTHER)["items"] == []
    client_ruleset = "/api/planning/clients/client-42/ruleset"
    assert api.ok("GET", client_ruleset, token=OTHER) == {"ruleset": None}
    addressing_existing_data = [
        ("GET", f"/api/planning/templates/{template['id']}", None),
        ("GET", f"/api/planning/instances/client-42/{MONDAY}", None),
        ("GET", f"/api/planning/instances/client-42/{MONDAY}/overrides", None),
        ("GET", f"/api/planning/instances/client-42/{MONDAY}/check", None),
        ("GET", "/api/planning/dishes/oats", None),
        ("GET", f"/api/planning/rulesets/{diet}", None),
        *(
            route
            for route in mutating_routes(app, template["id"], diet)
            if route[:2] not in OWN_TENANT_WRITES
        ),
    ]
    assert len(addressing_existing_data) >= 15
    for method, url, body in addressing_existing_data:
        response = api.call(method, url, token=OTHER, body=body)
        assert response.status_code == 404, (method, url, response.get_json())
        assert response.get_json()["detail"] in (
            "week_plan_template_not_found",
            "week_plan_instance_not_found",
            "dish_not_found",
            "guardrails_ruleset_not_found",
        )
    assert api.call("DELETE", client_ruleset, token=OTHER).status_code == 204
    assert _everything(api) == before


def test_the_same_rules_saved_by_two_tenants_are_two_rulesets(api: Api, diet: str) -> None:
    saved = api.ok("POST", "/api/planning/rulesets", token=OTHER, body=no_milk("hard"))
    assert saved["content_hash"] == diet, "the hash names the rules, not the tenant"
    api.ok(
        "PUT",
        "/api/planning/clients/client-7/ruleset",
        token=OTHER,
        body={"content_hash": diet},
    )
    api.ok("DELETE", "/api/planning/clients/client-42/ruleset")
    assert api.ok("GET", f"/api/planning/rulesets/{diet}", token=OTHER) == saved
    assert api.ok("GET", "/api/planning/clients/client-7/ruleset", token=OTHER) == {
        "ruleset": saved
    }
    assert api.ok("GET", "/api/planning/clients/client-7/ruleset") == {"ruleset": None}


def test_a_tenant_id_in_the_body_is_refused_not_obeyed(api: Api, template: dict[str, Any]) -> None:
    response = api.call(
        "POST", "/api/planning/templates", body={"name": "Sneaky", "tenant_id": "practice-2"}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"loc": ["tenant_id"], "msg": "unknown field"}]
    assert api.ok("GET", "/api/planning/templates", token=OTHER)["items"] == []
