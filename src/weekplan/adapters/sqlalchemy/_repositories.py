"""The repositories of :mod:`weekplan.ports` over SQLAlchemy Core.

Each call is one statement. Rows become frozen domain values right here; nothing
mapped by an ORM reaches the domain. Every database error is translated (see
:mod:`._errors`) before it leaves a method.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any, Final, Protocol

from sqlalchemy import Connection, Executable, Insert
from sqlalchemy.exc import SQLAlchemyError

from weekplan.adapters._row_mapping import (
    DishRows,
    HistoryRows,
    InstanceRows,
    RulesetRows,
    SlotLockRows,
    TemplateRows,
)
from weekplan.adapters.sqlalchemy._direct_statements import DirectResult, StatementResult
from weekplan.adapters.sqlalchemy._errors import (
    FailureReading,
    instance_clash,
    translate,
    translate_instance_insert,
    translate_lost_insert,
)
from weekplan.adapters.sqlalchemy._statements import (
    INSTANCES_OF_JSON,
    HistoryForm,
    Statements,
    history_json,
    json_text,
    rows_json,
    same_in_every_row,
)
from weekplan.domain._dishes import Dish
from weekplan.domain._history import HistoryKey
from weekplan.domain._meal_types import MealType
from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.domain._suggestions import MealSignals
from weekplan.domain._trusted import evolve_checked
from weekplan.guardrails._model import GuardrailsRuleset
from weekplan.ports import (
    DishSortKey,
    InstanceSortKey,
    MealRankKey,
    RulesetSortKey,
    TemplateSortKey,
)

__all__ = [
    "ConnectionSource",
    "KnownAssignments",
    "SqlDishRepository",
    "SqlInstanceRepository",
    "SqlMealHistoryRepository",
    "SqlRulesetRepository",
    "SqlTemplateRepository",
]

#: The columns every week of one ``add_new`` of the JSON statement must share.
_WEEKS_SHARE: Final = tuple(name for name in InstanceRows.columns if name not in INSTANCES_OF_JSON)


class ConnectionSource(Protocol):
    """What a repository needs from its unit of work."""

    def reader(self) -> Connection:
        """The connection to read with."""
        ...

    def writer(self) -> Connection:
        """The connection to write with, inside the unit of work's transaction or savepoint."""
        ...

    def begin_with(self, statement: Insert, params: Mapping[str, Any]) -> None:
        """Run a write that may be the first statement, with the transaction's ``BEGIN``."""
        ...

    def execute(
        self,
        statement: Executable,
        params: Mapping[str, Any] | Sequence[Mapping[str, Any]],
        *,
        write: bool = False,
        deferred: bool = False,
        failure: FailureReading | None = None,
    ) -> StatementResult:
        """Run a statement (a list of parameters: once per row); errors left untranslated.

        ``deferred``: a write whose result nobody reads, which the unit of
        work may send later, with the next statement on its table or with
        ``COMMIT`` (its result is then empty). Its failure is then raised
        there, translated, ``failure`` (if given) saying what it means first.
        """
        ...


def run_statement(
    source: ConnectionSource,
    statement: Executable,
    params: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    *,
    write: bool = False,
    deferred: bool = False,
) -> StatementResult:
    """``source.execute(...)`` with any database error translated (see :mod:`._errors`)."""
    try:
        return source.execute(statement, params, write=write, deferred=deferred)
    except SQLAlchemyError as exc:
        raise translate(exc) from exc


#: What one unit of work has learnt of ``(tenant_id, client_ref)`` -> the hash of
#: the ruleset the client is on (``None``: none), read along with an instance or
#: a template.
KnownAssignments = dict[tuple[str, str], str | None]

#: Where the client's ruleset is, after the template's columns, in the rows of
#: ``get_template_with_assignment``.
_TEMPLATE_ASSIGNED: Final = len(TemplateRows.columns)


