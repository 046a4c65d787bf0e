"""Every SQL statement the store runs, built once per dialect and reused.

Statements are SQLAlchemy Core, with explicit columns and bound parameters only,
so SQLAlchemy compiles each of them once and then finds it in its cache.
Listings have a few shapes (with or without a filter, a search, a cursor); each
shape is built the first time it is asked for and kept.

Keyset pagination compares the row value ``(a, b) > (:a, :b)`` where the
database turns that into an index range (SQLite, PostgreSQL); on MariaDB it is
spelt ``a >= :a AND (a > :a OR b > :b)``, whose first term is the range.

A search is a substring test on ``name_key``: ``instr`` on SQLite and MariaDB,
``strpos`` on PostgreSQL. Unlike ``LIKE`` it needs no escaping of ``%`` and
``_``, and it compares exactly, where SQLite's ``LIKE`` would ignore ASCII case
(``search_key`` can yield capitals, e.g. from "™").
"""

from __future__ import annotations

import enum
import functools
import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Delete,
    Insert,
    Integer,
    Select,
    String,
    Table,
    Update,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.sql.elements import BindParameter, ColumnClause

from weekplan.adapters._row_mapping import (
    DishRows,
    InstanceRows,
    RulesetRows,
    SlotLockRows,
    TemplateRows,
)
from weekplan.adapters.sqlalchemy._schema import (
    SIGNAL_COLUMNS,
    client_locks,
    dishes,
    instances,
    meal_history,
    rank_column,
    ruleset_assignments,
    rulesets,
    templates,
)
from weekplan.adapters.sqlalchemy._workflow_schema import slot_locks
from weekplan.domain._history import HistoryKey
from weekplan.domain._meal_types import MealType
from weekplan.domain._suggestions import NO_SIGNAL

__all__ = [
    "INSTANCES_OF_JSON",
    "HistoryForm",
    "Statements",
    "history_json",
    "json_text",
    "rows_json",
    "same_in_every_row",
    "sqlite_has_json",
]

# The columns each row mapper reads, in its order (see weekplan.adapters._row_mapping).
_TEMPLATE_COLUMNS: Final = tuple(templates.c[name] for name in TemplateRows.columns)
_INSTANCE_COLUMNS: Final = tuple(instances.c[name] for name in InstanceRows.columns)
#: A lock's columns after the week's (and its ruleset's) in ``get_instance_with_locks``.
_WEEK_LOCK_COLUMNS: Final = tuple(slot_locks.c[name] for name in SlotLockRows.slot_columns)
_RULESET_COLUMNS: Final = tuple(rulesets.c[name] for name in RulesetRows.columns)
_DISH_COLUMNS: Final = tuple(dishes.c[name] for name in DishRows.columns)

TemplateListShape = tuple[bool, bool]


def _set_all_but(table: Table, *key: str) -> dict[str, BindParameter[Any]]:
    """``SET`` every column of ``table`` but ``key`` to the parameter of its name.

    The parameters are the row layer's values of a whole row (the key's bound
    under other names, ``b_<column>``, for the ``WHERE`` clause).
    """
    return {column.name: bindparam(column.name) for column in table.c if column.name not in key}


InstanceListShape = tuple[bool, bool, bool]


class HistoryForm(enum.Enum):
    """How :attr:`Statements.add_to_history` takes a delta: the parameters of its one run."""

    #: One parameter set per key (``tenant_id``, ``slot_kind``, ``dish_id``,
    #: ``count``), run with ``executemany``.
    ROWS = "rows"
    #: ``tenant_id`` and the arrays ``slot_kinds``, ``dish_ids`` and ``counts`` (PostgreSQL).
    ARRAYS = "arrays"
    #: ``tenant_id`` and ``delta``, the JSON text ``{slot_kind: {dish_id: count}}``
    #: (SQLite): see :func:`history_json`.
    JSON = "json"


#: Compact JSON text of a value, non-ASCII kept as it is (what ``json_each`` takes apart).
json_text: Final = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), check_circular=False
).encode


