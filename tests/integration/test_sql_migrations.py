"""The shipped migrations build exactly the tables of ``metadata``."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import attrs
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, Table, insert, inspect, select, text

from tests.index_predicates import index_predicates
from tests.plan_forms import change_items_form, object_form
from weekplan import InstanceExists, PlanEntry, Planner
from weekplan.adapters._rows import decode_slot_changes, encode_entries
from weekplan.adapters.sqlalchemy import SqlAlchemyStore, metadata
from weekplan.adapters.sqlalchemy._schema import instances, templates
from weekplan.adapters.sqlalchemy.migrations import BRANCH, VERSION_TABLE, VERSIONS, upgrade
from weekplan.domain._paging import encode_cursor
from weekplan.domain._plans import WeekPlanInstance
from weekplan.domain.changes import ChangeRecord, ChangeType, encode_entry
from weekplan.testing._base import all_pages


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


_LOG_INDEXES = (
    "ix_weekplan_change_sets_by_subject",
    "ix_weekplan_change_sets_by_week",
    "ix_weekplan_change_sets_by_client",
)
#: Per dialect, the predicates the database reports of the change log's partial indexes.
_PARTIAL = {
    "sqlite": dict(
        zip(_LOG_INDEXES, ["client_ref IS NULL", *["client_ref IS NOT NULL"] * 2], strict=True)
    ),
    "postgresql": dict(
        zip(_LOG_INDEXES, ["(client_ref IS NULL)", *["(client_ref IS NOT NULL)"] * 2], strict=True)
    ),
    "mysql": dict.fromkeys(_LOG_INDEXES),  # MariaDB has no partial indexes
}


def _predicates(engine: Engine) -> dict[str, str | None]:
    """The predicate of every index of weekplan's tables, by name (``None``: a full index)."""
    found: dict[str, str | None] = {}
    for table in metadata.tables:
        found.update(index_predicates(engine, table))
    return found


