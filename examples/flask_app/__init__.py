"""An example host app: weekly planning added to a Flask app in a few lines.

Run it from the ``examples`` folder::

    flask --app flask_app run

and call it as the demo worker::

    curl -H 'Authorization: Bearer worker-token' localhost:5000/api/planning/templates

Authentication here is a fixed table of bearer tokens, standing in for whatever
the host really uses; what matters is that the tenant comes from the
authenticated caller, never from the request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, abort, current_app, request

from weekplan import Planner
from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.contrib.flask import RequestAccess, init_app, planning_blueprint
from weekplan.ports import Store

__all__ = ["DEMO_TOKENS", "create_app"]

#: Bearer token -> who it authenticates. A real host looks these up in its user store.
DEMO_TOKENS: Mapping[str, RequestAccess] = {
    "worker-token": RequestAccess.worker("practice-1"),
    "viewer-token": RequestAccess.viewer("practice-1"),
    "client-token": RequestAccess.client("practice-1", "client-42"),
    "other-practice-token": RequestAccess.worker("practice-2"),
}


def make_store(app: Flask) -> Store:
    """The store: SQLite in a file by default, any SQLAlchemy URL through the config."""
    store = SqlAlchemyStore(app.config["WEEKPLAN_DATABASE_URL"])
    store.create_all()  # a real host runs the shipped Alembic migrations instead
    return store


def access_from_token() -> RequestAccess:
    """The caller's tenant and access mode, from the ``Authorization`` header."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    access = current_app.config["WEEKPLAN_TOKENS"].get(token) if scheme == "Bearer" else None
    if not isinstance(access, RequestAccess):
        abort(401)
    return access


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The app factory: ``config`` overrides the defaults (e.g. in tests)."""
    app = Flask(__name__)
    app.config.from_mapping(
        WEEKPLAN_TOKENS=DEMO_TOKENS, WEEKPLAN_DATABASE_URL="sqlite:///weekplan-flask.db"
    )
    app.config.from_mapping(config or {})
    init_app(app, Planner(make_store(app)), access=access_from_token)
    app.register_blueprint(planning_blueprint())
    return app