def history_json(ordered: Iterable[tuple[HistoryKey, int]]) -> str:
    """A delta as the JSON text ``{slot_kind: {dish_id: change}}``, keys in the order given.

    Nested rather than a list of rows: SQLite's ``json_each`` hands out an
    object's keys as they are, where each element of a row would be parsed
    out of its row's text again.
    """
    kinds: dict[str, dict[str, int]] = {}
    for (kind, dish_id), change in ordered:
        dishes = kinds.get(kind)
        if dishes is None:
            kinds[kind] = dishes = {}
        dishes[dish_id] = change
    return json_text(kinds)


#: The columns each week of :attr:`Statements.insert_instances_of_json` has its own
#: value of, in its JSON rows; the weeks share the others.
INSTANCES_OF_JSON: Final = ("id", "client_ref", "guardrails")


def same_in_every_row(
    rows: Sequence[Mapping[str, Any]], names: Iterable[str]
) -> dict[str, Any] | None:
    """The values of ``names``, if every row has the same ones; else ``None``."""
    first = rows[0]
    shared = {name: first[name] for name in names}
    for row in rows:
        for name, value in shared.items():
            found = row[name]
            if found is not value and found != value:
                return None
    return shared


def rows_json(rows: Iterable[Mapping[str, Any]], names: Sequence[str]) -> str:
    """The rows as the JSON text ``[[value of each of names], ...]``, for ``json_each``."""
    return json_text([[row[name] for name in names] for row in rows])


@functools.cache
def sqlite_has_json() -> bool:
    """Whether the SQLite library of Python's ``sqlite3`` has the JSON functions.

    They are built in since SQLite 3.38, and optional before. Asked once per
    process, of a database in memory; each store's :class:`Statements` takes
    the answer when it is made. Without them a delta is an ``executemany``.
    """
    try:
        import sqlite3  # noqa: PLC0415  # a Python may be built without it
    except ImportError:
        return False
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute("SELECT key, value FROM json_each('{\"a\": 1}')").fetchall()
    except sqlite3.Error:
        return False
    finally:
        connection.close()
    return True


