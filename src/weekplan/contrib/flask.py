"""weekplan's HTTP API inside a Flask app: one blueprint over the route table.

Needs the ``flask`` extra (``pip install '.[flask]'`` from a clone, or
``pip install 'weekplan[flask]'``). The host keeps authentication: it hands
:func:`init_app` a callable that says, for the current request, who the caller
is (a :class:`RequestAccess`: worker, read-only viewer, or client). weekplan
never reads a tenant from a request body or query string.

Every route of :data:`weekplan.http.ROUTES` is served by the blueprint, with
the same statuses and JSON as every other framework adapter; inside the API's
prefixes (``/api/planning``, ``/client``) every error is JSON too.

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
>>> client.get("/api/planning/nowhere/").get_json()
{'detail': 'route_not_found'}
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs
from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed as RoutingMethodNotAllowed
from werkzeug.routing import BaseConverter

from weekplan.errors import ClientOnly, InvalidInput, WeekPlanError, WorkerOnly
from weekplan.http import (
    API_PREFIXES,
    DEFAULT_MAX_BODY_BYTES,
    AccessRefused,
    ApiRequest,
    ApiResponse,
    PlanningApi,
    RequestAccess,
    Role,
)
from weekplan.planner._client import ClientPlanner
from weekplan.planner._planner import Planner
from weekplan.planner._worker import WorkerPlanner
from weekplan.serialization import from_json, to_json

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

#: Called inside a request; returns the caller's access or aborts (e.g. ``abort(401)``).
AccessResolver = Callable[[], RequestAccess]

_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
_CONVERTER = "weekplan_rest"


@attrs.frozen
class _Extension:
    planner: Planner
    access: AccessResolver
    api: PlanningApi


class _RestOfPath(BaseConverter):
    """Nothing, or a slash and anything: the API answers every path under its prefixes."""

    regex = r"(?:/[\s\S]*)?"
    part_isolating = False


def init_app(
    app: Flask,
    planner: Planner,
    *,
    access: AccessResolver,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> None:
    """Make ``planner`` available to ``app``'s requests and answer weekplan errors as JSON.

    ``access`` finds the caller's tenant and role from the request, e.g. from
    ``flask.g.user`` set by the host's login code, or from a header the host's
    gateway authenticated. A body larger than ``max_body_bytes`` (1 MiB by
    default) is refused with ``413 {"detail": "payload_too_large"}``.
    """
    api = PlanningApi(planner, max_body_bytes=max_body_bytes)
    app.extensions[EXTENSION_KEY] = _Extension(planner, access, api)
    app.url_map.converters.setdefault(_CONVERTER, _RestOfPath)
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
    """A worker planner for the request's tenant, read-only if the host said so.

    For the host's own views; a client gets ``403 {"detail": "worker_only"}``
    here as on the blueprint's worker routes, so a host's route cannot hand a
    client the tenant's data by mistake.
    """
    access = current_access()
    if access.role is Role.CLIENT:
        raise WorkerOnly()
    return _extension().planner.worker(access.tenant_id, read_only=access.read_only)


def current_client() -> ClientPlanner:
    """The client planner of the request's client; any other caller gets 403 ``client_only``."""
    access = current_access()
    if access.client_ref is None:
        raise ClientOnly()
    return _extension().planner.client(access.tenant_id, access.client_ref)


def json_body(cls: type[T]) -> T:
    """The request's JSON body as a ``cls``, or :class:`~weekplan.InvalidInput`."""
    data = request.get_json(silent=True)
    if data is None:
        raise InvalidInput.at((), "the body must be a JSON object")
    return from_json(cls, data)


def json_response(value: Any, status: int = 200) -> tuple[Response, int]:
    """``value`` in its JSON form (see :func:`weekplan.serialization.to_json`)."""
    return jsonify(to_json(value)), status


def _refusable_access() -> RequestAccess:
    try:
        return current_access()
    except HTTPException as refusal:
        headers = {
            name: value
            for name, value in refusal.get_headers()
            if name.lower() not in ("content-type", "content-length")
        }
        raise AccessRefused(refusal.code or 500, headers) from None


def _flask_response(answer: ApiResponse) -> Response:
    response = Response(answer.content, answer.status, content_type=answer.content_type)
    response.headers.update(dict(answer.headers))
    return response


def _serve(prefix: str, rest: str = "") -> Response:
    return _answer(prefix + rest)


def _answer(path: str) -> Response:
    api = _extension().api
    query = {key: request.args.getlist(key)[0] for key in request.args}
    api_request = ApiRequest(
        method=request.method,
        path=path,
        query=query,
        content_length=request.content_length,
        read_body=request.stream.read,
    )
    return _flask_response(api.handle(api_request, _refusable_access))


def planning_blueprint(name: str = "weekplan") -> Blueprint:
    """The planning API as a blueprint: every route of :data:`weekplan.http.ROUTES`.

    Worker routes are under ``/api/planning``; the client's under ``/client``;
    the OpenAPI document at ``/api/planning/openapi.json``.
    A client gets ``403 {"detail": "worker_only"}`` from every worker route, a
    worker ``403 {"detail": "client_only"}`` from the client's, and a read-only
    worker ``403 {"detail": "read_only"}`` from every route that writes, each
    before the body is read.
    Register it after :func:`init_app`, optionally with a ``url_prefix``.
    """
    bp = Blueprint(name, __name__)
    register_error_handler(bp)

    def register_converter(state: Any) -> None:
        state.app.url_map.converters.setdefault(_CONVERTER, _RestOfPath)

    def answer_unlisted_methods_in_json(state: Any) -> None:
        # Methods the rules do not list (PROPFIND, say) fail in Flask's routing, before
        # any view runs; inside the API they get its JSON 405 too. Elsewhere the
        # host's own 405 handler, if it has one, still answers.
        mount = state.url_prefix or ""
        previous = state.app.error_handler_spec[None][405].get(RoutingMethodNotAllowed)

        def method_not_allowed(error: RoutingMethodNotAllowed) -> Any:
            path = request.path
            if path.startswith(mount) and _extension().api.owns(path[len(mount) :]):
                return _answer(path[len(mount) :])
            return error if previous is None else previous(error)

        state.app.register_error_handler(RoutingMethodNotAllowed, method_not_allowed)

    bp.record_once(register_converter)
    bp.record(answer_unlisted_methods_in_json)
    for prefix in API_PREFIXES:
        bp.add_url_rule(
            f"{prefix}<{_CONVERTER}:rest>",
            endpoint=f"api{prefix.replace('/', '_')}",
            view_func=_serve,
            defaults={"prefix": prefix},
            methods=_METHODS,
            merge_slashes=False,
            strict_slashes=False,
        )
    return bp
