"""The shared row layer: each table's values and rows, both ways, as both SQL stores use them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.test_rows import slot_change_lists

from weekplan.adapters._row_mapping import (
    SIGNAL_COLUMNS,
    ChangeSetRows,
    DishRows,
    DraftRows,
    HistoryRows,
    InstanceRows,
    RulesetRows,
    RunRows,
    ScheduleRows,
    SlotLockRows,
    TableRows,
    TemplateRows,
    utc,
)
from weekplan.adapters._rows import EntryCodec
from weekplan.adapters.sqlalchemy._run_statements import RUN_COLUMNS
from weekplan.adapters.sqlalchemy._schedule_schema import schedules
from weekplan.adapters.sqlalchemy._schema import (
    dishes,
    generation_runs,
    instances,
    meal_history,
    ruleset_assignments,
    rulesets,
    templates,
)
from weekplan.adapters.sqlalchemy._workflow_schema import change_sets, drafts, slot_locks
from weekplan.adapters.sqlalchemy._workflow_statements import (
    CHANGE_SET_COLUMNS,
    DRAFT_COLUMNS,
    LOCK_COLUMNS,
)
from weekplan.domain._days import DayKey
from weekplan.domain._dishes import Dish
from weekplan.domain._drafts import DraftCheck, WeekDraft
from weekplan.domain._entries import PlanEntry
from weekplan.domain._locks import SlotLock
from weekplan.domain._meal_types import MealType
from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.domain._runs import GenerationRun, RunStatus, RunType
from weekplan.domain._schedules import (
    RunOutcome,
    Schedule,
    ScheduleRule,
    ScheduleSource,
)
from weekplan.domain._suggestions import NO_SIGNAL, MealSignals
from weekplan.domain.changes import (
    ChangeSet,
    ChangeSource,
    ChangeSubject,
    ChangeType,
    SlotChange,
)
from weekplan.errors import StorageError
from weekplan.guardrails import GuardrailsRuleset, GuardRule, RuleMatch
from weekplan.testing import strategies as wps

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
_WORDS = st.lists(
    st.from_regex(r"\A[a-z][a-z ]{0,10}[a-z]\Z"), max_size=4, unique_by=str.casefold
).map(tuple)
_IDS = st.uuids().map(lambda u: u.hex)


def _row(mapper: Any, values: dict[str, Any]) -> tuple[Any, ...]:
    """The row a store reads back: the written values, in the order of ``mapper.columns``."""
    return tuple(values[column] for column in mapper.columns)


def _rows() -> TableRows:
    return TableRows(EntryCodec())


@st.composite
def _dishes(draw: st.DrawFn) -> Dish:
    return Dish(
        draw(_IDS),
        draw(wps.tenant_ids()),
        draw(wps.names()),
        meal_types=draw(st.lists(st.sampled_from(list(MealType)), unique=True)),
        tags=draw(_WORDS),
        ingredients=draw(_WORDS),
        steps=draw(_WORDS),
        version=draw(st.integers(1, 10_000)),
        created_at=draw(st.none() | wps.timestamps()),
        updated_at=draw(st.none() | wps.timestamps()),
    )


_SIGNALS = st.none() | st.builds(
    MealSignals,
    vocabulary=st.from_regex(r"\A[0-9a-f]{16}\Z"),
    ranks=st.tuples(*(st.integers(0, NO_SIGNAL) for _ in MealType)),
)

_LOCKS = st.builds(
    SlotLock,
    tenant_id=wps.tenant_ids(),
    client_ref=wps.client_refs(),
    week_start_date=wps.week_starts(),
    day_key=wps.day_keys(),
    slot_key=wps.slot_keys(),
    reason=st.none() | _TEXT,
    ingredients=_WORDS,
    actor=st.none() | wps.tenant_ids(),
    locked_at=st.none() | wps.timestamps(),
)

_DRAFT_CHECKS = st.none() | st.builds(
    DraftCheck,
    content_hash=st.binary(min_size=32, max_size=32).map(lambda b: "sha256:" + b.hex()),
    outcome=st.sampled_from(["allowed", "warned", "blocked"]),
    summary=_TEXT,
    reason_codes=st.lists(st.from_regex(r"\A[a-z][a-z0-9_]{0,12}\Z"), max_size=3).map(tuple),
)

_DRAFTS = st.builds(
    WeekDraft,
    tenant_id=wps.tenant_ids(),
    client_ref=wps.client_refs(),
    week_start_date=wps.week_starts(),
    instance_id=_IDS,
    base_version=st.integers(1, 10_000),
    days=wps.entry_lists(),
    version=st.integers(1, 10_000),
    created_at=wps.timestamps(),
    updated_at=wps.timestamps(),
    actor=st.none() | wps.tenant_ids(),
    guardrails=_DRAFT_CHECKS,
)

_CODES = st.from_regex(r"\A[a-z][a-z0-9_]{0,20}\Z")
_RUNS = st.builds(
    GenerationRun,
    id=_IDS,
    tenant_id=wps.tenant_ids(),
    client_ref=wps.client_refs(),
    week_start_date=wps.week_starts(),
    run_type=st.sampled_from(list(RunType)),
    status=st.sampled_from(list(RunStatus)),
    started_at=wps.timestamps(),
    attempts=st.integers(0, 100),
    duration_ms=st.integers(0, 10**6),
    generator=_CODES,
    generator_version=_CODES,
    days=st.lists(wps.day_keys(), unique=True).map(sorted),
    ruleset_hash=st.none() | st.binary(min_size=32, max_size=32).map(lambda b: "sha256:" + b.hex()),
    seed=st.none() | st.integers(0, 2**31 - 1),
    draft_version=st.none() | st.integers(1, 10_000),
    error_code=st.none() | _CODES,
    error_message=st.none() | _TEXT,
)


@st.composite
def _change_sets(draw: st.DrawFn) -> ChangeSet:
    # A week's set names its client and week; a template's names neither.
    week = draw(st.booleans())
    return ChangeSet(
        id=draw(_IDS),
        tenant_id=draw(wps.tenant_ids()),
        subject=ChangeSubject.WEEK if week else ChangeSubject.TEMPLATE,
        subject_id=draw(_IDS),
        client_ref=draw(wps.client_refs()) if week else None,
        week_start_date=draw(wps.week_starts()) if week else None,
        actor=draw(st.none() | wps.tenant_ids()),
        source=draw(st.sampled_from(list(ChangeSource))),
        reason=draw(st.none() | _TEXT),
        at=draw(wps.timestamps()),
        version_before=draw(st.none() | st.integers(1, 10_000)),
        version_after=draw(st.none() | st.integers(1, 10_000)),
        changes=draw(slot_change_lists()),
    )


_SCHEDULES = st.builds(
    Schedule,
    wps.tenant_ids(),
    wps.client_refs(),
    st.builds(
        ScheduleRule,
        wps.day_keys(),
        st.times().map(lambda t: time(t.hour, t.minute)),
        st.sampled_from(["UTC", "Europe/Amsterdam", "America/New_York"]),
    ),
    weeks_ahead=st.integers(0, 4),
    source=st.just(ScheduleSource.generator()) | _IDS.map(ScheduleSource.from_template),
    next_run_at=wps.timestamps(),
    last_week_done=st.none() | wps.week_starts(),
    last_run_at=st.none() | wps.timestamps(),
    last_outcome=st.none() | st.sampled_from(list(RunOutcome)),
    last_error_code=st.none() | _CODES,
    last_error_message=st.none() | _TEXT,
)


def _ruleset(term: str = "melk") -> GuardrailsRuleset:
    rule = GuardRule("geen-melk", "block", "hard", 1, "ingredient", RuleMatch(term))
    return GuardrailsRuleset("koemelkvrij", version=2, rules=[rule])


# -- fixed values, for the tests that need one of each -----------------------------

_AT = datetime(2026, 1, 5, 9, 30, 15, 123456, tzinfo=UTC)
_MONDAY = date(2026, 1, 5)
_ENTRIES = (PlanEntry("mon", "lunch", "d-1", "warm"), PlanEntry("tue", "dinner"))


def _template(tenant_id: str = "tenant-a") -> WeekPlanTemplate:
    return WeekPlanTemplate("t-1", tenant_id, "Week", _ENTRIES, 1, _AT, _AT)


def _instance(tenant_id: str = "tenant-a") -> WeekPlanInstance:
    return WeekPlanInstance(
        "w-1", tenant_id, "t-1", "c-1", _MONDAY, _ENTRIES, _ENTRIES[:1], 2, _AT, _AT
    )


def _dish(tenant_id: str = "tenant-a") -> Dish:
    return Dish("d-1", tenant_id, "Soep", meal_types=["lunch"], tags=["warm"])


def _lock(tenant_id: str = "tenant-a") -> SlotLock:
    return SlotLock(tenant_id, "c-1", _MONDAY, "mon", "lunch", ingredients=("melk",))


def _draft(tenant_id: str = "tenant-a") -> WeekDraft:
    check = DraftCheck("sha256:" + "ab" * 32, "warned", "Let op", ("melk",))
    return WeekDraft(tenant_id, "c-1", _MONDAY, "w-1", 2, _ENTRIES, 1, _AT, _AT, "u-1", check)


def _change_set(tenant_id: str = "tenant-a") -> ChangeSet:
    added = SlotChange(ChangeType.ADDED, DayKey.MON, "lunch", None, _ENTRIES[0])
    return ChangeSet(
        id="s-1",
        tenant_id=tenant_id,
        subject=ChangeSubject.WEEK,
        subject_id="w-1",
        client_ref="c-1",
        week_start_date=_MONDAY,
        actor="u-1",
        source=ChangeSource.EDIT,
        reason="warm",
        at=_AT,
        version_before=1,
        version_after=2,
        changes=(added,),
    )


def _run(tenant_id: str = "tenant-a") -> GenerationRun:
    return GenerationRun(
        "r-1",
        tenant_id,
        "c-1",
        _MONDAY,
        "regenerate",
        "succeeded",
        started_at=_AT,
        attempts=1,
        duration_ms=12,
        generator="greedy",
        generator_version="1",
        days=("mon", "wed"),
    )


def _schedule(tenant_id: str = "tenant-a") -> Schedule:
    return Schedule(
        tenant_id,
        "c-1",
        ScheduleRule("fri", "09:00", "Europe/Amsterdam"),
        weeks_ahead=1,
        source=ScheduleSource.generator(),
        next_run_at=_AT,
    )


# -- round trips: domain -> row -> domain -------------------------------------------


@given(wps.templates())
def test_a_template_comes_back_from_its_row(template: Any) -> None:
    rows = _rows().templates
    values = rows.values(template.tenant_id, template)
    assert rows.from_row(_row(rows, values)) == template


@given(wps.instances())
def test_an_instance_comes_back_from_its_row(instance: Any) -> None:
    rows = _rows().instances
    values = rows.values(instance.tenant_id, instance)
    assert rows.from_row(_row(rows, values)) == instance


@given(_dishes(), _SIGNALS)
def test_a_dish_comes_back_from_its_row_and_its_signals_are_its_columns(
    dish: Dish, signals: MealSignals | None
) -> None:
    rows = _rows().dishes
    values = rows.values(dish.tenant_id, dish, signals)
    assert rows.from_row(_row(rows, values)) == dish
    stored = tuple(values[column] for column in SIGNAL_COLUMNS)
    if signals is None:
        assert stored == ("", *(NO_SIGNAL for _ in MealType))
    else:
        assert stored == (signals.vocabulary, *signals.ranks)


@given(st.from_regex(r"\A[a-z]{1,12}\Z").map(_ruleset))
def test_a_ruleset_comes_back_from_its_document(ruleset: GuardrailsRuleset) -> None:
    rows = _rows().rulesets
    values = rows.values("tenant-a", ruleset)
    assert (values["diet_id"], values["version"]) == ("koemelkvrij", 2)
    assert values["content_hash"] == ruleset.content_hash
    assert rows.from_row(_row(rows, values)) == ruleset


@given(wps.slot_keys(), wps.dish_ids(), st.integers(0, 10**6))
def test_a_history_total_and_an_assignment_come_back_from_their_rows(
    kind: str, dish_id: str, count: int
) -> None:
    rows = _rows()
    values = rows.history.values("tenant-a", (kind, dish_id), count)
    assert rows.history.from_row(_row(rows.history, values)) == ((kind, dish_id), count)
    assignment = rows.assignments.values("tenant-a", "client-1", "sha256:ab")
    assert rows.assignments.from_row(_row(rows.assignments, assignment)) == (
        "client-1",
        "sha256:ab",
    )


@given(_LOCKS)
def test_a_slot_lock_comes_back_from_its_row_and_from_a_join_with_its_week(lock: SlotLock) -> None:
    rows = _rows().locks
    values = rows.values(lock.tenant_id, lock)
    assert rows.from_row(_row(rows, values)) == lock
    week = attrs.evolve(
        _instance(lock.tenant_id),
        client_ref=lock.client_ref,
        week_start_date=lock.week_start_date,
    )
    joined = tuple(values[column] for column in SlotLockRows.slot_columns)
    assert rows.of_week(week, joined) == lock


@given(_change_sets(), st.integers(-12, 14))
def test_a_change_set_comes_back_from_its_row_with_its_time_in_utc(
    change_set: ChangeSet, hours: int
) -> None:
    rows = _rows().change_sets
    values = rows.values(change_set.tenant_id, change_set)
    assert rows.from_row(_row(rows, values)) == change_set
    # As Django gives it when the database's ``TIME_ZONE`` is another zone.
    values["at"] = values["at"].astimezone(timezone(timedelta(hours=hours)))
    read = rows.from_row(_row(rows, values))
    assert read == change_set
    assert read.at.tzinfo is UTC


@given(_change_sets(), st.integers(2, 5))
def test_the_sets_of_weeks_created_together_share_one_encoded_text(
    change_set: ChangeSet, weeks: int
) -> None:
    """``create_instances`` logs one changes tuple for every new week: encoded once."""
    rows = _rows().change_sets
    sets = [attrs.evolve(change_set, id=f"{change_set.id}-{n}") for n in range(weeks)]
    texts = [rows.values(s.tenant_id, s)["changes"] for s in sets]
    assert all(text is texts[0] for text in texts)
    # A tuple equal but not the same is encoded again, to the same text.
    again = attrs.evolve(change_set, changes=tuple(attrs.evolve(c) for c in change_set.changes))
    assert again.changes is not change_set.changes
    assert rows.values(again.tenant_id, again)["changes"] == texts[0]


@given(
    st.lists(_change_sets(), min_size=1, max_size=4),
    st.lists(st.tuples(st.integers(0, 3), st.booleans()), max_size=12),
    st.data(),
)
def test_sets_of_one_write_store_shared_changes_once_and_read_back_as_they_were(
    originals: list[ChangeSet], batch: list[tuple[int, bool]], data: st.DataObject
) -> None:
    """Sets with the very same changes tuple refer to the first; any page of them reads back."""
    rows = _rows().change_sets
    tenant = originals[0].tenant_id
    sets = [attrs.evolve(s, tenant_id=tenant, id=f"set-{n}") for n, s in enumerate(originals)]
    # Later sets reuse an earlier set's very tuple, or an equal copy of it.
    for n, (source, same) in enumerate(batch):
        changes = sets[source % len(sets)].changes
        if not same:
            changes = tuple(attrs.evolve(c) for c in changes)
        sets.append(attrs.evolve(originals[0], tenant_id=tenant, id=f"x-{n}", changes=changes))
    written = [_row(rows, values) for values in rows.batch_values(tenant, sets)]
    holders: dict[int, str] = {}
    for change_set, row in zip(sets, written, strict=True):
        text = change_set.changes
        if row[12].startswith("{"):
            # Only a long text is shared, and always with the first set of that very tuple.
            assert row[12] == f'{{"of":"{holders[id(text)]}"}}'
        else:
            holders.setdefault(id(text), change_set.id)
            assert row[12] == rows.values(tenant, change_set)["changes"]
    stored = {row[0]: row[12] for row in written}
    asked: list[tuple[str, list[str]]] = []

    def lookup(tenant_id: str, ids: Any) -> dict[str, str]:
        asked.append((tenant_id, list(ids)))
        return {set_id: stored[set_id] for set_id in ids if set_id in stored}

    page = data.draw(st.lists(st.sampled_from(range(len(sets))), unique=True))
    read = rows.from_rows([written[n] for n in page], lookup)
    assert read == [sets[n] for n in page]
    shown = {written[n][0] for n in page}
    for tenant_id, ids in asked:
        assert (tenant_id, bool(ids)) == (tenant, True)
        assert not shown & set(ids)
    assert len(asked) <= 1


def test_a_set_that_refers_to_changes_not_stored_is_a_storage_error() -> None:
    rows = _rows().change_sets
    change_set = _change_set()
    values = rows.values(change_set.tenant_id, change_set)
    for text in ('{"of":"missing"}', '{"of":1}', '{"to":"x"}', "{", '{"of":"x","and":"y"}'):
        with pytest.raises(StorageError):
            rows.from_rows([_row(rows, {**values, "changes": text})], lambda _t, _ids: {})
    # Nor may it refer to a set that refers in turn.
    other = {**values, "id": "other", "changes": '{"of":"missing"}'}
    with pytest.raises(StorageError):
        rows.from_rows(
            [_row(rows, {**values, "changes": '{"of":"other"}'}), _row(rows, other)],
            lambda _t, _ids: {},
        )


def test_each_store_keeps_its_own_changes_codec() -> None:
    """The texts one store remembers are not another's."""
    change_set = _change_set()
    first, second = _rows().change_sets, _rows().change_sets
    text = first.values("tenant-a", change_set)["changes"]
    assert first.values("tenant-a", change_set)["changes"] is text
    assert second.values("tenant-a", change_set)["changes"] is not text


