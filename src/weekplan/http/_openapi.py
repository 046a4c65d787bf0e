"""The OpenAPI 3.1 document of the route table, built from the JSON Schemas of its types.

Nothing here is written by hand per route: paths, parameters, bodies and
responses all come from :data:`~weekplan.http.ROUTES` and
:func:`weekplan.serialization.json_schema`, so the document cannot drift from
what the API does.

>>> document = openapi_document()
>>> document["openapi"], sorted(document["paths"]["/api/planning/templates"])
('3.1.0', ['get', 'post'])
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from typing import Any, get_args, get_origin

import attrs

from weekplan.domain._days import DayKey
from weekplan.http._routes import Audience, Route
from weekplan.serialization import json_schema

__all__ = ["ERROR_SCHEMA", "openapi_document"]

_COMPONENTS = "#/components/schemas/"

#: Path parameters whose form is known; every other one is a string.
_PATH_PARAMETER_SCHEMAS: dict[str, dict[str, Any]] = {
    "day_key": {"enum": [day.value for day in DayKey]},
    "week_start_date": {"type": "string", "format": "date"},
}

#: The body of every error: ``detail`` always, ``errors`` for invalid input, and more per error.
ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                    "msg": {"type": "string"},
                },
                "required": ["loc", "msg"],
            },
        },
        "conflicts": {"type": "array", "items": {"type": "string"}},
        "retry_after": {"type": "integer"},
        "scope": {"type": "string"},
    },
    "required": ["detail"],
    "description": (
        "An error: a stable `detail` code; `errors` names each bad field, `conflicts` the "
        "constraints of an infeasible generation, `retry_after` and `scope` a used-up quota."
    ),
}

_ERROR_STATUSES: dict[int, str] = {
    401: "The host did not authenticate the caller",
    403: "The caller's role may not use this route (`worker_only`, `client_only`, `read_only`)",
    404: "Nothing with that id in the caller's tenant (or the week has no draft), or no such path",
    405: "The path does not take this method",
    409: "A version conflict, the record exists already, or a locked slot would change",
    413: "The body is larger than the limit",
    422: "Malformed input; `errors` names each bad field",
    503: "The store is unavailable; retrying later may succeed",
}


_RETRY_AFTER: dict[str, Any] = {
    "description": "Seconds until the request may succeed",
    "schema": {"type": "integer"},
}


class _Schemas:
    """Collects the named schemas of the document's components."""

    def __init__(self) -> None:
        self.named: dict[str, Any] = {"Error": ERROR_SCHEMA}

    def lift(self, schema: Mapping[str, Any], name: str | None = None) -> dict[str, Any]:
        """``schema`` with its ``$defs`` moved to the components; a ``$ref`` if ``name`` is set."""
        lifted: dict[str, Any] = _rewrite(copy.deepcopy(dict(schema)))
        for def_name, definition in lifted.pop("$defs", {}).items():
            self.named.setdefault(def_name, definition)
        lifted.pop("$schema", None)
        if name is None:
            return lifted
        self.named.setdefault(name, lifted)
        return {"$ref": _COMPONENTS + name}

    def of(self, hint: Any) -> dict[str, Any]:
        """The schema of a type: an attrs class (or ``Page[X]``), or a list of one."""
        origin = get_origin(hint)
        if origin in (list, tuple):
            return {"type": "array", "items": self.of(get_args(hint)[0])}
        root = json_schema(hint)
        return self.lift(root, str(root["title"]))