class Statements:
    """The statements of one dialect."""

    def __init__(self, dialect_name: str) -> None:
        self._dialect_name = dialect_name
        self._row_values = dialect_name in ("sqlite", "postgresql")
        self._lock = threading.Lock()
        self._template_lists: dict[TemplateListShape, Select[Any]] = {}
        self._instance_lists: dict[InstanceListShape, Select[Any]] = {}
        self._dish_lists: dict[TemplateListShape, Select[Any]] = {}
        self._ranked: dict[tuple[MealType, bool, bool], Select[Any]] = {}
        self._ruleset_lists: dict[TemplateListShape, Select[Any]] = {}

        t, i = templates.c, instances.c
        self.get_template: Final[Select[Any]] = select(*_TEMPLATE_COLUMNS).where(
            t.tenant_id == bindparam("tenant_id"), t.id == bindparam("id")
        )
        self.insert_template: Final[Insert] = insert(templates)
        self.replace_template: Final[Update] = (
            update(templates)
            .where(
                t.tenant_id == bindparam("b_tenant_id"),
                t.id == bindparam("b_id"),
                t.version == bindparam("b_expected_version"),
            )
            .values(_set_all_but(templates, "tenant_id", "id"))
        )
        self.delete_template: Final[Delete] = delete(templates).where(
            t.tenant_id == bindparam("tenant_id"), t.id == bindparam("id")
        )
        a = ruleset_assignments.c
        # The client's ruleset comes along (last column): every write of a week
        # asks for it next, and this way costs no statement of its own. It is a
        # scalar subquery on the assignment's primary key, bound to the same
        # parameters, rather than a LEFT JOIN: the same answer (at most one row
        # matches), but PostgreSQL has no join to plan, and on a read this small
        # planning is much of what the server does.
        assigned = (
            select(a.content_hash)
            .where(
                a.tenant_id == bindparam("tenant_id"),
                a.client_ref == bindparam("client_ref"),
            )
            .scalar_subquery()
        )
        self.get_instance: Final[Select[Any]] = select(*_INSTANCE_COLUMNS, assigned).where(
            i.tenant_id == bindparam("tenant_id"),
            i.client_ref == bindparam("client_ref"),
            i.week_start_date == bindparam("week_start_date"),
        )
        # The template a new week is cloned from, with its client's ruleset
        # (last column) asked next by the same call: the same scalar subquery.
        self.get_template_with_assignment: Final[Select[Any]] = select(
            *_TEMPLATE_COLUMNS, assigned
        ).where(t.tenant_id == bindparam("tenant_id"), t.id == bindparam("id"))
        # The week with its locks, for a read that is one statement (and so its
        # own snapshot): one row per lock, or one row of NULL lock columns. The
        # week's columns repeat on each row, but a week has few locks, mostly none.
        k = slot_locks.c
        self.get_instance_with_locks: Final[Select[Any]] = (
            select(*_INSTANCE_COLUMNS, assigned, *_WEEK_LOCK_COLUMNS)
            .select_from(
                instances.outerjoin(
                    slot_locks,
                    (k.tenant_id == i.tenant_id)
                    & (k.client_ref == i.client_ref)
                    & (k.week_start_date == i.week_start_date),
                )
            )
            .where(
                i.tenant_id == bindparam("tenant_id"),
                i.client_ref == bindparam("client_ref"),
                i.week_start_date == bindparam("week_start_date"),
            )
        )
        self.insert_instance: Final[Insert] = insert(instances)
        self.replace_instance: Final[Update] = (
            update(instances)
            .where(
                i.tenant_id == bindparam("b_tenant_id"),
                i.client_ref == bindparam("b_client_ref"),
                i.week_start_date == bindparam("b_week_start_date"),
                i.id == bindparam("b_id"),
                i.version == bindparam("b_expected_version"),
            )
            # The week's key never changes: an update never moves it to another week.
            .values(_set_all_but(instances, "tenant_id", "id", "client_ref", "week_start_date"))
        )
        self.delete_instance: Final[Delete] = delete(instances).where(
            i.tenant_id == bindparam("tenant_id"),
            i.client_ref == bindparam("client_ref"),
            i.week_start_date == bindparam("week_start_date"),
        )

        d, h = dishes.c, meal_history.c
        # One statement for any number of ids: the IN list is expanded at execution.
        self.get_dishes: Final[Select[Any]] = select(*_DISH_COLUMNS).where(
            d.tenant_id == bindparam("tenant_id"), d.id.in_(bindparam("ids", expanding=True))
        )
        self.insert_dish: Final[Insert] = insert(dishes)
        self.replace_dish: Final[Update] = (
            update(dishes)
            .where(
                d.tenant_id == bindparam("b_tenant_id"),
                d.id == bindparam("b_id"),
                d.version == bindparam("b_expected_version"),
            )
            .values(_set_all_but(dishes, "tenant_id", "id"))
        )
        self.set_dish_signals: Final[Update] = (
            update(dishes)
            .where(
                d.tenant_id == bindparam("b_tenant_id"),
                d.id == bindparam("b_id"),
                d.version == bindparam("b_version"),
            )
            .values({column: bindparam(column) for column in SIGNAL_COLUMNS})
        )
        # The lowest and the highest fingerprint of the tenant's signals: each
        # one end of a range of ix_weekplan_dishes_signals, whatever the catalog.
        self.signal_vocabularies: Final[Select[Any]] = select(
            *(
                select(edge(d.signals_vocabulary))
                .where(d.tenant_id == bindparam("tenant_id"))
                .scalar_subquery()
                for edge in (func.min, func.max)
            )
        )
        self.delete_dish: Final[Delete] = delete(dishes).where(
            d.tenant_id == bindparam("tenant_id"), d.id == bindparam("id")
        )
        self._history_form = (
            HistoryForm.ARRAYS
            if dialect_name == "postgresql"
            else HistoryForm.JSON
            if dialect_name == "sqlite" and sqlite_has_json()
            else HistoryForm.ROWS
        )
        self.add_to_history: Final[Insert] = self._add_to_totals()
        r = rulesets.c
        self.get_ruleset: Final[Select[Any]] = select(*_RULESET_COLUMNS).where(
            r.tenant_id == bindparam("tenant_id"), r.content_hash == bindparam("content_hash")
        )
        self.add_ruleset: Final[Insert] = self._insert_unless_stored()
        self.get_assignment: Final[Select[Any]] = select(a.content_hash).where(
            a.tenant_id == bindparam("tenant_id"), a.client_ref == bindparam("client_ref")
        )
        self.assign_ruleset: Final[Insert] = self._upsert_assignment()
        self.unassign_ruleset: Final[Delete] = delete(ruleset_assignments).where(
            a.tenant_id == bindparam("tenant_id"), a.client_ref == bindparam("client_ref")
        )
        self.lock_client: Final[Insert] = self._lock_client()
        # MariaDB's REPEATABLE READ reads from a snapshot that may predate the
        # lock; a locking read always sees the latest committed row.
        self.get_assignment_latest: Final[Select[Any]] = self.get_assignment.with_for_update(
            read=True
        )
        self.history_counts: Final[Select[Any]] = select(h.slot_kind, h.dish_id, h["count"]).where(
            h.tenant_id == bindparam("tenant_id"), h["count"] > 0
        )
        self._bulk_instances()

    def _bulk_instances(self) -> None:
        """The statements of :class:`~weekplan.ports.BulkInstances` and of many clients' diets."""
        i, a = instances.c, ruleset_assignments.c
        self.insert_instances_unless_taken: Insert = self._insert_instance_unless_taken()
        self.insert_instances_of_json: Insert | None = (
            self._insert_instances_of_json()
            if self._dialect_name == "sqlite" and sqlite_has_json()
            else None
        )
        # Which of the weeks just offered were stored: those whose id is now in the table.
        self.stored_instance_clients: Select[Any] = select(i.client_ref).where(
            i.tenant_id == bindparam("tenant_id"),
            i.week_start_date == bindparam("week_start_date"),
            i.id.in_(bindparam("ids", expanding=True)),
        )
        self.get_assignments: Select[Any] = select(a.client_ref, a.content_hash).where(
            a.tenant_id == bindparam("tenant_id"),
            a.client_ref.in_(bindparam("client_refs", expanding=True)),
        )
        # SQLite: the client refs as one JSON array (``client_refs_json``), so the
        # statement is compiled once, not once per number of clients.
        self.get_assignments_of_json: Select[Any] | None = None
        if self._dialect_name == "sqlite" and sqlite_has_json():
            refs = func.json_each(bindparam("client_refs_json", type_=String))
            listed = select(refs.table_valued("value").c.value).scalar_subquery()
            self.get_assignments_of_json = select(a.client_ref, a.content_hash).where(
                a.tenant_id == bindparam("tenant_id"), a.client_ref.in_(listed)
            )

    def _insert_instance_unless_taken(self) -> Insert:
        """Insert a week unless its client has one that date; the database decides."""
        i = instances.c
        if self._dialect_name in ("mysql", "mariadb"):
            # A no-op update rather than INSERT IGNORE, which would hide other errors too.
            return mysql.insert(instances).on_duplicate_key_update({"id": i.id})
        key = [i.tenant_id, i.client_ref, i.week_start_date]
        if self._dialect_name == "postgresql":
            return postgresql.insert(instances).on_conflict_do_nothing(index_elements=key)
        return sqlite.insert(instances).on_conflict_do_nothing(index_elements=key)

    def _insert_instances_of_json(self) -> Insert:
        """SQLite: insert many weeks unless taken, those of :data:`INSTANCES_OF_JSON` from JSON.

        Parameters: each column but those as the weeks share it, and ``weeks``,
        the JSON text of :func:`rows_json` of :data:`INSTANCES_OF_JSON`: one
        statement binds the days once, where ``executemany`` binds each
        week's. (``WHERE`` true: see :meth:`_history_rows_of_json`.)
        """
        i = instances.c
        weeks = func.json_each(bindparam("weeks", type_=String)).table_valued("value")
        weeks = weeks.alias("weeks")
        by_json = {
            name: func.json_extract(weeks.c.value, f"$[{n}]")
            for n, name in enumerate(INSTANCES_OF_JSON)
        }
        columns = [column.name for column in instances.columns]
        rows = (
            select(
                *(
                    by_json.get(name, bindparam(name, type_=i[name].type)).label(name)
                    for name in columns
                )
            )
            .select_from(weeks)
            .where(true())
        )
        return (
            sqlite.insert(instances)
            .from_select(columns, rows)
            .on_conflict_do_nothing(index_elements=[i.tenant_id, i.client_ref, i.week_start_date])
        )

    def _insert_unless_stored(self) -> Insert:
        """Store a ruleset unless the tenant has its hash: the first one stored stays.

        The database decides, so two transactions storing the same hash at once
        both succeed. Parameters: every column of ``weekplan_rulesets``.
        """
        r = rulesets.c
        if self._dialect_name in ("mysql", "mariadb"):
            # A no-op update rather than INSERT IGNORE, which would hide other errors too.
            mysql_statement = mysql.insert(rulesets)
            return mysql_statement.on_duplicate_key_update({"content_hash": r.content_hash})
        key = [r.tenant_id, r.content_hash]
        if self._dialect_name == "postgresql":
            return postgresql.insert(rulesets).on_conflict_do_nothing(index_elements=key)
        return sqlite.insert(rulesets).on_conflict_do_nothing(index_elements=key)

    @property
    def locks_clients(self) -> bool:
        """Whether a unit of work must lock a client row to serialize with others.

        SQLite serializes every writing transaction on the whole database already.
        """
        return self._dialect_name != "sqlite"

    @property
    def reads_a_snapshot_after_locking(self) -> bool:
        """Whether a plain read after :attr:`lock_client` may miss what the lock waited for.

        On MariaDB's REPEATABLE READ a transaction reads from the snapshot of its
        first plain read, which may come before the lock (in a host's transaction).
        """
        return self._dialect_name in ("mysql", "mariadb")

    def _lock_client(self) -> Insert:
        """Create the client's lock row, or lock it if it exists: one statement either way.

        The conflicting branch updates the row to itself, which takes the row's
        exclusive lock until the transaction ends (PostgreSQL's ``ON CONFLICT DO
        UPDATE`` and MariaDB's ``ON DUPLICATE KEY UPDATE`` both lock the row they
        update, changed or not). Two transactions creating the same row at once
        are ordered by the primary key: the second waits for the first to end,
        then takes the lock; neither fails. Parameters: ``tenant_id``, ``client_ref``.
        """
        c = client_locks.c
        if self._dialect_name in ("mysql", "mariadb"):
            mysql_statement = mysql.insert(client_locks)
            return mysql_statement.on_duplicate_key_update({"client_ref": c.client_ref})
        key = [c.tenant_id, c.client_ref]
        if self._dialect_name == "postgresql":
            pg_statement = postgresql.insert(client_locks)
            return pg_statement.on_conflict_do_update(
                index_elements=key, set_={"client_ref": pg_statement.excluded.client_ref}
            )
        sqlite_statement = sqlite.insert(client_locks)
        return sqlite_statement.on_conflict_do_update(
            index_elements=key, set_={"client_ref": sqlite_statement.excluded.client_ref}
        )

    def _upsert_assignment(self) -> Insert:
        """Put a client on a ruleset, replacing the one it was on, in one statement.

        Parameters: ``tenant_id``, ``client_ref``, ``content_hash``.
        """
        a = ruleset_assignments.c
        if self._dialect_name in ("mysql", "mariadb"):
            mysql_statement = mysql.insert(ruleset_assignments)
            return mysql_statement.on_duplicate_key_update(
                {"content_hash": mysql_statement.inserted.content_hash}
            )
        if self._dialect_name == "postgresql":
            pg_statement = postgresql.insert(ruleset_assignments)
            return pg_statement.on_conflict_do_update(
                index_elements=[a.tenant_id, a.client_ref],
                set_={"content_hash": pg_statement.excluded.content_hash},
            )
        sqlite_statement = sqlite.insert(ruleset_assignments)
        return sqlite_statement.on_conflict_do_update(
            index_elements=[a.tenant_id, a.client_ref],
            set_={"content_hash": sqlite_statement.excluded.content_hash},
        )

    def list_rulesets(self, *, diet_id: bool, after: bool) -> Select[Any]:
        """A page of a tenant's rulesets by ``(diet_id, version, content_hash)``.

        Parameters: ``tenant_id``, ``limit``, and ``diet_id`` / ``after_diet``,
        ``after_version``, ``after_hash`` when asked for.
        """
        shape = (diet_id, after)
        found = self._ruleset_lists.get(shape)
        if found is None:
            r = rulesets.c
            stmt: Select[Any] = select(*_RULESET_COLUMNS).where(
                r.tenant_id == bindparam("tenant_id")
            )
            if diet_id:
                stmt = stmt.where(r.diet_id == bindparam("diet_id"))
            if after:
                stmt = stmt.where(self._after_three(r.diet_id, r.version, r.content_hash))
            # As for instances: a column fixed by the filter stays out of ORDER BY.
            order = (
                [r.version, r.content_hash] if diet_id else [r.diet_id, r.version, r.content_hash]
            )
            found = stmt.order_by(*order).limit(bindparam("limit", type_=Integer))
            with self._lock:
                self._ruleset_lists[shape] = found
        return found

    def _after_three(
        self, first: ColumnElement[Any], second: ColumnElement[Any], third: ColumnElement[Any]
    ) -> ColumnElement[bool]:
        a = bindparam("after_diet", type_=first.type)
        b = bindparam("after_version", type_=second.type)
        c = bindparam("after_hash", type_=third.type)
        if self._row_values:
            return tuple_(first, second, third) > tuple_(a, b, c)
        return and_(first >= a, or_(first > a, and_(second >= b, or_(second > b, third > c))))

    @property
    def history_form(self) -> HistoryForm:
        """The parameters :attr:`add_to_history` takes (see :class:`HistoryForm`)."""
        return self._history_form

    def _history_rows_of_arrays(self) -> Select[Any]:
        """The rows of a delta from its columns as arrays, in the arrays' order.

        Parameters: ``tenant_id``, and the arrays ``slot_kinds``, ``dish_ids``
        and ``counts``, one element per row.
        """
        rows = (
            func.unnest(
                bindparam("slot_kinds", type_=postgresql.ARRAY(String)),
                bindparam("dish_ids", type_=postgresql.ARRAY(String)),
                bindparam("counts", type_=postgresql.ARRAY(Integer)),
            )
            .table_valued("slot_kind", "dish_id", "count")
            .render_derived()
        )
        return select(
            bindparam("tenant_id", type_=String), rows.c.slot_kind, rows.c.dish_id, rows.c["count"]
        )

    def _history_rows_of_json(self) -> Select[Any]:
        """The rows of a delta from its JSON text, in the text's order.

        Parameters: ``tenant_id``, and ``delta``, an object of slot kinds, each
        an object of dish ids, each the change of its total. ``json_each``
        takes apart the outer object and then each kind's; the keys come
        back as the text they were, whatever they hold. (``WHERE`` true: SQLite
        reads the ``ON`` of an ``ON CONFLICT`` after a bare ``FROM`` as a join's.)
        """
        kinds = func.json_each(bindparam("delta", type_=String)).table_valued("key", "value")
        kinds = kinds.alias("kinds")
        dishes = func.json_each(kinds.c.value).table_valued("key", "value").alias("dishes")
        return (
            select(bindparam("tenant_id", type_=String), kinds.c.key, dishes.c.key, dishes.c.value)
            # Joined on nothing: each kind's dishes are the object in its value.
            .select_from(kinds)
            .join(dishes, true())
            .where(true())
        )

    def _add_to_totals(self) -> Insert:
        """Add ``count`` to a total, never below zero: one statement for any number of rows.

        Parameters per row: ``tenant_id``, ``slot_kind``, ``dish_id``, ``count``
        (the change), run with ``executemany``; on PostgreSQL, one run with the
        rows as arrays, and on SQLite as one JSON text (see :attr:`history_form`):
        one statement for the database to plan and run, where 42 upserts of a
        new week cost it 42.

        A stored total at or below zero counts as zero, as in the
        in-memory store, where such a total is gone: ``history_counts`` skips it
        and the next change starts from zero. So no row is ever deleted, and a
        delta costs this one statement. The change is read back from the row
        offered for insertion (``excluded``, ``VALUES()``) rather than bound
        twice, since PyMySQL batches an ``executemany`` only when the
        ``ON DUPLICATE KEY UPDATE`` part has no parameters.
        """
        h = meal_history.c
        values = {
            "tenant_id": bindparam("tenant_id"),
            "slot_kind": bindparam("slot_kind"),
            "dish_id": bindparam("dish_id"),
            "count": bindparam("count", type_=Integer),
        }
        zero = literal_column("0", Integer)  # inline, not a parameter (see above)
        if self._dialect_name in ("mysql", "mariadb"):
            mysql_statement = mysql.insert(meal_history).values(values)
            change = mysql_statement.inserted["count"]
            total = func.greatest(func.greatest(h["count"], zero) + change, zero)
            return mysql_statement.on_duplicate_key_update({"count": total})
        key = [h.tenant_id, h.slot_kind, h.dish_id]
        if self._dialect_name == "postgresql":
            pg_statement = postgresql.insert(meal_history).from_select(
                ["tenant_id", "slot_kind", "dish_id", "count"], self._history_rows_of_arrays()
            )
            change = pg_statement.excluded["count"]
            total = func.greatest(func.greatest(h["count"], zero) + change, zero)
            return pg_statement.on_conflict_do_update(index_elements=key, set_={"count": total})
        # SQLite's two-argument max() is its greatest().
        if self._history_form is HistoryForm.JSON:
            sqlite_statement = sqlite.insert(meal_history).from_select(
                ["tenant_id", "slot_kind", "dish_id", "count"], self._history_rows_of_json()
            )
        else:
            sqlite_statement = sqlite.insert(meal_history).values(values)
        change = sqlite_statement.excluded["count"]
        total = func.max(func.max(h["count"], zero) + change, zero)
        return sqlite_statement.on_conflict_do_update(index_elements=key, set_={"count": total})

    @property
    def dialect_name(self) -> str:
        """The SQLAlchemy dialect these statements are written for."""
        return self._dialect_name

    def list_templates(self, *, search: bool, after: bool) -> Select[Any]:
        """A page of a tenant's templates by ``(name_key, id)``.

        Parameters: ``tenant_id``, ``limit``, and ``search`` / ``after_key``,
        ``after_id`` when asked for.
        """
        shape = (search, after)
        found = self._template_lists.get(shape)
        if found is None:
            t = templates.c
            stmt: Select[Any] = select(*_TEMPLATE_COLUMNS).where(
                t.tenant_id == bindparam("tenant_id")
            )
            if search:
                stmt = stmt.where(self._contains(t.name_key, bindparam("search")))
            if after:
                stmt = stmt.where(self._after(t.name_key, t.id, "after_key", "after_id"))
            found = stmt.order_by(t.name_key, t.id).limit(bindparam("limit", type_=Integer))
            with self._lock:
                self._template_lists[shape] = found
        return found

    def list_dishes(self, *, search: bool, after: bool) -> Select[Any]:
        """A page of a tenant's dishes by ``(name_key, id)``; parameters as for templates."""
        shape = (search, after)
        found = self._dish_lists.get(shape)
        if found is None:
            d = dishes.c
            stmt: Select[Any] = select(*_DISH_COLUMNS).where(d.tenant_id == bindparam("tenant_id"))
            if search:
                stmt = stmt.where(self._contains(d.name_key, bindparam("search")))
            if after:
                stmt = stmt.where(self._after(d.name_key, d.id, "after_key", "after_id"))
            found = stmt.order_by(d.name_key, d.id).limit(bindparam("limit", type_=Integer))
            with self._lock:
                self._dish_lists[shape] = found
        return found

    def stale_signals(self, *, after: bool) -> Select[Any]:
        """A tenant's dishes by id whose signals are of another vocabulary.

        Parameters: ``tenant_id``, ``vocabulary``, ``limit``, and ``after_id``.
        It walks the tenant's primary key: a recompute reads the catalog once.
        """
        d = dishes.c
        vocabulary = bindparam("vocabulary", type_=d.signals_vocabulary.type)
        stmt: Select[Any] = select(*_DISH_COLUMNS).where(
            d.tenant_id == bindparam("tenant_id"), d.signals_vocabulary != vocabulary
        )
        if after:
            stmt = stmt.where(d.id > bindparam("after_id", type_=d.id.type))
        return stmt.order_by(d.id).limit(bindparam("limit", type_=Integer))

    def meal_ranks(self, meal_type: MealType | None) -> Select[Any]:
        """``(rank, name_key, id)`` of a tenant's dishes among ``ids`` (expanding)."""
        d = dishes.c
        rank = literal(NO_SIGNAL) if meal_type is None else d[rank_column(meal_type)]
        return select(rank, d.name_key, d.id).where(
            d.tenant_id == bindparam("tenant_id"), d.id.in_(bindparam("ids", expanding=True))
        )

    def ranked_dishes(self, meal_type: MealType, *, search: bool, after: bool) -> Select[Any]:
        """A page of the dishes with a signal for the meal, by ``(rank, name_key, id)``.

        Parameters: ``tenant_id``, ``limit``, ``search``, and ``after_rank``,
        ``after_key``, ``after_id``. It walks ``ix_weekplan_dishes_<meal>``.
        """
        shape = (meal_type, search, after)
        found = self._ranked.get(shape)
        if found is None:
            d = dishes.c
            rank = d[rank_column(meal_type)]
            stmt: Select[Any] = select(rank, *_DISH_COLUMNS).where(
                d.tenant_id == bindparam("tenant_id"), rank < NO_SIGNAL
            )
            if search:
                stmt = stmt.where(self._contains(d.name_key, bindparam("search")))
            if after:
                stmt = stmt.where(self._after_rank(rank, d.name_key, d.id))
            found = stmt.order_by(rank, d.name_key, d.id).limit(bindparam("limit", type_=Integer))
            with self._lock:
                self._ranked[shape] = found
        return found

    def _after_rank(
        self,
        rank: ColumnElement[int],
        name_key: ColumnElement[str],
        dish_id: ColumnElement[str],
    ) -> ColumnElement[bool]:
        r = bindparam("after_rank", type_=rank.type)
        k = bindparam("after_key", type_=name_key.type)
        i = bindparam("after_id", type_=dish_id.type)
        if self._row_values:
            return tuple_(rank, name_key, dish_id) > tuple_(r, k, i)
        # MariaDB reads a row comparison as a scan: spell it out so the range is seen.
        return and_(
            rank >= r,
            or_(rank > r, and_(name_key >= k, or_(name_key > k, dish_id > i))),
        )

    def list_instances(
        self, *, client_ref: bool, week_start_date: bool, after: bool
    ) -> Select[Any]:
        """A page of a tenant's instances by ``(week_start_date, client_ref)``.

        Parameters: ``tenant_id``, ``limit``, and ``client_ref``,
        ``week_start_date``, ``after_week``, ``after_client`` when asked for.
        """
        shape = (client_ref, week_start_date, after)
        found = self._instance_lists.get(shape)
        if found is None:
            i = instances.c
            stmt: Select[Any] = select(*_INSTANCE_COLUMNS).where(
                i.tenant_id == bindparam("tenant_id")
            )
            if client_ref:
                stmt = stmt.where(i.client_ref == bindparam("client_ref"))
            if week_start_date:
                stmt = stmt.where(i.week_start_date == bindparam("week_start_date"))
            if after:
                stmt = stmt.where(
                    self._after(i.week_start_date, i.client_ref, "after_week", "after_client")
                )
            # A column fixed by the filter is left out of ORDER BY: the order is the
            # same, and MariaDB only then sees that the index already gives it.
            order = [
                c
                for c, fixed in ((i.week_start_date, week_start_date), (i.client_ref, client_ref))
                if not fixed
            ]
            found = stmt.order_by(*order).limit(bindparam("limit", type_=Integer))
            with self._lock:
                self._instance_lists[shape] = found
        return found

    def _contains(
        self, column: ColumnClause[str] | ColumnElement[str], needle: ColumnElement[str]
    ) -> ColumnElement[bool]:
        if self._dialect_name == "postgresql":
            return func.strpos(column, needle) > 0
        return func.instr(column, needle) > 0

    def _after(
        self,
        first: ColumnElement[object],
        second: ColumnElement[object],
        first_param: str,
        second_param: str,
    ) -> ColumnElement[bool]:
        a = bindparam(first_param, type_=first.type)
        b = bindparam(second_param, type_=second.type)
        if self._row_values:
            return tuple_(first, second) > tuple_(a, b)
        return and_(first >= a, or_(first > a, second > b))