class SqlTemplateRepository:
    """Templates in ``weekplan_templates``."""

    def __init__(
        self,
        source: ConnectionSource,
        statements: Statements,
        rows: TemplateRows,
        assignments: KnownAssignments,
    ):
        self._source = source
        self._sql = statements
        self._rows = rows
        self._template = rows.from_row
        self._assignments = assignments

    def get(self, tenant_id: str, template_id: str) -> WeekPlanTemplate | None:
        """The template, or ``None``."""
        rows = run_statement(
            self._source, self._sql.get_template, {"tenant_id": tenant_id, "id": template_id}
        ).all()
        return self._template(rows[0]) if rows else None

    def get_with_assignment(
        self, tenant_id: str, template_id: str, client_ref: str
    ) -> WeekPlanTemplate | None:
        """The template, or ``None``; and the ruleset ``client_ref`` is on, in the same statement.

        See ``TemplateWithAssignmentReads``. The assignment is learnt only if
        this unit of work does not know it yet: on MariaDB ``lock_client`` read
        it with a locking read, the latest committed row, which a plain read of
        the transaction's snapshot must not replace. Elsewhere this statement
        runs after the client's lock, so it is as fresh as a read of its own
        (under READ COMMITTED it sees every transaction committed before it
        started, the one the lock waited for included).
        """
        row = run_statement(
            self._source,
            self._sql.get_template_with_assignment,
            {"tenant_id": tenant_id, "id": template_id, "client_ref": client_ref},
        ).first()
        if row is None:
            return None
        self._assignments.setdefault((tenant_id, client_ref), row[_TEMPLATE_ASSIGNED])
        return self._template(row)

    def list(
        self,
        tenant_id: str,
        *,
        search: str | None,
        after: TemplateSortKey | None,
        limit: int,
    ) -> Sequence[WeekPlanTemplate]:
        """Up to ``limit`` templates ordered by ``(name_key, id)``, strictly after ``after``."""
        params: dict[str, Any] = {"tenant_id": tenant_id, "limit": limit}
        if search:
            params["search"] = search
        if after is not None:
            params["after_key"], params["after_id"] = after
        statement = self._sql.list_templates(search=bool(search), after=after is not None)
        result = run_statement(self._source, statement, params)
        return [self._template(row) for row in result]

    def add(self, tenant_id: str, template: WeekPlanTemplate) -> None:
        """Insert a new template."""
        run_statement(
            self._source,
            self._sql.insert_template,
            self._rows.values(tenant_id, template),
            write=True,
        )

    def replace(self, tenant_id: str, template: WeekPlanTemplate, *, expected_version: int) -> bool:
        """Compare-and-set: overwrite only if the stored version is ``expected_version``."""
        params = self._rows.values(tenant_id, template)
        params.update(b_tenant_id=tenant_id, b_id=template.id, b_expected_version=expected_version)
        del params["tenant_id"], params["id"]
        result: StatementResult = run_statement(
            self._source, self._sql.replace_template, params, write=True
        )
        return result.rowcount == 1

    def remove(self, tenant_id: str, template_id: str) -> bool:
        """Delete the template; ``False`` if there was none."""
        result: StatementResult = run_statement(
            self._source,
            self._sql.delete_template,
            {"tenant_id": tenant_id, "id": template_id},
            write=True,
        )
        return result.rowcount == 1


#: Where the client's ruleset and then a lock's columns are, after the week's, in the
#: rows of ``get_instance`` and ``get_instance_with_locks``.
_ASSIGNED: Final = len(InstanceRows.columns)
_LOCK: Final = _ASSIGNED + 1


