"""The HTTP conformance suite: every framework adapter answers as the route table says.

Subclass :class:`HttpConformance` in the host's tests and implement
:meth:`~HttpConformance.make_client`: it returns a client of the host's app
that authenticates as the given :class:`~weekplan.http.RequestAccess` (or as
nobody). Every test then runs over real HTTP requests through the host's
framework, and one of them replays a whole session against weekplan's own
framework-neutral API and requires the same status and JSON for each request,
so two hosts that pass the suite answer alike.
"""

from __future__ import annotations

import abc
import json
import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

import attrs

from weekplan.adapters.memory import InMemoryStore
from weekplan.http import (
    DEFAULT_MAX_BODY_BYTES,
    ROUTES,
    ApiRequest,
    Audience,
    PlanningApi,
    RequestAccess,
    Route,
    openapi_document,
)
from weekplan.planner._planner import Planner
from weekplan.testing._base import MONDAY

__all__ = ["HttpClient", "HttpConformance", "HttpResult", "route_examples"]

WEEK = MONDAY.isoformat()

#: Path values that make each route's URL well-formed.
PATH_VALUES = {
    "template_id": "no-such-template",
    "client_ref": "client-42",
    "week_start_date": WEEK,
    "day_key": "mon",
    "slot_key": "lunch",
    "dish_id": "oats",
    "content_hash": "sha256:" + "0" * 64,
}

#: A body each writing route would accept were the caller allowed (``{}`` otherwise).
PLAUSIBLE_BODIES: Mapping[str, Any] = {
    "create_template": {"name": "Changed"},
    "update_template": {"name": "Changed"},
    "bulk_assign_template": {"slot_key": "lunch", "dish_template_id": "oats"},
    "create_instance": {"template_id": "t", "client_ref": "client-42", "week_start_date": WEEK},
    "update_instance": {"days": []},
    "set_slot": {"notes": "changed"},
    "bulk_assign": {"slot_key": "lunch", "dish_template_id": "oats"},
    "lock_slot": {"reason": "allergy"},
    "apply_draft": {"expected_version": 1},
    "generate_draft": {"days": "mon", "seed": 1},
    "upsert_dish": {"name": "Changed"},
    "save_ruleset": {"diet_id": "plain", "rules": []},
    "assign_ruleset": {"content_hash": PATH_VALUES["content_hash"]},
}

#: Keys only a worker sees; no client payload carries them, at any depth.
WORKER_ONLY_KEYS = frozenset({"tenant_id", "template_id", "template_snapshot"})


@attrs.frozen
class HttpResult:
    """One answer: status, headers (lower-case names) and the raw body."""

    status: int
    headers: Mapping[str, str]
    content: bytes

    def json(self) -> Any:
        """The body parsed as JSON; ``None`` when there is no body."""
        return json.loads(self.content) if self.content else None


class HttpClient(Protocol):
    """What :meth:`HttpConformance.make_client` returns: one caller of the host's app."""

    def request(
        self, method: str, path: str, *, body: bytes | None = None, content_type: str | None = None
    ) -> HttpResult:
        """Send one request; ``path`` may carry a query string."""


def route_examples() -> Iterator[tuple[Route, str, Any]]:
    """Each route of the table with a well-formed URL and a plausible body (or ``None``)."""
    for route in ROUTES:
        body = PLAUSIBLE_BODIES.get(route.operation_id, {}) if route.writes else None
        yield route, route.example_path(**PATH_VALUES), body


def _send(client: HttpClient, method: str, path: str, body: Any = None) -> HttpResult:
    raw = None if body is None else json.dumps(body).encode()
    return client.request(method, path, body=raw, content_type="application/json")


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


class _ReferenceClient:
    """weekplan's own framework-neutral API, in process: what every adapter must answer."""

    def __init__(self, api: PlanningApi, access: RequestAccess) -> None:
        self._api = api
        self._access = access

    def request(
        self, method: str, path: str, *, body: bytes | None = None, content_type: str | None = None
    ) -> HttpResult:
        route_path, _, query_string = path.partition("?")
        query: dict[str, str] = {}
        for pair in filter(None, query_string.split("&")):
            key, _, value = pair.partition("=")
            query.setdefault(key, value)
        request = ApiRequest.of(method, route_path, query=query, body=body or b"")
        answer = self._api.handle(request, lambda: self._access)
        headers = {name.lower(): value for name, value in answer.headers.items()}
        if answer.content_type:
            headers["content-type"] = answer.content_type
        return HttpResult(answer.status, headers, answer.content)


