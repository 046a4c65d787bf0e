"""One tenant's data of every kind, written and read through any store.

:func:`write_everything` writes templates, weeks, dishes (and so meal history),
a ruleset and an assignment, change records, a slot lock, a draft, a schedule
and a generation run; :func:`read_everything` reads all of it back as domain
values, for comparing what two stores (or one database before and after a
migration) hold.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from weekplan import Planner
from weekplan.domain._runs import GenerationRun
from weekplan.guardrails import GuardrailsRuleset, GuardRule, RuleMatch
from weekplan.ports import Store

MONDAY = date(2026, 11, 23)
#: Whole seconds: Django alone would write these to SQLite without a fraction.
START = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def ticking_clock() -> Callable[[], datetime]:
    """A clock that starts at :data:`START` and moves one second each time it is read."""
    ticks = itertools.count()
    return lambda: START + timedelta(seconds=next(ticks))


def write_everything(store: Store, tenant_id: str) -> None:
    """Write one tenant's data of every kind through ``store``."""
    worker = Planner(store, clock=ticking_clock()).worker(tenant_id)
    worker.upsert_dish(
        "d-1",
        name="Pasta pesto",
        meal_types=["lunch", "dinner"],
        tags=["vegetarisch"],
        ingredients=["pasta", "basilicum"],
        steps=["Kook de pasta.", "Roer de pesto erdoor."],
    )
    worker.upsert_dish("d-2", name="Érwtensoep", meal_types=["dinner"])
    rule = GuardRule("geen-garnaal", "block", "hard", 1, "ingredient", RuleMatch("garnaal"))
    ruleset = worker.save_ruleset(GuardrailsRuleset("garnaalvrij", version=1, rules=[rule]))
    worker.assign_ruleset("client-1", ruleset.content_hash)
    template = worker.create_template("Week A")
    worker.create_instance(template.id, "client-1", MONDAY)
    worker.create_instance(template.id, "client-2", MONDAY)
    worker.set_slot("client-1", MONDAY, "mon", "lunch", dish_template_id="d-1", notes="extra")
    worker.set_slot("client-1", MONDAY, "tue", "dinner", dish_template_id="d-2")
    worker.lock_slot("client-1", MONDAY, "mon", "lunch", reason="allergie", ingredients=["pasta"])
    worker.start_draft("client-1", MONDAY)
    worker.draft("client-1", MONDAY).set_slot("wed", "dinner", dish_template_id="d-2")
    worker.set_schedule(
        "client-2",
        weekday="fri",
        time="09:30",
        timezone="Europe/Amsterdam",
        source={"template_id": template.id},
    )
    with store.unit_of_work() as uow:
        uow.runs.add(  # type: ignore[attr-defined]
            tenant_id,
            GenerationRun(
                "run-1",
                tenant_id,
                "client-1",
                MONDAY,
                "generate",
                "failed",
                started_at=START + timedelta(minutes=5, microseconds=250),
                attempts=2,
                duration_ms=180,
                generator="cp-sat",
                generator_version="1",
                days=["mon", "tue"],
                ruleset_hash=ruleset.content_hash,
                seed=7,
                error_code="infeasible",
                error_message="Geen oplossing",
            ),
        )
        uow.commit()


def read_everything(store: Store, tenant_id: str) -> dict[str, Any]:
    """Everything :func:`write_everything` wrote, read back through ``store``."""
    worker = Planner(store).worker(tenant_id)
    with store.unit_of_work() as uow:
        history = dict(uow.meal_history.counts(tenant_id))
    return {
        "templates": worker.list_templates().items,
        "instances": worker.list_instances().items,
        "week": worker.get_instance("client-1", MONDAY),
        "weeks of a client": worker.list_instances(client_ref="client-1").items,
        "dishes": worker.list_dishes().items,
        "dish search": worker.list_dishes(search="erwten").items,
        "meal history": history,
        "rulesets": worker.list_rulesets().items,
        "client ruleset": worker.get_client_ruleset("client-1"),
        "changes of a week": worker.list_changes("client-1", MONDAY).items,
        "changes since": worker.list_all_changes(since=START + timedelta(seconds=8)).items,
        "draft": worker.get_draft("client-1", MONDAY),
        "schedule": worker.get_schedule("client-2"),
        "schedules": worker.list_schedules().items,
        "runs": worker.list_runs().items,
    }
