"""Conformance: rulesets stored per tenant, and a client's diet enforced on their weeks.

A store takes part through its ``RulesetRepository`` (rulesets by content hash,
clients' assignments) and by keeping an instance's ``guardrails`` check exactly;
the tests observe both through the use cases.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from weekplan.domain._dishes import Dish
from weekplan.domain._entries import PlanEntry
from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.errors import (
    GuardrailsViolation,
    InstanceNotFound,
    InvalidInput,
    ReadOnlyAccess,
    RulesetNotFound,
)
from weekplan.guardrails import (
    DietLogicConstraint,
    DietLogicItem,
    GuardrailsRuleset,
    GuardRule,
    MatchEffect,
    Outcome,
    Provenance,
    Remediation,
    RuleMatch,
    RuleMetadata,
    evaluate,
    plan_targets,
)
from weekplan.guardrails._progress import worsened
from weekplan.planner._planner import Planner
from weekplan.planner._worker import WorkerPlanner
from weekplan.ports import Store
from weekplan.testing import strategies as wps
from weekplan.testing._base import (
    MONDAY,
    ConformanceBase,
    all_pages,
    monday_plus,
    shared_store,
    snapshot_of,
)

__all__ = ["GuardrailsConformance"]

CLIENT = "client-42"

_DISHES = (
    # id, name, ingredients, steps, tags
    ("pap", "Pap", ("halfvolle melk", "havermout"), (), ()),
    ("haver", "Haverpap", ("havermelk", "havermout"), (), ("ontbijt",)),
    ("zoet", "Zoete yoghurt", ("sojayoghurt", "honing"), (), ("suiker",)),
    ("friet", "Friet", ("aardappel",), ("Frituur de aardappels.",), ()),
    ("rijst", "Rijst", ("rijst",), ("Kook de rijst.",), ()),
)


def _rule(rule_id: str, strictness: str, target: str, term: str, priority: int = 1) -> GuardRule:
    return GuardRule(rule_id, "block", strictness, priority, target, RuleMatch(term))


def _diet(version: int = 1) -> GuardrailsRuleset:
    """Cow's milk free: no milk (hard), no deep frying (hard step), sugar warns (soft tag)."""
    return GuardrailsRuleset(
        "koemelkvrij",
        version=version,
        rules=[
            _rule("geen-melk", "hard", "ingredient", "melk"),
            _rule("niet-frituren", "hard", "step", "frituur"),
            _rule("minder-suiker", "soft", "metadata", "suiker", priority=5),
        ],
    )


def _rich_ruleset() -> GuardrailsRuleset:
    """A ruleset using every part of the model, to prove a store keeps all of it."""
    rule = GuardRule(
        "geen-room",
        "block",
        "hard",
        3,
        "ingredient",
        RuleMatch("room", synonyms=["slagroom", "crème fraîche"], compounds=True),
        RuleMetadata(rule_code="no_cream", label="Geen room", category="zuivel"),
        Remediation(substitutes=["kokosroom", "haverroom"], note="Plantaardig"),
    )
    allow = GuardRule(
        "kokos", "allow", "hard", 2, "ingredient", RuleMatch("kokosroom", mode="exact")
    )
    canonical = GuardRule(
        "geen-kaas",
        "block",
        "soft",
        65500,
        "ingredient",
        RuleMatch("kaas", canonical_id="ing:cheese", mode="canonical_id"),
    )
    groente = DietLogicConstraint(
        "groente",
        "force",
        "groente",
        [
            DietLogicItem("carrot", "wortel", synonyms=["peen"]),
            DietLogicItem("spinach", "spinazie"),
        ],
        strictness="soft",
        priority=10,
        min_per_day=1,
        min_per_week=5,
        label="Groente elke dag",
    )
    suiker = DietLogicConstraint(
        "suiker", "limit", "suiker", [DietLogicItem("sugar", "suiker")], max_per_week=2
    )
    return GuardrailsRuleset(
        "rijk",
        version=7,
        rules=[rule, allow, canonical],
        diet_logic=[groente, suiker],
        provenance=Provenance(source="seed", reference="diet_categories#12"),
    )


