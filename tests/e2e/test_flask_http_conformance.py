"""The example Flask app keeps the HTTP contract: weekplan's conformance suite, over Flask."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from flask_app import create_app

from weekplan.http import RequestAccess
from weekplan.testing import HttpConformance, HttpResult


class FlaskClient:
    """Flask's test client, authenticating with one bearer token."""

    def __init__(self, app: Flask, token: str | None) -> None:
        self._client = app.test_client()
        self._headers = {} if token is None else {"Authorization": f"Bearer {token}"}

    def request(
        self, method: str, path: str, *, body: bytes | None = None, content_type: str | None = None
    ) -> HttpResult:
        headers = dict(self._headers)
        if content_type is not None and body is not None:
            headers["Content-Type"] = content_type
        response = self._client.open(path, method=method, data=body, headers=headers)
        names = {name.lower(): value for name, value in response.headers.items()}
        return HttpResult(response.status_code, names, response.get_data())


class TestFlaskExampleApp(HttpConformance):
    tokens: dict[str, RequestAccess]
    app: Flask

    @pytest.fixture(autouse=True)
    def _app(self) -> None:
        self.tokens = {}
        self.app = create_app(
            {"TESTING": True, "WEEKPLAN_DATABASE_URL": "sqlite://", "WEEKPLAN_TOKENS": self.tokens}
        )

    def make_client(self, access: RequestAccess | None) -> FlaskClient:
        if access is None:
            return FlaskClient(self.app, None)
        token = uuid.uuid4().hex
        self.tokens[token] = access
        return FlaskClient(self.app, token)
