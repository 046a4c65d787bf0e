"""How fast is weekplan next to the least work a store could do? Prints figures, never fails.

    PYTHONPATH=src python benchmarks/bench_store.py                 # this tree
    PYTHONPATH=src python benchmarks/bench_store.py --compare OLD/src   # before / after
    PYTHONPATH=src python benchmarks/bench_store.py --cases suggest     # one group of cases

Every figure is interleaved (see ``harness.py``): the contenders run in turns,
block by block, and each figure is the median over blocks with the min-max of
the blocks in brackets. With ``--compare`` the same benchmark also runs on
another source tree in a child process, block for block with this one.

Contenders of the per-call figures, on SQLite (a temporary file) and on
PostgreSQL (when ``WEEKPLAN_BENCH_POSTGRES_URL`` or ``WEEKPLAN_TEST_POSTGRES_URL``
names a server; a schema of its own, dropped at the end):

* **weekplan**: one planner call, what a host pays;
* **matched raw**: the plain driver sending the statements the store sends
  (on a server the statement that holds the client, and the change records),
  in the same transaction shape, decoding the same JSON;
* **physical minimum**: the plain driver keeping each week as one JSON document
  keyed by ``(tenant_id, client_ref, week_start_date)``, read and written with
  one statement each, no transaction around a single statement: what any
  store must at least do, whatever its schema. SQLite's is a WAL file with
  ``synchronous=NORMAL`` of its own.

The other figures: suggestions as the catalog grows (100, 1,000 and 10,000 dishes) and
as the planning history it reads grows (10,000 distinct planned dishes), on the
in-memory and the SQL store; 1,000 clients' weeks in one ``create_instances``
call against 1,000 ``create_instance`` calls; guardrails compile time of
rulesets of 100, 1,000 and 10,000 rules beside the evaluation of a week with
each. With ``--compare``, every guardrails figure also gets its ratio of this
tree to the other, block by block.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import inspect
import json
import os
import random
import sqlite3
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
from bench_guardrails import ruleset_of, week
from harness import (
    ChildRunner,
    LocalRunner,
    Runner,
    Samples,
    interleave,
    internal,
    ratios,
    serve,
    spread,
)
from harness import table as render_table
from sqlalchemy import URL, create_engine, make_url, text

from weekplan import Dish, MealType, PlanEntry, Planner, WorkerPlanner
from weekplan.adapters.memory import InMemoryStore
from weekplan.adapters.sqlalchemy import SqlAlchemyStore, SqlAlchemyUnitOfWork, metadata
from weekplan.guardrails import (
    CompiledRuleset,
    GuardrailsRuleset,
    PlanTarget,
    clear_cache,
    compile_ruleset,
)
from weekplan.ports import Store

MONDAY = date(2026, 11, 23)
slot_kind = internal("slot_kind", "weekplan.domain._meal_types", "weekplan.domain.meal_types")

TENANT = "bench-tenant"
ENTRIES = 42
BULK_CLIENTS = 1000
CATALOGS = (100, 1_000, 10_000)
INSTANCE_COLUMNS = (
    "id, tenant_id, template_id, client_ref, week_start_date, days, template_snapshot,"
    " version, created_at, updated_at, guardrails"
)
TEMPLATE_COLUMNS = "id, tenant_id, name, days, version, created_at, updated_at"
HINTED = ("Havermout met", "Omelette met", "Pasta", "Soep van", "Salade met", "Broodje")


def week_entries() -> list[PlanEntry]:
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return [
        PlanEntry(days[n % 7], f"slot-{n // 7}", dish_template_id=f"dish-{n}", notes=f"note {n}")
        for n in range(ENTRIES)
    ]


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


# -- the raw drivers ---------------------------------------------------------------------


class Raw:
    """A bare driver connection; ``?`` placeholders on both drivers."""

    def __init__(self, connection: Any, *, sqlite_begin: bool) -> None:
        self.db = connection
        self.sqlite = sqlite_begin

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        if not self.sqlite:
            sql = sql.replace("?", "%s")
        return self.db.execute(sql, params)

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if self.sqlite:
            self.db.executemany(sql, rows)
        else:
            self.db.cursor().executemany(sql.replace("?", "%s"), rows)

    def begin(self, how: str = "BEGIN IMMEDIATE") -> None:
        if self.sqlite:
            self.db.execute(how)

    def commit(self) -> None:
        if self.sqlite:
            self.db.execute("COMMIT")
        else:
            self.db.commit()

    def rollback(self) -> None:
        if self.sqlite:
            self.db.execute("ROLLBACK")
        else:
            self.db.rollback()


def decode_entries(text_value: str) -> list[Any]:
    value: list[Any] = json.loads(text_value)
    return value


#: Where an entry of a stored plan keeps its day, slot, dish and notes: an array
#: ``[day, slot, dish, notes]`` (weekplan_0013 on), or an object (a tree from before).
ARRAY_FIELDS: tuple[Any, ...] = (0, 1, 2, 3)
OBJECT_FIELDS: tuple[Any, ...] = ("day_key", "slot_key", "dish_template_id", "notes")


def stored_fields(raw: Raw, template_id: str) -> tuple[Any, ...]:
    """:data:`ARRAY_FIELDS` or :data:`OBJECT_FIELDS`: what the tree's store wrote for a template."""
    row = raw.execute(
        "SELECT days FROM weekplan_templates WHERE tenant_id = ? AND id = ?", (TENANT, template_id)
    ).fetchone()
    return ARRAY_FIELDS if str(row[0]).startswith("[[") else OBJECT_FIELDS