def test_upgrading_an_empty_database_gives_exactly_the_metadata(empty_database: Engine) -> None:
    upgrade(empty_database)
    assert _differences(empty_database) == []
    tables = set(inspect(empty_database).get_table_names())
    assert tables == {*metadata.tables, VERSION_TABLE}
    # Autogenerate does not compare the predicates of partial indexes: check them here.
    predicates = _predicates(empty_database)
    partial = {name: predicates.pop(name) for name in _LOG_INDEXES}
    assert partial == _PARTIAL[empty_database.dialect.name]
    assert set(predicates.values()) == {None}


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
        "weekplan_0017",
        "weekplan_0016",
        "weekplan_0015",
        "weekplan_0014",
        "weekplan_0013",
        "weekplan_0012",
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
    # As weekplan wrote plans then: an object per entry.
    days = object_form(
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
    # Straight to the repository: the store's change log is a table of a later revision.
    now = datetime(2026, 11, 1, tzinfo=UTC)
    # An edited week: its snapshot is written out, as the NOT NULL column of then needs.
    days, snapshot = (PlanEntry("mon", "lunch", notes="edited"),), (PlanEntry("mon", "lunch"),)
    week = WeekPlanInstance(
        "ins-1", "tenant-r", "tpl-1", "client-1", date(2026, 11, 2), days, snapshot, 1, now, now
    )
    with store.unit_of_work() as uow:
        uow.instances.add("tenant-r", week)
        uow.commit()
    worker = Planner(store).worker("tenant-r")
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


_CHANGE_ROWS_AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def _old_change_rows() -> list[dict[str, object]]:
    """Records as ``weekplan_changes`` held them: two weeks' and a template's."""

    def entry(day: str, slot: str, dish: str | None, notes: str | None) -> str:
        return json.dumps(
            {"day_key": day, "slot_key": slot, "dish_template_id": dish, "notes": notes},
            ensure_ascii=False,
            separators=(",", ":"),
        )

    rows: list[dict[str, object]] = []
    for n in range(5):
        rows.append(
            {
                "tenant_id": "tenant-m",
                "id": f"{n:032x}",
                "subject": "week",
                "subject_id": "ins-1",
                "client_ref": "client-1",
                "week_start_date": date(2026, 11, 2),
                "change_type": "added" if n == 0 else "changed",
                "day_key": "mon",
                "slot_key": 'lunch "big"',
                "old_entry": None if n == 0 else entry("mon", 'lunch "big"', None, f"é {n - 1}"),
                "new_entry": entry("mon", 'lunch "big"', None, f"é {n}"),
                "actor": "user-17",
                "source": "create" if n == 0 else "edit",
                "reason": None if n == 0 else "asked",
                # Two records share a time: the id orders them.
                "at": _CHANGE_ROWS_AT + timedelta(minutes=min(n, 3)),
                "version_before": None if n == 0 else n,
                "version_after": n + 1,
            }
        )
    rows.append(
        {
            **rows[0],
            "id": "tpl-record",
            "subject": "template",
            "subject_id": "tpl-1",
            "client_ref": None,
            "week_start_date": None,
        }
    )
    return rows


def _rows_of(engine: Engine, table: str) -> list[dict[str, object]]:
    with engine.connect() as connection:
        found = connection.execute(text(f"SELECT * FROM {table} ORDER BY tenant_id, id"))
        return [dict(row._mapping) for row in found]


def test_upgrading_to_change_sets_keeps_every_record_its_id_and_old_cursors(
    empty_database: Engine,
) -> None:
    upgrade(empty_database, "weekplan_0011")
    old = Table("weekplan_changes", MetaData(), autoload_with=empty_database)
    rows = _old_change_rows()
    with empty_database.begin() as connection:
        connection.execute(insert(old), rows)
    before = _rows_of(empty_database, "weekplan_changes")
    # A cursor handed out before the upgrade: after the newest record, as (at, id).
    newest = max((r for r in rows if r["subject"] == "week"), key=lambda r: (r["at"], r["id"]))
    newest_at = newest["at"]
    assert isinstance(newest_at, datetime)
    old_cursor = encode_cursor("changes", (newest_at.isoformat(), str(newest["id"])))
    upgrade(empty_database)
    assert "weekplan_changes" not in inspect(empty_database).get_table_names()
    worker = Planner(SqlAlchemyStore(empty_database)).worker("tenant-m")
    week = all_pages(lambda c: worker.list_changes("client-1", "2026-11-02", limit=2, cursor=c))
    assert [r.id for r in week] == [
        str(r["id"]) for r in sorted(rows[:5], key=lambda r: (r["at"], r["id"]), reverse=True)
    ]
    first = week[-1]
    assert (first.change_type, first.old, first.new) == (
        ChangeType.ADDED,
        None,
        PlanEntry("mon", 'lunch "big"', notes="é 0"),
    )
    assert (week[0].reason, week[0].version_before, week[0].at) == (
        "asked",
        4,
        _CHANGE_ROWS_AT + timedelta(minutes=3),
    )
    assert worker.list_changes("client-1", "2026-11-02", cursor=old_cursor).items == week[1:]
    (template_record,) = worker.list_template_changes("tpl-1").items
    assert template_record.id == "tpl-record"
    # Back down: the same rows, as they were.
    config = Config()
    config.set_main_option("script_location", str(VERSIONS.parent))
    with empty_database.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "weekplan_0011")
    assert _rows_of(empty_database, "weekplan_changes") == before


