"""The Django store keeps the whole contract, on SQLite and (when asked) on PostgreSQL and MariaDB.

One class runs on every database alias through a parametrized fixture, because
hypothesis refuses one test method run by instances of several classes.
"""

from __future__ import annotations

import pytest
from django.conf import settings

from weekplan.contrib.django.store import DjangoStore
from weekplan.ports import Store
from weekplan.testing import StoreConformance

ALIASES = [
    pytest.param("default", id="sqlite"),
    pytest.param(
        "postgres",
        id="postgresql",
        marks=pytest.mark.skipif(
            "postgres" not in settings.DATABASES, reason="set WEEKPLAN_TEST_POSTGRES_URL to run"
        ),
    ),
    pytest.param(
        "mariadb",
        id="mariadb",
        marks=pytest.mark.skipif(
            "mariadb" not in settings.DATABASES, reason="set WEEKPLAN_TEST_MYSQL_URL to run"
        ),
    ),
]


class TestDjangoStore(StoreConformance):
    alias: str

    @pytest.fixture(autouse=True, params=ALIASES)
    def _database(self, request: pytest.FixtureRequest, django_databases: object) -> None:
        self.alias = request.param

    def make_store(self) -> Store:
        return DjangoStore(self.alias)
