"""Databases for the Django tests: migrated once per run, removed at the end."""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections


def _postgres_admin(statement: str) -> None:
    # Imported only when the PostgreSQL run is asked for; psycopg is not a test dependency.
    psycopg: Any = importlib.import_module("psycopg")

    # libpq does not know SQLAlchemy's "postgresql+psycopg://" spelling, which CI
    # sets for the SQLAlchemy tests; the part after "+" only names the driver.
    scheme, rest = settings.POSTGRES_URL.split("://", 1)
    url = f"{scheme.split('+', 1)[0]}://{rest}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(statement)


def mariadb_admin(statement: str) -> None:
    pymysql: Any = importlib.import_module("pymysql")
    database = settings.DATABASES["mariadb"]
    admin = pymysql.connect(
        host=database["HOST"],
        port=int(database["PORT"]),
        user=database["USER"],
        password=database["PASSWORD"],
        autocommit=True,
    )
    try:
        with admin.cursor() as cursor:
            cursor.execute(statement)
    finally:
        admin.close()


@pytest.fixture(scope="session")
def django_databases() -> Iterator[tuple[str, ...]]:
    """Every configured alias, migrated; the databases are dropped after the run."""
    aliases = tuple(settings.DATABASES)
    if "postgres" in aliases:
        name = settings.DATABASES["postgres"]["NAME"]
        _postgres_admin(f'CREATE DATABASE "{name}"')
    if "mariadb" in aliases:
        name = settings.DATABASES["mariadb"]["NAME"]
        mariadb_admin(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    try:
        for alias in aliases:
            call_command("migrate", database=alias, verbosity=0)
        yield aliases
    finally:
        connections.close_all()
        if "postgres" in aliases:
            name = settings.DATABASES["postgres"]["NAME"]
            # Racing threads may still hold connections until they are collected.
            _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if "mariadb" in aliases:
            mariadb_admin(f"DROP DATABASE IF EXISTS `{settings.DATABASES['mariadb']['NAME']}`")
        sqlite = Path(settings.SQLITE_PATH)
        for path in sqlite.parent.glob(f"{sqlite.name}*"):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


@pytest.fixture(autouse=True)
def threads_close_their_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads a test starts close their Django connections when they end.

    Django opens one connection per thread and closes it at the end of a request;
    a host's own worker threads must close theirs (``connections.close_all()``),
    and so do the conformance suite's racing threads here.
    """
    run = threading.Thread.run

    def run_then_close(self: threading.Thread) -> None:
        try:
            run(self)
        finally:
            connections.close_all()

    monkeypatch.setattr(threading.Thread, "run", run_then_close)
