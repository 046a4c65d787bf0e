"""The framework-neutral HTTP API: a request in, a JSON response out.

:class:`PlanningApi` matches the path against the route table, checks the
caller's role, parses the query string and the body through
:mod:`weekplan.serialization`, runs the handler and answers JSON with the
route's status. Every error inside the API's prefixes is JSON too: an unknown
path, a method the path does not take, a body over the limit, a refusal of the
host's authentication, and a failure nobody expected.

The framework adapters (:mod:`weekplan.contrib.flask`,
``weekplan.contrib.django``) only translate their request into an
:class:`ApiRequest` and the :class:`ApiResponse` back, so the same request
gets the same status and JSON on both.

>>> from weekplan import Planner
>>> from weekplan.adapters.memory import InMemoryStore
>>> from weekplan.http import ApiRequest, PlanningApi, RequestAccess
>>> api = PlanningApi(Planner(InMemoryStore()))
>>> def send(method, path, body=b""):
...     request = ApiRequest.of(method, path, body=body)
...     return api.handle(request, lambda: RequestAccess.worker("tenant-a"))
>>> send("POST", "/api/planning/templates", b'{"name": "Balanced week"}').status
201
>>> send("GET", "/api/planning/templates/").body
{'detail': 'route_not_found'}
>>> send("DELETE", "/api/planning/templates").headers
{'Allow': 'GET, POST'}
"""

from __future__ import annotations

import http
import io
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from weekplan.errors import (
    ClientOnly,
    GenerationQuotaExceeded,
    InvalidInput,
    MethodNotAllowed,
    PayloadTooLarge,
    ReadOnlyAccess,
    RouteNotFound,
    WeekPlanError,
    WorkerOnly,
)
from weekplan.http._access import RequestAccess, Role
from weekplan.http._routes import Audience, Call, Reply, Route
from weekplan.http._table import API_PREFIXES, ROUTES
from weekplan.planner._planner import Planner
from weekplan.serialization import from_json, from_query, parse_json, to_json

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "AccessRefused",
    "ApiRequest",
    "ApiResponse",
    "PlanningApi",
    "error_response",
    "status_detail",
]

#: The default limit of a request body: 1 MiB.
DEFAULT_MAX_BODY_BYTES = 1024 * 1024

_LOG = logging.getLogger("weekplan.http")


class AccessRefused(Exception):
    """The host's authentication refused the request; answered as ``{"detail": ...}`` JSON.

    Adapters raise it in place of their framework's refusal (Flask's ``abort(401)``,
    Django's ``PermissionDenied``), so the answer is the same JSON everywhere.
    """

    def __init__(self, status: int, headers: Mapping[str, str] | None = None) -> None:
        self.status = status
        self.headers = dict(headers or {})
        super().__init__(status_detail(status))


def status_detail(status: int) -> str:
    """The ``detail`` code of an HTTP status: ``401`` is ``"unauthorized"``."""
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        return "error"
    return phrase.lower().replace(" ", "_").replace("-", "_").replace("'", "")


@attrs.frozen(kw_only=True)
class ApiRequest:
    """One HTTP request as the API sees it, whatever framework received it.

    ``path`` is relative to where the host mounted the API; ``read_body(n)``
    returns at most ``n`` bytes of the body, so a body over the limit is never
    read in full.
    """

    method: str
    path: str
    query: Mapping[str, str] = attrs.field(factory=dict)
    content_length: int | None = None
    read_body: Callable[[int], bytes] = attrs.field(default=lambda size: b"")

    @classmethod
    def of(
        cls, method: str, path: str, *, query: Mapping[str, str] | None = None, body: bytes = b""
    ) -> ApiRequest:
        """A request with its body in memory (for tests and simple adapters)."""
        return cls(
            method=method,
            path=path,
            query=dict(query or {}),
            content_length=len(body),
            read_body=io.BytesIO(body).read,
        )


@attrs.frozen
class ApiResponse:
    """The answer: a status, a JSON-ready body (``None`` for no content), extra headers."""

    status: int
    body: Any = None
    headers: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def content(self) -> bytes:
        """The body as UTF-8 JSON text; empty when there is no body."""
        if self.body is None:
            return b""
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")

    @property
    def content_type(self) -> str | None:
        """``application/json`` when there is a body."""
        return None if self.body is None else "application/json"