CHANGE_SET_COLUMNS = (
    "tenant_id, id, subject, subject_id, client_ref, week_start_date, actor, source, reason,"
    " at, version_before, version_after, changes"
)
#: The change log of a tree from before change sets: one row per changed slot.
CHANGE_RECORD_COLUMNS = (
    "tenant_id, id, subject, subject_id, client_ref, week_start_date, change_type, day_key,"
    " slot_key, old_entry, new_entry, actor, source, reason, at, version_before, version_after"
)


def stored_runs(raw: Raw) -> bool:
    """Whether the tree's store writes a change set's changes in runs (``weekplan_0015`` on).

    Read from the change set of a week it created, as :func:`stored_fields` reads a template.
    """
    if "weekplan_change_sets" not in metadata.tables:
        return False
    row = raw.execute(
        "SELECT changes FROM weekplan_change_sets WHERE tenant_id = ? AND source = 'create'"
        " AND subject = 'week' LIMIT 1",
        (TENANT,),
    ).fetchone()
    # Runs: ``[["added",[day, ...]...`` rather than ``[["added","mon",...``.
    return str(row[0]).split(",", 1)[1].startswith("[")


def runs(changes: list[list[Any]]) -> list[list[Any]]:
    """Changes ``[type, day, slot, old, new]`` as runs ``[type, [day, slot, ...], ...]``.

    A change in its run carries the dish ids and notes of the entries it has:
    the one (the new one, the old one of a removal) or both, old first.
    """
    grouped: list[list[Any]] = []
    for kind, day, slot, old, new in changes:
        if not grouped or grouped[-1][0] != kind:
            grouped.append([kind])
        grouped[-1].append([day, slot, *(old or []), *(new or [])])
    return grouped


def pairs(change: dict[str, Any], fields: tuple[Any, ...]) -> list[list[Any] | None]:
    """A change's old and new entry as a change set stores them: ``[dish, notes]``."""
    _, _, dish, notes = fields
    return [
        None if entry is None else [entry[dish], entry[notes]]
        for entry in (change["old"], change["new"])
    ]