def test_downgrading_splits_each_change_set_into_the_records_it_listed(
    empty_database: Engine,
) -> None:
    upgrade(empty_database)
    worker = Planner(SqlAlchemyStore(empty_database)).worker("tenant-d")
    template = worker.create_template(
        "Week", [PlanEntry("mon", "lunch"), PlanEntry("tue", "lunch", notes="ß")]
    )
    worker.create_instance(template.id, "client-1", date(2026, 11, 2))
    worker.set_slot("client-1", "2026-11-02", "mon", "lunch", notes="soup", reason="asked")
    listed = all_pages(lambda c: worker.list_all_changes(limit=2, cursor=c))
    assert len(listed) == 5
    config = Config()
    config.set_main_option("script_location", str(VERSIONS.parent))
    with empty_database.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "weekplan_0011")
    assert "weekplan_change_sets" not in inspect(empty_database).get_table_names()
    rows = {str(row["id"]): row for row in _rows_of(empty_database, "weekplan_changes")}
    assert set(rows) == {r.id for r in listed}
    for record in listed:
        row = rows[record.id]
        assert (row["change_type"], row["day_key"], row["slot_key"], row["reason"]) == (
            record.change_type.value,
            record.day_key.value,
            record.slot_key,
            record.reason,
        )
        assert row["new_entry"] == encode_entry(record.new)
        assert row["old_entry"] == encode_entry(record.old)
    # And up again: the records come back as they were listed, each a set of
    # its own; an id the downgrade derived ("<set>.1") is listed as "<set>.1.0".
    upgrade(empty_database)
    again = all_pages(lambda c: worker.list_all_changes(limit=2, cursor=c))
    derived = {r.id: r.id if r.id == r.sort_key[1] else f"{r.id}.0" for r in listed}
    assert sorted((r.id, r.new, r.old, r.at) for r in again) == sorted(
        (derived[r.id], r.new, r.old, r.at) for r in listed
    )


def _old_plans(n: int) -> tuple[PlanEntry, ...]:
    """A plan of its own for each ``n``: dishes, notes, quotes and non-ASCII text."""
    return (
        PlanEntry("mon", 'lunch "big"', f"d-{n}", notes=f"é {n}"),
        PlanEntry("tue", "ontbijt", None, notes=None),
        PlanEntry("sun", "diner", f"d-{n % 7}", notes="Ærwten ✓\n"),
    )[: 1 + n % 3]


def _downgrade(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(VERSIONS.parent))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


_PLAN_COLUMNS = {
    "weekplan_templates": ("days",),
    "weekplan_instances": ("days", "template_snapshot"),
    "weekplan_drafts": ("days",),
}