def error_response(error: WeekPlanError) -> ApiResponse:
    """The JSON response of ``error``: its ``to_dict()`` and status.

    A 405 carries ``Allow``, a 429 ``Retry-After`` (in seconds, as its body's ``retry_after``).
    """
    headers: dict[str, str] = {}
    if isinstance(error, MethodNotAllowed):
        headers["Allow"] = ", ".join(error.allowed)
    elif isinstance(error, GenerationQuotaExceeded):
        headers["Retry-After"] = str(error.retry_after)
    return ApiResponse(error.status_code, error.to_dict(), headers)


class PlanningApi:
    """weekplan's HTTP API over one planner, for any framework to serve.

    ``max_body_bytes`` caps a request body (larger is ``413 payload_too_large``);
    ``routes`` defaults to the whole route table.
    """

    def __init__(
        self,
        planner: Planner,
        *,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        routes: Iterable[Route] = ROUTES,
    ) -> None:
        self.planner = planner
        self.max_body_bytes = max_body_bytes
        self.routes = tuple(routes)

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The path prefixes the API owns (see :data:`weekplan.http.API_PREFIXES`)."""
        return API_PREFIXES

    def owns(self, path: str) -> bool:
        """Whether ``path`` is inside the API, where every answer is the API's JSON."""
        return any(path == p or path.startswith(p + "/") for p in self.prefixes)

    def resolve(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        """The route and path parameters of a request, or the JSON error to answer."""
        allowed: set[str] = set()
        for route in self.routes:
            params = route.match(path)
            if params is None:
                continue
            if route.method == method or (method == "HEAD" and route.method == "GET"):
                return route, params
            allowed.add(route.method)
        if allowed:
            raise MethodNotAllowed(allowed)
        raise RouteNotFound()

    def handle(self, request: ApiRequest, access: Callable[[], RequestAccess]) -> ApiResponse:
        """Answer ``request``; ``access`` asks the host who the caller is, when needed.

        Nothing escapes: a weekplan error is its JSON, a host's refusal
        (:class:`AccessRefused`) is ``{"detail": ...}`` with its status, and any
        other exception is logged and answered ``500 {"detail": "internal_error"}``.
        """
        try:
            return self._handle(request, access)
        except WeekPlanError as error:
            return error_response(error)
        except AccessRefused as refusal:
            return ApiResponse(refusal.status, {"detail": str(refusal)}, refusal.headers)
        except Exception:
            _LOG.exception("weekplan's HTTP API failed on %s %s", request.method, request.path)
            return ApiResponse(500, {"detail": "internal_error"})

    def _handle(self, request: ApiRequest, access: Callable[[], RequestAccess]) -> ApiResponse:
        route, params = self.resolve(request.method, request.path)
        if request.content_length is not None and request.content_length > self.max_body_bytes:
            raise PayloadTooLarge()
        caller = None if route.audience is Audience.ANYONE else access()
        if caller is not None:
            _authorize(route, caller)
        call = Call(
            planner=self.planner,
            access=caller,
            params=params,
            query=None if route.query is None else from_query(route.query, request.query),
            body=self._body(route, request),
        )
        result = route.handler(call)
        status = route.statuses[0]
        if isinstance(result, Reply):
            result, status = result.value, result.status
        if result is None and route.render is None:
            return ApiResponse(204)
        body = route.render(result) if route.render is not None else to_json(result)
        return ApiResponse(status, body)

    def _body(self, route: Route, request: ApiRequest) -> Any:
        if route.body is None and route.parse_body is None:
            return None
        raw = request.read_body(self.max_body_bytes + 1)
        if len(raw) > self.max_body_bytes:
            raise PayloadTooLarge()
        try:
            data = parse_json(raw)
        except InvalidInput:
            # The same answer for every malformed body, however deep or broken.
            raise InvalidInput.at((), "the body must be a JSON object") from None
        if route.parse_body is not None:
            return route.parse_body(data)
        return from_json(route.body, data)


def _authorize(route: Route, caller: RequestAccess) -> None:
    # Checked before the body is read, so a refused caller learns nothing from parse errors.
    if not isinstance(caller, RequestAccess):
        raise TypeError("the host's access function must return a RequestAccess")
    role = caller.role
    if route.audience is Audience.WORKER:
        if role is Role.CLIENT:
            raise WorkerOnly()
        if role is Role.VIEWER and route.writes:
            raise ReadOnlyAccess()
    elif role is not Role.CLIENT:
        raise ClientOnly()
