"""The one Django view that serves weekplan's whole HTTP API (see :mod:`.urls`).

It translates Django's request into a :class:`weekplan.http.ApiRequest` and the
answer back, so the routes, statuses and JSON are exactly those of every other
framework adapter. The body is read here, up to the configured limit, so
Django's own body parsing and its upload limits never see it.

Settings, all optional but the first:

``WEEKPLAN_ACCESS``
    The host's access function, or its dotted path: it takes the request and
    returns a :class:`~weekplan.http.RequestAccess` (worker, viewer or client),
    or raises ``PermissionDenied`` (answered ``403 {"detail": "forbidden"}``).
``WEEKPLAN_PLANNER``
    A :class:`~weekplan.Planner`, a callable returning one, or its dotted path;
    by default a planner over :class:`~weekplan.contrib.django.store.DjangoStore`.
``WEEKPLAN_MAX_BODY_BYTES``
    The body limit, 1 MiB by default; larger is ``413 {"detail": "payload_too_large"}``.
``WEEKPLAN_CSRF_PROTECT``
    ``False`` by default: the API is exempt from Django's CSRF check, as suits
    callers that authenticate with a header (a bearer token). A host whose
    access function trusts the session cookie sets it to ``True``; a request
    that fails the check is then ``403 {"detail": "csrf_failed"}``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt

from weekplan.errors import PayloadTooLarge
from weekplan.http import (
    DEFAULT_MAX_BODY_BYTES,
    AccessRefused,
    ApiRequest,
    ApiResponse,
    PlanningApi,
    RequestAccess,
    error_response,
)
from weekplan.planner._planner import Planner

__all__ = ["AccessFunction", "PlanningView"]

_LOG = logging.getLogger("weekplan.http")

#: The host's access function: who the request is, or ``PermissionDenied``.
AccessFunction = Callable[[HttpRequest], Any]


def _resolve(value: Any) -> Any:
    return import_string(value) if isinstance(value, str) else value


def _default_planner() -> Planner:
    from weekplan.contrib.django.store import DjangoStore  # noqa: PLC0415  # needs the app registry

    return Planner(DjangoStore())


def _as_request_access(value: Any) -> RequestAccess:
    # The access classes of weekplan.contrib.django.http still work as answers.
    if isinstance(value, RequestAccess):
        return value
    client_ref = getattr(value, "client_ref", None)
    tenant_id = getattr(value, "tenant_id", None)
    if isinstance(tenant_id, str):
        if isinstance(client_ref, str):
            return RequestAccess.client(tenant_id, client_ref)
        return RequestAccess(tenant_id, read_only=bool(getattr(value, "read_only", False)))
    raise TypeError("the access function must return a weekplan.http.RequestAccess")


class PlanningView:
    """The view behind every URL of the API; its arguments override the settings.

    ``planner``, ``access`` and ``max_body_bytes`` are read from the settings
    (see the module) when not given, at the first request.
    """

    def __init__(
        self,
        *,
        planner: Planner | Callable[[], Planner] | str | None = None,
        access: AccessFunction | str | None = None,
        max_body_bytes: int | None = None,
    ) -> None:
        self._planner = planner
        self._access = access
        self._max_body_bytes = max_body_bytes
        self._api: PlanningApi | None = None

    def api(self) -> PlanningApi:
        """The framework-neutral API this view serves, built at the first request."""
        if self._api is None:
            planner = _resolve(self._planner or getattr(settings, "WEEKPLAN_PLANNER", None))
            if planner is None:
                planner = _default_planner()
            elif not isinstance(planner, Planner):
                planner = planner()
            limit = self._max_body_bytes
            if limit is None:
                limit = int(getattr(settings, "WEEKPLAN_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES))
            self._api = PlanningApi(planner, max_body_bytes=limit)
        return self._api

    def _access_function(self) -> AccessFunction:
        access = _resolve(self._access or getattr(settings, "WEEKPLAN_ACCESS", None))
        if access is None:
            raise TypeError("set WEEKPLAN_ACCESS to the host's access function")
        return access  # type: ignore[no-any-return]  # checked by its result

    def __call__(self, request: HttpRequest, path: str) -> HttpResponse:
        """Answer one request; ``path`` is the part of the URL after the include's prefix.

        Whatever fails, the answer is JSON: a project set up wrongly (no
        ``WEEKPLAN_ACCESS``, the app missing from ``INSTALLED_APPS``) gets
        ``500 {"detail": "internal_error"}`` and the reason in the log.
        """
        try:
            return self._answer(request, path)
        except Exception:
            _LOG.exception("weekplan's HTTP API failed on %s %s", request.method, request.path)
            return _django_response(ApiResponse(500, {"detail": "internal_error"}))

    def _answer(self, request: HttpRequest, path: str) -> HttpResponse:
        if getattr(settings, "WEEKPLAN_CSRF_PROTECT", False):
            try:
                refused = _fails_csrf(request)
            except RequestDataTooBig:  # a form body, read by the check, over Django's limit
                return _django_response(error_response(PayloadTooLarge()))
            if refused:
                return _django_response(ApiResponse(403, {"detail": "csrf_failed"}))
        api_request = ApiRequest(
            method=request.method or "GET",
            path="/" + path,
            query={key: request.GET.getlist(key)[0] for key in request.GET},
            content_length=_content_length(request),
            read_body=request.read,
        )

        def access() -> RequestAccess:
            try:
                return _as_request_access(self._access_function()(request))
            except PermissionDenied:
                raise AccessRefused(403) from None
            except Http404:
                raise AccessRefused(404) from None
            except (BadRequest, SuspiciousOperation):
                raise AccessRefused(400) from None

        return _django_response(self.api().handle(api_request, access))


def _content_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) or None
    except ValueError:
        return None


def _fails_csrf(request: HttpRequest) -> bool:
    def protected(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
        return HttpResponse()

    check = CsrfViewMiddleware(protected)
    return check.process_view(request, protected, (), {}) is not None


def _django_response(answer: ApiResponse) -> HttpResponse:
    response = HttpResponse(answer.content, status=answer.status)
    if answer.content_type is None:
        del response["Content-Type"]
    else:
        response["Content-Type"] = answer.content_type
    for name, value in answer.headers.items():
        response[name] = value
    return response


def planning_view(**options: Any) -> Callable[..., HttpResponse]:
    """A CSRF-exempt view function over a :class:`PlanningView` (see its arguments)."""
    return csrf_exempt(PlanningView(**options))
