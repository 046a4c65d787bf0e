"""Weekly planning inside a Flask app: errors as JSON, planners bound to the request.

Needs the ``flask`` extra (``pip install 'weekplan[flask]'``).
The host keeps authentication: it hands :func:`init_app` a callable that says,
for the current request, which tenant the caller works in and whether they may
write. weekplan never reads a tenant from a request body or query string.

>>> from flask import Flask
>>> from weekplan import Planner
>>> from weekplan.adapters.memory import InMemoryStore
>>> from weekplan.contrib.flask import RequestAccess, init_app, planning_blueprint
>>> app = Flask("host")
>>> init_app(app, Planner(InMemoryStore()), access=lambda: RequestAccess("tenant-a"))
>>> app.register_blueprint(planning_blueprint())
>>> client = app.test_client()
>>> client.post("/api/planning/templates", json={"name": "Balanced week"}).status_code
201
>>> client.get("/api/planning/templates/nope").get_json()
{'detail': 'week_plan_template_not_found'}
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs
from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import Forbidden, HTTPException

from weekplan.errors import InvalidInput, ReadOnlyAccess, WeekPlanError
from weekplan.guardrails import GuardrailsRuleset, ruleset_from_dict, ruleset_to_dict
from weekplan.planner.client import ClientPlanner
from weekplan.planner.planner import Planner
from weekplan.planner.worker import WorkerPlanner
from weekplan.serialization import (
    BulkAssign,
    DishQuery,
    DishUpsert,
    InstanceCreate,
    InstanceQuery,
    InstanceUpdate,
    RulesetAssign,
    RulesetQuery,
    SlotUpdate,
    SuggestionQuery,
    TemplateCreate,
    TemplateQuery,
    TemplateUpdate,
    WeekQuery,
    from_json,
    from_query,
    parse_json,
    to_json,
)

__all__ = [
    "EXTENSION_KEY",
    "AccessResolver",
    "RequestAccess",
    "current_access",
    "current_client",
    "current_worker",
    "error_response",
    "init_app",
    "json_body",
    "json_response",
    "planning_blueprint",
    "register_error_handler",
]

T = TypeVar("T")

#: Where :func:`init_app` keeps its state: ``app.extensions[EXTENSION_KEY]``.
EXTENSION_KEY = "weekplan"

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@attrs.frozen
class RequestAccess:
    """Who the current request acts as, decided by the host's authentication.

    ``client_ref`` is set for a client (who may only read their own weeks) and
    ``None`` for a worker.
    """

    tenant_id: str
    read_only: bool = False
    client_ref: str | None = None


#: Called inside a request; returns the caller's access or aborts (e.g. ``abort(401)``).
AccessResolver = Callable[[], RequestAccess]


@attrs.frozen
class _Extension:
    planner: Planner
    access: AccessResolver


def init_app(app: Flask, planner: Planner, *, access: AccessResolver) -> None:
    """Make ``planner`` available to ``app``'s requests and answer weekplan errors as JSON.

    ``access`` finds the caller's tenant and access mode from the request, e.g.
    from ``flask.g.user`` set by the host's login code, or from a header the
    host's gateway authenticated.
    """
    app.extensions[EXTENSION_KEY] = _Extension(planner, access)
    register_error_handler(app)


def error_response(error: WeekPlanError) -> tuple[Response, int]:
    """``{"detail": ...}`` (and ``errors`` for invalid input) with the error's status code."""
    return jsonify(error.to_dict()), error.status_code


def register_error_handler(app: Flask | Blueprint) -> None:
    """Answer every :class:`~weekplan.WeekPlanError` raised in a view with its JSON body."""
    app.register_error_handler(WeekPlanError, error_response)


def _extension() -> _Extension:
    extension = current_app.extensions.get(EXTENSION_KEY)
    if not isinstance(extension, _Extension):
        raise RuntimeError("call weekplan.contrib.flask.init_app(app, ...) first")
    return extension


