"""Django's migrations make exactly the tables of weekplan's SQLAlchemy metadata.

A fresh database migrated with Django and one made by ``metadata.create_all``
on the same server are compared through SQLAlchemy's inspector, table by table:
columns (name, type with its length and collation, nullability, default),
primary keys, unique constraints, foreign keys and indexes, all by name.
"""

from __future__ import annotations

import pytest

from tests.databases import django_alias
from weekplan.adapters.sqlalchemy import metadata

from .schema_compare import assert_same_tables, engine_for, scratch_database, sqlalchemy_url

pytestmark = pytest.mark.usefixtures("django_databases")

ALIASES = [
    pytest.param("default", id="sqlite"),
    pytest.param("postgres", id="postgresql"),
    pytest.param("mariadb", id="mariadb"),
]


@pytest.mark.parametrize("alias", ALIASES)
def test_django_migrations_make_exactly_the_metadatas_tables(alias: str) -> None:
    alias = django_alias(alias)
    with (
        scratch_database(alias) as reference_url,
        engine_for(reference_url) as reference,
        engine_for(sqlalchemy_url(alias)) as migrated,
    ):
        metadata.create_all(reference)
        assert_same_tables(migrated, reference)