@given(_DRAFTS)
def test_a_draft_comes_back_from_its_row(draft: WeekDraft) -> None:
    rows = _rows().drafts
    values = rows.values(draft.tenant_id, draft)
    assert rows.from_row(_row(rows, values)) == draft


@given(_RUNS)
def test_a_generation_run_comes_back_from_its_row(run: GenerationRun) -> None:
    rows = _rows().runs
    values = rows.values(run.tenant_id, run)
    assert rows.from_row(_row(rows, values)) == run


@given(_SCHEDULES)
def test_a_schedule_comes_back_from_its_row(schedule: Schedule) -> None:
    rows = _rows().schedules
    values = rows.values(schedule.tenant_id, schedule)
    assert rows.from_row(_row(rows, values)) == schedule


# -- what a row holds, for either store ----------------------------------------------


def _full_rows() -> list[tuple[Any, Any, Callable[[TableRows], dict[str, Any]]]]:
    template, instance, dish, lock = _template(), _instance(), _dish(), _lock()
    draft, run, schedule, change_set = _draft(), _run(), _schedule(), _change_set()
    return [
        (templates, TemplateRows, lambda r: r.templates.values("tenant-a", template)),
        (instances, InstanceRows, lambda r: r.instances.values("tenant-a", instance)),
        (dishes, DishRows, lambda r: r.dishes.values("tenant-a", dish)),
        (rulesets, RulesetRows, lambda r: r.rulesets.values("tenant-a", _ruleset())),
        (
            ruleset_assignments,
            None,
            lambda r: r.assignments.values("tenant-a", "c-1", "sha256:ab"),
        ),
        (meal_history, HistoryRows, lambda r: r.history.values("tenant-a", ("lunch", "d"), 1)),
        (change_sets, ChangeSetRows, lambda r: r.change_sets.values("tenant-a", change_set)),
        (slot_locks, SlotLockRows, lambda r: r.locks.values("tenant-a", lock)),
        (drafts, DraftRows, lambda r: r.drafts.values(draft.tenant_id, draft)),
        (generation_runs, RunRows, lambda r: r.runs.values(run.tenant_id, run)),
        (schedules, ScheduleRows, lambda r: r.schedules.values(schedule.tenant_id, schedule)),
    ]