class GuardrailsConformance(ConformanceBase):
    @pytest.fixture
    def dishes(self, worker: WorkerPlanner) -> dict[str, Dish]:
        return {
            dish_id: worker.upsert_dish(
                dish_id, name=name, ingredients=ingredients, steps=steps, tags=tags
            )
            for dish_id, name, ingredients, steps, tags in _DISHES
        }

    @pytest.fixture
    def diet(self, worker: WorkerPlanner) -> GuardrailsRuleset:
        return worker.save_ruleset(_diet())

    @pytest.fixture
    def diet_week(
        self, worker: WorkerPlanner, dishes: dict[str, Dish], diet: GuardrailsRuleset
    ) -> WeekPlanInstance:
        """A week of a client on the diet, with a clean breakfast and an empty lunch."""
        template = worker.create_template(
            "Koemelkvrij",
            [PlanEntry("mon", "ontbijt", "haver"), PlanEntry("tue", "lunch", "rijst")],
        )
        worker.assign_ruleset(CLIENT, diet.content_hash)
        return worker.create_instance(template.id, CLIENT, MONDAY)

    # -- storing rulesets -----------------------------------------------------------

    def test_a_saved_ruleset_round_trips_whole_and_is_found_by_its_hash(
        self, worker: WorkerPlanner
    ) -> None:
        rich = _rich_ruleset()
        saved = worker.save_ruleset(rich)
        assert saved == rich
        assert saved.content_hash == rich.content_hash
        found = worker.get_ruleset(rich.content_hash)
        assert found == rich
        assert found.content_hash == rich.content_hash
        assert worker.list_rulesets().items == (rich,)

    def test_a_ruleset_given_as_a_dict_is_parsed(self, worker: WorkerPlanner) -> None:
        saved = worker.save_ruleset(
            {
                "diet_id": "vegan",
                "version": 2,
                "rules": [
                    {
                        "id": "geen-ei",
                        "action": "block",
                        "strictness": "hard",
                        "priority": 1,
                        "target": "ingredient",
                        "match": {"term": "ei", "synonyms": ["eieren"]},
                    }
                ],
            }
        )
        assert (saved.diet_id, saved.version, saved.rules[0].id) == ("vegan", 2, "geen-ei")
        assert worker.get_ruleset(saved.content_hash) == saved

    def test_a_malformed_ruleset_is_invalid_input_naming_the_field(
        self, worker: WorkerPlanner
    ) -> None:
        with pytest.raises(InvalidInput) as caught:
            worker.save_ruleset({"diet_id": "vegan", "rules": [{"id": "r", "action": "deny"}]})
        assert ["ruleset", "rules", 0, "action"] in [e["loc"] for e in caught.value.errors]
        with pytest.raises(InvalidInput) as caught:
            worker.save_ruleset("vegan")  # type: ignore[arg-type]
        assert caught.value.errors[0]["loc"] == ["ruleset"]
        assert worker.list_rulesets().items == ()

    def test_saving_the_same_rules_again_keeps_the_ruleset_stored_first(
        self, worker: WorkerPlanner
    ) -> None:
        first = worker.save_ruleset(_diet(version=1))
        again = worker.save_ruleset(_diet(version=2))
        assert again == first
        assert again.version == 1
        assert worker.list_rulesets().items == (first,)

    def test_rulesets_list_by_diet_then_version_with_a_cursor(self, worker: WorkerPlanner) -> None:
        saved = [
            worker.save_ruleset(
                GuardrailsRuleset(
                    diet, version=version, rules=[_rule(f"r{version}", "hard", "ingredient", term)]
                )
            )
            for diet, version, term in [
                ("vegan", 2, "ei"),
                ("koemelkvrij", 3, "room"),
                ("vegan", 1, "vlees"),
                ("koemelkvrij", 1, "melk"),
                ("koemelkvrij", 2, "kaas"),
            ]
        ]
        listed = all_pages(lambda cursor: worker.list_rulesets(limit=2, cursor=cursor))
        assert [(r.diet_id, r.version) for r in listed] == [
            ("koemelkvrij", 1),
            ("koemelkvrij", 2),
            ("koemelkvrij", 3),
            ("vegan", 1),
            ("vegan", 2),
        ]
        assert sorted(r.content_hash for r in listed) == sorted(r.content_hash for r in saved)
        vegan = worker.list_rulesets(diet_id="vegan").items
        assert [r.version for r in vegan] == [1, 2]
        with pytest.raises(InvalidInput):
            worker.list_rulesets(cursor="not a cursor")

    def test_another_tenants_ruleset_is_not_found(
        self, planner: Planner, worker: WorkerPlanner, other_tenant: str
    ) -> None:
        mine = worker.save_ruleset(_diet())
        other = planner.worker(other_tenant)
        with pytest.raises(RulesetNotFound) as caught:
            other.get_ruleset(mine.content_hash)
        assert caught.value.status_code == 404
        assert caught.value.to_dict() == {"detail": "guardrails_ruleset_not_found"}
        assert other.list_rulesets().items == ()
        with pytest.raises(RulesetNotFound):
            other.assign_ruleset(CLIENT, mine.content_hash)
        assert other.get_client_ruleset(CLIENT) is None
        theirs = other.save_ruleset(_diet(version=9))
        assert theirs.version == 9  # the same hash, stored apart for each tenant
        assert worker.get_ruleset(mine.content_hash).version == 1

    def test_an_unknown_hash_is_not_found(self, worker: WorkerPlanner) -> None:
        with pytest.raises(RulesetNotFound):
            worker.get_ruleset("sha256:" + "0" * 64)
        with pytest.raises(InvalidInput):
            worker.get_ruleset("")

    # -- assignment -----------------------------------------------------------------

    def test_a_client_is_put_on_a_ruleset_moved_and_taken_off(
        self, worker: WorkerPlanner, diet: GuardrailsRuleset
    ) -> None:
        assert worker.get_client_ruleset(CLIENT) is None
        assert worker.assign_ruleset(CLIENT, diet.content_hash).ruleset == diet
        assert worker.get_client_ruleset(CLIENT) == diet
        other = worker.save_ruleset(_rich_ruleset())
        assert worker.assign_ruleset(CLIENT, other.content_hash).ruleset == other
        assert worker.get_client_ruleset(CLIENT) == other
        assert worker.get_client_ruleset("client-7") is None
        assert worker.assign_ruleset(CLIENT, None).ruleset is None
        assert worker.get_client_ruleset(CLIENT) is None
        # Taking off twice is harmless.
        assert worker.assign_ruleset(CLIENT, None).ruleset is None

    def test_assigning_an_unknown_ruleset_is_refused_and_keeps_the_old_one(
        self, worker: WorkerPlanner, diet: GuardrailsRuleset
    ) -> None:
        worker.assign_ruleset(CLIENT, diet.content_hash)
        with pytest.raises(RulesetNotFound):
            worker.assign_ruleset(CLIENT, "sha256:" + "f" * 64)
        assert worker.get_client_ruleset(CLIENT) == diet

    def test_read_only_workers_cannot_save_or_assign_rulesets(
        self, planner: Planner, worker: WorkerPlanner, diet: GuardrailsRuleset
    ) -> None:
        viewer = planner.worker(worker.tenant_id, read_only=True)
        with pytest.raises(ReadOnlyAccess):
            viewer.save_ruleset(_rich_ruleset())
        with pytest.raises(ReadOnlyAccess):
            viewer.assign_ruleset(CLIENT, diet.content_hash)
        assert worker.list_rulesets().items == (diet,)
        assert worker.get_client_ruleset(CLIENT) is None
        assert viewer.get_ruleset(diet.content_hash) == diet
        assert viewer.list_rulesets().items == (diet,)

    # -- enforcement ----------------------------------------------------------------

    def test_an_allowed_week_records_the_ruleset_it_passed(
        self, worker: WorkerPlanner, diet: GuardrailsRuleset, diet_week: WeekPlanInstance
    ) -> None:
        check = diet_week.guardrails
        assert check is not None
        assert (check.content_hash, check.diet_id, check.ruleset_version) == (
            diet.content_hash,
            "koemelkvrij",
            1,
        )
        assert check.outcome is Outcome.ALLOWED
        assert check.applied_rule_ids == ()
        assert worker.get_instance(CLIENT, MONDAY) == diet_week

    @pytest.mark.parametrize(
        "change",
        [
            pytest.param(
                lambda w: w.set_slot(CLIENT, MONDAY, "mon", "ontbijt", dish_template_id="pap"),
                id="set_slot",
            ),
            pytest.param(
                lambda w: w.set_slot(CLIENT, MONDAY, "wed", "diner", dish_template_id="friet"),
                id="set_slot-step",
            ),
            pytest.param(
                lambda w: w.update_instance(
                    CLIENT, MONDAY, days=[PlanEntry("mon", "ontbijt", "pap")]
                ),
                id="update_instance",
            ),
            pytest.param(
                lambda w: w.bulk_assign(
                    CLIENT, MONDAY, slot_key="lunch", dish_template_id="pap", days=["tue", "fri"]
                ),
                id="bulk_assign",
            ),
        ],
    )
    def test_a_hard_violation_raises_and_leaves_the_stored_week_unchanged(
        self,
        worker: WorkerPlanner,
        diet: GuardrailsRuleset,
        diet_week: WeekPlanInstance,
        change: Callable[[WorkerPlanner], object],
    ) -> None:
        before = worker.get_instance(CLIENT, MONDAY)
        everything = snapshot_of(worker)
        suggestions = worker.suggest_dishes("lunch", limit=100)
        with pytest.raises(GuardrailsViolation) as caught:
            change(worker)
        error = caught.value
        assert (error.status_code, error.to_dict()["detail"]) == (422, "guardrails_violation")
        assert error.decision.outcome is Outcome.BLOCKED
        assert error.decision.content_hash == diet.content_hash
        assert error.decision.applied_rule_ids[0] in {"geen-melk", "niet-frituren"}
        after = worker.get_instance(CLIENT, MONDAY)
        assert after == before
        assert repr(after) == repr(before)
        assert after.version == diet_week.version
        assert snapshot_of(worker) == everything
        assert worker.suggest_dishes("lunch", limit=100) == suggestions  # history untouched

    def test_a_reset_slot_that_brings_back_a_blocked_dish_is_refused(
        self, worker: WorkerPlanner, dishes: dict[str, Dish], diet: GuardrailsRuleset
    ) -> None:
        template = worker.create_template("Met melk", [PlanEntry("mon", "ontbijt", "pap")])
        worker.create_instance(template.id, CLIENT, MONDAY)
        worker.assign_ruleset(CLIENT, diet.content_hash)
        fixed = worker.set_slot(CLIENT, MONDAY, "mon", "ontbijt", dish_template_id="haver")
        with pytest.raises(GuardrailsViolation):
            worker.reset_slot(CLIENT, MONDAY, "mon", "ontbijt")
        assert worker.get_instance(CLIENT, MONDAY) == fixed

    def test_a_week_cloned_from_a_blocked_template_is_not_created(
        self, worker: WorkerPlanner, dishes: dict[str, Dish], diet: GuardrailsRuleset
    ) -> None:
        template = worker.create_template("Met melk", [PlanEntry("mon", "ontbijt", "pap")])
        worker.assign_ruleset(CLIENT, diet.content_hash)
        everything = snapshot_of(worker)
        with pytest.raises(GuardrailsViolation) as caught:
            worker.create_instance(template.id, CLIENT, MONDAY)
        assert caught.value.decision.applied_rule_ids == ("geen-melk",)
        with pytest.raises(InstanceNotFound):
            worker.get_instance(CLIENT, MONDAY)
        assert snapshot_of(worker) == everything
        assert worker.create_instance(template.id, "client-7", MONDAY).guardrails is None

    def test_a_soft_violation_is_saved_with_its_warning_and_the_ruleset_hash(
        self, worker: WorkerPlanner, diet: GuardrailsRuleset, diet_week: WeekPlanInstance
    ) -> None:
        week = worker.set_slot(CLIENT, MONDAY, "mon", "snack", dish_template_id="zoet")
        assert week.version == diet_week.version + 1
        check = week.guardrails
        assert check is not None
        assert check.outcome is Outcome.WARNED
        assert check.warned
        assert check.content_hash == diet.content_hash
        assert check.applied_rule_ids == ("minder-suiker",)
        assert check.reason_codes == ("blocked_metadata",)
        assert "minder-suiker" in check.summary
        assert worker.get_instance(CLIENT, MONDAY) == week

    def test_check_instance_reproduces_the_decision_a_week_was_saved_with(
        self, planner: Planner, worker: WorkerPlanner, diet_week: WeekPlanInstance
    ) -> None:
        week = worker.set_slot(CLIENT, MONDAY, "mon", "snack", dish_template_id="zoet")
        assert week.guardrails is not None
        worker.assign_ruleset(CLIENT, worker.save_ruleset(_rich_ruleset()).content_hash)
        recorded = worker.get_ruleset(week.guardrails.content_hash)
        viewer = planner.worker(worker.tenant_id, read_only=True)
        decision = viewer.check_instance(CLIENT, MONDAY, ruleset=recorded)
        assert decision.content_hash == week.guardrails.content_hash
        assert decision.outcome is week.guardrails.outcome
        assert decision.applied_rule_ids == week.guardrails.applied_rule_ids
        assert decision.summary == week.guardrails.summary
        today = viewer.check_instance(CLIENT, MONDAY)
        assert today.content_hash == _rich_ruleset().content_hash
        stored = worker.get_instance(CLIENT, MONDAY)
        assert (stored.days, stored.version) == (week.days, week.version)

    def test_check_instance_needs_a_week_and_a_ruleset(
        self, worker: WorkerPlanner, template: WeekPlanTemplate, diet: GuardrailsRuleset
    ) -> None:
        with pytest.raises(InstanceNotFound):
            worker.check_instance(CLIENT, MONDAY, ruleset=diet)
        worker.create_instance(template.id, CLIENT, MONDAY)
        with pytest.raises(RulesetNotFound):
            worker.check_instance(CLIENT, MONDAY)
        assert worker.check_instance(CLIENT, MONDAY, ruleset=diet).outcome is Outcome.ALLOWED
        with pytest.raises(InvalidInput) as caught:
            worker.check_instance(CLIENT, MONDAY, ruleset={"diet_id": ""})
        assert caught.value.errors[0]["loc"][:2] == ["ruleset", "diet_id"]

    def test_assigning_a_ruleset_checks_the_clients_weeks_from_a_week_on(
        self, worker: WorkerPlanner, dishes: dict[str, Dish], diet: GuardrailsRuleset
    ) -> None:
        template = worker.create_template("Met melk", [PlanEntry("mon", "ontbijt", "pap")])
        clean = worker.create_template("Haver", [PlanEntry("mon", "ontbijt", "haver")])
        earlier = worker.create_instance(template.id, CLIENT, MONDAY)
        later = worker.create_instance(template.id, CLIENT, monday_plus(1))
        fine = worker.create_instance(clean.id, CLIENT, monday_plus(2))
        done = worker.assign_ruleset(CLIENT, diet.content_hash, from_week=monday_plus(1))
        assert (done.ruleset, done.weeks_checked) == (diet, 2)
        assert done.weeks_not_compliant == (monday_plus(1),)
        assert worker.get_instance(CLIENT, MONDAY) == earlier  # before from_week: untouched
        stored = worker.get_instance(CLIENT, monday_plus(1))
        assert stored.guardrails is not None
        assert (stored.guardrails.outcome, stored.guardrails.compliant) == (Outcome.BLOCKED, False)
        assert (stored.days, stored.version) == (later.days, later.version)
        checked = worker.get_instance(CLIENT, monday_plus(2))
        assert checked.guardrails is not None
        assert (checked.guardrails.outcome, fine.guardrails) == (Outcome.ALLOWED, None)
        off = worker.assign_ruleset(CLIENT, None, from_week=monday_plus(1))
        assert (off.weeks_checked, off.weeks_not_compliant) == (2, ())
        assert worker.get_instance(CLIENT, monday_plus(1)).guardrails is None

    def test_an_edit_that_keeps_old_violations_is_saved_and_one_that_adds_one_is_refused(
        self, worker: WorkerPlanner, dishes: dict[str, Dish], diet: GuardrailsRuleset
    ) -> None:
        template = worker.create_template("Met melk", [PlanEntry("mon", "ontbijt", "pap")])
        worker.create_instance(template.id, CLIENT, MONDAY)
        worker.assign_ruleset(CLIENT, diet.content_hash, from_week=MONDAY)
        # Never worse: an unrelated edit of a week that is not yet compliant is saved.
        week = worker.set_slot(CLIENT, MONDAY, "mon", "ontbijt", notes="met liefde")
        assert week.guardrails is not None
        assert (week.guardrails.outcome, week.guardrails.applied_rule_ids) == (
            Outcome.BLOCKED,
            ("geen-melk",),
        )
        with pytest.raises(GuardrailsViolation):
            worker.set_slot(CLIENT, MONDAY, "tue", "ontbijt", dish_template_id="pap")
        with pytest.raises(GuardrailsViolation):
            worker.set_slot(CLIENT, MONDAY, "tue", "lunch", notes="een glas melk")
        assert worker.get_instance(CLIENT, MONDAY) == week
        assert [w.week_start_date for w in worker.list_instances(compliant=False).items] == [
            week.week_start_date
        ]
        assert worker.list_instances(compliant=True).items == ()
        fixed = worker.set_slot(CLIENT, MONDAY, "mon", "ontbijt", dish_template_id="haver")
        assert fixed.guardrails is not None
        assert fixed.guardrails.outcome is Outcome.ALLOWED
        assert worker.list_instances(compliant=False).items == ()
        assert worker.list_instances(compliant=True).items == (fixed,)
        with pytest.raises(InvalidInput):
            worker.list_instances(compliant="no")  # type: ignore[arg-type]

    def test_a_weekly_minimum_is_planned_one_dinner_at_a_time(
        self,
        planner: Planner,
        worker: WorkerPlanner,
        template: WeekPlanTemplate,
        dishes: dict[str, Dish],
    ) -> None:
        worker.upsert_dish("zalm", name="Zalm", ingredients=["zalm", "vis"])
        fish = GuardrailsRuleset(
            "visrijk",
            diet_logic=[
                DietLogicConstraint(
                    "vis", "force", "vis", [DietLogicItem("fish", "vis")], min_per_week=2
                )
            ],
        )
        worker.assign_ruleset(CLIENT, worker.save_ruleset(fish).content_hash)
        worker.create_instance(template.id, CLIENT, MONDAY)
        first = worker.set_slot(CLIENT, MONDAY, "mon", "diner", dish_template_id="zalm")
        assert first.guardrails is not None
        assert first.guardrails.outcome is Outcome.BLOCKED  # not yet compliant: one of two
        second = worker.set_slot(CLIENT, MONDAY, "thu", "diner", notes="gebakken vis")
        assert second.guardrails is not None
        assert second.guardrails.outcome is Outcome.ALLOWED
        with pytest.raises(GuardrailsViolation):  # further from the bound again
            worker.set_slot(CLIENT, MONDAY, "thu", "diner", notes=None)
        view = planner.client(worker.tenant_id, CLIENT).weekly_plan(MONDAY)
        assert view.guardrails == second.guardrails

    def test_a_client_taken_off_their_diet_is_no_longer_checked(
        self, worker: WorkerPlanner, diet_week: WeekPlanInstance
    ) -> None:
        worker.assign_ruleset(CLIENT, None)
        week = worker.set_slot(CLIENT, MONDAY, "mon", "ontbijt", dish_template_id="pap")
        assert week.guardrails is None
        assert worker.get_instance(CLIENT, MONDAY) == week

    def test_other_clients_and_templates_are_not_checked(
        self, worker: WorkerPlanner, template: WeekPlanTemplate, diet_week: WeekPlanInstance
    ) -> None:
        other = worker.create_instance(template.id, "client-7", MONDAY)
        week = worker.set_slot("client-7", MONDAY, "mon", "lunch", dish_template_id="pap")
        assert (other.guardrails, week.guardrails) == (None, None)
        updated = worker.update_template(template.id, days=[PlanEntry("mon", "ontbijt", "pap")])
        assert updated.days[0].dish_template_id == "pap"

    def test_a_client_on_a_diet_only_in_another_tenant_is_not_checked(
        self,
        planner: Planner,
        worker: WorkerPlanner,
        diet_week: WeekPlanInstance,
        other_tenant: str,
    ) -> None:
        other = planner.worker(other_tenant)
        other.upsert_dish("pap", name="Pap", ingredients=["melk"])
        template = other.create_template("Met melk", [PlanEntry("mon", "ontbijt", "pap")])
        assert other.create_instance(template.id, CLIENT, MONDAY).guardrails is None

    # -- suggestions ----------------------------------------------------------------

    def test_suggestions_for_a_client_leave_out_the_dishes_their_diet_blocks(
        self, worker: WorkerPlanner, dishes: dict[str, Dish], diet: GuardrailsRuleset
    ) -> None:
        # No dish matches the meal of "extra", so every dish is suggested, by name.
        everyone = {s.dish.id for s in worker.suggest_dishes("extra", limit=100)}
        assert everyone == set(dishes)
        assert {
            s.dish.id for s in worker.suggest_dishes("extra", limit=100, client_ref=CLIENT)
        } == everyone  # no diet yet
        worker.assign_ruleset(CLIENT, diet.content_hash)
        allowed = worker.suggest_dishes("extra", limit=100, client_ref=CLIENT)
        assert {s.dish.id for s in allowed} == {"haver", "zoet", "rijst"}  # soft keeps "zoet"
        assert [s.dish.id for s in allowed] == ["haver", "rijst", "zoet"]  # still by name
        with pytest.raises(InvalidInput):
            worker.suggest_dishes("extra", client_ref="")

    def test_quotas_never_leave_a_suggestion_out(
        self, worker: WorkerPlanner, dishes: dict[str, Dish]
    ) -> None:
        quota = GuardrailsRuleset(
            "groente",
            diet_logic=[
                DietLogicConstraint(
                    "groente", "force", "groente", [DietLogicItem("wortel")], min_per_day=2
                )
            ],
        )
        worker.assign_ruleset(CLIENT, worker.save_ruleset(quota).content_hash)
        suggested = worker.suggest_dishes("extra", limit=100, client_ref=CLIENT)
        assert {s.dish.id for s in suggested} == set(dishes)

    # -- the invariant ----------------------------------------------------------------

    @shared_store
    @given(data=st.data())
    def test_no_accepted_write_ever_adds_a_hard_violation(
        self, store: Store, data: st.DataObject
    ) -> None:
        worker = Planner(store).worker(f"tenant-{uuid.uuid4().hex[:12]}")
        dishes = {
            dish_id: worker.upsert_dish(dish_id, name=dish_id, ingredients=ingredients, tags=tags)
            for dish_id, ingredients, tags in data.draw(_random_dishes, "dishes")
        }
        ruleset = worker.save_ruleset(data.draw(_random_rulesets, "ruleset"))
        dish_choice = st.sampled_from(sorted(dishes)) | st.none()
        template = worker.create_template(
            "Random", data.draw(wps.entry_lists(max_size=6, dishes=dish_choice), "template")
        )
        worker.create_instance(template.id, CLIENT, MONDAY)  # before the diet: anything goes
        worker.assign_ruleset(CLIENT, ruleset.content_hash)

        def never_worse(before: WeekPlanInstance | None, week: WeekPlanInstance) -> None:
            old = None if before is None else evaluate(ruleset, plan_targets(before.days, dishes))
            decision = evaluate(ruleset, plan_targets(week.days, dishes))
            assert worsened(ruleset, old, decision) == (), decision.summary
            hard = [m for m in decision.matches if m.effect is MatchEffect.BLOCK]
            before_hard = (
                [] if old is None else [m for m in old.matches if m.effect is MatchEffect.BLOCK]
            )
            assert len(hard) <= len(before_hard)
            assert week.guardrails is not None
            assert week.guardrails.content_hash == ruleset.content_hash
            assert week.guardrails.outcome is decision.outcome

        for kind, value in data.draw(_random_changes(dish_choice, sorted(dishes)), "changes"):
            week = MONDAY if kind != "create" else monday_plus(value)
            before = _stored(worker, week)
            refused: GuardrailsViolation | None = None
            try:
                saved = _apply(worker, week, kind, value, template.id)
            except GuardrailsViolation as violation:
                refused = violation
            if refused is not None:
                event("a change was refused")
                assert refused.decision.outcome is Outcome.BLOCKED
                assert _stored(worker, week) == before
            else:
                assert _stored(worker, week) == saved
                if saved != before:
                    event(f"a change was saved as {saved.guardrails and saved.guardrails.outcome}")
                    never_worse(before, saved)


