"""A weekplan store on the Django ORM, taking part in the host's transactions.

Each unit of work is a ``transaction.atomic()`` block on the store's database
alias. Outside any transaction it is a transaction of its own; inside the host's
``transaction.atomic()`` it is a savepoint, so weekplan's writes commit or roll
back with the host's, and a failed weekplan call leaves the host's transaction as
it was and usable.

>>> from weekplan import Planner
>>> from weekplan.contrib.django.store import DjangoStore
>>> worker = Planner(DjangoStore()).worker("tenant-a")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from types import TracebackType
from typing import Any, Final, Self

from django.db import DEFAULT_DB_ALIAS, Error, IntegrityError, connections, transaction
from django.db.models import F, Q, QuerySet, UniqueConstraint, Value
from django.db.models.functions import StrIndex

from weekplan.adapters._db_errors import translate_failure
from weekplan.adapters._duplicate_key import UniqueKey
from weekplan.adapters._row_mapping import (
    AssignmentRows,
    DishRows,
    HistoryRows,
    InstanceRows,
    RulesetRows,
    TableRows,
    TemplateRows,
    rank_column,
)
from weekplan.adapters._rows import EntryCodec
from weekplan.contrib.django._columns import ModelColumns
from weekplan.contrib.django._run_repository import DjangoRunRepository
from weekplan.contrib.django._schedule_store import DjangoScheduleRepository
from weekplan.contrib.django._workflow_store import (
    DjangoChangeLogRepository,
    DjangoDraftRepository,
    DjangoSlotLockRepository,
)
from weekplan.contrib.django.models import (
    ClientLockRecord,
    ClientRulesetRecord,
    DishRecord,
    InstanceRecord,
    MealHistoryRecord,
    RulesetRecord,
    TemplateRecord,
)
from weekplan.domain._dishes import Dish
from weekplan.domain._history import HistoryKey
from weekplan.domain._meal_types import MealType
from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.domain._suggestions import NO_SIGNAL, MealSignals
from weekplan.errors import (
    ConcurrentUpdate,
    InstanceExists,
    StorageError,
    WeekPlanError,
)
from weekplan.guardrails._model import GuardrailsRuleset
from weekplan.ports import (
    DishSortKey,
    InstanceSortKey,
    MealRankKey,
    RulesetSortKey,
    TemplateSortKey,
)

__all__ = [
    "DjangoDishRepository",
    "DjangoInstanceRepository",
    "DjangoMealHistoryRepository",
    "DjangoRulesetRepository",
    "DjangoStore",
    "DjangoTemplateRepository",
    "DjangoUnitOfWork",
]

_TEMPLATES: Final = ModelColumns(TemplateRecord)
_INSTANCES: Final = ModelColumns(InstanceRecord)
_DISHES: Final = ModelColumns(DishRecord)
_RULESETS: Final = ModelColumns(RulesetRecord)
# The fields of the columns each row mapper reads, in its order.
_TEMPLATE_FIELDS: Final = _TEMPLATES.fields(TemplateRows.columns)
_INSTANCE_FIELDS: Final = _INSTANCES.fields(InstanceRows.columns)
_DISH_FIELDS: Final = _DISHES.fields(DishRows.columns)
#: The columns a compare-and-set finds its row by, so never sets.
_KEY: Final = ("tenant_id", "id")


def _week_key() -> UniqueKey:
    """The unique key of one week per client, as the database reports a clash on it."""
    meta = InstanceRecord._meta
    key = next(
        constraint
        for constraint in meta.constraints
        if isinstance(constraint, UniqueConstraint) and "client_ref" in constraint.fields
    )
    columns = [str(getattr(meta.get_field(field), "column", field)) for field in key.fields]
    return UniqueKey(columns=columns, name=key.name)


#: A clash on it is recognised by the SQLSTATE and key columns of the error, never
#: by the constraint's full name, which distributed PostgreSQL changes per shard.
_WEEK_KEY: Final = _week_key()


def _translate(error: Error) -> WeekPlanError:
    """The weekplan error for a database error that has no meaning of its own.

    A deadlock or a serialization failure is :class:`ConcurrentUpdate` (the call
    may be run again); anything else is a :class:`StorageError` (see
    :mod:`weekplan.adapters._db_errors`).
    """
    return translate_failure(error.__cause__, type(error).__name__)


def _by_name_page(
    query: QuerySet[Any],
    id_field: str,
    fields: Sequence[str],
    *,
    search: str | None,
    after: tuple[str, str] | None,
    limit: int,
) -> list[tuple[Any, ...]]:
    """One keyset page of rows ordered by ``(name_key, id)``, as the memory store orders them."""
    if search:
        # STRPOS/INSTR rather than LIKE: a plain, case-sensitive substring test, as
        # in Python, with no wildcards to escape and no ASCII case folding.
        query = query.annotate(found_at=StrIndex("name_key", Value(search))).filter(found_at__gt=0)
    if after is not None:
        name_key, last_id = after
        query = query.filter(
            Q(name_key__gt=name_key) | Q(name_key=name_key, **{f"{id_field}__gt": last_id})
        )
    ordered = query.order_by("name_key", id_field).values_list(*fields)[:limit]
    try:
        return list(ordered)
    except Error as exc:
        raise _translate(exc) from exc


class DjangoTemplateRepository:
    """Templates in ``weekplan_templates``, always addressed through one tenant."""

    def __init__(self, uow: DjangoUnitOfWork, rows: TemplateRows) -> None:
        self._uow = uow
        self._map = rows

    def _rows(self, tenant_id: str) -> QuerySet[TemplateRecord]:
        return TemplateRecord.objects.using(self._uow.alias()).filter(tenant_id=tenant_id)

    def get(self, tenant_id: str, template_id: str) -> WeekPlanTemplate | None:
        """The template, or ``None`` if this tenant has none with that id."""
        query = self._rows(tenant_id).filter(plan_id=template_id).values_list(*_TEMPLATE_FIELDS)
        try:
            rows = list(query[:1])
        except Error as exc:
            raise _translate(exc) from exc
        return self._map.from_row(rows[0]) if rows else None

    def list(
        self, tenant_id: str, *, search: str | None, after: TemplateSortKey | None, limit: int
    ) -> Sequence[WeekPlanTemplate]:
        """Up to ``limit`` templates ordered by ``(name_key, id)``, strictly after ``after``."""
        rows = _by_name_page(
            self._rows(tenant_id),
            "plan_id",
            _TEMPLATE_FIELDS,
            search=search,
            after=after,
            limit=limit,
        )
        return [self._map.from_row(row) for row in rows]

    def add(self, tenant_id: str, template: WeekPlanTemplate) -> None:
        """Insert a new template."""
        record = TemplateRecord(**_TEMPLATES.kwargs(self._map.values(tenant_id, template)))
        try:
            record.save(force_insert=True, using=self._uow.alias())
        except Error as exc:
            raise _translate(exc) from exc

    def replace(self, tenant_id: str, template: WeekPlanTemplate, *, expected_version: int) -> bool:
        """Compare-and-set: overwrite only if the stored version is ``expected_version``."""
        values = _TEMPLATES.kwargs(self._map.values(tenant_id, template), skip=_KEY)
        matching = self._rows(tenant_id).filter(plan_id=template.id, version=expected_version)
        try:
            changed = matching.update(**values)
        except Error as exc:
            raise _translate(exc) from exc
        return changed == 1

    def remove(self, tenant_id: str, template_id: str) -> bool:
        """Delete the template; ``False`` if there was none."""
        try:
            deleted, _ = self._rows(tenant_id).filter(plan_id=template_id).delete()
        except Error as exc:
            raise _translate(exc) from exc
        return deleted > 0


class DjangoInstanceRepository:
    """Client week instances in ``weekplan_instances``, unique per client and week."""

    def __init__(self, uow: DjangoUnitOfWork, rows: InstanceRows) -> None:
        self._uow = uow
        self._map = rows

    def _rows(self, tenant_id: str) -> QuerySet[InstanceRecord]:
        return InstanceRecord.objects.using(self._uow.alias()).filter(tenant_id=tenant_id)

    def get(
        self, tenant_id: str, client_ref: str, week_start_date: date
    ) -> WeekPlanInstance | None:
        """The instance, or ``None``."""
        query = self._rows(tenant_id).filter(client_ref=client_ref, week_start_date=week_start_date)
        try:
            rows = list(query.values_list(*_INSTANCE_FIELDS)[:1])
        except Error as exc:
            raise _translate(exc) from exc
        return self._map.from_row(rows[0]) if rows else None

    def list(
        self,
        tenant_id: str,
        *,
        client_ref: str | None,
        week_start_date: date | None,
        after: InstanceSortKey | None,
        limit: int,
    ) -> Sequence[WeekPlanInstance]:
        """Up to ``limit`` instances ordered by ``(week_start_date, client_ref)``."""
        query = self._rows(tenant_id)
        if client_ref is not None:
            query = query.filter(client_ref=client_ref)
        if week_start_date is not None:
            query = query.filter(week_start_date=week_start_date)
        if after is not None:
            week, client = after
            query = query.filter(
                Q(week_start_date__gt=week) | Q(week_start_date=week, client_ref__gt=client)
            )
        ordered = query.order_by("week_start_date", "client_ref").values_list(*_INSTANCE_FIELDS)
        try:
            rows = list(ordered[:limit])
        except Error as exc:
            raise _translate(exc) from exc
        return [self._map.from_row(row) for row in rows]

    def _record(self, tenant_id: str, instance: WeekPlanInstance) -> InstanceRecord:
        return InstanceRecord(**_INSTANCES.kwargs(self._map.values(tenant_id, instance)))

    def add(self, tenant_id: str, instance: WeekPlanInstance) -> None:
        """Insert a new instance, or raise :class:`~weekplan.InstanceExists`."""
        record = self._record(tenant_id, instance)
        alias = self._uow.alias()
        try:
            # A savepoint of its own: on PostgreSQL a failed INSERT aborts the whole
            # transaction, and a host that catches InstanceExists must be able to go on.
            with transaction.atomic(using=alias):
                record.save(force_insert=True, using=alias)
        except IntegrityError as exc:
            # Django keeps the driver's exception, whose SQLSTATE and detail tell the key.
            if exc.__cause__ is not None and _WEEK_KEY.is_violated_by(exc.__cause__):
                raise InstanceExists() from exc
            raise _translate(exc) from exc
        except Error as exc:
            raise _translate(exc) from exc

    def add_new(self, tenant_id: str, instances: Sequence[WeekPlanInstance]) -> Collection[str]:
        """Insert every instance whose key is free (one ``bulk_create``); the clients refused.

        Rows whose key is taken are skipped by the database (``ignore_conflicts``),
        so the transaction goes on; one query then reads which new ids were stored.
        """
        if not instances:
            return ()
        records = [self._record(tenant_id, instance) for instance in instances]
        try:
            InstanceRecord.objects.using(self._uow.alias()).bulk_create(
                records, ignore_conflicts=True
            )
            stored = set(
                self._rows(tenant_id)
                .filter(
                    week_start_date=instances[0].week_start_date,
                    plan_id__in=[instance.id for instance in instances],
                )
                .values_list("client_ref", flat=True)
            )
        except Error as exc:
            raise _translate(exc) from exc
        return [i.client_ref for i in instances if i.client_ref not in stored]

    def replace(self, tenant_id: str, instance: WeekPlanInstance, *, expected_version: int) -> bool:
        """Compare-and-set: overwrite only if the stored version is ``expected_version``."""
        # The week's key finds the row; an update never moves it to another week.
        values = _INSTANCES.kwargs(
            self._map.values(tenant_id, instance),
            skip=("tenant_id", "id", "client_ref", "week_start_date"),
        )
        matching = self._rows(tenant_id).filter(
            client_ref=instance.client_ref,
            week_start_date=instance.week_start_date,
            plan_id=instance.id,
            version=expected_version,
        )
        try:
            changed = matching.update(**values)
        except Error as exc:
            raise _translate(exc) from exc
        return changed == 1

    def remove(self, tenant_id: str, client_ref: str, week_start_date: date) -> bool:
        """Delete the instance; ``False`` if there was none."""
        matching = self._rows(tenant_id).filter(
            client_ref=client_ref, week_start_date=week_start_date
        )
        try:
            deleted, _ = matching.delete()
        except Error as exc:
            raise _translate(exc) from exc
        return deleted > 0


class DjangoDishRepository:
    """The dish catalog in ``weekplan_dishes``, always addressed through one tenant."""

    def __init__(self, uow: DjangoUnitOfWork, rows: DishRows) -> None:
        self._uow = uow
        self._map = rows

    def _rows(self, tenant_id: str) -> QuerySet[DishRecord]:
        return DishRecord.objects.using(self._uow.alias()).filter(tenant_id=tenant_id)

    def get_many(self, tenant_id: str, dish_ids: Collection[str]) -> Mapping[str, Dish]:
        """The tenant's dishes among ``dish_ids``, by id, in one query."""
        if not dish_ids:
            return {}
        query = self._rows(tenant_id).filter(dish_id__in=list(dish_ids))
        try:
            rows = list(query.values_list(*_DISH_FIELDS))
        except Error as exc:
            raise _translate(exc) from exc
        return {dish.id: dish for dish in map(self._map.from_row, rows)}

    def list(
        self, tenant_id: str, *, search: str | None, after: DishSortKey | None, limit: int
    ) -> Sequence[Dish]:
        """Up to ``limit`` dishes ordered by ``(name_key, id)``, strictly after ``after``."""
        rows = _by_name_page(
            self._rows(tenant_id), "dish_id", _DISH_FIELDS, search=search, after=after, limit=limit
        )
        return [self._map.from_row(row) for row in rows]

    def add(self, tenant_id: str, dish: Dish, *, signals: MealSignals | None = None) -> None:
        """Insert a new dish, with its meal signals."""
        record = DishRecord(**_DISHES.kwargs(self._map.values(tenant_id, dish, signals)))
        try:
            record.save(force_insert=True, using=self._uow.alias())
        except IntegrityError as exc:
            # The id was free when the use case looked: a concurrent call took it since.
            raise ConcurrentUpdate("a concurrent call created the same dish first") from exc
        except Error as exc:
            raise _translate(exc) from exc

    def replace(
        self,
        tenant_id: str,
        dish: Dish,
        *,
        expected_version: int,
        signals: MealSignals | None = None,
    ) -> bool:
        """Compare-and-set: overwrite only if the stored version is ``expected_version``."""
        values = _DISHES.kwargs(self._map.values(tenant_id, dish, signals), skip=_KEY)
        matching = self._rows(tenant_id).filter(dish_id=dish.id, version=expected_version)
        try:
            changed = matching.update(**values)
        except Error as exc:
            raise _translate(exc) from exc
        return changed == 1

    def set_signals(
        self, tenant_id: str, dish_id: str, *, version: int, signals: MealSignals
    ) -> bool:
        """Store the dish's signals if its stored version is ``version``; one ``UPDATE``."""
        matching = self._rows(tenant_id).filter(dish_id=dish_id, version=version)
        try:
            return matching.update(**_DISHES.kwargs(self._map.signal_values(signals))) == 1
        except Error as exc:
            raise _translate(exc) from exc

    def signals_current(self, tenant_id: str, vocabulary: str) -> bool:
        """Whether every dish's signals are of ``vocabulary``: both ends of one index range."""
        rows = self._rows(tenant_id).values_list("signals_vocabulary", flat=True)
        try:
            lowest = list(rows.order_by("signals_vocabulary")[:1])
            highest = list(rows.order_by("-signals_vocabulary")[:1])
        except Error as exc:
            raise _translate(exc) from exc
        return lowest == highest and lowest in ([], [vocabulary])

    def stale_signals(
        self, tenant_id: str, vocabulary: str, *, after: str | None, limit: int
    ) -> Sequence[Dish]:
        """Up to ``limit`` dishes by id, after ``after``, with signals of another vocabulary."""
        query = self._rows(tenant_id).exclude(signals_vocabulary=vocabulary)
        if after is not None:
            query = query.filter(dish_id__gt=after)
        try:
            rows = list(query.order_by("dish_id").values_list(*_DISH_FIELDS)[:limit])
        except Error as exc:
            raise _translate(exc) from exc
        return [self._map.from_row(row) for row in rows]

    def meal_ranks(
        self, tenant_id: str, meal_type: MealType | None, dish_ids: Collection[str]
    ) -> Mapping[str, MealRankKey]:
        """``(rank, name_key, id)`` of the tenant's dishes among ``dish_ids``, in one query."""
        if not dish_ids:
            return {}
        columns = (
            ["name_key", "dish_id"]
            if meal_type is None
            else [rank_column(meal_type), "name_key", "dish_id"]
        )
        query = self._rows(tenant_id).filter(dish_id__in=list(dish_ids)).values_list(*columns)
        try:
            rows = list(query)
        except Error as exc:
            raise _translate(exc) from exc
        if meal_type is None:
            return {row[1]: (NO_SIGNAL, row[0], row[1]) for row in rows}
        return {row[2]: (int(row[0]), row[1], row[2]) for row in rows}

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
        rank = rank_column(meal_type)
        query = self._rows(tenant_id).filter(**{f"{rank}__lt": NO_SIGNAL})
        if search:
            found_at = StrIndex("name_key", Value(search))
            query = query.annotate(found_at=found_at).filter(found_at__gt=0)
        if after is not None:
            last_rank, name_key, last_id = after
            query = query.filter(
                Q(**{f"{rank}__gt": last_rank})
                | Q(**{rank: last_rank, "name_key__gt": name_key})
                | Q(**{rank: last_rank, "name_key": name_key, "dish_id__gt": last_id})
            )
        ordered = query.order_by(rank, "name_key", "dish_id").values_list(rank, *_DISH_FIELDS)
        try:
            rows = list(ordered[:limit])
        except Error as exc:
            raise _translate(exc) from exc
        return [(row[0], self._map.from_row(row[1:])) for row in rows]

    def remove(self, tenant_id: str, dish_id: str) -> bool:
        """Delete the dish; ``False`` if there was none."""
        try:
            deleted, _ = self._rows(tenant_id).filter(dish_id=dish_id).delete()
        except Error as exc:
            raise _translate(exc) from exc
        return deleted > 0