class Matched:
    """The statements the store sends for each call, on the raw driver.

    A write also takes the client's lock where the store does (not on SQLite,
    whose ``BEGIN IMMEDIATE`` serializes writers) and logs its changes as the
    tree's store does: one change set row (its changes in runs of one type where
    the tree's store writes them so), or (a tree from before change sets, under
    ``--compare``) one row per changed slot. Plans are read and written in
    the form the tree's store writes them (``fields``, see :func:`stored_fields`):
    arrays ``[day, slot, dish, notes]``, or objects in a tree from before. A
    week's snapshot equal to its days is NULL where the tree's schema lets it
    be (``weekplan_0014`` on), its text in a tree from before.

    On PostgreSQL the statement that holds the client goes with ``BEGIN`` in
    one query, as the store sends it; where the tree's unit of work makes them
    wait for the write's first read (see ``SqlAlchemyUnitOfWork.begin_with``),
    ``BEGIN``, the hold and that read go in one psycopg pipeline instead.

    On PostgreSQL, where the tree's unit of work holds the writes nobody reads
    the result of (``deferred``, see ``SqlAlchemyUnitOfWork.execute``), the
    change set and the history delta (and a new week's insert, where the tree
    holds it) go with ``COMMIT`` in one round trip, as
    the store sends them (one write of one row as text, its values quoted by
    psycopg; several in a psycopg pipeline); in a tree from before, each in a
    round trip of its own.
    """

    def __init__(self, raw: Raw, fields: tuple[Any, ...], *, change_runs: bool = False) -> None:
        self.raw = raw
        self.change_runs = change_runs
        self.change_sets = "weekplan_change_sets" in metadata.tables
        self.null_snapshot = bool(
            metadata.tables["weekplan_instances"].c.template_snapshot.nullable
        )
        self.fields = fields
        self.day, self.slot, self.dish, self.notes = fields
        # A tree whose store reads a new week's template with the client's
        # ruleset assignment in one statement.
        self.template_with_assignment = (
            getattr(SqlAlchemyStore, "reads_template_with_assignment", False) is True
        )
        statements = internal(
            "Statements",
            "weekplan.adapters.sqlalchemy._statements",
            "weekplan.adapters.sqlalchemy.statements",
        )
        # How the tree's store adds a history delta: in one statement with the
        # delta as arrays (PostgreSQL) or as one JSON text (SQLite), or (a tree
        # from before either) with an executemany of one upsert per key.
        if raw.sqlite:
            form = getattr(statements("sqlite"), "history_form", None)
            self.history_json = getattr(form, "value", None) == "json"
            self.history_arrays = False
        else:
            form = getattr(statements("postgresql"), "history_form", None)
            self.history_json = False
            self.history_arrays = getattr(form, "value", None) == "arrays" or bool(
                getattr(statements("postgresql"), "history_as_arrays", False)
            )
        # A tree whose PostgreSQL store sends BEGIN and the hold with the first read.
        self.begin_with_read = not raw.sqlite and hasattr(SqlAlchemyUnitOfWork, "_send_begin")
        self._hold: tuple[str, tuple[Any, ...]] | None = None
        # A tree whose PostgreSQL store sends those writes with COMMIT.
        execute = getattr(SqlAlchemyUnitOfWork, "execute", None)
        held = () if execute is None else inspect.signature(execute).parameters
        self.held: list[tuple[str, Any]] | None = (
            [] if not raw.sqlite and "deferred" in held else None
        )
        # A tree whose store holds a new week's insert too (its failure read at COMMIT).
        self.week_held = self.held is not None and "failure" in held

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        """A write whose result nobody reads: held for ``COMMIT`` where the tree holds it."""
        if self.held is None:
            self.raw.execute(sql, params)
            return
        self.held.append((sql.replace("?", "%s"), params))

    def _write_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if self.held is None:
            self.raw.executemany(sql, rows)
            return
        self.held.append((sql.replace("?", "%s"), rows))

    def _commit(self) -> None:
        """Commit, with the held writes in the same round trip when there are any."""
        if not self.held:
            self.raw.commit()
            return
        held, self.held = self.held, []
        if len(held) == 1 and not isinstance(held[0][1], list):
            # One write of one row: as text, in one simple query with COMMIT.
            sql, params = held[0]
            self.raw.db.execute(f"{psycopg.ClientCursor(self.raw.db).mogrify(sql, params)}; COMMIT")
            return
        cursor = self.raw.db.cursor()
        with self.raw.db.pipeline():
            for sql, params in held:
                if isinstance(params, list):
                    cursor.executemany(sql, params)
                else:
                    cursor.execute(sql, params)
            cursor.execute("COMMIT")

    def _log(  # noqa: PLR0917  # the change set's columns that vary
        self,
        instance_id: str,
        client: str,
        source: str,
        at: datetime,
        versions: tuple[int | None, int],
        changes: list[dict[str, Any]],
    ) -> None:
        if not self.change_sets:
            self._write_many(
                f"INSERT INTO weekplan_changes ({CHANGE_RECORD_COLUMNS})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        TENANT,
                        uuid.uuid4().hex,
                        "week",
                        instance_id,
                        client,
                        MONDAY,
                        c["change_type"],
                        c["day_key"],
                        c["slot_key"],
                        None if c["old"] is None else dumps(c["old"]),
                        None if c["new"] is None else dumps(c["new"]),
                        None,
                        source,
                        None,
                        at,
                        *versions,
                    )
                    for c in changes
                ],
            )
            return
        self._write(
            f"INSERT INTO weekplan_change_sets ({CHANGE_SET_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                TENANT,
                uuid.uuid4().hex,
                "week",
                instance_id,
                client,
                MONDAY,
                None,
                source,
                None,
                at,
                *versions,
                dumps(
                    (runs if self.change_runs else list)(
                        [
                            [c["change_type"], c["day_key"], c["slot_key"], *pairs(c, self.fields)]
                            for c in changes
                        ]
                    )
                ),
            ),
        )

    def get(self, client: str) -> Any:
        row = self.raw.execute(
            f"SELECT {INSTANCE_COLUMNS}, (SELECT content_hash FROM weekplan_ruleset_assignments"
            " WHERE tenant_id = ? AND client_ref = ?) FROM weekplan_instances"
            " WHERE tenant_id = ? AND client_ref = ? AND week_start_date = ?",
            (TENANT, client, TENANT, client, MONDAY),
        ).fetchone()
        days = decode_entries(row[5])
        snapshot = days if row[6] is None or row[6] == row[5] else decode_entries(row[6])
        return row, days, snapshot

    def lock_client(self, client: str) -> None:
        """What holds the client on a server (SQLite's write lock holds every client).

        On PostgreSQL it goes with the transaction's ``BEGIN``, in one query, as
        the store sends it.
        """
        if self.raw.sqlite:
            return
        hold = (
            "INSERT INTO weekplan_client_locks (tenant_id, client_ref) VALUES (%s, %s)"
            " ON CONFLICT (tenant_id, client_ref)"
            " DO UPDATE SET client_ref = excluded.client_ref"
        )
        if self.begin_with_read:
            self._hold = (hold, (TENANT, client))
            return
        lock = psycopg.ClientCursor(self.raw.db).mogrify(hold, (TENANT, client))
        self.raw.db.execute(f"BEGIN; {lock}")

    def _first_read(self, sql: str, params: tuple[Any, ...]) -> Any:
        """The write's first read: with ``BEGIN`` and the hold in one pipeline, if they wait."""
        if self._hold is None:
            return self.raw.execute(sql, params).fetchone()
        (hold, values), self._hold = self._hold, None
        db = self.raw.db
        sent, cursor = db.cursor(), db.cursor()
        with db.pipeline():
            sent.execute("BEGIN")
            sent.execute(hold, values)
            cursor.execute(sql.replace("?", "%s"), params)
        return cursor.fetchone()

    def create(self, template_id: str, client: str) -> None:
        raw = self.raw
        raw.begin()
        self.lock_client(client)
        assignment = (
            "SELECT content_hash FROM weekplan_ruleset_assignments"
            " WHERE tenant_id = ? AND client_ref = ?"
        )
        if self.template_with_assignment:
            row = self._first_read(
                f"SELECT {TEMPLATE_COLUMNS}, ({assignment}) FROM weekplan_templates"
                " WHERE tenant_id = ? AND id = ?",
                (TENANT, client, TENANT, template_id),
            )
        else:
            row = self._first_read(
                f"SELECT {TEMPLATE_COLUMNS} FROM weekplan_templates WHERE tenant_id = ? AND id = ?",
                (TENANT, template_id),
            )
            raw.execute(assignment, (TENANT, client)).fetchone()
        entries = decode_entries(row[3])
        totals: dict[tuple[str, str], int] = {}
        slot, dish = self.slot, self.dish
        for entry in entries:
            if entry[dish] is not None:
                key = (slot_kind(entry[slot]), entry[dish])
                totals[key] = totals.get(key, 0) + 1
        self._add_to_history(totals)
        days = dumps(entries)
        snapshot = None if self.null_snapshot else days
        now = datetime.now(UTC)
        instance_id = uuid.uuid4().hex
        insert = (
            f"INSERT INTO weekplan_instances ({INSTANCE_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (instance_id, TENANT, template_id, client, MONDAY, days, snapshot, 1, now, now, None),
        )
        if self.week_held:
            self._write(*insert)
        else:
            raw.execute(*insert)
        added = [
            {
                "change_type": "added",
                "day_key": e[self.day],
                "slot_key": e[slot],
                "old": None,
                "new": e,
            }
            for e in entries
        ]
        self._log(instance_id, client, "create", now, (None, 1), added)
        self._commit()

    def _add_to_history(self, totals: dict[tuple[str, str], int]) -> None:
        ordered = sorted(totals.items())
        upsert = (
            " ON CONFLICT (tenant_id, slot_kind, dish_id)"
            " DO UPDATE SET count = weekplan_meal_history.count + excluded.count"
        )
        if self.history_arrays:
            self._write(
                "INSERT INTO weekplan_meal_history (tenant_id, slot_kind, dish_id, count)"
                " SELECT ?, * FROM unnest(?::varchar[], ?::varchar[], ?::integer[])" + upsert,
                (
                    TENANT,
                    [kind for (kind, _), _ in ordered],
                    [dish for (_, dish), _ in ordered],
                    [count for _, count in ordered],
                ),
            )
            return
        if self.history_json:
            kinds: dict[str, dict[str, int]] = {}
            for (kind, dish), count in ordered:
                kinds.setdefault(kind, {})[dish] = count
            self._write(
                "INSERT INTO weekplan_meal_history (tenant_id, slot_kind, dish_id, count)"
                " SELECT ?, kinds.key, dishes.key, dishes.value FROM json_each(?) AS kinds"
                " JOIN json_each(kinds.value) AS dishes ON 1 = 1 WHERE 1 = 1" + upsert,
                (TENANT, json.dumps(kinds, ensure_ascii=False, separators=(",", ":"))),
            )
            return
        self._write_many(
            "INSERT INTO weekplan_meal_history (tenant_id, slot_kind, dish_id, count)"
            " VALUES (?, ?, ?, ?)" + upsert,
            [(TENANT, kind, dish, count) for (kind, dish), count in ordered],
        )

    def set_slot(self, client: str, n: int) -> None:
        raw = self.raw
        raw.begin()
        self.lock_client(client)
        row = self._first_read(
            f"SELECT {INSTANCE_COLUMNS}, (SELECT content_hash FROM weekplan_ruleset_assignments"
            " WHERE tenant_id = ? AND client_ref = ?) FROM weekplan_instances"
            " WHERE tenant_id = ? AND client_ref = ? AND week_start_date = ?",
            (TENANT, client, TENANT, client, MONDAY),
        )
        days = decode_entries(row[5])
        old = days[0].copy()
        days[0][self.notes] = f"edit {n}"
        now = datetime.now(UTC)
        raw.execute(
            "UPDATE weekplan_instances SET template_id = ?, days = ?, template_snapshot = ?,"
            " version = ?, created_at = ?, updated_at = ?, guardrails = ? WHERE tenant_id = ?"
            " AND client_ref = ? AND week_start_date = ? AND id = ? AND version = ?",
            (
                row[2],
                dumps(days),
                # Edited, the week's days differ from its snapshot: written out.
                row[5] if row[6] is None else row[6],
                row[7] + 1,
                row[8],
                now,
                None,
                TENANT,
                client,
                MONDAY,
                row[0],
                row[7],
            ),
        )
        changed = {
            "change_type": "changed",
            "day_key": old[self.day],
            "slot_key": old[self.slot],
            "old": old,
            "new": days[0],
        }
        self._log(row[0], client, "edit", now, (row[7], row[7] + 1), [changed])
        self._commit()