_WORDS = ("melk", "kaas", "ei", "suiker", "noten", "rijst", "tomaat", "room")

_random_dishes = st.lists(
    st.tuples(
        st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3, unique=True),
        st.lists(st.sampled_from(_WORDS), max_size=1),
    ),
    min_size=1,
    max_size=5,
).map(lambda drawn: [(f"dish-{i}", *dish) for i, dish in enumerate(drawn)])


def _ruleset_of(
    rules: list[tuple[str, str, str, str]], logic: list[tuple[str, str, str, int]]
) -> GuardrailsRuleset:
    return GuardrailsRuleset(
        "random",
        rules=[
            GuardRule(f"r{i}", action, strictness, 1 + i, target, RuleMatch(term))
            for i, (action, strictness, target, term) in enumerate(rules)
        ],
        diet_logic=[
            DietLogicConstraint(
                f"c{i}",
                kind,
                term,
                [DietLogicItem(term)],
                strictness=strictness,
                **({"max_per_day": bound} if kind == "limit" else {}),
            )
            for i, (kind, strictness, term, bound) in enumerate(logic)
        ],
    )


_random_rulesets = st.builds(
    _ruleset_of,
    st.lists(
        st.tuples(
            st.sampled_from(["block", "block", "allow"]),
            st.sampled_from(["hard", "soft"]),
            st.sampled_from(["ingredient", "metadata"]),
            st.sampled_from(_WORDS),
        ),
        min_size=1,
        max_size=4,
    ),
    st.lists(
        st.tuples(
            st.sampled_from(["drop", "limit", "pass"]),
            st.sampled_from(["hard", "soft"]),
            st.sampled_from(_WORDS),
            st.integers(0, 2),
        ),
        max_size=2,
    ),
)


