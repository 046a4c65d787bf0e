"""The test run finds the database servers by itself and never hides one it could not use."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.databases import MARIADB, POSTGRESQL, Server, databases_required

ROOT = Path(__file__).resolve().parents[2]

UNREACHABLE = {
    # Port 1 refuses connections at once, so these runs take no time waiting.
    POSTGRESQL.variable: "postgresql+psycopg://postgres@127.0.0.1:1/test",
    MARIADB.variable: "mysql+pymysql://root@127.0.0.1:1/test",
}
PLUGINS_OFF = ["-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:xdist"]
SERVER_TESTS = [
    "tests/integration/test_sql_transactions.py",
    "tests/contrib_django/test_django_store_integration.py",
    "-k",
    "postgres or mariadb",
]


def _pytest_run(**extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "WEEKPLAN_REQUIRE_DATABASES"}}
    env.update(UNREACHABLE, **extra_env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", *PLUGINS_OFF, *SERVER_TESTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.mark.parametrize("server", [POSTGRESQL, MARIADB], ids=lambda s: s.name)
def test_servers_are_found_at_their_default_local_address_without_any_setting(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(server.variable, raising=False)
    assert server.url() == server.default_url
    assert server.default_url.split("@", 1)[1].startswith("127.0.0.1:")
    assert f"(the default; set {server.variable} for another server)" in server.where()
    monkeypatch.setenv(server.variable, "postgresql://elsewhere/db")
    assert server.url() == "postgresql://elsewhere/db"
    assert server.where() == f"{server.variable}=postgresql://elsewhere/db"


@pytest.mark.parametrize(
    ("env", "required"),
    [
        ({}, False),
        ({"CI": "true"}, True),
        ({"CI": "1"}, True),
        ({"CI": "false"}, False),
        ({"WEEKPLAN_REQUIRE_DATABASES": "1"}, True),
    ],
)
def test_ci_requires_every_database(
    env: dict[str, str], required: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("WEEKPLAN_REQUIRE_DATABASES", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert databases_required() is required


def test_a_run_without_its_databases_ends_with_a_loud_summary_of_what_was_skipped() -> None:
    result = _pytest_run()
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.split("NOT run (skipped)", 1)[1]
    assert "skipped: database not tested: PostgreSQL is unreachable at " in summary
    assert "skipped: database not tested: MariaDB is unreachable at " in summary
    if importlib.util.find_spec("django") is not None:
        assert "Django alias 'postgres'" in summary
    assert "Connection refused" in summary
    assert "with CI=true a missing database fails the run" in summary
    # The summary comes after pytest's own list of skips, just before the final counts.
    assert "short test summary info" not in summary
    assert " skipped" in result.stdout.strip().splitlines()[-1]


def test_a_ci_run_without_its_databases_fails() -> None:
    result = _pytest_run(CI="true")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "CI requires every database" in result.stdout
    assert " passed" not in result.stdout.strip().splitlines()[-1]
    assert "skipped" not in result.stdout.strip().splitlines()[-1]
