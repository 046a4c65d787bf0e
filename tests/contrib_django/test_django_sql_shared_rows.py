"""The SQLAlchemy store and the Django store read each other's rows.

Both map weekplan's one schema, so a database written through one store is read
through the other as it is: each test writes a tenant's data (templates, weeks,
dishes, meal history, rulesets and assignments, the change log, slot locks,
drafts, generation runs, schedules) through one store and reads all of it back
through both, on the same database; the domain values must be equal. A change
set of several slots is written as the same text by both.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import cast

import attrs
import pytest
from sqlalchemy import select

from tests.databases import django_alias
from weekplan import Planner
from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.adapters.sqlalchemy._workflow_schema import change_sets
from weekplan.contrib.django.store import DjangoStore
from weekplan.domain._days import DayKey
from weekplan.domain._entries import PlanEntry
from weekplan.domain.changes import ChangeSet, ChangeSource, ChangeSubject, ChangeType, SlotChange
from weekplan.ports import Store
from weekplan.workflow_ports import ChangeLogCapability

from .everything import MONDAY, START, read_everything, write_everything
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


def _change_set(tenant_id: str) -> ChangeSet:
    entry = PlanEntry("tue", 'lunch "2"', dish_template_id="d-1", notes="Ærwten ✓")
    return ChangeSet(
        id="set-1",
        tenant_id=tenant_id,
        subject=ChangeSubject.WEEK,
        subject_id="ins-1",
        client_ref="client-1",
        week_start_date=MONDAY,
        actor="user-17",
        source=ChangeSource.EDIT,
        reason="vegetarisch",
        at=START,
        version_before=1,
        version_after=2,
        changes=(
            SlotChange(ChangeType.ADDED, DayKey.MON, "lunch", None, PlanEntry("mon", "lunch")),
            SlotChange(
                ChangeType.CHANGED, DayKey.TUE, 'lunch "2"', entry, attrs.evolve(entry, notes=None)
            ),
            SlotChange(ChangeType.REMOVED, DayKey.SUN, "dinner", PlanEntry("sun", "dinner"), None),
        ),
    )


def test_both_stores_write_a_change_set_as_the_same_text_and_read_each_others(
    stores: dict[str, Store],
) -> None:
    tenants = {name: f"tenant-{uuid.uuid4().hex[:12]}" for name in stores}
    for name, store in stores.items():
        with store.unit_of_work() as uow:
            change_log = cast(ChangeLogCapability, uow).changes
            change_log.append(tenants[name], [_change_set(tenants[name])])
            uow.commit()
    engine = cast(SqlAlchemyStore, stores["sqlalchemy"]).engine
    assert engine is not None
    with engine.connect() as connection:
        texts = {
            name: connection.execute(
                select(change_sets.c.changes).where(change_sets.c.tenant_id == tenant)
            ).scalar_one()
            for name, tenant in tenants.items()
        }
    assert texts["django"] == texts["sqlalchemy"]
    for name, tenant in tenants.items():
        expected = tuple(reversed(_change_set(tenant).records()))
        for store in stores.values():
            listed = Planner(store).worker(tenant).list_changes("client-1", MONDAY, limit=2)
            assert listed.items == expected[:2], name
            assert listed.next_cursor is not None
            rest = (
                Planner(store)
                .worker(tenant)
                .list_changes("client-1", MONDAY, cursor=listed.next_cursor)
            )
            assert rest.items == expected[2:], name
