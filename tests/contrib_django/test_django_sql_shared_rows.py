"""The SQLAlchemy store and the Django store read each other's rows.

Both map weekplan's one schema, so a database written through one store is read
through the other as it is: each test writes a tenant's data (templates, weeks,
dishes, meal history, rulesets and assignments, the change log, slot locks,
drafts, generation runs, schedules) through one store and reads all of it back
through both, on the same database; the domain values must be equal.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.databases import django_alias
from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.contrib.django.store import DjangoStore
from weekplan.ports import Store

from .everything import read_everything, write_everything
from .schema_compare import sqlalchemy_url

pytestmark = pytest.mark.usefixtures("django_databases")

ALIASES = [
    pytest.param("default", id="sqlite"),
    pytest.param("postgres", id="postgresql"),
    pytest.param("mariadb", id="mariadb"),
]


@pytest.fixture(params=ALIASES)
def stores(request: pytest.FixtureRequest) -> Iterator[dict[str, Store]]:
    """The Django store and a SQLAlchemy store on the same database."""
    alias = django_alias(str(request.param))
    sql = SqlAlchemyStore(sqlalchemy_url(alias))
    try:
        yield {"django": DjangoStore(alias), "sqlalchemy": sql}
    finally:
        sql.close()


@pytest.mark.parametrize(("writer", "reader"), [("sqlalchemy", "django"), ("django", "sqlalchemy")])
def test_what_one_store_writes_the_other_reads(
    stores: dict[str, Store], writer: str, reader: str
) -> None:
    tenant_id = f"tenant-{uuid.uuid4().hex[:12]}"
    write_everything(stores[writer], tenant_id)

    written = read_everything(stores[writer], tenant_id)
    read = read_everything(stores[reader], tenant_id)

    # The scenario wrote something of every kind, so an empty read proves nothing.
    assert all(written.values()), [part for part, value in written.items() if not value]
    for part, value in written.items():
        assert read[part] == value, part
