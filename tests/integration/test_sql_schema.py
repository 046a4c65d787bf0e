"""weekplan's tables keep the rules that make them safe to share and to shard."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone

import attrs
import pytest
from sqlalchemy import (
    Date,
    Engine,
    ForeignKeyConstraint,
    Index,
    PrimaryKeyConstraint,
    UniqueConstraint,
    text,
)

from weekplan import InstanceExists, PlanEntry, Planner
from weekplan.adapters.memory import InMemoryStore
from weekplan.adapters.sqlalchemy import SqlAlchemyStore, metadata
from weekplan.domain._meal_types import MealType
from weekplan.domain.text import search_key
from weekplan.ports import Store


def _leading_columns(table_constraints: list[list[str]]) -> set[str]:
    return {columns[0] for columns in table_constraints}


def test_every_table_is_prefixed_and_carries_tenant_id() -> None:
    assert metadata.tables
    for table in metadata.tables.values():
        assert table.name.startswith("weekplan_"), table.name
        assert "tenant_id" in table.c, table.name
        assert not table.c.tenant_id.nullable, table.name


#: Indexes that answer a question across tenants, and so cannot lead with one.
#: Finding due schedules is such a question; on a database sharded by tenant each
#: shard has this index over its own tenants and is asked on its own.
ACROSS_TENANTS = {"ix_weekplan_schedules_next_run_at_tenant_id_901a8cee"}


def test_every_key_constraint_and_index_leads_with_tenant_id() -> None:
    checked = 0
    exempt = 0
    for table in metadata.tables.values():
        keyed: list[list[str]] = []
        for constraint in table.constraints:
            if isinstance(constraint, PrimaryKeyConstraint | UniqueConstraint):
                keyed.append([c.name for c in constraint.columns])
            if isinstance(constraint, ForeignKeyConstraint):
                keyed.append([c.name for c in constraint.columns])
                keyed.append([e.column.name for e in constraint.elements])
        for index in table.indexes:
            assert isinstance(index, Index)
            if index.name in ACROSS_TENANTS:
                exempt += 1
                assert "tenant_id" in index.columns, index.name
                continue
            keyed.append([c.name for c in index.columns])
        assert table.primary_key.columns, f"{table.name} has no primary key"
        assert _leading_columns(keyed) == {"tenant_id"}, table.name
        checked += len(keyed)
    assert checked >= 8
    assert exempt == len(ACROSS_TENANTS)


def test_the_catalog_and_the_history_are_keyed_by_tenant_first() -> None:
    dishes = metadata.tables["weekplan_dishes"]
    history = metadata.tables["weekplan_meal_history"]
    assert [c.name for c in dishes.primary_key.columns] == ["tenant_id", "id"]
    assert [c.name for c in history.primary_key.columns] == ["tenant_id", "slot_kind", "dish_id"]
    assert {tuple(c.name for c in i.columns) for i in dishes.indexes} == {
        ("tenant_id", "name_key", "id"),
        ("tenant_id", "signals_vocabulary"),
        *(("tenant_id", f"{meal}_rank", "name_key", "id") for meal in MealType),
    }


def test_every_constraint_and_index_is_named_by_the_convention() -> None:
    for table in metadata.tables.values():
        names = [c.name for c in table.constraints] + [i.name for i in table.indexes]
        for name in names:
            assert isinstance(name, str), (table.name, name)
            assert name.split("_")[0] in {"pk", "uq", "ix", "fk", "ck"}, name
            assert table.name in name, name
            assert len(name) <= 63, name  # PostgreSQL's limit, MariaDB's is 64


def test_a_week_start_is_a_plain_date_column() -> None:
    column = metadata.tables["weekplan_instances"].c.week_start_date
    assert type(column.type) is Date


def test_importing_weekplan_does_not_import_sqlalchemy() -> None:
    code = "import sys, weekplan, weekplan.adapters.memory; print('sqlalchemy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_importing_the_adapter_creates_no_engine() -> None:
    code = (
        "import sqlalchemy.engine.create as c\n"
        "made = []\n"
        "original = c.create_engine\n"
        "c.create_engine = lambda *a, **k: made.append(a) or original(*a, **k)\n"
        "import weekplan.adapters.sqlalchemy\n"
        "print(len(made))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "0"


def test_timestamps_round_trip_as_utc_to_the_microsecond(sql_store: SqlAlchemyStore) -> None:
    # An odd microsecond, given in another time zone than UTC.
    moment = datetime(2026, 11, 21, 23, 59, 59, 999_999, tzinfo=timezone(timedelta(hours=-5)))
    worker = Planner(sql_store, clock=lambda: moment).worker("tenant-clock")
    created = worker.create_template("Clock", [PlanEntry("mon", "lunch")])
    read = worker.get_template(created.id)
    assert read.created_at == moment
    assert read.created_at.tzinfo is UTC
    assert read.updated_at.microsecond == 999_999
    instance = worker.create_instance(created.id, "client-1", "2026-11-23")
    stored = worker.get_instance("client-1", "2026-11-23")
    assert stored.created_at == instance.created_at == moment
    assert stored.updated_at.utcoffset() == timedelta(0)


def test_keys_differing_only_in_case_or_trailing_space_are_distinct(
    sql_store: SqlAlchemyStore,
) -> None:
    planner = Planner(sql_store)
    upper, lower = planner.worker("Tenant-Case"), planner.worker("tenant-case")
    template = upper.create_template("Only in upper case tenant")
    assert lower.list_templates().items == ()
    upper.create_instance(template.id, "Client", "2026-11-23")
    upper.create_instance(template.id, "client", "2026-11-23")
    refs = [i.client_ref for i in upper.list_instances().items]
    assert refs == ["Client", "client"]


def test_names_sort_and_match_exactly_as_in_the_memory_store(sql_store: SqlAlchemyStore) -> None:
    # "abc" + an acute accent folds to "abc " (a trailing space), which a padded
    # collation ties with "abc"; "™" folds to "TM", capitals SQLite's LIKE matches to "tm".
    names = [
        "abc\u00b4",
        "abc",
        "Zebra",
        "zebra",
        "™ mark",
        "Ærø",
        "éclair",
        "eclair",
        "_x",
        "ß",
        "%",
    ]
    searches = [None, "tm", "TM", "_", "%", "ss", "ß", "E", "abc ", "zz"]

    def listings(store: Store) -> list[list[str]]:
        ids = iter(f"id-{n:03}" for n in range(100))
        worker = Planner(store, id_factory=lambda: next(ids)).worker("tenant-order")
        for name in names:
            worker.create_template(name)
        return [[t.name for t in worker.list_templates(search=s).items] for s in searches]

    expected = listings(InMemoryStore())
    assert expected[0] == sorted(names, key=search_key)
    assert listings(sql_store) == expected


def test_a_store_from_an_engine_leaves_the_engine_open(sql_store: SqlAlchemyStore) -> None:
    assert sql_store.engine is not None
    borrowed = SqlAlchemyStore(sql_store.engine)
    borrowed.close()
    with sql_store.unit_of_work() as uow:
        assert uow.templates.get("tenant-x", "missing") is None


def test_a_week_clash_is_known_when_the_key_carries_a_shard_suffix(empty_database: Engine) -> None:
    # What distributed PostgreSQL does to every shard's key; SQLite cannot rename
    # a key and reports the columns, so there it runs as created.
    store = SqlAlchemyStore(empty_database)
    store.create_all()
    suffixed = "uq_weekplan_instances_client_week_102071"
    rename = {
        "postgresql": f'ALTER INDEX uq_weekplan_instances_client_week RENAME TO "{suffixed}"',
        "mysql": "ALTER TABLE weekplan_instances"
        f" RENAME INDEX uq_weekplan_instances_client_week TO {suffixed}",
    }.get(empty_database.dialect.name)
    if rename is not None:
        with empty_database.begin() as connection:
            connection.execute(text(rename))
    worker = Planner(store).worker("tenant-s")
    template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
    week = worker.create_instance(template.id, "client-1", date(2026, 11, 2))
    with pytest.raises(InstanceExists), store.unit_of_work() as uow:
        uow.instances.add("tenant-s", attrs.evolve(week, id="another-id"))