def _rewrite(value: Any) -> Any:
    # json_schema's references point into its own ``$defs``; here they live in the components.
    if isinstance(value, dict):
        return {
            key: (
                _COMPONENTS + item.removeprefix("#/$defs/")
                if key == "$ref" and isinstance(item, str)
                else _rewrite(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_rewrite(item) for item in value]
    return value


def _json(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _query_parameters(query: Any, schemas: _Schemas) -> list[dict[str, Any]]:
    properties = json_schema(query)["properties"]
    return [
        {
            "name": field.name,
            "in": "query",
            "required": field.default is attrs.NOTHING,
            "schema": schemas.lift(properties[field.name]),
        }
        for field in attrs.fields(query)
    ]


def _response_fields(route: Route) -> set[str]:
    """The top-level fields of a route's success body, as far as the document says."""
    if route.response is not None and attrs.has(get_origin(route.response) or route.response):
        return {field.name for field in attrs.fields(get_origin(route.response) or route.response)}
    schema = route.response_schema or {}
    ref = str(schema.get("$ref", "")).removeprefix("#/$defs/")
    target = schema.get("$defs", {}).get(ref, schema)
    return set(target.get("properties", {}))


def _links(creator: Route, routes: Iterable[Route]) -> dict[str, Any]:
    """OpenAPI links from what a route creates to the routes that work on it.

    They are derived, not written: a route below the creator's path takes each
    of its path parameters from the creator's own path, from the created body's
    field of the same name, or, for the first parameter below a collection, from
    the body's ``id``. Schemathesis follows them to test routes on real resources.
    """
    if 201 not in creator.statuses:
        return {}
    fields = _response_fields(creator)
    links: dict[str, Any] = {}
    for target in routes:
        if target is creator or target.audience is not creator.audience or not target.parameters:
            continue
        if not target.path.startswith(creator.path + "/") and target.path != creator.path:
            continue
        below = target.parameters[len(creator.parameters) :]
        parameters: dict[str, str] = {}
        for name in target.parameters:
            if name in creator.parameters:
                parameters[name] = f"$request.path.{name}"
            elif name in fields:
                parameters[name] = f"$response.body#/{name}"
            elif below and name == below[0] and "id" in fields:
                parameters[name] = "$response.body#/id"
            else:
                break
        else:
            links[target.operation_id] = {
                "operationId": target.operation_id,
                "parameters": parameters,
            }
    return links


def _operation(route: Route, schemas: _Schemas, routes: tuple[Route, ...]) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": dict(_PATH_PARAMETER_SCHEMAS.get(name, {"type": "string"})),
        }
        for name in route.parameters
    ]
    if route.query is not None:
        parameters.extend(_query_parameters(route.query, schemas))
    operation: dict[str, Any] = {
        "operationId": route.operation_id,
        "summary": route.summary,
        "tags": [route.tag],
    }
    if parameters:
        operation["parameters"] = parameters
    if route.body_schema is not None:
        body = schemas.lift(route.body_schema)
    elif route.body is not None:
        body = schemas.of(route.body)
    else:
        body = None
    if body is not None:
        operation["requestBody"] = {"required": True, "content": _json(body)}
    operation["responses"] = _responses(route, schemas, has_body=body is not None)
    links = _links(route, routes)
    if links:
        for status in route.statuses:
            operation["responses"][str(status)]["links"] = links
    return operation


def _responses(route: Route, schemas: _Schemas, *, has_body: bool) -> dict[str, Any]:
    if route.response_schema is not None:
        success: dict[str, Any] | None = schemas.lift(route.response_schema)
    elif route.response is not None:
        success = schemas.of(route.response)
    else:
        success = {"type": "object"} if route.audience is Audience.ANYONE else None
    responses: dict[str, Any] = {}
    for status in route.statuses:
        answer: dict[str, Any] = {"description": "Success" if status != 201 else "Created"}
        if status != 204 and success is not None:
            answer["content"] = _json(success)
        responses[str(status)] = answer
    errors = {405}
    if route.audience is not Audience.ANYONE:
        errors |= {401, 403, 404, 422, 503}
    if route.writes:
        errors |= {409, 413}
    if has_body:
        errors |= {413}
    for status in sorted(errors | set(route.errors)):
        answer = {
            "description": route.errors.get(status) or _ERROR_STATUSES[status],
            "content": _json({"$ref": _COMPONENTS + "Error"}),
        }
        if status == 429:
            answer["headers"] = {"Retry-After": _RETRY_AFTER}
        responses[str(status)] = answer
    return responses


def openapi_document(
    routes: Iterable[Route] | None = None, *, title: str = "weekplan", version: str = "1"
) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``routes`` (by default the whole route table)."""
    if routes is None:
        from weekplan.http._table import ROUTES  # noqa: PLC0415  # the table serves this document

        routes = ROUTES
    routes = tuple(routes)
    schemas = _Schemas()
    paths: dict[str, dict[str, Any]] = {}
    tags: list[str] = []
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, schemas, routes)
        if route.tag not in tags:
            tags.append(route.tag)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": (
                "Weekly meal planning for one tenant. The host authenticates every "
                "request and says who the caller is: a worker, a read-only viewer, "
                "or a client, who sees only their own weeks under `/client`."
            ),
        },
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": {"schemas": dict(sorted(schemas.named.items()))},
    }


def openapi_json(routes: Iterable[Route] | None = None) -> str:
    """The document as JSON text, keys in a stable order."""
    return json.dumps(openapi_document(routes), indent=2, ensure_ascii=False)
