"""Django settings for weekplan's tests: the example project, on throwaway databases.

``default`` is a SQLite file of its own per test run, in WAL mode with a busy
timeout and ``BEGIN IMMEDIATE`` transactions, so the conformance suite's racing
threads each get a real connection and real transactions (an in-memory SQLite
database would give each thread a separate, empty database).

When PostgreSQL answers at ``WEEKPLAN_TEST_POSTGRES_URL``, or else at its
default local address (``tests/databases.py``), a ``postgres`` alias points at a
database of the tests' own on that server, created and dropped around the run,
so the races also run with truly concurrent transactions. When it does not,
``POSTGRES_UNAVAILABLE`` says why, and the tests on that alias skip (or fail in CI).

Likewise MariaDB at ``WEEKPLAN_TEST_MYSQL_URL`` (or its default local address)
gets a ``mariadb`` alias, through PyMySQL standing in for mysqlclient
(``pymysql.install_as_MySQLdb()``); ``MARIADB_UNAVAILABLE`` says why not.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from django_app.settings import *  # noqa: F403  # the example project, databases replaced below

from tests.databases import MARIADB, POSTGRESQL, libpq_url, mariadb_problem, postgresql_problem

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

# The URL is shared with the SQLAlchemy tests, whose URLs name a driver
# (postgresql+psycopg://); psycopg itself only takes the plain scheme.
POSTGRES_URL = libpq_url(POSTGRESQL.url())
POSTGRES_UNAVAILABLE = postgresql_problem()
if POSTGRES_UNAVAILABLE is None:
    _url = urlsplit(POSTGRES_URL)
    DATABASES["postgres"] = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": f"weekplan_django_{RUN_ID}",
        "USER": _url.username or "postgres",
        "PASSWORD": _url.password or "",
        "HOST": _url.hostname or "127.0.0.1",
        "PORT": str(_url.port or 5432),
    }

MARIADB_UNAVAILABLE = mariadb_problem()
if MARIADB_UNAVAILABLE is None:
    import importlib

    # Django's MySQL backend imports MySQLdb (mysqlclient); PyMySQL answers to that
    # name and reports a mysqlclient-compatible version_info.
    importlib.import_module("pymysql").install_as_MySQLdb()
    _mysql = urlsplit(MARIADB.url())
    DATABASES["mariadb"] = {
        "ENGINE": "django.db.backends.mysql",
        "NAME": f"weekplan_django_{RUN_ID}",
        "USER": _mysql.username or "root",
        "PASSWORD": _mysql.password or "",
        "HOST": _mysql.hostname or "127.0.0.1",
        "PORT": str(_mysql.port or 3306),
        "OPTIONS": {"charset": "utf8mb4"},
    }

# Bearer tokens of the example's access function; the tests add one per caller.
EXAMPLE_TOKENS: dict[str, object] = {}

# A zone far from UTC, so that a timestamp that is not kept in UTC shows.
TIME_ZONE = "Pacific/Kiritimati"