class DjangoMealHistoryRepository:
    """Running totals in ``weekplan_meal_history``, one row per ``(slot_kind, dish_id)``."""

    def __init__(self, uow: DjangoUnitOfWork, rows: HistoryRows) -> None:
        self._uow = uow
        self._map = rows

    def _rows(self, tenant_id: str) -> QuerySet[MealHistoryRecord]:
        return MealHistoryRecord.objects.using(self._uow.alias()).filter(tenant_id=tenant_id)

    def apply_delta(self, tenant_id: str, deltas: Mapping[HistoryKey, int]) -> None:
        """Add each delta to its total in the database, so concurrent writers add up."""
        try:
            for (kind, dish_id), change in deltas.items():
                self._apply(tenant_id, kind, dish_id, change)
            if any(change < 0 for change in deltas.values()):
                emptied = Q()
                for (kind, dish_id), change in deltas.items():
                    if change < 0:
                        emptied |= Q(slot_kind=kind, dish_id=dish_id)
                self._rows(tenant_id).filter(emptied, count__lte=0).delete()
        except Error as exc:
            raise _translate(exc) from exc

    def _apply(self, tenant_id: str, kind: str, dish_id: str, change: int) -> None:
        row = self._rows(tenant_id).filter(slot_kind=kind, dish_id=dish_id)
        # UPDATE ... SET count = count + change: no read-modify-write to lose under a race.
        if row.update(count=F("count") + change) or change <= 0:
            return
        alias = self._uow.alias()
        try:
            with transaction.atomic(using=alias):
                values = self._map.values(tenant_id, (kind, dish_id), change)
                MealHistoryRecord(**values).save(force_insert=True, using=alias)
        except IntegrityError:
            # Another transaction created the total in between: add to it instead.
            row.update(count=F("count") + change)

    def counts(self, tenant_id: str) -> Mapping[HistoryKey, int]:
        """Every positive total of the tenant."""
        query = self._rows(tenant_id).filter(count__gt=0).values_list(*self._map.columns)
        try:
            rows = list(query)
        except Error as exc:
            raise _translate(exc) from exc
        return dict(map(self._map.from_row, rows))


