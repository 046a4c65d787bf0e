"""The SQLAlchemy store keeps the whole contract, on every database.

One class runs on every backend through a parametrized fixture: hypothesis
refuses one test method run by instances of several classes.

Each backend's store is made, with its tables, once per test process and
shared by every test, as the contract allows (each test works in tenants of its
own): opening a store and creating its tables per test cost more than most
tests themselves on the database servers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import URL

from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.ports import Store
from weekplan.testing import BulkInstancesConformance, SnapshotReadsConformance, StoreConformance

BACKENDS = ("sqlite-file", "sqlite-memory", "postgresql", "mariadb")


@pytest.fixture(scope="session")
def shared_sql_stores() -> Iterator[dict[str, SqlAlchemyStore]]:
    """One store per database URL for the whole run, closed at its end."""
    stores: dict[str, SqlAlchemyStore] = {}
    try:
        yield stores
    finally:
        for store in stores.values():
            store.close()


class TestSqlAlchemyStore(StoreConformance, BulkInstancesConformance, SnapshotReadsConformance):
    url: URL
    stores: dict[str, SqlAlchemyStore]

    @pytest.fixture(autouse=True, params=BACKENDS)
    def _database(
        self,
        request: pytest.FixtureRequest,
        url_of: Callable[[str], URL],
        shared_sql_stores: dict[str, SqlAlchemyStore],
    ) -> None:
        self.url = url_of(request.param)
        self.stores = shared_sql_stores

    def make_store(self) -> Store:
        key = self.url.render_as_string(hide_password=False)
        if key not in self.stores:
            store = SqlAlchemyStore(self.url)
            store.create_all()
            self.stores[key] = store
        return self.stores[key]