class PhysicalMinimum:
    """Each week one JSON document under its natural key; one statement per step."""

    def __init__(self, raw: Raw) -> None:
        self.raw = raw
        raw.execute(
            "CREATE TABLE pm_templates (tenant_id VARCHAR(64), id VARCHAR(64), doc TEXT,"
            " PRIMARY KEY (tenant_id, id))"
        )
        raw.execute(
            "CREATE TABLE pm_weeks (tenant_id VARCHAR(64), client_ref VARCHAR(128),"
            " week_start_date DATE, version INTEGER, doc TEXT,"
            " PRIMARY KEY (tenant_id, client_ref, week_start_date))"
        )
        self._autocommit()

    def _autocommit(self) -> None:
        if not self.raw.sqlite:
            self.raw.db.commit()

    def add_template(self, template_id: str, entries: list[PlanEntry]) -> None:
        doc = dumps({"name": "Bench", "days": [self._entry(e) for e in entries], "version": 1})
        self.raw.execute("INSERT INTO pm_templates VALUES (?, ?, ?)", (TENANT, template_id, doc))
        self._autocommit()

    @staticmethod
    def _entry(entry: PlanEntry) -> dict[str, Any]:
        return {
            "day_key": entry.day_key.value,
            "slot_key": entry.slot_key,
            "dish_template_id": entry.dish_template_id,
            "notes": entry.notes,
        }

    def get(self, client: str) -> Any:
        row = self.raw.execute(
            "SELECT doc FROM pm_weeks"
            " WHERE tenant_id = ? AND client_ref = ? AND week_start_date = ?",
            (TENANT, client, MONDAY),
        ).fetchone()
        return json.loads(row[0])

    def create(self, template_id: str, client: str) -> None:
        row = self.raw.execute(
            "SELECT doc FROM pm_templates WHERE tenant_id = ? AND id = ?", (TENANT, template_id)
        ).fetchone()
        template = json.loads(row[0])
        now = datetime.now(UTC).isoformat()
        doc = {
            "template_id": template_id,
            "days": template["days"],
            "template_snapshot": template["days"],
            "created_at": now,
            "updated_at": now,
        }
        self.raw.execute(
            "INSERT INTO pm_weeks VALUES (?, ?, ?, 1, ?)", (TENANT, client, MONDAY, dumps(doc))
        )

    def set_slot(self, client: str, n: int) -> None:
        row = self.raw.execute(
            "SELECT version, doc FROM pm_weeks"
            " WHERE tenant_id = ? AND client_ref = ? AND week_start_date = ?",
            (TENANT, client, MONDAY),
        ).fetchone()
        doc = json.loads(row[1])
        doc["days"][0]["notes"] = f"edit {n}"
        doc["updated_at"] = datetime.now(UTC).isoformat()
        self.raw.execute(
            "UPDATE pm_weeks SET version = ?, doc = ? WHERE tenant_id = ? AND client_ref = ?"
            " AND week_start_date = ? AND version = ?",
            (row[0] + 1, dumps(doc), TENANT, client, MONDAY, row[0]),
        )


