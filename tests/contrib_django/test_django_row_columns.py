"""The Django models hold every column the shared row layer reads and writes, by field name."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import models

from weekplan.adapters._row_mapping import TableRows
from weekplan.adapters._rows import EntryCodec
from weekplan.contrib.django._columns import ModelColumns
from weekplan.contrib.django.models import (
    ChangeSetRow,
    ClientRulesetRecord,
    DishRecord,
    DraftRow,
    GenerationRunRecord,
    InstanceRecord,
    MealHistoryRecord,
    RulesetRecord,
    ScheduleRecord,
    SlotLockRow,
    TemplateRecord,
)
from weekplan.domain._days import DayKey
from weekplan.domain._dishes import Dish
from weekplan.domain._drafts import WeekDraft
from weekplan.domain._entries import PlanEntry
from weekplan.domain._locks import SlotLock
from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.domain._runs import GenerationRun
from weekplan.domain._schedules import Schedule, ScheduleRule, ScheduleSource
from weekplan.domain.changes import ChangeSet, ChangeSource, ChangeSubject, ChangeType, SlotChange
from weekplan.guardrails import GuardrailsRuleset, GuardRule, RuleMatch

_AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
_MONDAY = date(2026, 1, 5)
_DAYS = (PlanEntry("mon", "lunch", "d-1"),)
_RULE = GuardRule("geen-melk", "block", "hard", 1, "ingredient", RuleMatch("melk"))


def _written(rows: TableRows) -> list[tuple[type[models.Model], Any, dict[str, Any]]]:
    run = GenerationRun(
        "r-1",
        "tenant-a",
        "c-1",
        _MONDAY,
        "generate",
        "succeeded",
        started_at=_AT,
        attempts=1,
        duration_ms=3,
        generator="greedy",
        generator_version="1",
    )
    schedule = Schedule(
        "tenant-a",
        "c-1",
        ScheduleRule("fri", "09:00", "UTC"),
        weeks_ahead=1,
        source=ScheduleSource.generator(),
        next_run_at=_AT,
    )
    week = WeekPlanInstance("w-1", "tenant-a", "t-1", "c-1", _MONDAY, _DAYS, _DAYS, 1, _AT, _AT)
    draft = WeekDraft("tenant-a", "c-1", _MONDAY, "w-1", 1, _DAYS, 1, _AT, _AT)
    change_set = ChangeSet(
        id="s-1",
        tenant_id="tenant-a",
        subject=ChangeSubject.WEEK,
        subject_id="w-1",
        client_ref="c-1",
        week_start_date=_MONDAY,
        actor="u-1",
        source=ChangeSource.CREATE,
        reason="nieuw",
        at=_AT,
        version_before=None,
        version_after=1,
        changes=(SlotChange(ChangeType.ADDED, DayKey.MON, "lunch", None, _DAYS[0]),),
    )
    return [
        (
            TemplateRecord,
            rows.templates,
            rows.templates.values(
                "tenant-a", WeekPlanTemplate("t-1", "tenant-a", "Week", _DAYS, 1, _AT, _AT)
            ),
        ),
        (InstanceRecord, rows.instances, rows.instances.values("tenant-a", week)),
        (DishRecord, rows.dishes, rows.dishes.values("tenant-a", Dish("d-1", "tenant-a", "Soep"))),
        (
            RulesetRecord,
            rows.rulesets,
            rows.rulesets.values("tenant-a", GuardrailsRuleset("koemelkvrij", rules=[_RULE])),
        ),
        (
            ClientRulesetRecord,
            rows.assignments,
            rows.assignments.values("tenant-a", "c-1", "sha256:ab"),
        ),
        (MealHistoryRecord, rows.history, rows.history.values("tenant-a", ("lunch", "d-1"), 2)),
        (ChangeSetRow, rows.change_sets, rows.change_sets.values("tenant-a", change_set)),
        (
            SlotLockRow,
            rows.locks,
            rows.locks.values("tenant-a", SlotLock("tenant-a", "c-1", _MONDAY, "mon", "lunch")),
        ),
        (DraftRow, rows.drafts, rows.drafts.values("tenant-a", draft)),
        (GenerationRunRecord, rows.runs, rows.runs.values("tenant-a", run)),
        (ScheduleRecord, rows.schedules, rows.schedules.values("tenant-a", schedule)),
    ]


@pytest.mark.parametrize("case", range(len(_written(TableRows(EntryCodec())))))
def test_each_mapper_writes_every_field_of_its_model_and_reads_fields_it_has(case: int) -> None:
    model, mapper, values = _written(TableRows(EntryCodec()))[case]
    columns = ModelColumns(model)
    fields = {field.name for field in model._meta.concrete_fields}
    record = model(**columns.kwargs(values))
    assert set(columns.kwargs(values)) == fields
    assert set(columns.fields(mapper.columns)) <= fields
    # A record built from the values gives them back as the row a query would.
    row = tuple(getattr(record, name) for name in columns.fields(mapper.columns))
    assert row == tuple(values[column] for column in mapper.columns)


def test_a_renamed_column_is_named_by_its_field() -> None:
    columns = ModelColumns(TemplateRecord)
    assert columns.fields(["id", "tenant_id"]) == ("plan_id", "tenant_id")
    assert ModelColumns(ChangeSetRow).fields(["tenant_id", "id"]) == ("tenant_id", "set_id")
    assert columns.kwargs({"tenant_id": "t", "id": "x", "name": "n"}, skip=("tenant_id",)) == {
        "plan_id": "x",
        "name": "n",
    }