@pytest.mark.parametrize(("table", "mapper", "values"), _full_rows())
def test_a_row_to_write_names_every_column_of_its_table_and_reads_only_its_columns(
    table: Any, mapper: Any, values: Callable[[TableRows], dict[str, Any]]
) -> None:
    written = values(_rows())
    assert set(written) == {column.name for column in table.c}
    if mapper is not None:
        assert set(mapper.columns) <= set(written)


def test_the_sql_store_selects_the_columns_its_mappers_read_in_their_order() -> None:
    assert tuple(column.name for column in CHANGE_SET_COLUMNS) == ChangeSetRows.columns
    assert tuple(column.name for column in LOCK_COLUMNS) == SlotLockRows.columns
    assert tuple(column.name for column in DRAFT_COLUMNS) == DraftRows.columns
    assert tuple(column.name for column in RUN_COLUMNS) == RunRows.columns


# -- text weekplan did not write ------------------------------------------------------


_RULES_EDITED = (
    TableRows(EntryCodec())
    .rulesets.values("tenant-a", _ruleset())["document"]
    .replace('"melk"', '"room"')
)

#: A table, a value written to it, and columns changed behind weekplan's back.
_BROKEN: list[tuple[str, Callable[[], Any], dict[str, Any]]] = [
    ("templates", _template, {"days": "not json"}),
    ("templates", _template, {"days": '[{"day_key": "funday", "slot_key": "x"}]'}),
    ("instances", _instance, {"days": "[1]"}),
    ("instances", _instance, {"template_snapshot": '{"a": 1}'}),
    ("instances", _instance, {"guardrails": '{"outcome": "blocked"}'}),
    ("dishes", _dish, {"meal_types": '["elevenses"]'}),
    ("dishes", _dish, {"tags": "[1, 2]"}),
    ("dishes", _dish, {"steps": "not json"}),
    ("rulesets", _ruleset, {"document": "not json"}),
    # Rules edited behind weekplan's back no longer match their content hash.
    ("rulesets", _ruleset, {"document": _RULES_EDITED}),
    ("change_sets", _change_set, {"changes": "not json"}),
    ("change_sets", _change_set, {"changes": "[]"}),
    ("change_sets", _change_set, {"changes": '[["added","funday","lunch",null,null]]'}),
    ("change_sets", _change_set, {"subject": "planet"}),
    ("change_sets", _change_set, {"source": "oracle"}),
    ("change_sets", _change_set, {"at": "yesterday"}),
    ("locks", _lock, {"ingredients": '"one"'}),
    ("locks", _lock, {"day_key": "funday"}),
    ("drafts", _draft, {"days": "nope"}),
    ("drafts", _draft, {"guardrails": '{"outcome": "maybe"}'}),
    ("runs", _run, {"days": "mon,funday"}),
    ("runs", _run, {"status": "exploded"}),
    ("runs", _run, {"started_at": "yesterday"}),
    ("schedules", _schedule, {"wall_time": "25:99"}),
    ("schedules", _schedule, {"timezone": "Mars/Olympus"}),
    ("schedules", _schedule, {"source_kind": "oracle"}),
]


