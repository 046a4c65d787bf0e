"""Schemathesis against the example apps: every operation of the OpenAPI document, fuzzed.

Each example app's test module builds one test per operation with
:func:`fuzz_test`; every generated request must get no 5xx, a documented
status, a documented content type (JSON) and a body that matches the document.
Worker operations are called as a worker and the client's as a client, so the
requests reach the handlers rather than stopping at ``403``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from weekplan.http import openapi_document

__all__ = [
    "CHECKS",
    "FUZZ_SETTINGS",
    "REQUESTS",
    "SCHEMA",
    "call_and_validate",
]

#: The checks every generated request passes.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

#: Requests sent so far, by app; printed at the end of the run (see ``tests/conftest.py``).
REQUESTS: Counter[str] = Counter()

#: Examples per operation: a few locally, more under the ``ci`` hypothesis profile. The
#: machine is shared, so generation speed is no health check here.
FUZZ_SETTINGS = settings(
    max_examples=50 if settings().max_examples >= 100 else 15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

#: The document the API serves, loaded once for every app.
SCHEMA = schemathesis.openapi.from_dict(openapi_document())


def _headers(case: Any, tokens: Mapping[str, str]) -> dict[str, str]:
    role = "client" if case.operation.path.startswith("/client") else "worker"
    return {"Authorization": f"Bearer {tokens[role]}"}


def call_and_validate(
    case: Any, app: Callable[..., Any], tokens: Mapping[str, str], label: str
) -> None:
    """Send ``case`` to the WSGI ``app`` as the caller its operation is for, and check it."""
    response = case.call(app=app, headers=_headers(case, tokens))
    REQUESTS[label] += 1
    case.validate_response(response, checks=CHECKS)
