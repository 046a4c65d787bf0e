"""weekplan at the HTTP edge of a Django project's own views: errors to JSON, requests to planners.

weekplan's HTTP API itself needs none of this: ``include("weekplan.contrib.django.urls")``
serves every route (see :mod:`weekplan.contrib.django.urls`). What is here is for
views the host writes around it.

Errors: add :class:`WeekPlanErrorMiddleware` to ``MIDDLEWARE`` (or decorate views
with :func:`weekplan_errors`) and every :class:`~weekplan.WeekPlanError` a view
lets through becomes ``JsonResponse(err.to_dict(), status=err.status_code)``.

Planners: a :class:`PlannerBinding` asks a callable of the host who the request
is (tenant and access mode, or tenant and client); weekplan never reads a tenant
from the request body, the query string or a header by itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec

import attrs
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse

from weekplan.errors import WeekPlanError
from weekplan.planner._client import ClientPlanner
from weekplan.planner._planner import Planner
from weekplan.planner._worker import WorkerPlanner

__all__ = [
    "ClientAccess",
    "PlannerBinding",
    "WeekPlanErrorMiddleware",
    "WorkerAccess",
    "error_response",
    "weekplan_errors",
]

P = ParamSpec("P")


def error_response(error: WeekPlanError) -> JsonResponse:
    """The JSON response for ``error``: its ``to_dict()`` body and its status code."""
    return JsonResponse(error.to_dict(), status=error.status_code)


class WeekPlanErrorMiddleware:
    """Turns every :class:`~weekplan.WeekPlanError` raised by a view into its JSON response.

    Other exceptions are left to Django (and the host's own handlers).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        """Pass the request on; errors are caught by :meth:`process_exception`."""
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """The JSON response for a weekplan error, ``None`` (not handled) for anything else."""
        if isinstance(exception, WeekPlanError):
            return error_response(exception)
        return None


def weekplan_errors(view: Callable[P, HttpResponseBase]) -> Callable[P, HttpResponseBase]:
    """A view decorator doing what :class:`WeekPlanErrorMiddleware` does, for one view."""

    @functools.wraps(view)
    def handled(*args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        try:
            return view(*args, **kwargs)
        except WeekPlanError as error:
            return error_response(error)

    return handled


@attrs.frozen
class WorkerAccess:
    """Who a worker request is: its tenant, and whether it may only read."""

    tenant_id: str
    read_only: bool = False


@attrs.frozen
class ClientAccess:
    """Who a client request is: its tenant and the client it may see."""

    tenant_id: str
    client_ref: str


def _no_client_access(request: HttpRequest) -> ClientAccess:
    raise LookupError("this PlannerBinding was made without client_access")


class PlannerBinding:
    """Hands out the planner of the request's tenant, as the host's callables say.

    ``worker_access`` and ``client_access`` read the host's own authentication
    (``request.user``, a session, a verified token) and may raise whatever the
    host uses for "not allowed" (for example ``PermissionDenied``).

    >>> from weekplan.adapters.memory import InMemoryStore
    >>> binding = PlannerBinding(
    ...     Planner(InMemoryStore()),
    ...     worker_access=lambda request: WorkerAccess("practice-1", read_only=True),
    ... )
    >>> binding.worker(HttpRequest())
    <WorkerPlanner tenant='practice-1' read-only>
    """

    def __init__(
        self,
        planner: Planner,
        *,
        worker_access: Callable[[HttpRequest], WorkerAccess],
        client_access: Callable[[HttpRequest], ClientAccess] = _no_client_access,
    ) -> None:
        self._planner = planner
        self._worker_access = worker_access
        self._client_access = client_access

    @property
    def planner(self) -> Planner:
        """The planner every bound session comes from."""
        return self._planner

    def worker(self, request: HttpRequest) -> WorkerPlanner:
        """The worker planner of the request's tenant, read-only if the host says so."""
        access = self._worker_access(request)
        return self._planner.worker(access.tenant_id, read_only=access.read_only)

    def client(self, request: HttpRequest) -> ClientPlanner:
        """The client planner of the request's tenant and client."""
        access = self._client_access(request)
        return self._planner.client(access.tenant_id, access.client_ref)

    def __repr__(self) -> str:
        return f"<PlannerBinding planner={self._planner!r}>"