def test_upgrading_to_compact_entries_rewrites_every_plan_and_downgrading_restores_it(
    empty_database: Engine,
) -> None:
    upgrade(empty_database, "weekplan_0012")
    tables = {name: Table(name, MetaData(), autoload_with=empty_database) for name in _PLAN_COLUMNS}
    now = datetime(2026, 11, 1, tzinfo=UTC)
    # More templates than the revision rewrites at once, so that it pages.
    template_rows = [
        {
            "tenant_id": "tenant-c",
            "id": f"tpl-{n:04}",
            "name": f"Week {n}",
            "name_key": f"week {n}",
            "days": object_form(_old_plans(n)),
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for n in range(1003)
    ]
    weeks = [date(2026, 11, 2) + timedelta(weeks=n) for n in range(3)]
    instance_rows = [
        {
            "tenant_id": "tenant-c",
            "id": f"ins-{n}",
            "template_id": f"tpl-{n:04}",
            "client_ref": "client-1",
            "week_start_date": week,
            # The first week as created (its days are its snapshot), the others edited.
            "days": object_form(_old_plans(n + 1 if n else n)),
            "template_snapshot": object_form(_old_plans(n)),
            "version": 1 + n,
            "created_at": now,
            "updated_at": now,
            "guardrails": None,
        }
        for n, week in enumerate(weeks)
    ]
    # A text weekplan did not write, under a tenant of its own: left as it is.
    instance_rows.append(
        {**instance_rows[0], "tenant_id": "tenant-x", "days": "not json", "template_snapshot": "{}"}
    )
    draft_rows = [
        {
            "tenant_id": "tenant-c",
            "client_ref": "client-1",
            "week_start_date": week,
            "instance_id": f"ins-{n}",
            "base_version": 1 + n,
            "days": object_form(_old_plans(n + 2)),
            "version": 1,
            "created_at": now,
            "updated_at": now,
            "actor": None,
            "guardrails": None,
        }
        for n, week in enumerate(weeks[:2])
    ]
    with empty_database.begin() as connection:
        connection.execute(insert(tables["weekplan_templates"]), template_rows)
        connection.execute(insert(tables["weekplan_instances"]), instance_rows)
        connection.execute(insert(tables["weekplan_drafts"]), draft_rows)
    before = {name: _rows_of_plans(empty_database, name) for name in _PLAN_COLUMNS}

    upgrade(empty_database, "weekplan_0013")

    after = {name: _rows_of_plans(empty_database, name) for name in _PLAN_COLUMNS}
    for name, columns in _PLAN_COLUMNS.items():
        assert len(after[name]) == len(before[name])
        for old, new in zip(before[name], after[name], strict=True):
            for column in columns:
                if old["tenant_id"] == "tenant-x":
                    assert new[column] == old[column]
                else:
                    # The same plan, in the form the store writes, in under half the bytes.
                    plan = _plan_of(str(old[column]))
                    assert new[column] == encode_entries(plan)
                    assert len(str(new[column])) < len(str(old[column])) / 2
            assert {k: v for k, v in new.items() if k not in columns} == {
                k: v for k, v in old.items() if k not in columns
            }
    worker = Planner(SqlAlchemyStore(empty_database)).worker("tenant-c")
    assert worker.get_template("tpl-1002").days == _old_plans(1002)
    for n, week in enumerate(weeks):
        instance = worker.get_instance("client-1", week)
        assert (instance.days, instance.template_snapshot) == (
            _old_plans(n + 1 if n else n),
            _old_plans(n),
        )
    assert worker.get_draft("client-1", weeks[1]).days == _old_plans(3)
    upgrade(empty_database)  # nothing left to do for weekplan_0013, on to the newest

    _downgrade(empty_database, "weekplan_0012")
    assert {name: _rows_of_plans(empty_database, name) for name in _PLAN_COLUMNS} == before


def test_plans_the_store_wrote_go_back_to_the_object_form_and_up_again(
    empty_database: Engine,
) -> None:
    upgrade(empty_database)
    worker = Planner(SqlAlchemyStore(empty_database)).worker("tenant-w")
    days = [PlanEntry("mon", "lunch", notes="ß"), PlanEntry("wed", 'diner "1"', notes="✓")]
    template = worker.create_template("Week", days)
    worker.create_instance(template.id, "client-1", date(2026, 11, 2))
    worker.set_slot("client-1", "2026-11-02", "tue", "lunch", notes="soup")
    worker.start_draft("client-1", "2026-11-02")
    worker.draft("client-1", "2026-11-02").set_slot("sun", "lunch", notes="pap")
    read = (
        worker.get_template(template.id),
        worker.get_instance("client-1", "2026-11-02"),
        worker.get_draft("client-1", "2026-11-02"),
    )
    _downgrade(empty_database, "weekplan_0012")
    # As the weekplan of revision weekplan_0012 wrote them, and reads them.
    rows = {name: _rows_of_plans(empty_database, name) for name in _PLAN_COLUMNS}
    assert [row["days"] for row in rows["weekplan_templates"]] == [object_form(read[0].days)]
    (instance_row,) = rows["weekplan_instances"]
    assert (instance_row["days"], instance_row["template_snapshot"]) == (
        object_form(read[1].days),
        object_form(read[1].template_snapshot),
    )
    assert [row["days"] for row in rows["weekplan_drafts"]] == [object_form(read[2].days)]
    upgrade(empty_database)
    again = Planner(SqlAlchemyStore(empty_database)).worker("tenant-w")
    assert (
        again.get_template(template.id),
        again.get_instance("client-1", "2026-11-02"),
        again.get_draft("client-1", "2026-11-02"),
    ) == read


def _plan_of(text_value: str) -> tuple[PlanEntry, ...]:
    return tuple(PlanEntry(**entry) for entry in json.loads(text_value))


def _rows_of_plans(engine: Engine, table: str) -> list[dict[str, object]]:
    order = "client_ref, week_start_date" if table == "weekplan_drafts" else "id"
    with engine.connect() as connection:
        found = connection.execute(text(f"SELECT * FROM {table} ORDER BY tenant_id, {order}"))
        return [dict(row._mapping) for row in found]


def _snapshot_nullable(engine: Engine) -> bool:
    columns = inspect(engine).get_columns("weekplan_instances")
    (snapshot,) = [column for column in columns if column["name"] == "template_snapshot"]
    return bool(snapshot["nullable"])


def test_a_snapshot_equal_to_its_days_is_stored_as_null_and_downgrading_fills_it(
    empty_database: Engine,
) -> None:
    upgrade(empty_database, "weekplan_0013")
    assert not _snapshot_nullable(empty_database)
    table = Table("weekplan_instances", MetaData(), autoload_with=empty_database)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    # More weeks than the revision rewrites at once, so that it pages; every third edited.
    rows = [
        {
            "tenant_id": f"tenant-{n % 2}",
            "id": f"ins-{n:04}",
            "template_id": "tpl-1",
            "client_ref": f"client-{n:04}",
            "week_start_date": date(2026, 11, 2),
            "days": encode_entries(_old_plans(n + 1 if n % 3 == 0 else n)),
            "template_snapshot": encode_entries(_old_plans(n)),
            "version": 1,
            "created_at": now,
            "updated_at": now,
            "guardrails": None,
        }
        for n in range(1003)
    ]
    # A text weekplan did not write: equal to its days all the same.
    rows.append({**rows[1], "tenant_id": "tenant-x", "days": "[", "template_snapshot": "["})
    with empty_database.begin() as connection:
        connection.execute(insert(table), rows)
    before = _rows_of_plans(empty_database, "weekplan_instances")

    upgrade(empty_database)

    assert _snapshot_nullable(empty_database)
    after = _rows_of_plans(empty_database, "weekplan_instances")
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        same = old["template_snapshot"] == old["days"]
        assert new == {**old, "template_snapshot": None if same else old["template_snapshot"]}
    assert sum(row["template_snapshot"] is None for row in after) == 1 + 1003 - 335
    store = SqlAlchemyStore(empty_database)
    for n in (0, 1, 2, 1002):
        week = Planner(store).worker(f"tenant-{n % 2}").get_instance(f"client-{n:04}", "2026-11-02")
        assert (week.days, week.template_snapshot) == (
            _old_plans(n + 1 if n % 3 == 0 else n),
            _old_plans(n),
        )
    # The store writes a new week's snapshot as NULL, an edited week's in full.
    worker = Planner(store).worker("tenant-s")
    template = worker.create_template("Week", [PlanEntry("mon", "lunch", notes="ß")])
    worker.create_instance(template.id, "client-1", date(2026, 11, 2))
    worker.create_instance(template.id, "client-2", date(2026, 11, 2))
    worker.set_slot("client-2", "2026-11-02", "tue", "lunch", notes="soup")
    written = {
        client: worker.get_instance(client, "2026-11-02") for client in ("client-1", "client-2")
    }
    upgrade(empty_database)  # nothing left to do
    again = _rows_of_plans(empty_database, "weekplan_instances")
    assert [row for row in again if row["tenant_id"] != "tenant-s"] == after

    _downgrade(empty_database, "weekplan_0013")

    assert not _snapshot_nullable(empty_database)
    restored = _rows_of_plans(empty_database, "weekplan_instances")
    assert [row for row in restored if row["tenant_id"] != "tenant-s"] == before
    with empty_database.connect() as connection:
        snapshots = dict(
            connection.execute(
                select(table.c.client_ref, table.c.template_snapshot).where(
                    table.c.tenant_id == "tenant-s"
                )
            ).all()
        )
    assert snapshots == {
        client: encode_entries(week.template_snapshot) for client, week in written.items()
    }
    # Every row as an earlier weekplan wrote it; this one reads them as they are.
    for client, week in written.items():
        assert worker.get_instance(client, "2026-11-02") == week


def _change_texts(engine: Engine) -> list[tuple[str, str, str]]:
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT tenant_id, id, changes FROM weekplan_change_sets ORDER BY tenant_id, id")
        )
        return [(row[0], row[1], row[2]) for row in found]


