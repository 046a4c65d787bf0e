"""Conformance: one template cloned into many clients' weeks (``create_instances``)."""

from __future__ import annotations

from typing import Any

import pytest

from weekplan.domain._bulk_instances import CREATE_INSTANCES_MAX
from weekplan.domain._entries import PlanEntry
from weekplan.domain._plans import WeekPlanTemplate
from weekplan.errors import (
    GuardrailsViolation,
    InstanceExists,
    InstanceNotFound,
    InvalidInput,
    TemplateNotFound,
)
from weekplan.guardrails._model import GuardrailsRuleset, GuardRule, RuleMatch
from weekplan.planner._planner import Planner
from weekplan.planner._worker import WorkerPlanner
from weekplan.testing._base import MONDAY, ConformanceBase, monday_plus, snapshot_of

__all__ = ["BulkInstanceConformance"]


def _blocking(term: str, strictness: str) -> GuardrailsRuleset:
    rule = GuardRule(f"no-{term}", "block", strictness, 1, "ingredient", RuleMatch(term))
    return GuardrailsRuleset(f"no-{term}-{strictness}", rules=[rule])


class BulkInstanceConformance(ConformanceBase):
    def test_every_client_gets_the_week_create_instance_would_give(
        self, worker: WorkerPlanner, template: WeekPlanTemplate
    ) -> None:
        clients = [f"client-{n}" for n in range(25)]
        result = worker.create_instances(template.id, clients, MONDAY)
        assert result.ok
        assert result.errors == {}
        assert [week.client_ref for week in result.created] == clients
        assert len({week.id for week in result.created}) == len(clients)
        for week in result.created:
            assert week.days == week.template_snapshot == template.days
            assert (week.template_id, week.week_start_date, week.version) == (
                template.id,
                MONDAY,
                1,
            )
            assert week.guardrails is None
            assert worker.get_instance(week.client_ref, MONDAY) == week
        single = worker.create_instance(template.id, "client-single", MONDAY)
        assert single.days == result.created[0].days

    def test_a_client_with_a_week_that_date_is_reported_and_the_others_are_created(
        self, worker: WorkerPlanner, template: WeekPlanTemplate
    ) -> None:
        other = worker.create_template("Other", [PlanEntry("tue", "lunch", notes="kept")])
        existing = worker.create_instance(other.id, "client-2", MONDAY)
        result = worker.create_instances(template.id, ["client-1", "client-2", "client-3"], MONDAY)
        assert [week.client_ref for week in result.created] == ["client-1", "client-3"]
        assert list(result.errors) == ["client-2"]
        error = result.errors["client-2"]
        assert isinstance(error, InstanceExists)
        assert error.to_dict() == {"detail": "week_plan_instance_exists"}
        assert result.to_dict() == {"errors": {"client-2": {"detail": "week_plan_instance_exists"}}}
        assert worker.get_instance("client-2", MONDAY) == existing
        assert worker.get_instance("client-3", MONDAY).days == template.days
        again = worker.create_instances(template.id, ["client-1", "client-4"], MONDAY)
        assert [week.client_ref for week in again.created] == ["client-4"]
        assert isinstance(again.errors["client-1"], InstanceExists)

    def test_another_week_of_the_same_client_is_no_clash(
        self, worker: WorkerPlanner, template: WeekPlanTemplate
    ) -> None:
        worker.create_instance(template.id, "client-1", MONDAY)
        result = worker.create_instances(template.id, ["client-1"], monday_plus(1))
        assert result.ok
        assert worker.get_instance("client-1", monday_plus(1)).week_start_date == monday_plus(1)

    def test_tenants_stay_apart(
        self, planner: Planner, worker: WorkerPlanner, template: WeekPlanTemplate, other_tenant: str
    ) -> None:
        stranger = planner.worker(other_tenant)
        before = snapshot_of(worker)
        with pytest.raises(TemplateNotFound):
            stranger.create_instances(template.id, ["client-1"], MONDAY)
        assert snapshot_of(worker) == before
        own = stranger.create_template("Theirs", [PlanEntry("fri", "dinner")])
        stranger.create_instance(own.id, "client-1", MONDAY)
        # The other tenant's week of client-1 is no clash here, and stays as it was.
        result = worker.create_instances(template.id, ["client-1"], MONDAY)
        assert result.ok
        assert stranger.get_instance("client-1", MONDAY).template_id == own.id
        assert worker.get_instance("client-1", MONDAY).template_id == template.id

    @pytest.mark.parametrize(
        ("client_refs", "loc"),
        [
            ("client-1", ["client_refs"]),
            (None, ["client_refs"]),
            (["client-1", ""], ["client_refs", 1]),
            (["client-1", 42], ["client_refs", 1]),
            (["client-1", "client-2", "client-1"], ["client_refs", 2]),
            ([f"client-{n}" for n in range(CREATE_INSTANCES_MAX + 1)], ["client_refs"]),
        ],
    )
    def test_bad_client_refs_are_invalid_and_create_nothing(
        self, worker: WorkerPlanner, template: WeekPlanTemplate, client_refs: Any, loc: list[Any]
    ) -> None:
        before = snapshot_of(worker)
        with pytest.raises(InvalidInput) as caught:
            worker.create_instances(template.id, client_refs, MONDAY)
        assert caught.value.errors[0]["loc"] == loc
        assert snapshot_of(worker) == before

    def test_a_bad_week_or_template_id_is_invalid(
        self, worker: WorkerPlanner, template: WeekPlanTemplate
    ) -> None:
        with pytest.raises(InvalidInput) as caught:
            worker.create_instances("", ["client-1"], "2026-11-24")
        assert [e["loc"] for e in caught.value.errors] == [["template_id"], ["week_start_date"]]

    def test_no_clients_create_nothing_but_a_missing_template_is_still_not_found(
        self, worker: WorkerPlanner, template: WeekPlanTemplate
    ) -> None:
        result = worker.create_instances(template.id, [], MONDAY)
        assert result.created == ()
        assert result.ok
        with pytest.raises(TemplateNotFound):
            worker.create_instances("missing", [], MONDAY)


