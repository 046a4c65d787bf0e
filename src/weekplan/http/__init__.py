"""weekplan's HTTP API, once, for every web framework.

* :data:`ROUTES`: the route table; each :class:`Route` says its method, path,
  audience (workers or clients), request and response types;
* :class:`PlanningApi`: answers an :class:`ApiRequest` with an
  :class:`ApiResponse` (JSON with its status, errors included);
* :class:`RequestAccess` and :class:`Role`: who the caller is, as the host says;
* :func:`openapi_document`: the OpenAPI 3.1 document of the table.

Hosts do not use this module directly: :mod:`weekplan.contrib.flask` and
``weekplan.contrib.django`` serve it. A host that uses another framework
writes its adapter in a few lines around :meth:`PlanningApi.handle`.
"""

from __future__ import annotations

from weekplan.http._access import RequestAccess, Role
from weekplan.http._api import (
    DEFAULT_MAX_BODY_BYTES,
    AccessRefused,
    ApiRequest,
    ApiResponse,
    PlanningApi,
    error_response,
    status_detail,
)
from weekplan.http._openapi import openapi_document
from weekplan.http._routes import READ_METHODS, Audience, Call, Reply, Route
from weekplan.http._table import API_PREFIXES, ROUTES

__all__ = [
    "API_PREFIXES",
    "DEFAULT_MAX_BODY_BYTES",
    "READ_METHODS",
    "ROUTES",
    "AccessRefused",
    "ApiRequest",
    "ApiResponse",
    "Audience",
    "Call",
    "PlanningApi",
    "Reply",
    "RequestAccess",
    "Role",
    "Route",
    "error_response",
    "openapi_document",
    "status_detail",
]