def current_access() -> RequestAccess:
    """The current request's access, asked of the host once per request."""
    cached = g.get("_weekplan_access")
    if isinstance(cached, RequestAccess):
        return cached
    access = _extension().access()
    if not isinstance(access, RequestAccess):
        raise TypeError("the access resolver must return a RequestAccess")
    g._weekplan_access = access
    return access


def current_worker() -> WorkerPlanner:
    """A worker planner for the request's tenant, read-only if the host said so."""
    access = current_access()
    return _extension().planner.worker(access.tenant_id, read_only=access.read_only)


def current_client() -> ClientPlanner:
    """The client planner of the request's client; a caller who is not a client gets 403."""
    access = current_access()
    if access.client_ref is None:
        raise Forbidden("only a client has a weekly plan")
    return _extension().planner.client(access.tenant_id, access.client_ref)


def _json_data() -> Any:
    if not request.is_json:
        raise InvalidInput.at((), "the body must be a JSON object")
    try:
        data = parse_json(request.get_data())
    except InvalidInput:
        # The same answer for every malformed body, however deep or broken.
        raise InvalidInput.at((), "the body must be a JSON object") from None
    if data is None:
        raise InvalidInput.at((), "the body must be a JSON object")
    return data


def json_body(cls: type[T]) -> T:
    """The request's JSON body as a ``cls``, or :class:`~weekplan.InvalidInput`."""
    return from_json(cls, _json_data())


def json_response(value: Any, status: int = 200) -> tuple[Response, int]:
    """``value`` in its JSON form (see :func:`weekplan.serialization.to_json`)."""
    return jsonify(to_json(value)), status


def _no_content() -> tuple[str, int]:
    return "", 204


def planning_blueprint(name: str = "weekplan") -> Blueprint:
    """The planning API as a blueprint: the worker's routes and the client's weekly plan.

    The worker's routes cover templates, client weeks, dishes and diet guardrails
    (rulesets, which client is on which, and checks of a week).

    Worker routes are under ``/api/planning``; the client's under ``/client``.
    A read-only worker gets ``403 {"detail": "read_only"}`` from every route that
    is not ``GET``, before its body is read.
    Register it after :func:`init_app`, optionally with a ``url_prefix``.
    """
    bp = Blueprint(name, __name__)
    register_error_handler(bp)

    @bp.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        detail = (error.name or "error").lower().replace(" ", "_")
        return jsonify({"detail": detail}), error.code or 500

    @bp.before_request
    def refuse_writes_of_read_only_workers() -> None:
        if request.method not in _SAFE_METHODS and current_access().read_only:
            raise ReadOnlyAccess()

    _template_routes(bp)
    _instance_routes(bp)
    _dish_routes(bp)
    _guardrail_routes(bp)
    _client_routes(bp)
    return bp


def _template_routes(bp: Blueprint) -> None:
    @bp.get("/api/planning/templates")
    def list_templates() -> Any:
        query = from_query(TemplateQuery, request.args)
        page = current_worker().list_templates(
            search=query.search, limit=query.limit, cursor=query.cursor
        )
        return json_response(page)

    @bp.post("/api/planning/templates")
    def create_template() -> Any:
        body = json_body(TemplateCreate)
        return json_response(current_worker().create_template(body.name, body.days), 201)

    @bp.get("/api/planning/templates/<template_id>")
    def get_template(template_id: str) -> Any:
        return json_response(current_worker().get_template(template_id))

    @bp.patch("/api/planning/templates/<template_id>")
    def update_template(template_id: str) -> Any:
        body = json_body(TemplateUpdate)
        return json_response(current_worker().update_template(template_id, **body.changes()))

    @bp.delete("/api/planning/templates/<template_id>")
    def delete_template(template_id: str) -> Any:
        current_worker().delete_template(template_id)
        return _no_content()

    @bp.post("/api/planning/templates/<template_id>/bulk-assign")
    def bulk_assign_template(template_id: str) -> Any:
        body = json_body(BulkAssign)
        template = current_worker().bulk_assign_template(
            template_id,
            slot_key=body.slot_key,
            dish_template_id=body.dish_template_id,
            days=body.days,
            expected_version=body.expected_version,
        )
        return json_response(template)


