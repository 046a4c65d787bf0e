"""``create_instance`` reads the template with its client's diet, and enforces that diet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from weekplan import GuardrailsViolation, PlanEntry, Planner, TemplateNotFound
from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.testing._base import MONDAY
from weekplan.testing._diet_races import CLIENT, MILK_DISH, SLOT, diet_race_fixture

from .conftest import StatementLog

NEXT_MONDAY = MONDAY + timedelta(days=7)


def _plain_diet_reads(log: StatementLog) -> list[str]:
    """The statements that read a client's diet, but for MariaDB's locking read."""
    return [
        s
        for s in log.statements
        if "weekplan_ruleset_assignments" in s and "LOCK IN SHARE MODE" not in s.upper()
    ]


def test_the_diet_read_with_the_template_is_the_one_enforced(
    sql_store: SqlAlchemyStore, statement_log: Callable[[Engine], StatementLog]
) -> None:
    assert sql_store.engine is not None
    worker = Planner(sql_store).worker("tenant-template-diet")
    strict, _lenient = diet_race_fixture(worker, CLIENT)
    worker.assign_ruleset(CLIENT, strict)
    milk_week = worker.create_template("Milk week", [PlanEntry(*SLOT, dish_template_id=MILK_DISH)])
    log = statement_log(sql_store.engine)

    with pytest.raises(GuardrailsViolation):
        worker.create_instance(milk_week.id, CLIENT, NEXT_MONDAY)
    # One statement read the template and the diet it was refused by.
    [read] = _plain_diet_reads(log)
    assert "weekplan_templates" in read

    log.clear()
    week = worker.create_instance(milk_week.id, "client-without-diet", NEXT_MONDAY)
    assert week.guardrails is None
    assert [e.dish_template_id for e in week.days] == [MILK_DISH]
    [read] = _plain_diet_reads(log)
    assert "weekplan_templates" in read


def test_a_missing_template_is_still_not_found(sql_store: SqlAlchemyStore) -> None:
    tenant = "tenant-template-diet-missing"
    worker = Planner(sql_store).worker(tenant)
    strict, _lenient = diet_race_fixture(worker, CLIENT)
    worker.assign_ruleset(CLIENT, strict)
    with pytest.raises(TemplateNotFound):
        worker.create_instance("no-such-template", CLIENT, NEXT_MONDAY)
    with sql_store.unit_of_work() as uow:
        assert uow.templates.get_with_assignment(tenant, "no-such-template", CLIENT) is None
        # Nothing learnt of the client's diet: it is read when asked.
        assert uow.rulesets.assigned(tenant, CLIENT) == strict
