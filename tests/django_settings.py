"""Django settings for weekplan's tests: the example project, on throwaway databases.

``default`` is a SQLite file of its own per test run, in WAL mode with a busy
timeout and ``BEGIN IMMEDIATE`` transactions, so the conformance suite's racing
threads each get a real connection and real transactions (an in-memory SQLite
database would give each thread a separate, empty database).

When ``WEEKPLAN_TEST_POSTGRES_URL`` is set (for example
``postgresql://postgres@127.0.0.1:5432/test``), a ``postgres`` alias points at a
database of the tests' own on that server, created and dropped around the run,
so the races also run with truly concurrent transactions.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django_app.settings import *  # noqa: F403  # the example project, databases replaced below

RUN_ID = f"{os.getpid()}_{uuid.uuid4().hex[:8]}"
SQLITE_PATH = Path(tempfile.gettempdir()) / f"weekplan_django_{RUN_ID}.sqlite3"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(SQLITE_PATH),
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}

POSTGRES_URL = os.environ.get("WEEKPLAN_TEST_POSTGRES_URL")
if POSTGRES_URL:
    _url = urlsplit(POSTGRES_URL)
    # The variable is shared with the SQLAlchemy tests, whose URLs name a driver
    # (postgresql+psycopg://); psycopg itself only takes the plain scheme.
    POSTGRES_URL = urlunsplit(_url._replace(scheme="postgresql"))
    DATABASES["postgres"] = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": f"weekplan_django_{RUN_ID}",
        "USER": _url.username or "postgres",
        "PASSWORD": _url.password or "",
        "HOST": _url.hostname or "127.0.0.1",
        "PORT": str(_url.port or 5432),
    }

# Bearer tokens of the example's access function; the tests add one per caller.
EXAMPLE_TOKENS: dict[str, object] = {}

# A zone far from UTC, so that a timestamp that is not kept in UTC shows.
TIME_ZONE = "Pacific/Kiritimati"