@pytest.mark.parametrize(
    ("table", "value", "changes"),
    _BROKEN,
    ids=[f"{table}-{next(iter(changes))}-{n}" for n, (table, _, changes) in enumerate(_BROKEN)],
)
def test_a_row_weekplan_did_not_write_is_a_storage_error(
    table: str, value: Callable[[], Any], changes: dict[str, Any]
) -> None:
    mapper = getattr(_rows(), table)
    row = _row(mapper, {**mapper.values("tenant-a", value()), **changes})
    with pytest.raises(StorageError):
        mapper.from_row(row)


# -- the tenant guard -----------------------------------------------------------------


@pytest.mark.parametrize(
    "write",
    [
        lambda r: r.templates.values("tenant-b", _template()),
        lambda r: r.instances.values("tenant-b", _instance()),
        lambda r: r.dishes.values("tenant-b", _dish()),
        lambda r: r.change_sets.values("tenant-b", _change_set()),
        lambda r: r.locks.values("tenant-b", _lock()),
        lambda r: r.drafts.values("tenant-b", _draft()),
        lambda r: r.runs.values("tenant-b", _run()),
        lambda r: r.schedules.values("tenant-b", _schedule()),
    ],
)
def test_a_value_of_another_tenant_is_refused(write: Callable[[TableRows], object]) -> None:
    with pytest.raises(ValueError, match="own tenant_id"):
        write(_rows())


# -- timestamps -----------------------------------------------------------------------


@given(wps.templates(), st.integers(-12, 14))
def test_timestamps_read_in_another_zone_come_back_in_utc(template: Any, hours: int) -> None:
    """As Django gives them when the database's ``TIME_ZONE`` is another zone."""
    rows = _rows().templates
    values = rows.values(template.tenant_id, template)
    zone = timezone(timedelta(hours=hours))
    values["created_at"] = values["created_at"].astimezone(zone)
    read = rows.from_row(_row(rows, values))
    assert read == template
    assert read.created_at.tzinfo is UTC


def test_a_naive_timestamp_is_taken_as_utc() -> None:
    assert utc(datetime(2026, 1, 5, 9)) == datetime(2026, 1, 5, 9, tzinfo=UTC)
    assert utc(datetime(2026, 1, 5, 9)).tzinfo is UTC
