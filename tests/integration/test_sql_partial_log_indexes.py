"""Each write adds entries only to the indexes of the change log that can list its set.

On SQLite and PostgreSQL ``ix_weekplan_change_sets_by_subject`` holds only
templates' change sets (``WHERE client_ref IS NULL``), and ``_by_week`` and
``_by_client`` only weeks' sets (``IS NOT NULL``). What an index holds is read
from the database's own storage, since no query can tell a partial index from
a full one by its answer: on SQLite its entries are counted from ``dbstat``
(every cell of an index b-tree, interior or leaf, is one entry); on PostgreSQL
its size is read, which a thousand entries would grow by pages. MariaDB has no
partial indexes, so there each index holds every set, as the schema tests check.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import URL, Engine, text

from tests.integration.conftest import open_store
from weekplan import PlanEntry, Planner

INDEX = "ix_weekplan_change_sets_by_subject"
WEEK_INDEXES = ("ix_weekplan_change_sets_by_week", "ix_weekplan_change_sets_by_client")
MONDAY = date(2026, 11, 2)
CLIENTS = [f"client-{n:04}" for n in range(1000)]

#: Per dialect, what the index holds: its entries (SQLite) or its bytes (PostgreSQL).
_MEASURES = {
    "sqlite": "SELECT sum(ncell) FROM dbstat WHERE name = :index",
    "postgresql": "SELECT pg_relation_size(CAST(:index AS regclass))",
}


def _held(engine: Engine, index: str = INDEX) -> int:
    with engine.connect() as connection:
        found = connection.execute(text(_MEASURES[engine.dialect.name]), {"index": index})
        return int(found.scalar_one() or 0)


@pytest.mark.parametrize("backend", ["sqlite-file", "postgresql"])
def test_week_writes_add_nothing_to_the_index_of_templates_logs(
    backend: str, url_of: Callable[[str], URL]
) -> None:
    store = open_store(url_of(backend))
    try:
        engine = store.engine
        assert engine is not None
        worker = Planner(store).worker(f"tenant-index-{backend}")
        template = worker.create_template("Week", [PlanEntry("mon", "lunch", notes="soup")])
        before = _held(engine)

        # A thousand sets of new weeks, then one of each other kind of week write.
        created = worker.create_instances(template.id, CLIENTS, MONDAY)
        assert len(created.created) == len(CLIENTS)
        worker.create_instance(template.id, "client-x", MONDAY)
        worker.set_slot("client-x", MONDAY, "tue", "dinner", notes="stew")
        worker.lock_slot("client-x", MONDAY, "tue", "dinner", reason="bought")
        worker.unlock_slot("client-x", MONDAY, "tue", "dinner")
        worker.reset_slot("client-x", MONDAY, "mon", "lunch")
        worker.delete_instance("client-0001", MONDAY)
        assert len(worker.list_all_changes(limit=200).items) == 200

        assert _held(engine) == before
        if engine.dialect.name == "sqlite":
            # The count is of the index's entries: a template's write adds one.
            worker.update_template(template.id, days=[PlanEntry("mon", "lunch", notes="stew")])
            assert _held(engine) == before + 1
        (record,) = worker.list_template_changes(template.id, limit=1).items
        assert record.subject_id == template.id
    finally:
        store.close()


@pytest.mark.parametrize("backend", ["sqlite-file", "postgresql"])
def test_template_writes_add_nothing_to_the_indexes_of_weeks_logs(
    backend: str, url_of: Callable[[str], URL]
) -> None:
    store = open_store(url_of(backend))
    try:
        engine = store.engine
        assert engine is not None
        worker = Planner(store).worker(f"tenant-week-index-{backend}")
        worker.create_instance(
            worker.create_template("Seed", [PlanEntry("mon", "lunch")]).id, "client-1", MONDAY
        )
        before = {index: _held(engine, index) for index in WEEK_INDEXES}

        # A thousand sets of templates: new ones, edits and deletions.
        for n in range(250):
            template = worker.create_template(f"Week {n}", [PlanEntry("mon", "lunch")])
            worker.update_template(template.id, days=[PlanEntry("mon", "lunch", notes="stew")])
            worker.update_template(template.id, days=[PlanEntry("tue", "lunch", notes="soup")])
            worker.delete_template(template.id)

        assert {index: _held(engine, index) for index in WEEK_INDEXES} == before
        if engine.dialect.name == "sqlite":
            # The counts are of the indexes' entries: a week's write adds one to each.
            worker.set_slot("client-1", MONDAY, "mon", "lunch", notes="x")
            after = {index: _held(engine, index) for index in WEEK_INDEXES}
            assert after == {index: count + 1 for index, count in before.items()}
        (record,) = worker.list_changes("client-1", MONDAY, limit=1).items
        assert record.client_ref == "client-1"
    finally:
        store.close()