_HEX_ID = re.compile(r"\b[0-9a-f]{32}\b")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")


def _normalized(value: Any, names: dict[str, str]) -> Any:
    # Ids and clocks differ between two runs; their pattern of use must not.
    if isinstance(value, dict):
        # A cursor is opaque: it may carry a position in time, which differs between runs.
        return {
            key: "<cursor>" if key == "next_cursor" and item else _normalized(item, names)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_normalized(item, names) for item in value]
    if isinstance(value, str) and _DATETIME.match(value):
        return "<datetime>"
    if isinstance(value, str):
        return _HEX_ID.sub(lambda found: names.setdefault(found[0], f"<id {len(names)}>"), value)
    return value


def _lock_and_draft_session(send: Callable[[str, str, str, Any], HttpResult], week: str) -> None:
    """The session's part on slot locks and drafts; the week ends with no lock and no draft."""
    w = "worker"
    send(w, "PUT", f"{week}/slots/mon/dinner/lock", {"reason": "allergy"})
    send(w, "PUT", f"{week}/slots/mon/dinner", {"notes": "steak"})
    send(w, "GET", f"{week}/draft", None)
    send(w, "POST", f"{week}/draft", None)
    send(w, "POST", f"{week}/draft", None)
    send(w, "GET", f"{week}/draft", None)
    send("viewer", "GET", f"{week}/draft/review", None)
    send("viewer", "POST", f"{week}/draft/apply", {})
    send(w, "POST", f"{week}/draft/apply", {"expected_version": 2})
    send(w, "POST", f"{week}/draft/apply", {"expected_version": 1, "reason": "reviewed"})
    send(w, "GET", f"{week}/draft/review", None)
    send(w, "POST", f"{week}/draft", None)
    send(w, "DELETE", f"{week}/draft", None)
    send(w, "DELETE", f"{week}/draft", None)
    send(w, "DELETE", f"{week}/slots/mon/dinner/lock", None)
    send(w, "DELETE", f"{week}/slots/mon/dinner/lock", None)


