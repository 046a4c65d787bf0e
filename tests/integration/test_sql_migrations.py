"""The shipped migrations build exactly the tables of ``metadata``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import attrs
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, insert, inspect, text

from weekplan import InstanceExists, PlanEntry, Planner
from weekplan.adapters._rows import EntryCodec
from weekplan.adapters.sqlalchemy import SqlAlchemyStore, metadata
from weekplan.adapters.sqlalchemy.migrations import BRANCH, VERSION_TABLE, VERSIONS, upgrade
from weekplan.adapters.sqlalchemy.schema import instances, templates


def _differences(engine: Engine) -> list[object]:
    def ours(name: str | None, kind: str, _parent: object) -> bool:
        return kind != "table" or ((name or "").startswith("weekplan_") and name != VERSION_TABLE)

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": ours}
        )
        return list(compare_metadata(context, metadata))


def _key_collations(engine: Engine) -> set[str | None]:
    if engine.dialect.name == "sqlite":
        return {None}  # SQLite compares text by its bytes unless told otherwise
    schema = "current_schema()" if engine.dialect.name == "postgresql" else "database()"
    query = text(
        "SELECT collation_name FROM information_schema.columns"
        f" WHERE table_schema = {schema} AND table_name = 'weekplan_instances'"
        " AND column_name IN ('tenant_id', 'client_ref')"
    )
    with engine.connect() as connection:
        return set(connection.execute(query).scalars())


def test_upgrading_an_empty_database_gives_exactly_the_metadata(empty_database: Engine) -> None:
    upgrade(empty_database)
    assert _differences(empty_database) == []
    tables = set(inspect(empty_database).get_table_names())
    assert tables == {*metadata.tables, VERSION_TABLE}


def test_migrated_and_created_tables_compare_keys_the_same_way(empty_database: Engine) -> None:
    # Autogenerate does not compare collations, so check the one that matters by hand.
    upgrade(empty_database)
    migrated = _key_collations(empty_database)
    expected = {
        "sqlite": {None},
        "postgresql": {"C"},
        "mysql": {"utf8mb4_nopad_bin"},
    }[empty_database.dialect.name]
    assert migrated == expected


def test_the_migrated_database_is_ready_for_the_store(empty_database: Engine) -> None:
    upgrade(empty_database)
    upgrade(empty_database)  # a second run finds nothing to do
    store = SqlAlchemyStore(empty_database)
    with store.unit_of_work() as uow:
        assert (
            uow.instances.list(
                "tenant-m", client_ref=None, week_start_date=None, after=None, limit=1
            )
            == []
        )


def test_the_revisions_form_one_labelled_branch_with_one_base() -> None:
    config = Config()
    config.set_main_option("script_location", str(VERSIONS.parent))
    script = ScriptDirectory.from_config(config)
    assert len(script.get_bases()) == 1
    assert len(script.get_heads()) == 1
    head = script.get_revision(f"{BRANCH}@head")
    assert head is not None
    assert BRANCH in script.get_revision(script.get_bases()[0]).branch_labels


def test_a_host_can_name_the_versions_as_a_package_resource(tmp_path: Path) -> None:
    # What a host writes in alembic.ini beside its own version folder.
    host_versions = tmp_path / "versions"
    host_versions.mkdir()
    config = Config()
    config.set_main_option("script_location", str(VERSIONS.parent))
    config.set_main_option("path_separator", "space")
    config.set_main_option(
        "version_locations",
        f"{host_versions} weekplan.adapters.sqlalchemy.migrations:versions",
    )
    script = ScriptDirectory.from_config(config)
    assert [r.revision for r in script.walk_revisions()] == [
        "weekplan_0011",
        "weekplan_0010",
        "weekplan_0008",
        "weekplan_0009",
        "weekplan_0006",
        "weekplan_0004",
        "weekplan_0003",
        "weekplan_0002",
        "weekplan_0001",
    ]


def test_migrations_ship_with_the_package() -> None:
    files = {p.name for p in VERSIONS.iterdir()}
    assert any(name.endswith(".py") for name in files)
    assert (VERSIONS.parent / "env.py").is_file()


def test_upgrading_a_database_with_plans_counts_their_dishes_into_the_history(
    empty_database: Engine,
) -> None:
    upgrade(empty_database, "weekplan_0001")
    days = EntryCodec().encode(
        [
            PlanEntry("mon", "Lunch 1", "soup"),
            PlanEntry("tue", "lunch_2", "soup"),
            PlanEntry("wed", "Ontbijt", "oats"),
            PlanEntry("thu", "dinner"),
        ]
    )
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with empty_database.begin() as connection:
        connection.execute(
            insert(templates),
            [
                {
                    "tenant_id": tenant,
                    "id": "tpl-1",
                    "name": "Week",
                    "name_key": "week",
                    "days": days,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
                for tenant in ("tenant-a", "tenant-b")
            ],
        )
        connection.execute(
            insert(instances),
            {
                "tenant_id": "tenant-a",
                "id": "ins-1",
                "template_id": "tpl-1",
                "client_ref": "client-1",
                "week_start_date": date(2026, 11, 2),
                "days": days,
                "template_snapshot": days,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            },
        )
    upgrade(empty_database)
    store = SqlAlchemyStore(empty_database)
    with store.unit_of_work() as uow:
        assert uow.meal_history.counts("tenant-a") == {("lunch", "soup"): 4, ("ontbijt", "oats"): 2}
        assert uow.meal_history.counts("tenant-b") == {("lunch", "soup"): 2, ("ontbijt", "oats"): 1}


def test_renaming_the_keys_keeps_the_rows_and_the_one_week_per_client_rule(
    empty_database: Engine,
) -> None:
    upgrade(empty_database, "weekplan_0008")
    store = SqlAlchemyStore(empty_database)
    worker = Planner(store).worker("tenant-r")
    template = worker.create_template("Week", [PlanEntry("mon", "lunch")])
    week = worker.create_instance(template.id, "client-1", date(2026, 11, 2))
    upgrade(empty_database)
    inspector = inspect(empty_database)
    names = {index["name"] for index in inspector.get_indexes("weekplan_instances")}
    names |= {key["name"] for key in inspector.get_unique_constraints("weekplan_instances")}
    assert "uq_weekplan_instances_client_week" in names
    assert not any("week_start_date" in (name or "") for name in names)
    assert worker.get_instance("client-1", date(2026, 11, 2)) == week
    with pytest.raises(InstanceExists), store.unit_of_work() as uow:
        # Straight to the repository: the database's key, not the use case's check, refuses it.
        uow.instances.add("tenant-r", attrs.evolve(week, id="another-id"))


def _index_and_key_names(engine: Engine) -> set[str]:
    inspector = inspect(engine)
    names = {str(index["name"]) for index in inspector.get_indexes("weekplan_instances")}
    return names | {
        str(key["name"]) for key in inspector.get_unique_constraints("weekplan_instances")
    }


def test_the_short_names_revision_goes_back_to_the_long_names(empty_database: Engine) -> None:
    upgrade(empty_database, "weekplan_0008")
    long_names = _index_and_key_names(empty_database)
    upgrade(empty_database)
    config = Config()
    config.set_main_option("script_location", str(VERSIONS.parent))
    with empty_database.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "weekplan_0008")
    assert _index_and_key_names(empty_database) == long_names
    assert "uq_weekplan_instances_tenant_id_client_ref_week_start_date" in long_names
