"""The SQLAlchemy store and the Django store read each other's rows.

Both map weekplan's one schema, so a database written through one store is read
through the other as it is: each test writes a tenant's data (templates, weeks,
dishes, meal history, rulesets and assignments, the change log, slot locks,
drafts, generation runs, schedules) through one store and reads all of it back
through both, on the same database; the domain values must be equal. A change
set of several slots, and a plan, are written as the same text by both, and
plans in the form earlier versions wrote are read by both.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import cast

import attrs
import pytest
from sqlalchemy import Engine, select, update

from tests.databases import django_alias
from tests.plan_forms import object_form
from weekplan import Planner
from weekplan.adapters._rows import decode_entries
from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.adapters.sqlalchemy._schema import instances, templates
from weekplan.adapters.sqlalchemy._workflow_schema import change_sets, drafts
from weekplan.contrib.django.store import DjangoStore
from weekplan.domain._days import DayKey
from weekplan.domain._entries import PlanEntry
from weekplan.domain.changes import ChangeSet, ChangeSource, ChangeSubject, ChangeType, SlotChange
from weekplan.ports import Store
from weekplan.workflow_ports import ChangeLogCapability

from .everything import MONDAY, START, read_everything, ticking_clock, write_everything
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


def _plan_texts(engine: Engine, tenant_id: str) -> dict[str, list[str | None]]:
    """Every plan text of the tenant, by column, sorted (a NULL snapshot first)."""
    plans = {
        "templates.days": select(templates.c.days).order_by(templates.c.id),
        "instances.days": select(instances.c.days).order_by(instances.c.id),
        "instances.template_snapshot": select(instances.c.template_snapshot).order_by(
            instances.c.id
        ),
        "drafts.days": select(drafts.c.days).order_by(drafts.c.client_ref),
    }
    with engine.connect() as connection:
        return {
            name: sorted(
                connection.execute(
                    query.where(query.selected_columns[0].table.c.tenant_id == tenant_id)
                ).scalars(),
                key=lambda text: (text is not None, text or ""),
            )
            for name, query in plans.items()
        }


def _write_plans(store: Store, tenant_id: str) -> None:
    """Everything, and a template with entries, a week cloned from it and edited, its draft."""
    write_everything(store, tenant_id)
    worker = Planner(store, clock=ticking_clock()).worker(tenant_id)
    days = [PlanEntry("mon", 'lunch "2"', notes="Ærwten ✓"), PlanEntry("sun", "diner")]
    template = worker.create_template("Week", days)
    worker.create_instance(template.id, "client-9", MONDAY)
    worker.set_slot("client-9", MONDAY, "tue", "lunch", notes="soep")
    worker.start_draft("client-9", MONDAY)
    worker.draft("client-9", MONDAY).set_slot("wed", "diner", notes="pap")


def test_both_stores_write_plans_as_the_same_compact_text_and_read_the_earlier_form(
    stores: dict[str, Store],
) -> None:
    engine = cast(SqlAlchemyStore, stores["sqlalchemy"]).engine
    assert engine is not None
    tenants = {name: f"tenant-{uuid.uuid4().hex[:12]}" for name in stores}
    for name, store in stores.items():
        _write_plans(store, tenants[name])
    texts = {name: _plan_texts(engine, tenant) for name, tenant in tenants.items()}
    assert texts["django"] == texts["sqlalchemy"]
    assert texts["django"]["templates.days"] == [
        '[["mon","lunch \\"2\\"",null,"Ærwten ✓"],["sun","diner",null,null]]',
        "[]",
    ]
    # A week never edited stores no snapshot (NULL: its days); the two edited store theirs.
    snapshots = texts["django"]["instances.template_snapshot"]
    assert [text is None for text in snapshots] == [True, False, False]
    # Rows an earlier weekplan wrote, each entry an object and every snapshot written out:
    # both stores read them as they are.
    tenant = tenants["sqlalchemy"]
    written = read_everything(stores["sqlalchemy"], tenant)
    with engine.begin() as connection:
        for table, columns in ((templates, ("days",)), (instances, ("days", "template_snapshot"))):
            for row in connection.execute(select(table).where(table.c.tenant_id == tenant)):
                connection.execute(
                    update(table)
                    .where(table.c.tenant_id == tenant, table.c.id == row.id)
                    .values(
                        {
                            c: object_form(decode_entries(getattr(row, c) or row.days))
                            for c in columns
                        }
                    )
                )
        for row in connection.execute(select(drafts).where(drafts.c.tenant_id == tenant)):
            connection.execute(
                update(drafts)
                .where(drafts.c.tenant_id == tenant, drafts.c.client_ref == row.client_ref)
                .values(days=object_form(decode_entries(row.days)))
            )
    old = _plan_texts(engine, tenant)
    assert all(
        t == "[]" or (t is not None and t.startswith('[{"day_key":'))
        for ts in old.values()
        for t in ts
    )
    assert sum(len(ts) for ts in old.values()) == 10  # 2 templates, 3 weeks, 2 drafts
    for store in stores.values():
        assert read_everything(store, tenant) == written
        week = Planner(store).worker(tenant).get_instance("client-9", MONDAY)
        assert week.days[0] == PlanEntry("mon", 'lunch "2"', notes="Ærwten ✓")
        draft_days = Planner(store).worker(tenant).get_draft("client-9", MONDAY).days
        assert PlanEntry("wed", "diner", notes="pap") in draft_days