def _random_changes(
    dish_choice: st.SearchStrategy[str | None], dish_ids: list[str]
) -> st.SearchStrategy[list[tuple[str, Any]]]:
    slots = st.sampled_from(["ontbijt", "lunch", "diner"])
    return st.lists(
        st.one_of(
            st.tuples(st.just("set_slot"), wps.plan_entries(dish_choice)),
            st.tuples(st.just("update"), wps.entry_lists(max_size=6, dishes=dish_choice)),
            st.tuples(
                st.just("bulk"),
                st.tuples(slots, st.sampled_from(dish_ids), st.sampled_from(["week", "mon"])),
            ),
            st.tuples(st.just("reset"), wps.plan_entries()),
            st.tuples(st.just("create"), st.integers(1, 2)),
        ),
        max_size=6,
    )


def _stored(worker: WorkerPlanner, week: Any) -> WeekPlanInstance | None:
    try:
        return worker.get_instance(CLIENT, week)
    except InstanceNotFound:
        return None


def _apply(
    worker: WorkerPlanner, week: Any, kind: str, value: Any, template_id: str
) -> WeekPlanInstance:
    if kind == "set_slot":
        return worker.set_slot(
            CLIENT, week, value.day_key, value.slot_key, dish_template_id=value.dish_template_id
        )
    if kind == "update":
        return worker.update_instance(CLIENT, week, days=value)
    if kind == "bulk":
        slot, dish_id, days = value
        return worker.bulk_assign(CLIENT, week, slot_key=slot, dish_template_id=dish_id, days=days)
    if kind == "reset":
        return worker.reset_slot(CLIENT, week, value.day_key, value.slot_key)
    existing = _stored(worker, week)
    return existing or worker.create_instance(template_id, CLIENT, week)
