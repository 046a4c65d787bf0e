"""Schemathesis fuzzes every operation of the example Flask app against the OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask_app import create_app

from tests.openapi_fuzz import FUZZ_SETTINGS, SCHEMA, call_and_validate
from weekplan.http import RequestAccess

TOKENS = {"worker": "fuzz-worker", "client": "fuzz-client"}


@pytest.fixture(scope="module")
def app() -> Flask:
    tokens = {
        TOKENS["worker"]: RequestAccess.worker("fuzz"),
        TOKENS["client"]: RequestAccess.client("fuzz", "client-42"),
    }
    return create_app(
        {"TESTING": True, "WEEKPLAN_DATABASE_URL": "sqlite://", "WEEKPLAN_TOKENS": tokens}
    )


@SCHEMA.parametrize()
@FUZZ_SETTINGS
def test_every_operation_answers_as_documented(case: Any, app: Flask) -> None:
    call_and_validate(case, app, TOKENS, "flask")