_INSTANCE = "/api/planning/instances/<client_ref>/<week_start_date>"


def _instance_routes(bp: Blueprint) -> None:
    @bp.get("/api/planning/instances")
    def list_instances() -> Any:
        query = from_query(InstanceQuery, request.args)
        page = current_worker().list_instances(
            client_ref=query.client_ref,
            week_start_date=query.week_start_date,
            limit=query.limit,
            cursor=query.cursor,
        )
        return json_response(page)

    @bp.post("/api/planning/instances")
    def create_instance() -> Any:
        body = json_body(InstanceCreate)
        instance = current_worker().create_instance(
            body.template_id, body.client_ref, body.week_start_date
        )
        return json_response(instance, 201)

    @bp.get(_INSTANCE)
    def get_instance(client_ref: str, week_start_date: str) -> Any:
        return json_response(current_worker().get_instance(client_ref, week_start_date))

    @bp.put(_INSTANCE)
    def update_instance(client_ref: str, week_start_date: str) -> Any:
        body = json_body(InstanceUpdate)
        instance = current_worker().update_instance(
            client_ref, week_start_date, days=body.days, expected_version=body.expected_version
        )
        return json_response(instance)

    @bp.delete(_INSTANCE)
    def delete_instance(client_ref: str, week_start_date: str) -> Any:
        current_worker().delete_instance(client_ref, week_start_date)
        return _no_content()

    @bp.get(f"{_INSTANCE}/overrides")
    def list_overrides(client_ref: str, week_start_date: str) -> Any:
        return json_response(list(current_worker().list_overrides(client_ref, week_start_date)))

    @bp.put(f"{_INSTANCE}/slots/<day_key>/<slot_key>")
    def set_slot(client_ref: str, week_start_date: str, day_key: str, slot_key: str) -> Any:
        body = json_body(SlotUpdate)
        instance = current_worker().set_slot(
            client_ref,
            week_start_date,
            day_key,
            slot_key,
            dish_template_id=body.dish_template_id,
            notes=body.notes,
            expected_version=body.expected_version,
        )
        return json_response(instance)

    @bp.post(f"{_INSTANCE}/slots/<day_key>/<slot_key>/reset")
    def reset_slot(client_ref: str, week_start_date: str, day_key: str, slot_key: str) -> Any:
        instance = current_worker().reset_slot(client_ref, week_start_date, day_key, slot_key)
        return json_response(instance)

    @bp.post(f"{_INSTANCE}/bulk-assign")
    def bulk_assign(client_ref: str, week_start_date: str) -> Any:
        body = json_body(BulkAssign)
        instance = current_worker().bulk_assign(
            client_ref,
            week_start_date,
            slot_key=body.slot_key,
            dish_template_id=body.dish_template_id,
            days=body.days,
            expected_version=body.expected_version,
        )
        return json_response(instance)