def test_downgrading_change_runs_writes_one_array_per_change_and_the_store_reads_both(
    empty_database: Engine,
) -> None:
    upgrade(empty_database)
    store = SqlAlchemyStore(empty_database)
    worker = Planner(store).worker("tenant-r")
    template = worker.create_template(
        "Week",
        [PlanEntry("mon", 'lunch "big"', notes="é"), PlanEntry("tue", "diner", notes="✓")],
    )
    worker.create_instances(template.id, ["client-1", "client-2"], date(2026, 11, 2))
    worker.set_slot("client-1", "2026-11-02", "mon", 'lunch "big"', notes="soup")
    worker.set_slot("client-1", "2026-11-02", "wed", "lunch", notes="pap")
    worker.lock_slot("client-1", "2026-11-02", "tue", "diner", reason="allergy")
    worker.reset_slot("client-1", "2026-11-02", "wed", "lunch")
    worker.delete_instance("client-2", "2026-11-02")
    listed = all_pages(lambda c: worker.list_all_changes(limit=50, cursor=c))
    # Back to the revision that wrote runs: each set holds its own changes again.
    _downgrade(empty_database, "weekplan_0015")
    written = _change_texts(empty_database)
    assert len(written) == 8  # a set per write, the template's too
    # In runs: a change type, then arrays.
    assert all(changes.startswith('[["') and '",["' in changes for _, _, changes in written)
    # More sets than the revision rewrites at once, so that it pages; one of
    # them in the earlier form already, one a text weekplan did not write.
    table = Table("weekplan_change_sets", MetaData(), autoload_with=empty_database)
    with empty_database.begin() as connection:
        (first,) = connection.execute(select(table).where(table.c.id == written[0][1])).mappings()
        copies = [{**first, "tenant_id": "tenant-c", "id": f"set-{n:04}"} for n in range(1001)]
        copies.append({**first, "tenant_id": "tenant-x", "id": "junk", "changes": "[["})
        connection.execute(insert(table), copies)
    before = _change_texts(empty_database)

    _downgrade(empty_database, "weekplan_0014")

    after = _change_texts(empty_database)
    assert [(t, i) for t, i, _ in after] == [(t, i) for t, i, _ in before]
    for (tenant, _, old), (_, _, new) in zip(before, after, strict=True):
        if tenant == "tenant-x":
            assert new == old
        else:
            assert new == change_items_form(decode_slot_changes(old))
    assert all_pages(lambda c: worker.list_all_changes(limit=50, cursor=c)) == listed
    _downgrade(empty_database, "weekplan_0014")  # nothing left to do
    assert _change_texts(empty_database) == after

    upgrade(empty_database)  # leaves the earlier form: the store reads both
    assert _change_texts(empty_database) == after
    again = Planner(SqlAlchemyStore(empty_database)).worker("tenant-r")
    assert all_pages(lambda c: again.list_all_changes(limit=50, cursor=c)) == listed