class DjangoRulesetRepository:
    """Rulesets in ``weekplan_rulesets`` by content hash, and clients' assignments
    in ``weekplan_ruleset_assignments``, always addressed through one tenant."""

    def __init__(
        self, uow: DjangoUnitOfWork, rows: RulesetRows, assignments: AssignmentRows
    ) -> None:
        self._uow = uow
        self._map = rows
        self._assignment_rows = assignments
        # Assignments read under the client's lock, for the rest of the unit of work.
        self._locked_assignments: dict[tuple[str, str], str | None] = {}

    def _rows(self, tenant_id: str) -> QuerySet[RulesetRecord]:
        return RulesetRecord.objects.using(self._uow.alias()).filter(tenant_id=tenant_id)

    def _assignments(self, tenant_id: str) -> QuerySet[ClientRulesetRecord]:
        return ClientRulesetRecord.objects.using(self._uow.alias()).filter(tenant_id=tenant_id)

    def get(self, tenant_id: str, content_hash: str) -> GuardrailsRuleset | None:
        """The ruleset this tenant stored under ``content_hash``, or ``None``."""
        query = self._rows(tenant_id).filter(content_hash=content_hash)
        try:
            rows = list(query.values_list(*self._map.columns)[:1])
        except Error as exc:
            raise _translate(exc) from exc
        return self._map.from_row(rows[0]) if rows else None

    def list(
        self,
        tenant_id: str,
        *,
        diet_id: str | None,
        after: RulesetSortKey | None,
        limit: int,
    ) -> Sequence[GuardrailsRuleset]:
        """Up to ``limit`` rulesets ordered by ``(diet_id, version, content_hash)``."""
        query = self._rows(tenant_id)
        if diet_id is not None:
            query = query.filter(diet_id=diet_id)
        if after is not None:
            after_diet, after_version, after_hash = after
            query = query.filter(
                Q(diet_id__gt=after_diet)
                | Q(diet_id=after_diet, version__gt=after_version)
                | Q(diet_id=after_diet, version=after_version, content_hash__gt=after_hash)
            )
        ordered = query.order_by("diet_id", "version", "content_hash")
        try:
            rows = list(ordered.values_list(*self._map.columns)[:limit])
        except Error as exc:
            raise _translate(exc) from exc
        return [self._map.from_row(row) for row in rows]

    def add(self, tenant_id: str, ruleset: GuardrailsRuleset) -> None:
        """Store the ruleset unless this tenant has its hash already; the first one stays."""
        record = RulesetRecord(**_RULESETS.kwargs(self._map.values(tenant_id, ruleset)))
        try:
            # ON CONFLICT DO NOTHING (INSERT OR IGNORE, INSERT IGNORE): a hash stored a
            # moment ago by a concurrent transaction is no error, and nothing is aborted.
            RulesetRecord.objects.using(self._uow.alias()).bulk_create(
                [record], ignore_conflicts=True
            )
        except Error as exc:
            raise _translate(exc) from exc

    def assigned(self, tenant_id: str, client_ref: str) -> str | None:
        """The content hash of the ruleset ``client_ref`` is on, or ``None``."""
        key = (tenant_id, client_ref)
        if key in self._locked_assignments:
            return self._locked_assignments[key]
        query = self._assignments(tenant_id).filter(client_ref=client_ref)
        try:
            rows = list(query.values_list("content_hash", flat=True)[:1])
        except Error as exc:
            raise _translate(exc) from exc
        return rows[0] if rows else None

    def assigned_many(self, tenant_id: str, client_refs: Collection[str]) -> Mapping[str, str]:
        """The content hash of each client's ruleset, in one query; clients on none left out."""
        if not client_refs:
            return {}
        query = self._assignments(tenant_id).filter(client_ref__in=sorted(client_refs))
        try:
            rows = list(query.values_list(*self._assignment_rows.columns))
        except Error as exc:
            raise _translate(exc) from exc
        return dict(map(self._assignment_rows.from_row, rows))

    def assign(self, tenant_id: str, client_ref: str, content_hash: str | None) -> None:
        """Put ``client_ref`` on the ruleset with ``content_hash``; ``None`` takes it off."""
        if (tenant_id, client_ref) in self._locked_assignments:
            self._locked_assignments[(tenant_id, client_ref)] = content_hash
        row = self._assignments(tenant_id).filter(client_ref=client_ref)
        try:
            if content_hash is None:
                row.delete()
            elif not row.update(content_hash=content_hash):
                self._insert_assignment(tenant_id, client_ref, content_hash, row)
        except Error as exc:
            raise _translate(exc) from exc

    def lock_client(self, tenant_id: str, client_ref: str) -> None:
        """Lock the client's row in ``weekplan_client_locks`` until the transaction ends.

        One upsert (``ON CONFLICT DO UPDATE``, ``ON DUPLICATE KEY UPDATE``) that
        creates the row or, when it exists, updates it to itself, which locks
        it either way; every write of the client's weeks and every change of
        their ruleset does it first, so they run one after the other. As for
        the SQLAlchemy store: on READ COMMITTED every later read sees what the
        lock waited for; on PostgreSQL's REPEATABLE READ a stale snapshot makes
        the lock fail rather than read stale data; on MariaDB's REPEATABLE READ
        the assignment is read again with a locking read (``SELECT ... FOR
        UPDATE`` sees the latest committed row) and that answer is kept. SQLite
        runs one writing transaction at a time, so there it does nothing.
        """
        self.lock_clients(tenant_id, [client_ref])

    def lock_clients(self, tenant_id: str, client_refs: Sequence[str]) -> None:
        """Lock every client's row, in the order given, as :meth:`lock_client` locks one.

        The upserts go as one ``executemany`` (one pipeline with psycopg); on
        MariaDB each client's assignment is then read again with a locking read,
        in one query for them all.
        """
        connection = connections[self._uow.alias()]
        vendor = connection.vendor
        if vendor == "sqlite" or not client_refs:
            return
        # Django refuses an upsert that sets a primary key column (the row's whole
        # key here), so the statement is written out; the table and columns are
        # the model's.
        quote = connection.ops.quote_name
        table = quote(ClientLockRecord._meta.db_table)
        tenant, client = quote("tenant_id"), quote("client_ref")
        insert = f"INSERT INTO {table} ({tenant}, {client}) VALUES (%s, %s) "
        if vendor == "mysql":
            # MariaDB's ON DUPLICATE KEY UPDATE takes no conflict target (any unique key).
            upsert = insert + f"ON DUPLICATE KEY UPDATE {client} = VALUES({client})"
        else:
            upsert = (
                insert
                + f"ON CONFLICT ({tenant}, {client}) DO UPDATE SET {client} = EXCLUDED.{client}"
            )
        try:
            with connection.cursor() as cursor:
                if len(client_refs) == 1:
                    cursor.execute(upsert, [tenant_id, client_refs[0]])
                else:
                    cursor.executemany(upsert, [[tenant_id, c] for c in client_refs])
            if vendor == "mysql":
                latest = (
                    self._assignments(tenant_id)
                    .filter(client_ref__in=list(client_refs))
                    .select_for_update()
                    .values_list("client_ref", "content_hash")
                )
                found = dict(latest)
                for client_ref in client_refs:
                    self._locked_assignments[(tenant_id, client_ref)] = found.get(client_ref)
        except Error as exc:
            raise _translate(exc) from exc

    def forget_locked(self) -> None:
        """Forget what was read under locks: the transaction that held them is ending."""
        self._locked_assignments.clear()

    def _insert_assignment(
        self,
        tenant_id: str,
        client_ref: str,
        content_hash: str,
        row: QuerySet[ClientRulesetRecord],
    ) -> None:
        alias = self._uow.alias()
        try:
            # A savepoint of its own, so a lost race leaves the transaction usable.
            with transaction.atomic(using=alias):
                values = self._assignment_rows.values(tenant_id, client_ref, content_hash)
                ClientRulesetRecord(**values).save(force_insert=True, using=alias)
        except IntegrityError:
            # Another transaction assigned the client in between: the later write wins.
            row.update(content_hash=content_hash)


