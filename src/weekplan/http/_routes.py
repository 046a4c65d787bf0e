"""What one HTTP route is: a method, a path, who may call it, and what it does.

A route is data, so one table serves every framework adapter, generates the
OpenAPI document, and lets the tests walk every route for every role.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

import attrs

from weekplan.http._access import RequestAccess
from weekplan.planner._client import ClientPlanner
from weekplan.planner._planner import Planner
from weekplan.planner._worker import WorkerPlanner

__all__ = ["READ_METHODS", "Audience", "Call", "Reply", "Route"]

#: Methods that only read; a route with any other method writes.
READ_METHODS = frozenset({"GET", "HEAD"})

_PARAMETER = re.compile(r"\{([a-z_]+)\}")


class Audience(enum.Enum):
    """Who a route is for: workers (and, where it only reads, viewers), clients, or anyone."""

    WORKER = "worker"
    CLIENT = "client"
    #: No access is asked of the host (the API's own description).
    ANYONE = "anyone"


@attrs.frozen
class Reply:
    """A handler's result with a status other than its route's first one (e.g. 201)."""

    value: Any
    status: int


@attrs.frozen(kw_only=True)
class Call:
    """One request on its way through a route's handler, parsed and authorized.

    ``body`` and ``query`` are instances of the route's ``body`` and ``query``
    classes (``None`` when the route takes none); ``params`` are the path's values.
    """

    planner: Planner
    access: RequestAccess | None
    params: Mapping[str, str]
    query: Any = None
    body: Any = None

    @property
    def worker(self) -> WorkerPlanner:
        """The worker planner of the caller's tenant, read-only for a viewer."""
        if self.access is None:  # pragma: no cover - only routes for anyone have no access
            raise RuntimeError("a route for anyone has no worker")
        return self.planner.worker(self.access.tenant_id, read_only=self.access.read_only)

    @property
    def client(self) -> ClientPlanner:
        """The client planner of the caller, who is a client (the dispatcher checked)."""
        client_ref = None if self.access is None else self.access.client_ref
        if self.access is None or client_ref is None:  # pragma: no cover - refused earlier
            raise RuntimeError("only a client route has a client")
        return self.planner.client(self.access.tenant_id, client_ref)


#: A handler takes the call and returns a value for :func:`weekplan.serialization.to_json`,
#: a :class:`Reply`, or ``None`` for a route that answers ``204 No Content``.
Handler = Callable[[Call], Any]


@attrs.frozen(kw_only=True)
class Route:
    """One operation of the HTTP API.

    ``path`` is relative to where the host mounts the API and names its
    parameters in braces (``/api/planning/templates/{template_id}``).
    ``body`` and ``query`` are the classes the request is parsed into (see
    :mod:`weekplan.serialization`); ``parse_body`` replaces ``from_json`` for a
    body with its own parser. ``response`` is the type of the handler's result,
    ``render`` turns it into JSON when :func:`~weekplan.serialization.to_json`
    is not the way. ``statuses`` are the success statuses, the usual one first;
    ``errors`` describes error statuses the route answers beyond the usual ones
    (or says more about one of them), for the OpenAPI document.
    """

    method: str
    path: str
    operation_id: str
    handler: Handler
    summary: str
    tag: str
    audience: Audience = Audience.WORKER
    body: Any = None
    parse_body: Callable[[Any], Any] | None = None
    query: Any = None
    response: Any = None
    render: Callable[[Any], Any] | None = None
    response_schema: Mapping[str, Any] | None = None
    body_schema: Mapping[str, Any] | None = None
    statuses: tuple[int, ...] = (200,)
    errors: Mapping[int, str] = attrs.field(factory=dict)

    @property
    def writes(self) -> bool:
        """Whether the route changes anything (a viewer is refused before it runs)."""
        return self.method not in READ_METHODS

    @property
    def parameters(self) -> tuple[str, ...]:
        """The names of the path's parameters, in order."""
        return tuple(_PARAMETER.findall(self.path))

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """A regular expression matching the path, one group per parameter."""
        parts = _PARAMETER.split(self.path)
        regex = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^/]+)"
            for index, part in enumerate(parts)
        )
        return re.compile(regex)

    def match(self, path: str) -> dict[str, str] | None:
        """The parameters if ``path`` is this route's path, else ``None``."""
        found = self.pattern.fullmatch(path)
        return None if found is None else found.groupdict()

    def example_path(self, **values: str) -> str:
        """The path with each parameter replaced (by ``values``, else by its own name)."""
        return _PARAMETER.sub(lambda m: values.get(m.group(1), m.group(1)), self.path)
