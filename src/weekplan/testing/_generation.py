"""Conformance: generation into drafts, regeneration of days, locks, runs and quotas.

Needs the ``generate`` extra (OR-Tools) and a store with drafts and runs;
otherwise the tests are skipped with the reason.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest

from weekplan.domain._entries import PlanEntry
from weekplan.errors import (
    DraftNotFound,
    GenerationInfeasible,
    GenerationQuotaExceeded,
    InstanceNotFound,
    ReadOnlyAccess,
    TemplateNotFound,
)
from weekplan.generation._quota import GenerationQuota
from weekplan.guardrails._model import (
    DietLogicConstraint,
    DietLogicItem,
    GuardrailsRuleset,
    GuardRule,
    RuleMatch,
)
from weekplan.planner._planner import Planner
from weekplan.planner._worker import WorkerPlanner
from weekplan.ports import Store, runs_of
from weekplan.testing._base import MONDAY, ConformanceBase, ticking_clock
from weekplan.testing._workflow_base import requires_workflow

__all__ = ["DAYS", "DIET", "GenerationConformance", "stock_dishes"]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DIET = GuardrailsRuleset(
    "koemelkvrij",
    rules=[GuardRule("geen-melk", "block", "hard", 1, "ingredient", RuleMatch("melk"))],
    diet_logic=[
        DietLogicConstraint("vis", "force", "fish", [DietLogicItem("vis")], min_per_week=2),
        DietLogicConstraint("rood", "limit", "red meat", [DietLogicItem("rund")], max_per_week=2),
    ],
)


def stock_dishes(worker: WorkerPlanner) -> None:
    """Ten dinners: two fish, two red meat, one with milk, five others."""
    menu = {
        "zalm": ["vis", "broccoli"],
        "kabeljauw": ["vis", "prei"],
        "stoof": ["rund", "ui"],
        "gehakt": ["rund", "tomaat"],
        "curry": ["kokos", "melk"],
        "linzen": ["linzen", "wortel"],
        "risotto": ["rijst", "paddenstoel"],
        "wok": ["tofu", "paprika"],
        "pasta": ["pasta", "tomaat"],
        "soep": ["pompoen", "ui"],
    }
    for dish_id, ingredients in menu.items():
        worker.upsert_dish(
            dish_id, name=dish_id.title(), meal_types=["dinner"], ingredients=ingredients
        )


class GenerationConformance(ConformanceBase):
    """``generate_draft`` and ``list_runs`` on a store with drafts and runs."""

    #: Clients generating at once in the quota race.
    generation_race_threads = 16

    @pytest.fixture
    def generation_store(self, store: Store) -> Store:
        pytest.importorskip("ortools", reason="generation needs the generate extra")
        requires_workflow(store)
        with store.unit_of_work() as uow:
            if runs_of(uow) is None:
                pytest.skip("this store keeps no generation runs (an optional capability)")
        return store

    def _week(self, store: Store, tenant: str, **options: Any) -> WorkerPlanner:
        worker = Planner(store, clock=ticking_clock(), **options).worker(tenant)
        stock_dishes(worker)
        template = worker.create_template("Dinners", [PlanEntry(day, "dinner") for day in DAYS])
        worker.create_instance(template.id, "client-1", MONDAY)
        saved = worker.save_ruleset(DIET)
        worker.assign_ruleset("client-1", saved.content_hash)
        return worker

    def test_a_generated_week_waits_in_the_draft_until_it_is_applied(
        self, generation_store: Store, tenant: str
    ) -> None:
        worker = self._week(generation_store, tenant)
        result = worker.generate_draft("client-1", MONDAY, seed=3)
        chosen = [entry.dish_template_id for entry in result.draft.days]
        assert None not in chosen
        assert "curry" not in chosen
        assert sum(dish in ("zalm", "kabeljauw") for dish in chosen) >= 2
        assert sum(dish in ("stoof", "gehakt") for dish in chosen) <= 2
        assert len(set(chosen)) == 7
        assert all(entry.reason for entry in result.entries)
        # The client still sees the live week, untouched.
        assert all(e.dish_template_id is None for e in worker.get_instance("client-1", MONDAY).days)
        assert worker.review_draft("client-1", MONDAY).applicable
        live = worker.apply_draft("client-1", MONDAY)
        assert [e.dish_template_id for e in live.days] == chosen
        (run,) = worker.list_runs(client_ref="client-1").items
        assert (run.run_type.value, run.status.value, run.attempts) == ("generate", "succeeded", 1)
        assert (run.seed, run.draft_version, run.generator) == (3, result.draft.version, "cp-sat")
        assert run.ruleset_hash == DIET.content_hash
        assert run == result.run

    def test_the_same_seed_gives_the_same_week(self, generation_store: Store, tenant: str) -> None:
        worker = self._week(generation_store, tenant)
        first = worker.generate_draft("client-1", MONDAY, seed=11).draft.days
        worker.discard_draft("client-1", MONDAY)
        assert worker.generate_draft("client-1", MONDAY, seed=11).draft.days == first

    def test_regenerating_days_replaces_only_their_unlocked_slots(
        self, generation_store: Store, tenant: str
    ) -> None:
        worker = self._week(generation_store, tenant)
        worker.generate_draft("client-1", MONDAY, seed=1)
        before = worker.apply_draft("client-1", MONDAY).days
        worker.lock_slot("client-1", MONDAY, "wed", "dinner", reason="bought")
        kept = {(e.day_key.value, e.slot_key): e.dish_template_id for e in before}
        for seed in range(2, 6):
            result = worker.generate_draft("client-1", MONDAY, days=["wed", "thu"], seed=seed)
            after = {(e.day_key.value, e.slot_key): e.dish_template_id for e in result.draft.days}
            assert after["wed", "dinner"] == kept["wed", "dinner"], "a locked slot is kept"
            for day in ("mon", "tue", "fri", "sat", "sun"):
                assert after[day, "dinner"] == kept[day, "dinner"], "days out of scope are kept"
            assert {e.key[0].value for e in result.entries} == {"thu"}
            assert result.run.run_type.value == "regenerate"
            assert [d.value for d in result.run.days] == ["wed", "thu"]
            worker.discard_draft("client-1", MONDAY)

    def test_an_infeasible_diet_is_named_recorded_and_leaves_no_draft(
        self, generation_store: Store, tenant: str
    ) -> None:
        worker = self._week(generation_store, tenant)
        strict = worker.save_ruleset(
            GuardrailsRuleset(
                "veel-vis",
                diet_logic=[
                    DietLogicConstraint(
                        "vis", "force", "fish", [DietLogicItem("vis")], min_per_week=4
                    )
                ],
            )
        )
        worker.assign_ruleset("client-1", strict.content_hash)
        with pytest.raises(GenerationInfeasible) as caught:
            worker.generate_draft("client-1", MONDAY, seed=1)
        assert any(c.startswith("force vis") for c in caught.value.conflicts)
        with pytest.raises(DraftNotFound):
            worker.get_draft("client-1", MONDAY)
        (run,) = worker.list_runs().items
        assert (run.status.value, run.error_code) == ("infeasible", "generation_infeasible")
        assert run.draft_version is None

    def test_a_week_that_does_not_exist_is_generated_from_a_template_or_not_found(
        self, generation_store: Store, tenant: str
    ) -> None:
        worker = self._week(generation_store, tenant)
        later = MONDAY + timedelta(weeks=1)
        with pytest.raises(InstanceNotFound):
            worker.generate_draft("client-1", later, seed=1)
        with pytest.raises(TemplateNotFound):
            worker.generate_draft("client-1", later, seed=1, template_id="no-such-template")
        assert [i.week_start_date for i in worker.list_instances().items] == [MONDAY]
        (template,) = worker.list_templates().items
        result = worker.generate_draft("client-1", later, seed=1, template_id=template.id)
        # The week is the template's, empty; the generated dishes wait in its draft.
        live = worker.get_instance("client-1", later)
        assert (live.template_id, live.days) == (template.id, template.days)
        assert [e.key for e in result.draft.days] == [e.key for e in template.days]
        assert None not in [e.dish_template_id for e in result.draft.days]
        assert (result.draft.instance_id, result.draft.base_version) == (live.id, live.version)
        # Once the week exists, the template is not used again.
        again = worker.generate_draft("client-1", later, days="mon", seed=2, template_id="gone")
        assert again.draft.version == result.draft.version + 1

    def test_a_failed_generation_of_a_missing_week_creates_no_week(
        self, generation_store: Store, tenant: str
    ) -> None:
        worker = self._week(generation_store, tenant)
        (template,) = worker.list_templates().items
        only_fish = worker.save_ruleset(
            GuardrailsRuleset(
                "veel-vis",
                diet_logic=[
                    DietLogicConstraint(
                        "vis", "force", "fish", [DietLogicItem("vis")], min_per_week=4
                    )
                ],
            )
        )
        worker.assign_ruleset("client-1", only_fish.content_hash)
        later = MONDAY + timedelta(weeks=1)
        with pytest.raises(GenerationInfeasible):
            worker.generate_draft("client-1", later, seed=1, template_id=template.id)
        with pytest.raises(InstanceNotFound):
            worker.get_instance("client-1", later)
        assert [run.status.value for run in worker.list_runs().items] == ["infeasible"]

    def test_over_the_quota_a_generation_is_refused_with_retry_after_and_recorded(
        self, generation_store: Store, tenant: str
    ) -> None:
        quota = GenerationQuota(per_client=2, window=timedelta(hours=1))
        worker = self._week(generation_store, tenant, generation_quota=quota)
        worker.generate_draft("client-1", MONDAY, seed=1)
        worker.generate_draft("client-1", MONDAY, days="tue", seed=2)
        with pytest.raises(GenerationQuotaExceeded) as caught:
            worker.generate_draft("client-1", MONDAY, days="wed", seed=3)
        assert caught.value.status_code == 429
        assert 0 < caught.value.retry_after <= 3600
        statuses = [run.status.value for run in worker.list_runs().items]
        assert statuses == ["quota_exceeded", "succeeded", "succeeded"]

    def test_a_read_only_worker_cannot_generate_but_can_list_runs(
        self, generation_store: Store, tenant: str
    ) -> None:
        self._week(generation_store, tenant)
        viewer = Planner(generation_store).worker(tenant, read_only=True)
        with pytest.raises(ReadOnlyAccess):
            viewer.generate_draft("client-1", MONDAY)
        assert viewer.list_runs().items == ()
        assert not hasattr(Planner(generation_store).client(tenant, "client-1"), "list_runs")

    def test_concurrent_generations_at_the_tenant_quota_let_exactly_the_allowed_number_through(
        self, generation_store: Store, tenant: str
    ) -> None:
        quota = GenerationQuota(per_client=None, per_tenant=5)
        planner = Planner(generation_store, generation_quota=quota)
        worker = planner.worker(tenant)
        stock_dishes(worker)
        template = worker.create_template("Dinners", [PlanEntry(day, "dinner") for day in DAYS[:3]])
        clients = [f"client-{n}" for n in range(self.generation_race_threads)]
        for client in clients:
            worker.create_instance(template.id, client, MONDAY)
        barrier = threading.Barrier(len(clients))
        outcomes: list[str] = []
        lock = threading.Lock()

        def generate(client: str) -> None:
            barrier.wait()
            try:
                planner.worker(tenant).generate_draft(client, MONDAY, seed=1)
                result = "succeeded"
            except GenerationQuotaExceeded:
                result = "quota_exceeded"
            except Exception as exc:  # every outcome is inspected below
                result = repr(exc)
            with lock:
                outcomes.append(result)

        threads = [threading.Thread(target=generate, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["quota_exceeded"] * 11 + ["succeeded"] * 5
        runs = worker.list_runs(limit=100).items
        assert sum(run.status.value == "succeeded" for run in runs) == 5