class SqlInstanceRepository:
    """Client week instances in ``weekplan_instances``."""

    def __init__(
        self,
        source: ConnectionSource,
        statements: Statements,
        rows: InstanceRows,
        locks: SlotLockRows,
        assignments: KnownAssignments,
    ):
        self._source = source
        self._sql = statements
        self._rows = rows
        self._instance = rows.from_row
        self._locks = locks
        self._assignments = assignments

    def get(
        self, tenant_id: str, client_ref: str, week_start_date: date
    ) -> WeekPlanInstance | None:
        """The instance, or ``None``."""
        result = run_statement(
            self._source,
            self._sql.get_instance,
            {"tenant_id": tenant_id, "client_ref": client_ref, "week_start_date": week_start_date},
        )
        row = result.first()
        if row is None:
            return None
        # An assignment already known (read under the client's lock) stays.
        self._assignments.setdefault((tenant_id, client_ref), row[_ASSIGNED])
        return self._instance(row)

    def get_with_locks(
        self, tenant_id: str, client_ref: str, week_start_date: date
    ) -> WeekPlanInstance | None:
        """The instance with its locks, in one statement (see ``WeekWithLocksReads``)."""
        rows = run_statement(
            self._source,
            self._sql.get_instance_with_locks,
            {"tenant_id": tenant_id, "client_ref": client_ref, "week_start_date": week_start_date},
        ).all()
        if not rows:
            return None
        first = rows[0]
        self._assignments.setdefault((tenant_id, client_ref), first[_ASSIGNED])
        instance = self._instance(first)
        if first[_LOCK] is None:
            # The outer join's one row of a week without locks.
            return instance
        of_week = self._locks.of_week
        locks = sorted(
            (of_week(instance, row[_LOCK:]) for row in rows),
            key=lambda lock: (lock.day_key.position, lock.slot_key),
        )
        return evolve_checked(instance, locks=tuple(locks))

    def list(
        self,
        tenant_id: str,
        *,
        client_ref: str | None,
        week_start_date: date | None,
        after: InstanceSortKey | None,
        limit: int,
    ) -> Sequence[WeekPlanInstance]:
        """Up to ``limit`` instances by ``(week_start_date, client_ref)``, after ``after``."""
        params: dict[str, Any] = {"tenant_id": tenant_id, "limit": limit}
        if client_ref is not None:
            params["client_ref"] = client_ref
        if week_start_date is not None:
            params["week_start_date"] = week_start_date
        if after is not None:
            params["after_week"], params["after_client"] = after
        statement = self._sql.list_instances(
            client_ref=client_ref is not None,
            week_start_date=week_start_date is not None,
            after=after is not None,
        )
        result = run_statement(self._source, statement, params)
        return [self._instance(row) for row in result]

    def add(self, tenant_id: str, instance: WeekPlanInstance) -> None:
        """Insert a new instance, or raise ``InstanceExists`` if its key is taken.

        Nothing reads the insert's result: on PostgreSQL the unit of work may
        hold it and send it with ``COMMIT`` (or before the next statement on
        the weeks), which then raises ``InstanceExists`` for a key taken.
        """
        values = self._rows.values(tenant_id, instance)
        try:
            self._source.execute(
                self._sql.insert_instance,
                values,
                write=True,
                deferred=True,
                failure=instance_clash,
            )
        except SQLAlchemyError as exc:
            raise translate_instance_insert(exc) from exc

    def add_new(self, tenant_id: str, instances: Sequence[WeekPlanInstance]) -> Collection[str]:
        """Insert every instance whose key is free, in one statement; the clients refused.

        The insert skips a taken key in the database (so a week a concurrent
        transaction created a moment ago is refused, not overwritten, and the
        transaction goes on); a second statement then reads which of the new ids
        were stored, unless the driver counted every row inserted (the
        statements run on the driver, whose ``executemany`` sums the rows each
        run inserted; SQLAlchemy's count of an ``executemany`` is not relied on).
        """
        if not instances:
            return ()
        rows = [self._rows.values(tenant_id, instance) for instance in instances]
        statement: Executable = self._sql.insert_instances_unless_taken
        params: dict[str, Any] | list[dict[str, Any]] = rows
        of_json = self._sql.insert_instances_of_json
        shared = None if of_json is None or len(rows) < 2 else same_in_every_row(rows, _WEEKS_SHARE)
        if of_json is not None and shared is not None:
            # The weeks of one create_instances: what they share bound once.
            statement = of_json
            params = {**shared, "weeks": rows_json(rows, INSTANCES_OF_JSON)}
        inserted = run_statement(self._source, statement, params, write=True)
        if isinstance(inserted, DirectResult) and inserted.rowcount == len(rows):
            return ()
        stored = run_statement(
            self._source,
            self._sql.stored_instance_clients,
            {
                "tenant_id": tenant_id,
                "week_start_date": instances[0].week_start_date,
                "ids": [instance.id for instance in instances],
            },
        )
        kept = set(stored.scalars())
        return [i.client_ref for i in instances if i.client_ref not in kept]

    def replace(self, tenant_id: str, instance: WeekPlanInstance, *, expected_version: int) -> bool:
        """Compare-and-set on the instance's key, id and version."""
        params = self._rows.values(tenant_id, instance)
        params.update(
            b_tenant_id=tenant_id,
            b_client_ref=instance.client_ref,
            b_week_start_date=instance.week_start_date,
            b_id=instance.id,
            b_expected_version=expected_version,
        )
        for key in ("tenant_id", "id", "client_ref", "week_start_date"):
            del params[key]
        result: StatementResult = run_statement(
            self._source, self._sql.replace_instance, params, write=True
        )
        return result.rowcount == 1

    def remove(self, tenant_id: str, client_ref: str, week_start_date: date) -> bool:
        """Delete the instance; ``False`` if there was none."""
        result: StatementResult = run_statement(
            self._source,
            self._sql.delete_instance,
            {"tenant_id": tenant_id, "client_ref": client_ref, "week_start_date": week_start_date},
            write=True,
        )
        return result.rowcount == 1