# -- the databases -----------------------------------------------------------------------


@contextlib.contextmanager
def sqlite_databases() -> Iterator[tuple[SqlAlchemyStore, Raw, Raw]]:
    """weekplan's file, and a separate WAL file for the physical minimum."""
    with tempfile.TemporaryDirectory() as folder:
        store = SqlAlchemyStore(f"sqlite:///{Path(folder) / 'weekplan.db'}")
        store.create_all()
        matched = sqlite3.connect(
            Path(folder) / "weekplan.db", isolation_level=None, check_same_thread=False
        )
        # A per-connection setting: as the store's own connections (WAL is per file).
        matched.execute("PRAGMA synchronous = NORMAL")
        minimum = sqlite3.connect(Path(folder) / "minimum.db", isolation_level=None)
        minimum.execute("PRAGMA journal_mode = WAL")
        minimum.execute("PRAGMA synchronous = NORMAL")
        try:
            yield store, Raw(matched, sqlite_begin=True), Raw(minimum, sqlite_begin=True)
        finally:
            matched.close()
            minimum.close()
            store.close()


@contextlib.contextmanager
def postgresql_databases(url: URL) -> Iterator[tuple[SqlAlchemyStore, Raw, Raw]]:
    schema = f"weekplan_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def connect(*, autocommit: bool) -> Any:
        return psycopg.connect(
            host=url.host,
            port=url.port,
            user=url.username,
            password=url.password,
            dbname=url.database,
            options=f"-csearch_path={schema}",
            autocommit=autocommit,
        )

    store = SqlAlchemyStore(url.update_query_dict({"options": f"-csearch_path={schema}"}))
    # The matched baseline reads in autocommit as the store does (one round trip), and
    # writes in a transaction (psycopg begins one before the first statement).
    matched, minimum = connect(autocommit=True), connect(autocommit=True)
    try:
        store.create_all()
        yield store, PgMatched(matched), Raw(minimum, sqlite_begin=False)
    finally:
        matched.close()
        minimum.close()
        store.close()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class PgMatched(Raw):
    """psycopg in autocommit: a read alone, a write in the transaction its first query begins."""

    def __init__(self, connection: Any) -> None:
        super().__init__(connection, sqlite_begin=False)

    def begin(self, how: str = "") -> None:
        """Nothing to send: ``lock_client`` begins the transaction (see ``Matched``)."""