class DjangoUnitOfWork:
    """One ``transaction.atomic()`` block: a transaction, or a savepoint in the host's.

    :meth:`commit` and :meth:`rollback` end the current block; the next read or
    write opens a new one, which leaving the ``with`` block rolls back unless it is
    committed too.
    """

    def __init__(self, using: str, rows: TableRows | None = None) -> None:
        self._using = using
        self._atomic: transaction.Atomic | None = None
        self._entered = False
        self._joined = False
        # The store's mappers, whose entry codec its units of work share.
        rows = TableRows(EntryCodec()) if rows is None else rows
        self._templates = DjangoTemplateRepository(self, rows.templates)
        self._instances = DjangoInstanceRepository(self, rows.instances)
        self._dishes = DjangoDishRepository(self, rows.dishes)
        self._meal_history = DjangoMealHistoryRepository(self, rows.history)
        self._rulesets = DjangoRulesetRepository(self, rows.rulesets, rows.assignments)
        self._runs = DjangoRunRepository(self, rows.runs)
        self._changes = DjangoChangeLogRepository(self, rows.change_sets)
        self._locks = DjangoSlotLockRepository(self, rows.locks)
        self._drafts = DjangoDraftRepository(self, rows.drafts)
        self._schedules = DjangoScheduleRepository(self, rows.schedules)

    @property
    def templates(self) -> DjangoTemplateRepository:
        """The templates, seen through this unit of work."""
        return self._templates

    @property
    def instances(self) -> DjangoInstanceRepository:
        """The instances, seen through this unit of work."""
        return self._instances

    @property
    def dishes(self) -> DjangoDishRepository:
        """The dish catalog, seen through this unit of work."""
        return self._dishes

    @property
    def meal_history(self) -> DjangoMealHistoryRepository:
        """The planning history totals, seen through this unit of work."""
        return self._meal_history

    @property
    def rulesets(self) -> DjangoRulesetRepository:
        """The guardrails rulesets and client assignments, seen through this unit of work."""
        return self._rulesets

    @property
    def runs(self) -> DjangoRunRepository:
        """The generation runs, seen through this unit of work."""
        return self._runs

    # The optional workflow capability (weekplan.workflow_ports).
    @property
    def changes(self) -> DjangoChangeLogRepository:
        """The change log, seen through this unit of work."""
        return self._changes

    @property
    def locks(self) -> DjangoSlotLockRepository:
        """The slot locks, seen through this unit of work."""
        return self._locks

    @property
    def drafts(self) -> DjangoDraftRepository:
        """The week drafts, seen through this unit of work."""
        return self._drafts

    @property
    def schedules(self) -> DjangoScheduleRepository:
        """The schedules (an optional capability, see weekplan.schedule_ports)."""
        return self._schedules

    def alias(self) -> str:
        """The database alias, with this unit's atomic block open."""
        if not self._entered:
            raise RuntimeError("use the unit of work inside a `with` block")
        if self._atomic is None:
            atomic = transaction.atomic(using=self._using)
            try:
                atomic.__enter__()
            except Error as exc:
                raise _translate(exc) from exc
            self._atomic = atomic
        return self._using

    def __enter__(self) -> Self:
        # Inside the host's transaction, a transaction-wide failure is the host's to retry.
        self._joined = connections[self._using].in_atomic_block
        self._entered = True
        # Opened now rather than on first use, so every read of the unit sees one snapshot.
        self.alias()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self._end(rollback=True)
        finally:
            self._entered = False
        if isinstance(exc, ConcurrentUpdate) and exc.whole_transaction and self._joined:
            # Running the call again inside the doomed host transaction could not help.
            raise StorageError(
                "the database undid the host's transaction to resolve a conflict; retry it"
            ) from exc

    def commit(self) -> None:
        """Commit this unit's writes (into the host's transaction, when there is one)."""
        self._end(rollback=False)

    def rollback(self) -> None:
        """Forget this unit's writes since the last commit."""
        self._end(rollback=True)

    def _end(self, *, rollback: bool) -> None:
        self._rulesets.forget_locked()
        atomic, self._atomic = self._atomic, None
        if atomic is None:
            return
        try:
            if rollback:
                transaction.set_rollback(True, using=self._using)
            atomic.__exit__(None, None, None)
        except Error as exc:
            raise _translate(exc) from exc


class DjangoStore:
    """Keeps weekplan's data in the tables of the ``weekplan`` Django app.

    ``using`` is the database alias (``"default"`` unless the host routes weekplan
    elsewhere). The store holds no connection: Django gives each thread its own,
    so one store is safe to share between threads and requests.
    """

    def __init__(self, using: str = DEFAULT_DB_ALIAS) -> None:
        self._using = using
        # One entry codec per store, as in the SQLAlchemy store: bounded, thread-safe.
        self._rows = TableRows(EntryCodec())

    @property
    def using(self) -> str:
        """The database alias every unit of work runs on."""
        return self._using

    def unit_of_work(self) -> DjangoUnitOfWork:
        """A new unit of work; enter it with ``with``."""
        return DjangoUnitOfWork(self._using, self._rows)

    def __repr__(self) -> str:
        return f"<DjangoStore using={self._using!r}>"