def test_downgrading_shared_changes_writes_them_into_every_set_that_refers(
    empty_database: Engine,
) -> None:
    upgrade(empty_database)
    store = SqlAlchemyStore(empty_database)
    worker = Planner(store).worker("tenant-s")
    days = ("mon", "tue", "wed", "thu", "fri")
    template = worker.create_template(
        "Week", [PlanEntry(day, 'lunch "big"', notes=f"soep ✓ {day}") for day in days]
    )
    clients = ["client-1", "client-2", "client-3"]
    worker.create_instances(template.id, clients, date(2026, 11, 2))
    worker.set_slot("client-2", "2026-11-02", "mon", 'lunch "big"', notes="soup")
    written = {(t, i): changes for t, i, changes in _change_texts(empty_database)}
    holders = [key for key, changes in written.items() if changes.startswith("[")]
    references = {key: changes for key, changes in written.items() if changes.startswith("{")}
    # The first new week's set holds the changes, the two others refer to it.
    assert (len(written), len(references)) == (2 + len(clients), len(clients) - 1)
    (holder,) = {json.loads(changes)["of"] for changes in references.values()}
    assert ("tenant-s", holder) in holders
    # More references than the revision rewrites at once, so that it pages; one
    # to a set not stored in its tenant and one text weekplan did not write, both
    # left as they are.
    table = Table("weekplan_change_sets", MetaData(), autoload_with=empty_database)
    with empty_database.begin() as connection:
        (first,) = connection.execute(
            select(table).where(table.c.id == next(iter(references))[1])
        ).mappings()
        copies = [{**first, "id": f"set-{n:04}"} for n in range(1001)]
        copies.append(
            {**first, "tenant_id": "tenant-y", "id": "lost", "changes": f'{{"of":"{holder}"}}'}
        )
        copies.append({**first, "tenant_id": "tenant-x", "id": "junk", "changes": '{"of":1}'})
        connection.execute(insert(table), copies)
    before = _change_texts(empty_database)
    listed = all_pages(lambda c: worker.list_all_changes(limit=50, cursor=c))
    assert len(listed) == len(days) * (1 + len(clients) + 1001) + 1

    _downgrade(empty_database, "weekplan_0015")

    after = _change_texts(empty_database)
    assert [(t, i) for t, i, _ in after] == [(t, i) for t, i, _ in before]
    shared = written["tenant-s", holder]
    for (tenant, set_id, old), (_, _, new) in zip(before, after, strict=True):
        if set_id in ("lost", "junk") or not old.startswith("{"):
            assert new == old
        else:
            assert (tenant, new) == ("tenant-s", shared)
    assert all_pages(lambda c: worker.list_all_changes(limit=50, cursor=c)) == listed
    _downgrade(empty_database, "weekplan_0015")  # nothing left to do
    assert _change_texts(empty_database) == after

    upgrade(empty_database)  # leaves every set with its own changes: the store reads both
    assert _change_texts(empty_database) == after
    again = Planner(SqlAlchemyStore(empty_database)).worker("tenant-s")
    assert all_pages(lambda c: again.list_all_changes(limit=50, cursor=c)) == listed