def _session(send: Callable[[str, str, str, Any], HttpResult]) -> None:
    """A session of requests: ``send(role, method, path, body)`` each; ids come from answers."""
    w = "worker"
    send(w, "PUT", "/api/planning/dishes/oats", {"name": "Havermout", "meal_types": ["breakfast"]})
    send(w, "PUT", "/api/planning/dishes/oats", {"name": "Oats", "meal_types": ["breakfast"]})
    send(w, "PUT", "/api/planning/dishes/pap", {"name": "Pap", "ingredients": ["melk"]})
    days = [
        {"day_key": "mon", "slot_key": "breakfast", "dish_template_id": "oats"},
        {"day_key": "mon", "slot_key": "dinner", "notes": "salmon"},
    ]
    template = send(w, "POST", "/api/planning/templates", {"name": "Balanced", "days": days})
    template_id = template.json()["id"]
    send(w, "GET", f"/api/planning/templates/{template_id}", None)
    send(w, "PATCH", f"/api/planning/templates/{template_id}", {"name": "Balanced week"})
    send(w, "GET", "/api/planning/templates?search=balanced&limit=5", None)
    body = {"template_id": template_id, "client_ref": "client-42", "week_start_date": WEEK}
    send(w, "POST", "/api/planning/instances", body)
    send(w, "POST", "/api/planning/instances", body)
    week = f"/api/planning/instances/client-42/{WEEK}"
    send(w, "PUT", f"{week}/slots/mon/dinner", {"notes": "tofu"})
    send(w, "PUT", f"{week}/slots/mon/dinner", {"notes": "x", "expected_version": 1})
    send(w, "GET", f"{week}/overrides", None)
    send(w, "GET", f"{week}/changes?limit=1", None)
    send(w, "GET", "/api/planning/changes?client_ref=client-42&limit=1", None)
    send(w, "GET", "/api/planning/changes?since=yesterday", None)
    send(w, "POST", f"{week}/bulk-assign", {"slot_key": "lunch", "dish_template_id": "oats"})
    send(w, "POST", f"{week}/slots/mon/dinner/reset", None)
    _lock_and_draft_session(send, week)
    send(w, "GET", f"{week}/check", None)
    send(w, "GET", "/api/planning/dish-suggestions?slot_key=breakfast&client_ref=client-42", None)
    diet = {
        "diet_id": "koemelkvrij",
        "rules": [
            {
                "id": "geen-melk",
                "action": "block",
                "strictness": "hard",
                "priority": 1,
                "target": "ingredient",
                "match": {"term": "melk"},
            }
        ],
    }
    saved = send(w, "POST", "/api/planning/rulesets", diet).json()
    send(w, "GET", "/api/planning/rulesets", None)
    ruleset = "/api/planning/clients/client-42/ruleset"
    send(w, "PUT", ruleset, {"content_hash": saved["content_hash"]})
    send(w, "GET", f"{week}/check", None)
    send(w, "PUT", f"{week}/slots/mon/breakfast", {"dish_template_id": "pap"})
    send(w, "GET", "/api/planning/instances?client_ref=client-42", None)
    send("client", "GET", f"/client/weekly-plan?week_start_date={WEEK}", None)
    send("client", "GET", f"/client/weekly-plan/mon/breakfast?week_start_date={WEEK}", None)
    send("client", "GET", "/client/weekly-plan/mon/nothing?week_start_date=" + WEEK, None)
    send("client", "GET", "/client/weeks", None)
    send("client", "GET", f"{week}", None)
    send("viewer", "GET", f"{week}", None)
    send("viewer", "DELETE", f"{week}", None)
    send(w, "DELETE", ruleset, None)
    send(w, "GET", ruleset, None)
    send(w, "DELETE", f"/api/planning/templates/{template_id}", None)
    send(w, "GET", f"/api/planning/templates/{template_id}", None)
    send(w, "DELETE", week, None)
    send(w, "GET", "/api/planning/templates/", None)
    send(w, "DELETE", "/api/planning/templates", None)
    send(w, "POST", "/api/planning/templates", "not an object")
    send(w, "POST", "/api/planning/templates", {"name": 7, "days": [{"day_key": "funday"}]})


def _transcript(by_role: Mapping[str, HttpClient]) -> list[Any]:
    """Each request of the session with its status and JSON, as ``by_role``'s clients answer."""
    transcript: list[Any] = []

    def send(role: str, method: str, path: str, body: Any) -> HttpResult:
        result = _send(by_role[role], method, path, body)
        transcript.append([method, path, result.status, result.json()])
        return result

    _session(send)
    return transcript