class BulkInstanceDishConformance(ConformanceBase):
    """``create_instances`` on a store with the dish catalog: the history counts each week."""

    def test_planning_history_counts_each_created_week(self, worker: WorkerPlanner) -> None:
        worker.upsert_dish("oats", name="Oats", meal_types=["breakfast"])
        template = worker.create_template(
            "Oats", [PlanEntry(day, "breakfast", dish_template_id="oats") for day in ("mon", "tue")]
        )
        worker.create_instance(template.id, "client-0", MONDAY)
        result = worker.create_instances(template.id, ["client-0", "client-1", "client-2"], MONDAY)
        assert len(result.created) == 2
        [suggestion] = worker.suggest_dishes("breakfast")
        # The template's two entries, client-0's two, and two for each created week.
        assert suggestion.history_count == 2 + 2 + 2 * 2


class BulkInstanceDietConformance(ConformanceBase):
    """``create_instances`` on a store with dishes and diets: each client's own diet."""

    def test_each_client_is_checked_against_its_own_diet(self, worker: WorkerPlanner) -> None:
        worker.upsert_dish("pap", name="Pap", ingredients=["halfvolle melk", "havermout"])
        template = worker.create_template(
            "Breakfasts", [PlanEntry("mon", "breakfast", dish_template_id="pap")]
        )
        hard = worker.save_ruleset(_blocking("melk", "hard"))
        soft = worker.save_ruleset(_blocking("melk", "soft"))
        unrelated = worker.save_ruleset(_blocking("noten", "hard"))
        for client, diet in (("strict-1", hard), ("strict-2", hard), ("warned", soft)):
            worker.assign_ruleset(client, diet.content_hash)
        worker.assign_ruleset("nuts", unrelated.content_hash)
        clients = ["free", "strict-1", "warned", "nuts", "strict-2"]
        result = worker.create_instances(template.id, clients, MONDAY)
        assert [week.client_ref for week in result.created] == ["free", "warned", "nuts"]
        assert list(result.errors) == ["strict-1", "strict-2"]
        for client in ("strict-1", "strict-2"):
            error = result.errors[client]
            assert isinstance(error, GuardrailsViolation)
            assert error.decision.applied_rule_ids == ("no-melk",)
            with pytest.raises(InstanceNotFound):
                worker.get_instance(client, MONDAY)
        by_client = {week.client_ref: week for week in result.created}
        assert by_client["free"].guardrails is None
        warned = by_client["warned"].guardrails
        assert warned is not None
        assert warned.content_hash == soft.content_hash
        assert warned.outcome.value == "warned"
        nuts = by_client["nuts"].guardrails
        assert nuts is not None
        assert nuts.content_hash == unrelated.content_hash
        # The same answers as one create_instance per client.
        with pytest.raises(GuardrailsViolation):
            worker.create_instance(template.id, "strict-1", MONDAY)
        assert worker.get_instance("warned", MONDAY) == by_client["warned"]
