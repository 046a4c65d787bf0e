"""Hostile input meets one boundary: each case is ``InvalidInput``, the same on every store.

The conformance suite fuzzes every public method on every store; these are the
cases that fuzz found, pinned down one by one on the in-memory store and the
parsers themselves.
"""

from __future__ import annotations

import base64
import json
from datetime import date
from typing import Any

import pytest
from flask import Flask

from weekplan import ClientPlanner, InvalidInput, Planner, WorkerPlanner
from weekplan.adapters.memory import InMemoryStore
from weekplan.contrib.flask import RequestAccess, init_app, planning_blueprint
from weekplan.domain._limits import INT_MAX, WEEK_START_MAX
from weekplan.guardrails import ruleset_from_json
from weekplan.serialization import TemplateCreate, from_json, parse_json
from weekplan.testing._hostile_input import public_methods

MONDAY = "2026-11-23"
DEEP_JSON = "[" * 50_000 + "]" * 50_000


@pytest.fixture
def planner() -> Planner:
    return Planner(InMemoryStore())


@pytest.fixture
def worker(planner: Planner) -> WorkerPlanner:
    worker = planner.worker("tenant-a")
    template = worker.create_template("Week", [{"day_key": "mon", "slot_key": "lunch"}])
    worker.create_instance(template.id, "client-42", MONDAY)
    return worker


def _ruleset(**changes: Any) -> dict[str, Any]:
    rule = {
        "id": "no-milk",
        "action": "block",
        "strictness": "hard",
        "priority": 1,
        "target": "ingredient",
        "match": {"term": "milk"},
    }
    return {"diet_id": "dairy-free", "rules": [rule], **changes}


def _fields(error: pytest.ExceptionInfo[InvalidInput]) -> list[list[str | int]]:
    return [item["loc"] for item in error.value.errors]


@pytest.mark.parametrize(
    "call",
    [
        lambda w: w.create_template("Week \ud800"),
        lambda w: w.create_template("Week", [{"day_key": "mon", "slot_key": "lunch\udfff"}]),
        lambda w: w.get_instance("client-\ud800", MONDAY),
        lambda w: w.upsert_dish("oats", name="Oats", ingredients=["milk\ud800"]),
        lambda w: w.set_slot("client-42", MONDAY, "mon", "lunch", notes="\ud800"),
        lambda w: w.list_templates(search="\ud800"),
        lambda w: w.save_ruleset(_ruleset(diet_id="diet\ud800")),
    ],
)
def test_a_lone_surrogate_in_any_text_is_invalid_input(call: Any, worker: WorkerPlanner) -> None:
    with pytest.raises(InvalidInput, match="surrogate"):
        call(worker)


@pytest.mark.parametrize(
    "call",
    [
        lambda w: w.list_templates(search="soup\x00"),
        lambda w: w.list_dishes(search="\x00"),
        lambda w: w.suggest_dishes("lunch", query="a\x00b"),
    ],
)
def test_a_nul_in_a_search_is_invalid_input(call: Any, worker: WorkerPlanner) -> None:
    with pytest.raises(InvalidInput, match="control characters"):
        call(worker)


def _cursor(*parts: str) -> str:
    raw = json.dumps(list(parts)).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    ("method", "cursor"),
    [
        ("list_rulesets", _cursor("rulesets", "diet", "²", "hash")),
        ("list_rulesets", _cursor("rulesets", "diet", "9" * 40, "hash")),
        ("list_instances", _cursor("instances", "9999-12-31", "client-42")),
        ("list_templates", _cursor("templates", "\x00", "id")),
        ("list_dishes", _cursor("dishes", "\ud800", "id")),
        ("list_templates", base64.urlsafe_b64encode(b"[" * 3000).decode()),
    ],
)
def test_a_forged_cursor_is_invalid_input(method: str, cursor: str, worker: WorkerPlanner) -> None:
    with pytest.raises(InvalidInput) as error:
        getattr(worker, method)(cursor=cursor)
    assert _fields(error) == [["cursor"]]


@pytest.mark.parametrize("version", [2**31, 10**20, -(2**31)])
def test_a_ruleset_version_beyond_32_bits_is_invalid_input(
    version: int, worker: WorkerPlanner
) -> None:
    with pytest.raises(InvalidInput) as error:
        worker.save_ruleset(_ruleset(version=version))
    assert _fields(error) == [["ruleset", "version"]]