# -- the cases ---------------------------------------------------------------------------


def seed_catalog(store: Store, tenant: str, size: int, rng: random.Random) -> None:
    """``size`` dishes, a third named with a meal hint, a sixth labelled for a meal.

    They are added in one unit of work, as a bulk import would, then given their
    meal signals by the documented path (a tree without signals skips that).
    """
    meals = list(MealType)
    with store.unit_of_work() as uow:
        for n in range(size):
            prefix = rng.choice(HINTED) if n % 3 == 0 else "Gerecht"
            labels = (meals[n % 4],) if n % 6 == 0 else ()
            uow.dishes.add(tenant, Dish(f"dish-{n:05}", tenant, f"{prefix} {n:05}", labels))
        uow.commit()
    worker = Planner(store).worker(tenant)
    if hasattr(worker, "recompute_meal_signals"):
        worker.recompute_meal_signals(batch_size=1000)


def seed_history(worker: WorkerPlanner, dishes: int) -> None:
    """Every one of ``dishes`` dishes planned once, in templates of 140 entries."""
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    slots = ("breakfast", "lunch", "dinner", "snack", "ontbijt", "diner", "tussendoortje")
    for first in range(0, dishes, 140):
        entries = [
            PlanEntry(days[k % 7], f"{slots[(k // 7) % 7]} {k // 49}", f"dish-{n:05}")
            for k, n in enumerate(range(first, min(first + 140, dishes)))
        ]
        worker.create_template(f"History {first}", entries)


def sql_cases(
    prefix: str, store: SqlAlchemyStore, matched: Raw, minimum: Raw, *, per_call: bool = False
) -> dict[str, Any]:
    worker = Planner(store).worker(TENANT)
    with store.unit_of_work() as uow:
        for n in range(ENTRIES):
            uow.dishes.add(TENANT, Dish(f"dish-{n}", TENANT, f"Dish {n}"))
        uow.commit()
    template = worker.create_template("Bench week", week_entries())
    worker.create_instance(template.id, "client-get", MONDAY)
    worker.create_instance(template.id, "client-raw", MONDAY)
    raw = Matched(matched, stored_fields(matched, template.id), change_runs=stored_runs(matched))
    physical = PhysicalMinimum(minimum)
    physical.add_template(template.id, week_entries())
    physical.create(template.id, "client-get")
    bulk_template = worker.create_template("Bulk week", week_entries())
    cases: dict[str, Callable[[int], object]] = {
        f"{prefix} get_instance/weekplan": lambda _n: worker.get_instance("client-get", MONDAY),
        f"{prefix} get_instance/matched": lambda _n: raw.get("client-get"),
        f"{prefix} get_instance/minimum": lambda _n: physical.get("client-get"),
        f"{prefix} create_instance/weekplan": lambda n: worker.create_instance(
            template.id, f"c-{n}", MONDAY
        ),
        f"{prefix} create_instance/matched": lambda n: raw.create(template.id, f"r-{n}"),
        f"{prefix} create_instance/minimum": lambda n: physical.create(template.id, f"m-{n}"),
        f"{prefix} set_slot/weekplan": lambda n: worker.set_slot(
            "client-get", MONDAY, "mon", "slot-0", notes=f"edit {n}"
        ),
        f"{prefix} set_slot/matched": lambda n: raw.set_slot("client-raw", n),
        f"{prefix} set_slot/minimum": lambda n: physical.set_slot("client-get", n),
        f"{prefix} 1000 weeks/create_instance x1000": lambda n: [
            worker.create_instance(bulk_template.id, f"loop-{n}-{k}", MONDAY)
            for k in range(BULK_CLIENTS)
        ],
    }
    if per_call:
        return {name: case for name, case in cases.items() if "1000 weeks" not in name}
    if hasattr(worker, "create_instances"):
        cases[f"{prefix} 1000 weeks/create_instances"] = lambda n: worker.create_instances(
            bulk_template.id, [f"bulk-{n}-{k}" for k in range(BULK_CLIENTS)], MONDAY
        )
    cases.update(suggestion_cases(prefix, store))
    return cases