def _dish_routes(bp: Blueprint) -> None:
    @bp.get("/api/planning/dishes")
    def list_dishes() -> Any:
        query = from_query(DishQuery, request.args)
        page = current_worker().list_dishes(
            search=query.search, limit=query.limit, cursor=query.cursor
        )
        return json_response(page)

    @bp.get("/api/planning/dishes/<dish_id>")
    def get_dish(dish_id: str) -> Any:
        return json_response(current_worker().get_dish(dish_id))

    @bp.put("/api/planning/dishes/<dish_id>")
    def upsert_dish(dish_id: str) -> Any:
        body = json_body(DishUpsert)
        dish = current_worker().upsert_dish(
            dish_id,
            name=body.name,
            meal_types=body.meal_types,
            tags=body.tags,
            ingredients=body.ingredients,
            steps=body.steps,
            expected_version=body.expected_version,
        )
        return json_response(dish)

    @bp.delete("/api/planning/dishes/<dish_id>")
    def delete_dish(dish_id: str) -> Any:
        current_worker().delete_dish(dish_id)
        return _no_content()

    @bp.get("/api/planning/dish-suggestions")
    def dish_suggestions() -> Any:
        query = from_query(SuggestionQuery, request.args)
        suggestions = current_worker().suggest_dishes(
            query.slot_key, query=query.query, limit=query.limit, client_ref=query.client_ref
        )
        return json_response(suggestions)


def _ruleset_json(ruleset: GuardrailsRuleset | None) -> dict[str, Any] | None:
    # Unlike ``to_json``, this carries the content hash: the name clients and weeks use for it.
    return None if ruleset is None else ruleset_to_dict(ruleset)


def _guardrail_routes(bp: Blueprint) -> None:
    @bp.get("/api/planning/rulesets")
    def list_rulesets() -> Any:
        query = from_query(RulesetQuery, request.args)
        page = current_worker().list_rulesets(
            diet_id=query.diet_id, limit=query.limit, cursor=query.cursor
        )
        items = [_ruleset_json(ruleset) for ruleset in page.items]
        return jsonify({"items": items, "next_cursor": page.next_cursor})

    @bp.post("/api/planning/rulesets")
    def save_ruleset() -> Any:
        # Parsed here rather than by the planner so that error paths start at the body's root.
        ruleset = ruleset_from_dict(_json_data())
        return jsonify(_ruleset_json(current_worker().save_ruleset(ruleset))), 201

    @bp.get("/api/planning/rulesets/<content_hash>")
    def get_ruleset(content_hash: str) -> Any:
        return jsonify(_ruleset_json(current_worker().get_ruleset(content_hash)))

    @bp.get("/api/planning/clients/<client_ref>/ruleset")
    def get_client_ruleset(client_ref: str) -> Any:
        ruleset = current_worker().get_client_ruleset(client_ref)
        return jsonify({"ruleset": _ruleset_json(ruleset)})

    @bp.put("/api/planning/clients/<client_ref>/ruleset")
    def assign_ruleset(client_ref: str) -> Any:
        body = json_body(RulesetAssign)
        done = current_worker().assign_ruleset(client_ref, body.content_hash)
        return jsonify(
            {
                "ruleset": _ruleset_json(done.ruleset),
                "weeks_checked": done.weeks_checked,
                "weeks_not_compliant": [week.isoformat() for week in done.weeks_not_compliant],
            }
        )

    @bp.delete("/api/planning/clients/<client_ref>/ruleset")
    def detach_ruleset(client_ref: str) -> Any:
        current_worker().assign_ruleset(client_ref, None)
        return _no_content()

    @bp.get(f"{_INSTANCE}/check")
    def check_instance(client_ref: str, week_start_date: str) -> Any:
        return json_response(current_worker().check_instance(client_ref, week_start_date))


def _client_routes(bp: Blueprint) -> None:
    @bp.get("/client/weekly-plan")
    def weekly_plan() -> Any:
        query = from_query(WeekQuery, request.args)
        return json_response(current_client().weekly_plan(query.week_start_date))

    @bp.get("/client/weekly-plan/<day_key>/<slot_key>")
    def weekly_plan_slot(day_key: str, slot_key: str) -> Any:
        query = from_query(WeekQuery, request.args)
        view = current_client().weekly_plan(query.week_start_date)
        return json_response(view.slot(day_key, slot_key))

    @bp.get("/client/weeks")
    def list_weeks() -> Any:
        query = from_query(DishQuery, request.args)
        return json_response(current_client().list_weeks(limit=query.limit, cursor=query.cursor))