class SqlDishRepository:
    """The tenant's dish catalog in ``weekplan_dishes``."""

    def __init__(self, source: ConnectionSource, statements: Statements, rows: DishRows):
        self._source = source
        self._sql = statements
        self._rows = rows
        self._dish = rows.from_row

    def get_many(self, tenant_id: str, dish_ids: Collection[str]) -> Mapping[str, Dish]:
        """The dishes of this tenant among ``dish_ids``, by id, read with one ``SELECT ... IN``."""
        if not dish_ids:
            return {}
        result = run_statement(
            self._source,
            self._sql.get_dishes,
            {"tenant_id": tenant_id, "ids": sorted(dish_ids)},
        )
        return {dish.id: dish for dish in map(self._dish, result)}

    def list(
        self,
        tenant_id: str,
        *,
        search: str | None,
        after: DishSortKey | None,
        limit: int,
    ) -> Sequence[Dish]:
        """Up to ``limit`` dishes ordered by ``(name_key, id)``, strictly after ``after``."""
        params: dict[str, Any] = {"tenant_id": tenant_id, "limit": limit}
        if search:
            params["search"] = search
        if after is not None:
            params["after_key"], params["after_id"] = after
        statement = self._sql.list_dishes(search=bool(search), after=after is not None)
        result = run_statement(self._source, statement, params)
        return [self._dish(row) for row in result]

    def add(self, tenant_id: str, dish: Dish, *, signals: MealSignals | None = None) -> None:
        """Insert a new dish; ``ConcurrentUpdate`` if a concurrent call inserted its id first."""
        values = self._rows.values(tenant_id, dish, signals)
        try:
            self._source.execute(self._sql.insert_dish, values, write=True)
        except SQLAlchemyError as exc:
            raise translate_lost_insert(exc) from exc

    def replace(
        self,
        tenant_id: str,
        dish: Dish,
        *,
        expected_version: int,
        signals: MealSignals | None = None,
    ) -> bool:
        """Compare-and-set: overwrite only if the stored version is ``expected_version``."""
        params = self._rows.values(tenant_id, dish, signals)
        params.update(b_tenant_id=tenant_id, b_id=dish.id, b_expected_version=expected_version)
        del params["tenant_id"], params["id"]
        result: StatementResult = run_statement(
            self._source, self._sql.replace_dish, params, write=True
        )
        return result.rowcount == 1

    def remove(self, tenant_id: str, dish_id: str) -> bool:
        """Delete the dish; ``False`` if there was none."""
        result: StatementResult = run_statement(
            self._source, self._sql.delete_dish, {"tenant_id": tenant_id, "id": dish_id}, write=True
        )
        return result.rowcount == 1

    def set_signals(
        self, tenant_id: str, dish_id: str, *, version: int, signals: MealSignals
    ) -> bool:
        """Store the dish's signals if its stored version is ``version``; one ``UPDATE``."""
        params = self._rows.signal_values(signals)
        params.update(b_tenant_id=tenant_id, b_id=dish_id, b_version=version)
        result: StatementResult = run_statement(
            self._source, self._sql.set_dish_signals, params, write=True
        )
        return result.rowcount == 1

    def signals_current(self, tenant_id: str, vocabulary: str) -> bool:
        """Whether every dish's signals are of ``vocabulary``: two ends of one index range."""
        params = {"tenant_id": tenant_id}
        lowest, highest = run_statement(self._source, self._sql.signal_vocabularies, params).one()
        return lowest is None or lowest == highest == vocabulary

    def stale_signals(
        self, tenant_id: str, vocabulary: str, *, after: str | None, limit: int
    ) -> Sequence[Dish]:
        """Up to ``limit`` dishes by id, after ``after``, with signals of another vocabulary."""
        params: dict[str, Any] = {"tenant_id": tenant_id, "vocabulary": vocabulary, "limit": limit}
        if after is not None:
            params["after_id"] = after
        statement = self._sql.stale_signals(after=after is not None)
        return [self._dish(row) for row in run_statement(self._source, statement, params)]

    def meal_ranks(
        self, tenant_id: str, meal_type: MealType | None, dish_ids: Collection[str]
    ) -> Mapping[str, MealRankKey]:
        """``(rank, name_key, id)`` of the tenant's dishes among ``dish_ids``; one ``SELECT``."""
        if not dish_ids:
            return {}
        params = {"tenant_id": tenant_id, "ids": sorted(dish_ids)}
        result = run_statement(self._source, self._sql.meal_ranks(meal_type), params)
        return {row[2]: (int(row[0]), row[1], row[2]) for row in result}

    def ranked_for_meal(
        self,
        tenant_id: str,
        meal_type: MealType,
        *,
        search: str | None,
        after: MealRankKey | None,
        limit: int,
    ) -> Sequence[tuple[int, Dish]]:
        """A page of the meal's index: ``(rank, dish)`` by ``(rank, name_key, id)``."""
        params: dict[str, Any] = {"tenant_id": tenant_id, "limit": limit}
        if search:
            params["search"] = search
        if after is not None:
            params["after_rank"], params["after_key"], params["after_id"] = after
        statement = self._sql.ranked_dishes(meal_type, search=bool(search), after=after is not None)
        result = run_statement(self._source, statement, params)
        return [(row[0], self._dish(row[1:])) for row in result]