def suggestion_cases(prefix: str, store: Store) -> dict[str, Callable[[int], object]]:
    """Suggestions by catalog size, and with a large history read beside a large catalog."""
    rng = random.Random(20261123)
    cases: dict[str, Callable[[int], object]] = {}
    for size in CATALOGS:
        tenant = f"catalog-{size}"
        seed_catalog(store, tenant, size, rng)
        worker = Planner(store).worker(tenant)
        cases[f"{prefix} suggest/catalog {size}"] = lambda _n, w=worker: w.suggest_dishes(
            "breakfast", limit=10
        )
    tenant = "history-10000"
    seed_catalog(store, tenant, 10_000, rng)
    worker = Planner(store).worker(tenant)
    seed_history(worker, 10_000)
    cases[f"{prefix} suggest/catalog 10000, history 10000"] = lambda _n: worker.suggest_dishes(
        "breakfast", limit=10
    )
    return cases


GUARDRAILS_SIZES = (100, 1_000, 10_000)


def guardrails_cases() -> dict[str, Callable[[int], object]]:
    """Compiling rulesets of 100, 1,000 and 10,000 rules, and evaluating a week with each.

    Each compile starts with no word stemmed yet (as a planner's first compile
    of a ruleset it has just loaded: loading folds every term, so folded terms
    are at hand); evaluation uses a ruleset compiled beforehand.
    """
    rng = random.Random(20260131)
    cases: dict[str, Callable[[int], object]] = {}
    for size in GUARDRAILS_SIZES:
        ruleset = ruleset_of(size, rng)
        plan = week(rng, ruleset)
        compiled = compile_ruleset(ruleset)

        def compile_fresh(_n: int, ruleset: GuardrailsRuleset = ruleset) -> object:
            forget_stems()
            return compile_ruleset(ruleset)

        def evaluate_compiled(
            _n: int, compiled: CompiledRuleset = compiled, plan: list[PlanTarget] = plan
        ) -> object:
            return compiled.evaluate(plan)

        cases[f"guardrails/compile {size:,} rules"] = compile_fresh
        cases[f"guardrails/evaluate a week, {size:,} rules"] = evaluate_compiled
    return cases


def forget_stems() -> None:
    """Empty every compiled-ruleset and word-stem cache the tree under test has."""
    clear_cache()
    for module, name in (
        ("weekplan.guardrails._stemming", "stem"),
        ("weekplan.guardrails._words", "stems_of_term"),
    ):
        cached = getattr(importlib.import_module(module), name, None)
        if cached is not None:
            cached.cache_clear()


# -- driving -----------------------------------------------------------------------------

GROUPS: tuple[tuple[str, int, int], ...] = (
    # (what the case name contains, blocks, calls per block)
    ("get_instance", 15, 40),
    ("create_instance/", 15, 20),
    ("set_slot", 15, 20),
    ("suggest", 9, 3),
    ("1000 weeks", 5, 1),
    ("guardrails/compile 100 rules", 7, 20),
    ("guardrails/compile 1,000 rules", 7, 4),
    ("guardrails/compile 10,000 rules", 7, 1),
    ("guardrails/evaluate", 9, 10),
)


