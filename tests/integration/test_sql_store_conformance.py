"""The SQLAlchemy store keeps the whole contract, on every database.

One class runs on every backend through a parametrized fixture: hypothesis
refuses one test method run by instances of several classes.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import URL

from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.ports import Store
from weekplan.testing import BulkInstancesConformance, SnapshotReadsConformance, StoreConformance

BACKENDS = ("sqlite-file", "sqlite-memory", "postgresql", "mariadb")


class TestSqlAlchemyStore(StoreConformance, BulkInstancesConformance, SnapshotReadsConformance):
    url: URL

    @pytest.fixture(autouse=True, params=BACKENDS)
    def _database(self, request: pytest.FixtureRequest, url_of: Callable[[str], URL]) -> None:
        self.url = url_of(request.param)

    def make_store(self) -> Store:
        store = SqlAlchemyStore(self.url)
        store.create_all()
        return store

    def dispose_store(self, store: Store) -> None:
        assert isinstance(store, SqlAlchemyStore)
        store.close()