class SqlMealHistoryRepository:
    """Running totals of the planning history in ``weekplan_meal_history``.

    A delta of any size is one statement: an upsert that adds to the stored
    total in the database, so concurrent writers never lose each other's
    counts, given every key at once in the form of the dialect
    (``HistoryForm``: arrays on PostgreSQL, one JSON text
    on SQLite, an ``executemany`` on MariaDB, which PyMySQL sends as one
    multi-row ``INSERT``). Totals stop at zero, as
    in the in-memory store, where a total that drops to zero or below is gone;
    a row at zero is kept (``counts`` skips it) rather than deleted, which would
    cost a second statement on every write that lowers a total. There is at
    most one row per ``(slot kind, dish)`` ever planned, so rows stay few.
    """

    def __init__(self, source: ConnectionSource, statements: Statements, rows: HistoryRows):
        self._source = source
        self._sql = statements
        self._rows = rows

    def apply_delta(self, tenant_id: str, deltas: Mapping[HistoryKey, int]) -> None:
        """Add each delta to its total, in one statement; a total never goes below zero."""
        if not deltas:
            return
        # In key order: two writers that add to the same totals lock them in one order.
        ordered = sorted(deltas.items())
        form = self._sql.history_form
        params: dict[str, Any] | list[dict[str, Any]]
        if form is HistoryForm.JSON:
            params = {"tenant_id": tenant_id, "delta": history_json(ordered)}
        elif form is HistoryForm.ARRAYS:
            params = {
                "tenant_id": tenant_id,
                "slot_kinds": [kind for (kind, _), _ in ordered],
                "dish_ids": [dish for (_, dish), _ in ordered],
                "counts": [change for _, change in ordered],
            }
        else:
            params = [self._rows.values(tenant_id, key, change) for key, change in ordered]
        run_statement(self._source, self._sql.add_to_history, params, write=True, deferred=True)

    def counts(self, tenant_id: str) -> Mapping[HistoryKey, int]:
        """Every positive total of the tenant: one range of the primary key."""
        result = run_statement(self._source, self._sql.history_counts, {"tenant_id": tenant_id})
        return dict(map(self._rows.from_row, result))