def build(only: str | None, stack: contextlib.ExitStack, *, per_call: bool = False) -> LocalRunner:
    runner = LocalRunner("this tree")
    if only in (None, "sqlite"):
        store, matched, minimum = stack.enter_context(sqlite_databases())
        runner.cases.update(sql_cases("sqlite", store, matched, minimum, per_call=per_call))
    pg = os.environ.get("WEEKPLAN_BENCH_POSTGRES_URL") or os.environ.get(
        "WEEKPLAN_TEST_POSTGRES_URL"
    )
    if only in (None, "postgresql") and pg:
        store, matched, minimum = stack.enter_context(postgresql_databases(make_url(pg)))
        runner.cases.update(sql_cases("postgresql", store, matched, minimum, per_call=per_call))
    if per_call:
        return runner
    if only in (None, "memory"):
        runner.cases.update(suggestion_cases("memory", InMemoryStore()))
    if only in (None, "guardrails"):
        runner.cases.update(guardrails_cases())
    return runner


def report(runners: list[Runner], results: dict[tuple[str, str], Samples]) -> str:
    labels = [runner.label for runner in runners]
    rows: list[list[str]] = []

    def samples(label: str, case: str) -> Samples | None:
        found = results.get((label, case))
        return found if found is not None and found.blocks else None

    cases = sorted({case for _, case in results}, key=_case_order)
    for case in cases:
        row = [case]
        for label in labels:
            found = samples(label, case)
            row.append(str(found) if found else "n/a")
        rows.append(row)
    rows.append(["", *["" for _ in labels]])
    for name, top, bottom in _ratio_figures(cases):
        row = [name]
        for label in labels:
            a, b = samples(label, top), samples(label, bottom)
            row.append(spread(ratios(a, b), unit="x") if a and b else "n/a")
        rows.append(row)
    if len(labels) == 2:
        # With --compare: this tree over the other, block by block, for the guardrails.
        other, this = labels
        for case in cases:
            a, b = samples(this, case), samples(other, case)
            if case.startswith("guardrails/") and a and b:
                ratio = spread(ratios(a, b), unit="x")
                rows.append([f"{case}: {this} / {other}", ratio, ""])
    return render_table(["figure (per call; median (min-max) of blocks)", *labels], rows)


def _case_order(case: str) -> tuple[int, str]:
    for position, (needle, _, _) in enumerate(GROUPS):
        if needle in case:
            return (position, case)
    return (len(GROUPS), case)


def _ratio_figures(cases: list[str]) -> Iterator[tuple[str, str, str]]:
    for prefix in ("sqlite", "postgresql"):
        for op in ("get_instance", "create_instance", "set_slot"):
            top = f"{prefix} {op}/weekplan"
            if top in cases:
                yield (f"{prefix} {op}: weekplan / minimum", top, f"{prefix} {op}/minimum")
                yield (f"{prefix} {op}: weekplan / matched", top, f"{prefix} {op}/matched")
        loop = f"{prefix} 1000 weeks/create_instance x1000"
        if loop in cases:
            yield (
                f"{prefix} 1000 weeks: loop / create_instances",
                loop,
                f"{prefix} 1000 weeks/create_instances",
            )
    for prefix in ("memory", "sqlite", "postgresql"):
        small = f"{prefix} suggest/catalog 100"
        if small in cases:
            yield (
                f"{prefix} suggest: 1,000 / 100 dishes",
                f"{prefix} suggest/catalog 1000",
                small,
            )
            yield (
                f"{prefix} suggest: 10,000 / 100 dishes",
                f"{prefix} suggest/catalog 10000",
                small,
            )
            yield (
                f"{prefix} suggest: history 10,000 / 100 dishes",
                f"{prefix} suggest/catalog 10000, history 10000",
                small,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--only", choices=["sqlite", "postgresql", "memory", "guardrails"])
    parser.add_argument("--compare", metavar="SRC", help="another source tree, run interleaved")
    parser.add_argument("--label", default="this tree", help="column title of this tree")
    parser.add_argument(
        "--per-call",
        action="store_true",
        help="only get_instance, create_instance and set_slot (no catalogs, bulk or guardrails)",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every block count")
    parser.add_argument("--cases", metavar="TEXT", help="run only the cases whose name has TEXT")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        runner = build(args.only, stack, per_call=args.per_call)
        if os.environ.get("WEEKPLAN_BENCH_CHILD"):
            serve(runner)
            return
        runner.label = args.label
        runners: list[Runner] = [runner]
        if args.compare:
            argv = [arg for arg in sys.argv if arg not in ("--compare", args.compare)]
            child = ChildRunner(args.compare, args.compare, argv)
            stack.callback(child.close)
            runners.insert(0, child)
        results: dict[tuple[str, str], Samples] = {}
        for needle, blocks, calls in GROUPS:
            cases = [
                case
                for case in runner.cases
                if needle in case and (not args.cases or args.cases in case)
            ]
            if cases:
                scaled = max(3, round(blocks * args.scale))
                results.update(interleave(runners, cases, blocks=scaled, calls=calls))
                # As each group ends, so that a long run shows its figures as it goes.
                print(report(runners, results), end="\n\n", flush=True)


if __name__ == "__main__":
    main()