def test_each_log_index_holds_only_its_sets_and_downgrading_restores_them(
    empty_database: Engine,
) -> None:
    upgrade(empty_database, "weekplan_0016")
    worker = Planner(SqlAlchemyStore(empty_database)).worker("tenant-i")
    template = worker.create_template("Week", [PlanEntry("mon", "lunch", notes="soup")])
    other = worker.create_template("Other", [PlanEntry("tue", "diner")])
    worker.update_template(template.id, days=[PlanEntry("mon", "lunch", notes="stew")])
    worker.create_instances(template.id, ["client-1", "client-2"], date(2026, 11, 2))
    worker.create_instance(other.id, "client-1", date(2026, 11, 9))
    worker.set_slot("client-1", "2026-11-02", "wed", "lunch", notes="pap")
    worker.lock_slot("client-1", "2026-11-02", "mon", "lunch", reason="bought")
    worker.delete_instance("client-2", "2026-11-02")

    def logs() -> dict[str, tuple[ChangeRecord, ...]]:
        reader = Planner(SqlAlchemyStore(empty_database)).worker("tenant-i")

        def of_template(template_id: str) -> tuple[ChangeRecord, ...]:
            return all_pages(lambda c: reader.list_template_changes(template_id, limit=2, cursor=c))

        def of_week(client: str) -> tuple[ChangeRecord, ...]:
            return all_pages(lambda c: reader.list_changes(client, "2026-11-02", limit=2, cursor=c))

        listed = {f"template {t}": of_template(t) for t in (template.id, other.id, "tpl-none")}
        listed.update({f"week {client}": of_week(client) for client in ("client-1", "client-2")})
        listed["client-1"] = all_pages(
            lambda c: reader.list_all_changes(client_ref="client-1", limit=2, cursor=c)
        )
        listed["all"] = all_pages(lambda c: reader.list_all_changes(limit=2, cursor=c))
        return listed

    def predicate() -> dict[str, str | None]:
        found = index_predicates(empty_database, "weekplan_change_sets")
        return {name: found[name] for name in _LOG_INDEXES}

    before = logs()
    assert [len(before[f"template {t}"]) for t in (template.id, other.id)] == [2, 1]
    assert before["template tpl-none"] == ()
    assert predicate() == dict.fromkeys(_LOG_INDEXES)

    upgrade(empty_database)
    assert predicate() == _PARTIAL[empty_database.dialect.name]
    assert logs() == before

    _downgrade(empty_database, "weekplan_0016")
    assert predicate() == dict.fromkeys(_LOG_INDEXES)
    assert logs() == before

    upgrade(empty_database)
    assert predicate() == _PARTIAL[empty_database.dialect.name]
    assert logs() == before