class SqlRulesetRepository:
    """Guardrails rulesets, and the ruleset each client is on (``weekplan_ruleset_assignments``).

    A ruleset is one JSON document (:func:`~weekplan.guardrails.ruleset_to_dict`),
    read back with :func:`~weekplan.guardrails.ruleset_from_dict`, which checks
    it against its content hash; its labels are copied into columns for listing.
    """

    def __init__(
        self,
        source: ConnectionSource,
        statements: Statements,
        rows: RulesetRows,
        assignments: KnownAssignments,
    ):
        self._source = source
        self._sql = statements
        self._rows = rows
        self._assignments = assignments

    def get(self, tenant_id: str, content_hash: str) -> GuardrailsRuleset | None:
        """The ruleset this tenant stored under ``content_hash``, or ``None``."""
        result = run_statement(
            self._source,
            self._sql.get_ruleset,
            {"tenant_id": tenant_id, "content_hash": content_hash},
        )
        row = result.first()
        return None if row is None else self._rows.from_row(row)

    def list(
        self,
        tenant_id: str,
        *,
        diet_id: str | None,
        after: RulesetSortKey | None,
        limit: int,
    ) -> Sequence[GuardrailsRuleset]:
        """Up to ``limit`` rulesets by ``(diet_id, version, content_hash)``, after ``after``."""
        params: dict[str, Any] = {"tenant_id": tenant_id, "limit": limit}
        if diet_id is not None:
            params["diet_id"] = diet_id
        if after is not None:
            params["after_diet"], params["after_version"], params["after_hash"] = after
        statement = self._sql.list_rulesets(diet_id=diet_id is not None, after=after is not None)
        result = run_statement(self._source, statement, params)
        return [self._rows.from_row(row) for row in result]

    def add(self, tenant_id: str, ruleset: GuardrailsRuleset) -> None:
        """Store the ruleset unless this tenant already has its hash (then nothing changes)."""
        run_statement(
            self._source,
            self._sql.add_ruleset,
            self._rows.values(tenant_id, ruleset),
            write=True,
        )

    def assigned(self, tenant_id: str, client_ref: str) -> str | None:
        """The content hash of the ruleset ``client_ref`` is on, or ``None``.

        Free when this unit of work already read one of the client's weeks.
        """
        key = (tenant_id, client_ref)
        if key in self._assignments:
            return self._assignments[key]
        result = run_statement(
            self._source,
            self._sql.get_assignment,
            {"tenant_id": tenant_id, "client_ref": client_ref},
        )
        found: str | None = result.scalar()
        self._assignments[key] = found
        return found

    def assigned_many(self, tenant_id: str, client_refs: Collection[str]) -> Mapping[str, str]:
        """The content hash of each client's ruleset, in one statement; clients on none left out."""
        # What this unit of work already knows (on MariaDB, the locking read of
        # lock_client, the one answer that is never stale) is not read again.
        known = {
            c: self._assignments[(tenant_id, c)]
            for c in client_refs
            if (tenant_id, c) in self._assignments
        }
        unknown = sorted(c for c in client_refs if c not in known)
        found: dict[str, str] = {c: h for c, h in known.items() if h is not None}
        if unknown:
            of_json = self._sql.get_assignments_of_json
            result = (
                run_statement(
                    self._source,
                    self._sql.get_assignments,
                    {"tenant_id": tenant_id, "client_refs": unknown},
                )
                if of_json is None
                else run_statement(
                    self._source,
                    of_json,
                    {"tenant_id": tenant_id, "client_refs_json": json_text(unknown)},
                )
            )
            read: dict[str, str] = dict(result.all())
            found.update(read)
            for client_ref in unknown:
                self._assignments[(tenant_id, client_ref)] = read.get(client_ref)
        return found

    def lock_client(self, tenant_id: str, client_ref: str) -> None:
        """Lock the client's row in ``weekplan_client_locks`` until the transaction ends.

        Every write of a client's week and every change of their assignment
        takes this lock before anything else, so they run one after the other;
        the row is created on the first lock, so it works for a client with no
        row anywhere yet. Why what is read after it is never stale:

        * READ COMMITTED (PostgreSQL's default): each later statement sees every
          transaction committed before it started, the one the lock waited
          for included.
        * REPEATABLE READ on PostgreSQL: a transaction whose snapshot predates
          the commit of another that locked (so changed) the row fails to lock
          it with a serialization failure instead of reading stale data; weekplan
          retries the call when it owns the transaction (see
          :class:`~weekplan.errors.ConcurrentUpdate`).
        * REPEATABLE READ on MariaDB (its default): plain reads use the snapshot
          of the transaction's first plain read, which in a host's transaction
          may predate the lock; so the client's assignment is read again here,
          with a locking read, which always sees the latest committed row, and
          that answer is the one this unit of work uses.

        SQLite needs no row lock: it runs one writing transaction at a time.
        """
        self.lock_clients(tenant_id, [client_ref])

    def lock_clients(self, tenant_id: str, client_refs: Sequence[str]) -> None:
        """Lock every client's row, in the order given, as :meth:`lock_client` locks one.

        The first goes with the transaction's ``BEGIN`` (see ``begin_with``)
        and the others in one ``executemany``, which psycopg sends as one
        pipeline: one round trip for any number of clients, each row locked in
        turn. On MariaDB each client's assignment is then read again with a
        locking read.
        """
        if not self._sql.locks_clients or not client_refs:
            return
        rows = [{"tenant_id": tenant_id, "client_ref": client_ref} for client_ref in client_refs]
        self._source.begin_with(self._sql.lock_client, rows[0])
        if len(rows) > 1:
            run_statement(self._source, self._sql.lock_client, rows[1:], write=True)
        for row in rows:
            key = (tenant_id, row["client_ref"])
            if self._sql.reads_a_snapshot_after_locking:
                latest = run_statement(
                    self._source, self._sql.get_assignment_latest, row, write=True
                )
                self._assignments[key] = latest.scalar()
            else:
                self._assignments.pop(key, None)

    def assign(self, tenant_id: str, client_ref: str, content_hash: str | None) -> None:
        """Put ``client_ref`` on the ruleset with ``content_hash``; ``None`` takes it off."""
        params = {"tenant_id": tenant_id, "client_ref": client_ref}
        self._assignments[(tenant_id, client_ref)] = content_hash
        if content_hash is None:
            run_statement(self._source, self._sql.unassign_ruleset, params, write=True)
        else:
            params["content_hash"] = content_hash
            run_statement(self._source, self._sql.assign_ruleset, params, write=True)
