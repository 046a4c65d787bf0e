"""The Django store keeps the whole contract, on SQLite, PostgreSQL and MariaDB.

One class runs on every database alias through a parametrized fixture, because
hypothesis refuses one test method run by instances of several classes.
"""

from __future__ import annotations

import pytest

from tests.databases import django_alias
from weekplan.contrib.django.store import DjangoStore
from weekplan.ports import Store
from weekplan.testing import BulkInstancesConformance, StoreConformance

ALIASES = [
    pytest.param("default", id="sqlite"),
    pytest.param("postgres", id="postgresql"),
    pytest.param("mariadb", id="mariadb"),
]


class TestDjangoStore(StoreConformance, BulkInstancesConformance):
    alias: str

    @pytest.fixture(autouse=True, params=ALIASES)
    def _database(self, request: pytest.FixtureRequest, django_databases: object) -> None:
        self.alias = django_alias(request.param)

    def make_store(self) -> Store:
        return DjangoStore(self.alias)
