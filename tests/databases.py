"""Where the tests find PostgreSQL and MariaDB, and what happens when one is missing.

Each server is found at the URL in its environment variable, or else at its
default local address, so a machine that runs both servers locally tests both
without any setting. A server that is missing or unreachable skips its tests
with a reason that starts with :data:`SKIP_PREFIX` (the root ``conftest.py``
lists them loudly at the end of the run); under ``CI=true`` (or
``WEEKPLAN_REQUIRE_DATABASES=1``) it fails them instead, because a green CI run
must not hide an untested database.
"""

from __future__ import annotations

import importlib
import os
from typing import Any, NoReturn

import attrs
import pytest

SKIP_PREFIX = "database not tested: "
"""The start of every skip reason that means a database server was not tested."""

_TRUE = {"1", "true", "yes", "on"}


@attrs.frozen
class Server:
    """A database server the integration tests run on."""

    name: str
    variable: str
    default_url: str
    extra: str

    def url(self) -> str:
        """The URL from :attr:`variable`, or the default local address."""
        return os.environ.get(self.variable) or self.default_url

    def where(self) -> str:
        """How the URL was chosen, for skip reasons."""
        if os.environ.get(self.variable):
            return f"{self.variable}={self.url()}"
        return f"{self.default_url} (the default; set {self.variable} for another server)"


POSTGRESQL = Server(
    "PostgreSQL",
    "WEEKPLAN_TEST_POSTGRES_URL",
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "postgresql",
)
MARIADB = Server(
    "MariaDB", "WEEKPLAN_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test", "mysql"
)


def databases_required() -> bool:
    """Whether a missing database fails the run (in CI) rather than skipping its tests."""
    return any(
        os.environ.get(name, "").strip().lower() in _TRUE
        for name in ("CI", "WEEKPLAN_REQUIRE_DATABASES")
    )


def unavailable(server: Server, why: str) -> NoReturn:
    """Skip the current test because ``server`` cannot be used, or fail it in CI."""
    reason = f"{SKIP_PREFIX}{server.name} {why}"
    if databases_required():
        pytest.fail(f"{reason} (and CI requires every database)", pytrace=False)
    pytest.skip(reason)


def missing_driver(server: Server, exc: ImportError) -> str:
    """The reason a server is skipped when its driver is not installed."""
    return f"has no driver ({exc}); install it with: pip install -e '.[{server.extra}]'"


def libpq_url(url: str) -> str:
    """``postgresql+psycopg://...`` as libpq spells it (the part after ``+`` names a driver)."""
    scheme, rest = url.split("://", 1)
    return f"{scheme.split('+', 1)[0]}://{rest}"


def postgresql_problem() -> str | None:
    """Why PostgreSQL cannot be used through psycopg, or ``None`` when it can."""
    try:
        psycopg: Any = importlib.import_module("psycopg")
    except ImportError as exc:
        return missing_driver(POSTGRESQL, exc)
    try:
        psycopg.connect(libpq_url(POSTGRESQL.url()), connect_timeout=5).close()
    except psycopg.Error as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"is unreachable at {POSTGRESQL.where()}: {first_line}"
    return None


def mariadb_problem() -> str | None:
    """Why MariaDB cannot be used through PyMySQL, or ``None`` when it can."""
    try:
        pymysql: Any = importlib.import_module("pymysql")
    except ImportError as exc:
        return missing_driver(MARIADB, exc)
    from urllib.parse import urlsplit  # noqa: PLC0415

    url = urlsplit(MARIADB.url())
    try:
        pymysql.connect(
            host=url.hostname or "127.0.0.1",
            port=url.port or 3306,
            user=url.username or "root",
            password=url.password or "",
            connect_timeout=5,
        ).close()
    except pymysql.Error as exc:
        return f"is unreachable at {MARIADB.where()}: {exc}"
    return None


def django_alias(alias: str) -> str:
    """``alias`` when the Django test settings configure it; else skip (or fail in CI)."""
    from django.conf import settings  # noqa: PLC0415  # only the Django tests ask for an alias

    if alias not in settings.DATABASES:
        server, flag = (
            (MARIADB, "MARIADB_UNAVAILABLE")
            if alias == "mariadb"
            else (POSTGRESQL, "POSTGRES_UNAVAILABLE")
        )
        problem = getattr(settings, flag, None) or "is not configured"
        unavailable(server, f"(Django alias {alias!r}) {problem}")
    return alias