class HttpConformance(abc.ABC):
    """The HTTP contract every framework adapter keeps, run through the host's app.

    Implement :meth:`make_client`. Each test works in tenants of its own, so the
    host's app and database may be shared by all of them.
    """

    #: The body limit the host configured.
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    #: What the host answers a caller it did not authenticate (``make_client(None)``).
    unauthenticated_status: int = 401
    #: Generations a client may start per quota window on the host's planner (``None``: no limit).
    generations_per_client: int | None = 10

    @abc.abstractmethod
    def make_client(self, access: RequestAccess | None) -> HttpClient:
        """A client of the host's app that authenticates as ``access`` (``None``: as nobody)."""

    # -- helpers ----------------------------------------------------------------------

    def _clients(self, tenant: str | None = None) -> dict[str, HttpClient]:
        tenant = tenant or f"tenant-{uuid.uuid4().hex[:12]}"
        return {
            "worker": self.make_client(RequestAccess.worker(tenant)),
            "viewer": self.make_client(RequestAccess.viewer(tenant)),
            "client": self.make_client(RequestAccess.client(tenant, "client-42")),
            "other client": self.make_client(RequestAccess.client(tenant, "client-7")),
        }

    def _week_of(self, worker: HttpClient, client_ref: str, notes: str) -> None:
        _send(worker, "PUT", "/api/planning/dishes/oats", {"name": "Havermout"})
        days = [
            {"day_key": "mon", "slot_key": "breakfast", "dish_template_id": "oats", "notes": notes}
        ]
        created = _send(worker, "POST", "/api/planning/templates", {"name": "W", "days": days})
        body = {"template_id": created.json()["id"], "client_ref": client_ref}
        body["week_start_date"] = WEEK
        assert _send(worker, "POST", "/api/planning/instances", body).status == 201

    # -- the same answers as weekplan's own API -------------------------------------------

    def test_a_whole_session_gets_the_reference_statuses_and_json(self) -> None:
        tenant = f"tenant-{uuid.uuid4().hex[:12]}"
        clients = self._clients(tenant)
        reference_api = PlanningApi(Planner(InMemoryStore()))
        reference: dict[str, HttpClient] = {
            "worker": _ReferenceClient(reference_api, RequestAccess.worker(tenant)),
            "viewer": _ReferenceClient(reference_api, RequestAccess.viewer(tenant)),
            "client": _ReferenceClient(reference_api, RequestAccess.client(tenant, "client-42")),
        }
        transcripts = [_transcript(clients), _transcript(reference)]
        host, expected = (_normalized(transcript, {}) for transcript in transcripts)
        for got, want in zip(host, expected, strict=True):
            assert got == want, (got, want)

    # -- roles, for every route of the table ------------------------------------------

    def test_every_worker_route_answers_a_client_403_worker_only(self) -> None:
        client = self._clients()["client"]
        checked = 0
        for route, path, body in route_examples():
            if route.audience is not Audience.WORKER:
                continue
            for attempt in (body, None, {"name": 7}):
                result = _send(client, route.method, path, attempt)
                assert (result.status, result.json()) == (403, {"detail": "worker_only"}), path
            checked += 1
        assert checked == sum(route.audience is Audience.WORKER for route in ROUTES)

    def test_every_client_route_answers_a_worker_and_a_viewer_403_client_only(self) -> None:
        clients = self._clients()
        for route, path, body in route_examples():
            if route.audience is not Audience.CLIENT:
                continue
            for role in ("worker", "viewer"):
                result = _send(clients[role], route.method, f"{path}?week_start_date={WEEK}", body)
                assert (result.status, result.json()) == (403, {"detail": "client_only"}), path

    def test_every_writing_route_answers_a_viewer_403_read_only_before_reading_it(self) -> None:
        clients = self._clients()
        self._week_of(clients["worker"], "client-42", "soup")
        before = _send(clients["worker"], "GET", "/api/planning/templates").json()
        for route, path, body in route_examples():
            if route.audience is not Audience.WORKER:
                continue
            result = _send(clients["viewer"], route.method, path, body)
            if route.writes:
                for attempt in (body, None, "garbage"):
                    result = _send(clients["viewer"], route.method, path, attempt)
                    assert (result.status, result.json()) == (403, {"detail": "read_only"}), path
            else:
                assert result.status != 403, path
        assert _send(clients["worker"], "GET", "/api/planning/templates").json() == before

    def test_a_caller_the_host_did_not_authenticate_is_refused_in_json(self) -> None:
        nobody = self.make_client(None)
        for route, path, body in route_examples():
            if route.audience is Audience.ANYONE:
                continue
            result = _send(nobody, route.method, path, body)
            assert result.status == self.unauthenticated_status, path
            assert result.headers["content-type"].startswith("application/json"), path
            assert isinstance(result.json()["detail"], str)

    # -- a client sees only its own weeks, without the worker's bookkeeping ------------

    def test_a_client_reads_only_its_own_week_whatever_it_asks(self) -> None:
        clients = self._clients()
        self._week_of(clients["worker"], "client-42", "own notes")
        self._week_of(clients["worker"], "client-7", "diagnosis: private")
        for query in (f"week_start_date={WEEK}", f"week_start_date={WEEK}&client_ref=client-7"):
            week = _send(clients["client"], "GET", f"/client/weekly-plan?{query}")
            assert week.status == 200
            assert week.json()["client_ref"] == "client-42"
            assert "diagnosis" not in week.content.decode()
        other = _send(clients["other client"], "GET", f"/client/weekly-plan?week_start_date={WEEK}")
        assert other.json()["client_ref"] == "client-7"
        weeks = _send(clients["client"], "GET", "/client/weeks?client_ref=client-7").json()
        assert [item["week_start_date"] for item in weeks["items"]] == [WEEK]

    def test_a_client_payload_has_days_names_notes_and_detail_but_no_bookkeeping(self) -> None:
        clients = self._clients()
        self._week_of(clients["worker"], "client-42", "with honey")
        client = clients["client"]
        week = _send(client, "GET", f"/client/weekly-plan?week_start_date={WEEK}").json()
        slot = _send(client, "GET", f"/client/weekly-plan/mon/breakfast?week_start_date={WEEK}")
        weeks = _send(client, "GET", "/client/weeks").json()
        assert [day["day_key"] for day in week["days"]] == [
            "mon", "tue", "wed", "thu", "fri", "sat", "sun"
        ]  # fmt: skip
        breakfast = week["days"][0]["slots"][0]
        assert (breakfast["dish_name"], breakfast["notes"]) == ("Havermout", "with honey")
        assert slot.json()["dish"]["name"] == "Havermout"
        for payload in (week, slot.json(), weeks):
            assert not WORKER_ONLY_KEYS & set(_keys(payload)), payload

    # -- JSON for every error inside the API ------------------------------------------

    def test_every_error_inside_the_api_is_json_with_its_status(self) -> None:
        worker = self._clients()["worker"]
        cases = [
            ("GET", "/api/planning/nowhere", None, 404, {"detail": "route_not_found"}),
            ("GET", "/api/planning/templates/", None, 404, {"detail": "route_not_found"}),
            ("GET", "/api/planning", None, 404, {"detail": "route_not_found"}),
            ("GET", "/client/", None, 404, {"detail": "route_not_found"}),
            ("DELETE", "/api/planning/templates", None, 405, {"detail": "method_not_allowed"}),
            ("PATCH", "/client/weeks", None, 405, {"detail": "method_not_allowed"}),
        ]
        for method, path, body, status, expected in cases:
            result = _send(worker, method, path, body)
            assert (result.status, result.json()) == (status, expected), path
            assert result.headers["content-type"].startswith("application/json"), path
        allowed = _send(worker, "DELETE", "/api/planning/templates").headers["allow"]
        assert allowed == "GET, POST"

    def test_a_body_that_is_not_json_is_422_naming_the_body(self) -> None:
        worker = self._clients()["worker"]
        for raw in (b"", b"{", b"\xff\xfe", b"[1, 2]", b'"text"'):
            result = worker.request(
                "POST", "/api/planning/templates", body=raw, content_type="application/json"
            )
            assert result.status == 422, raw
            assert result.json()["detail"] == "invalid_input"

    def test_a_body_over_the_limit_is_413_json_and_at_the_limit_is_parsed(self) -> None:
        worker = self._clients()["worker"]
        over = b" " * (self.max_body_bytes + 1)
        result = worker.request(
            "POST", "/api/planning/templates", body=over, content_type="application/json"
        )
        assert (result.status, result.json()) == (413, {"detail": "payload_too_large"})
        at_limit = b'{"name": "Big"}'.ljust(self.max_body_bytes)
        result = worker.request(
            "POST", "/api/planning/templates", body=at_limit, content_type="application/json"
        )
        assert result.status == 201

    # -- slot locks and drafts -----------------------------------------------------------

    def test_a_locked_slot_is_409_and_a_week_without_a_draft_404(self) -> None:
        worker = self._clients()["worker"]
        self._week_of(worker, "client-42", "soup")
        week = f"/api/planning/instances/client-42/{WEEK}"
        slot = f"{week}/slots/mon/breakfast"
        locked = _send(worker, "PUT", f"{slot}/lock", {"reason": "allergy"})
        assert (locked.status, locked.json()["locks"][0]["reason"]) == (200, "allergy")
        refused = _send(worker, "PUT", slot, {"notes": "changed"})
        assert (refused.status, refused.json()) == (
            409,
            {
                "detail": "week_plan_slot_locked",
                "slots": [{"day_key": "mon", "slot_key": "breakfast"}],
            },
        )
        unlocked = _send(worker, "DELETE", f"{slot}/lock")
        assert (unlocked.status, unlocked.json()["locks"]) == (200, [])
        missing = {"detail": "week_plan_draft_not_found"}
        assert (_send(worker, "GET", f"{week}/draft").json()) == missing
        started = _send(worker, "POST", f"{week}/draft")
        assert (started.status, started.json()["version"]) == (200, 1)
        review = _send(worker, "GET", f"{week}/draft/review").json()
        assert (review["diff"], review["stale"]) == ([], False)
        applied = _send(worker, "POST", f"{week}/draft/apply", {"expected_version": 1})
        assert applied.status == 200
        for method in ("GET", "DELETE"):
            gone = _send(worker, method, f"{week}/draft")
            assert (gone.status, gone.json()) == (404, missing), method
        logged = _send(worker, "GET", "/api/planning/changes?client_ref=client-42").json()
        assert [r["change_type"] for r in logged["items"][:3]] == ["unlocked", "locked", "added"]

    # -- generation ----------------------------------------------------------------------

    def test_generation_fills_the_draft_is_on_record_and_answers_429_over_the_quota(self) -> None:
        worker = self._clients()["worker"]
        week = f"/api/planning/instances/client-42/{WEEK}"
        missing = _send(worker, "POST", f"{week}/draft/generate", {})
        assert (missing.status, missing.json()) == (404, {"detail": "week_plan_instance_not_found"})
        self._week_of(worker, "client-42", "soup")
        generated = _send(worker, "POST", f"{week}/draft/generate", {"days": ["mon"], "seed": 3})
        assert generated.status == 200, generated.json()
        draft = generated.json()["draft"]
        assert [e["dish_template_id"] for e in draft["days"]] == ["oats"]
        assert _send(worker, "GET", f"{week}/draft").json() == draft
        runs = _send(worker, "GET", "/api/planning/runs?client_ref=client-42").json()["items"]
        assert [(r["status"], r["seed"], r["days"]) for r in runs] == [("succeeded", 3, ["mon"])]
        if self.generations_per_client is None:
            return
        for _ in range(self.generations_per_client - 1):
            assert _send(worker, "POST", f"{week}/draft/generate", {"days": "mon"}).status == 200
        refused = _send(worker, "POST", f"{week}/draft/generate", {"days": "mon"})
        assert (refused.status, refused.json()["detail"]) == (429, "generation_quota_exceeded")
        assert refused.headers["retry-after"] == str(refused.json()["retry_after"])
        assert refused.headers["content-type"].startswith("application/json")

    # -- statuses of creation ------------------------------------------------------------

    def test_put_of_a_new_dish_is_201_and_of_an_existing_one_200(self) -> None:
        worker = self._clients()["worker"]
        created = _send(worker, "PUT", "/api/planning/dishes/soup", {"name": "Soup"})
        changed = _send(worker, "PUT", "/api/planning/dishes/soup", {"name": "Tomato soup"})
        assert (created.status, created.json()["version"]) == (201, 1)
        assert (changed.status, changed.json()["version"]) == (200, 2)
        assert created.headers["content-type"].startswith("application/json")

    def test_a_delete_is_204_with_no_body(self) -> None:
        worker = self._clients()["worker"]
        _send(worker, "PUT", "/api/planning/dishes/soup", {"name": "Soup"})
        deleted = _send(worker, "DELETE", "/api/planning/dishes/soup")
        assert (deleted.status, deleted.content) == (204, b"")

    # -- the API's own description -------------------------------------------------------

    def test_the_openapi_document_is_served_to_anyone(self) -> None:
        result = _send(self.make_client(None), "GET", "/api/planning/openapi.json")
        assert result.status == 200
        assert result.json() == openapi_document()