def test_the_largest_32_bit_version_is_kept(worker: WorkerPlanner) -> None:
    assert worker.save_ruleset(_ruleset(version=INT_MAX)).version == INT_MAX


@pytest.mark.parametrize("field", ["min_per_week", "max_per_day"])
def test_a_diet_logic_count_beyond_32_bits_is_invalid_input(
    field: str, worker: WorkerPlanner
) -> None:
    constraint = {
        "id": "dairy",
        "kind": "limit" if field.startswith("max") else "force",
        "category": "dairy",
        "items": [{"term": "milk"}],
        field: 2**31,
    }
    with pytest.raises(InvalidInput):
        worker.save_ruleset(_ruleset(diet_logic=[constraint]))


@pytest.mark.parametrize("version", [2**31, 10**20, True])
def test_an_expected_version_beyond_32_bits_is_invalid_input(
    version: int, worker: WorkerPlanner
) -> None:
    with pytest.raises(InvalidInput) as error:
        worker.update_instance("client-42", MONDAY, days=[], expected_version=version)
    assert _fields(error) == [["expected_version"]]


@pytest.mark.parametrize("week", [date(9999, 12, 27), "9999-12-27", date(1, 1, 1), "0999-12-30"])
def test_a_week_whose_days_leave_the_date_range_is_invalid_input(
    week: date | str, worker: WorkerPlanner
) -> None:
    template = worker.create_template("Far", [])
    with pytest.raises(InvalidInput) as error:
        worker.create_instance(template.id, "client-42", week)
    assert _fields(error) == [["week_start_date"]]


def test_the_last_week_a_store_holds_can_be_created_and_viewed(
    planner: Planner, worker: WorkerPlanner
) -> None:
    assert date(9999, 12, 25) == WEEK_START_MAX
    last_monday = date(9999, 12, 20)
    template = worker.create_template("Far", [{"day_key": "sun", "slot_key": "lunch"}])
    worker.create_instance(template.id, "client-42", last_monday)
    view = planner.client("tenant-a", "client-42").weekly_plan(last_monday)
    assert view.day("sun").date == date(9999, 12, 26)


@pytest.mark.parametrize("days", [[[["mon"]]], [{"day_key": "mon"}], "week\x00"])
def test_a_nested_day_scope_is_invalid_input(days: Any, worker: WorkerPlanner) -> None:
    nested: Any = "mon"
    for _ in range(50_000):
        nested = [nested]
    with pytest.raises(InvalidInput):
        worker.bulk_assign("client-42", MONDAY, slot_key="lunch", dish_template_id="x", days=days)
    with pytest.raises(InvalidInput):
        worker.bulk_assign(
            "client-42", MONDAY, slot_key="lunch", dish_template_id="x", days=[nested]
        )


@pytest.mark.parametrize("read_only", [NotImplemented, "false", 0, None])
def test_read_only_must_be_a_bool(read_only: Any, planner: Planner) -> None:
    with pytest.raises(InvalidInput) as error:
        planner.worker("tenant-a", read_only=read_only)
    assert _fields(error) == [["read_only"]]


def test_json_nested_50000_deep_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="nested too deeply"):
        parse_json(DEEP_JSON)
    with pytest.raises(InvalidInput, match="nested too deeply"):
        ruleset_from_json(DEEP_JSON)
    nested: Any = []
    for _ in range(50_000):
        nested = [nested]
    with pytest.raises(InvalidInput):
        from_json(TemplateCreate, {"name": "Week", "days": nested})


@pytest.mark.parametrize("body", [DEEP_JSON, '{"name": "\\ud800"}', b"\xff\xfe", "{"])
def test_a_flask_body_that_is_deep_or_broken_is_422(body: str | bytes) -> None:
    app = Flask(__name__)
    init_app(app, Planner(InMemoryStore()), access=lambda: RequestAccess("tenant-a"))
    app.register_blueprint(planning_blueprint())
    response = app.test_client().post(
        "/api/planning/templates", data=body, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.get_json()["detail"] == "invalid_input"


def test_the_fuzz_of_the_conformance_suite_finds_every_public_method_itself() -> None:
    class ExtendedWorker(WorkerPlanner):
        def archive_week(self, client_ref: str) -> None:
            """A method a later version might add."""

    methods = public_methods(ExtendedWorker)
    assert "archive_week" in methods
    assert {"create_template", "set_slot", "save_ruleset", "suggest_dishes"} <= set(methods)
    assert not any(name.startswith("_") for name in methods)
    assert public_methods(ClientPlanner) == ["list_weeks", "weekly_plan"]
