"""Schemathesis fuzzes every operation of the example Django project against the OpenAPI doc."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

from tests.openapi_fuzz import FUZZ_SETTINGS, SCHEMA, call_and_validate
from weekplan.http import RequestAccess

pytestmark = pytest.mark.usefixtures("django_databases")

TOKENS = {"worker": "fuzz-worker", "client": "fuzz-client"}


@pytest.fixture(scope="module")
def app() -> WSGIHandler:
    settings.EXAMPLE_TOKENS[TOKENS["worker"]] = RequestAccess.worker("fuzz")
    settings.EXAMPLE_TOKENS[TOKENS["client"]] = RequestAccess.client("fuzz", "client-42")
    return WSGIHandler()


@SCHEMA.parametrize()
@FUZZ_SETTINGS
def test_every_operation_answers_as_documented(case: Any, app: WSGIHandler) -> None:
    call_and_validate(case, app, TOKENS, "django")
