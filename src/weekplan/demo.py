"""The quick-start demo: one practice plans one client's week, start to finish.

Run it with ``python -m weekplan demo``. The story, in one tenant of its own:
a dish catalog and a template; the client's week cloned from it and edited;
breakfast suggestions; one dish bulk-assigned to the whole week; a diet that
refuses an edit and says why; and the week as the client sees it.

Running it again on the same database tells the same story with the same rows:
the catalog, the template and the diet are found again rather than added, and
the client's week is cloned afresh.

>>> from datetime import date
>>> from weekplan.adapters.memory import InMemoryStore
>>> print(run_demo(InMemoryStore(), today=date(2026, 11, 25)))  # doctest: +ELLIPSIS
weekplan demo: practice 'demo-practice' plans client-42's week of 2026-11-30.
<BLANKLINE>
1. A catalog of 32 dishes, and the template 'Balanced week' (version 1):
...
5. client-42 goes on the diet 'koemelkvrij' (no cow's milk: melk, kwark, yoghurt).
   Setting Friday's tussendoortje to 'Kwark met rood fruit' is refused (422 guardrails_violation):
   blocked: 1 hard and 0 soft violation; no-milk matched 'kwark' in fri/tussendoortje ...
   Nothing was saved: the week is still at version 3.
...
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from typing import Any, Final

from weekplan.demo_catalog import render_client_week, seed_dish_catalog
from weekplan.domain.entries import PlanEntry
from weekplan.domain.plans import WeekPlanTemplate
from weekplan.errors import GuardrailsViolation, InstanceNotFound
from weekplan.planner.planner import Planner
from weekplan.planner.worker import WorkerPlanner
from weekplan.ports import Store

__all__ = ["DEMO_CLIENT", "DEMO_TENANT", "run_demo"]

DEMO_TENANT: Final = "demo-practice"
"""The tenant the demo plans in; it touches nothing of any other tenant."""
DEMO_CLIENT: Final = "client-42"
"""The one client whose week the demo plans."""

_TEMPLATE_NAME = "Balanced week"
# Earlier versions of the demo added these templates on every run; one run of
# this version clears them out of a demo database kept from then.
_LEFT_BEHIND = ("Werkweek",)

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
_DINNERS = ("salmon-greens", "chickpea-curry", "nasi", "lasagne", "risotto")
_TEMPLATE_DAYS: Final = tuple(
    [
        entry
        for day, dinner in zip(_WEEKDAYS, _DINNERS, strict=True)
        for entry in (
            PlanEntry(day, "dinner", dinner),
            PlanEntry(day, "tussendoortje", "notenmix"),
            PlanEntry(day, "lunch", "quinoa-salad" if day in ("tue", "thu") else "broodje-gezond"),
            PlanEntry(day, "breakfast", "yoghurt-granola"),
        )
    ]
    + [
        PlanEntry("sat", "lunch", "spinach-omelette"),
        PlanEntry("sat", "dinner", "stamppot", notes="with extra kale"),
        PlanEntry("sun", "breakfast", "protein-pancakes"),
        PlanEntry("sun", "dinner", "hutspot"),
    ]
)

_DIET: Final[dict[str, Any]] = {
    "diet_id": "koemelkvrij",
    "version": 1,
    "rules": [
        {
            "id": "no-milk",
            "action": "block",
            "strictness": "hard",
            "priority": 10,
            "target": "ingredient",
            "match": {"term": "melk", "synonyms": ["kwark", "yoghurt"]},
        }
    ],
}


def _next_monday(today: date) -> date:
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


def _the_template(worker: WorkerPlanner) -> WeekPlanTemplate:
    """The demo's one template: found again on a later run, never added twice."""
    found: WeekPlanTemplate | None = None
    for name in (_TEMPLATE_NAME, *_LEFT_BEHIND):
        for template in worker.list_templates(search=name, limit=100).items:
            if template.name == _TEMPLATE_NAME and found is None:
                found = template
            elif template.name in (_TEMPLATE_NAME, *_LEFT_BEHIND):
                worker.delete_template(template.id)
    if found is None:
        return worker.create_template(_TEMPLATE_NAME, _TEMPLATE_DAYS)
    # A change to the demo's days updates the template; the same days keep its version.
    return worker.update_template(found.id, days=_TEMPLATE_DAYS)


def _indent(text: str, prefix: str = "   ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def run_demo(store: Store, *, today: date | None = None) -> str:
    """Tell the demo's story on ``store``; the printout as text."""
    planner = Planner(store)
    worker = planner.worker(DEMO_TENANT)
    week = _next_monday(today or date.today())
    out = [f"weekplan demo: practice {DEMO_TENANT!r} plans {DEMO_CLIENT}'s week of {week}.", ""]

    # A run before this one left the client on the diet and its week edited:
    # start the client over, so that every run tells the same story.
    worker.assign_ruleset(DEMO_CLIENT, None)
    with contextlib.suppress(InstanceNotFound):
        worker.delete_instance(DEMO_CLIENT, week)

    dishes = seed_dish_catalog(worker)
    template = _the_template(worker)
    out += [
        f"1. A catalog of {len(dishes)} dishes, and the template {template.name!r} "
        f"(version {template.version}):",
        _indent(str(worker.grid(template))),
        "",
    ]

    worker.create_instance(template.id, DEMO_CLIENT, week)
    instance = worker.set_slot(DEMO_CLIENT, week, "wed", "dinner", dish_template_id="stir-fry")
    template_now = worker.get_template(template.id)
    changed = len(worker.list_overrides(DEMO_CLIENT, week))
    out += [
        f"2. {DEMO_CLIENT}'s week, cloned from the template; "
        "Wednesday's dinner swapped for 'Tofu stir fry':",
        _indent(str(worker.grid(instance))),
        "   The template did not change: "
        + ("yes" if template_now == template else "NO, this is a bug")
        + f" (still version {template_now.version}); the week differs from it in "
        f"{changed} slot{'s' * (changed != 1)}.",
        "",
    ]

    out.append(f"3. Breakfast suggestions for {DEMO_CLIENT} (planned most, labelled, named like):")
    for suggestion in worker.suggest_dishes("breakfast", limit=4, client_ref=DEMO_CLIENT):
        why = [f"planned {suggestion.history_count}x"] if suggestion.history_count else []
        why += ["labelled"] if suggestion.labelled else []
        if suggestion.matched_hints:
            why.append("hints: " + ", ".join(suggestion.matched_hints))
        out.append(f"   {suggestion.dish.name:<30} score {suggestion.score:<3} {', '.join(why)}")
    out.append("")

    instance = worker.bulk_assign(
        DEMO_CLIENT, week, slot_key="breakfast", dish_template_id="havermout-appel", days="week"
    )
    out += [
        "4. Bulk assign: 'Havermout met appel en kaneel' for breakfast on every day, "
        f"in one change (version {instance.version}).",
        "",
    ]

    diet = worker.save_ruleset(_DIET)
    worker.assign_ruleset(DEMO_CLIENT, diet.content_hash)
    out.append(
        f"5. {DEMO_CLIENT} goes on the diet {diet.diet_id!r} (no cow's milk: melk, kwark, yoghurt)."
    )
    try:
        worker.set_slot(DEMO_CLIENT, week, "fri", "tussendoortje", dish_template_id="kwark-fruit")
        out.append("   Setting Friday's tussendoortje to a quark dish was allowed: this is a bug.")
    except GuardrailsViolation as refused:
        out += [
            "   Setting Friday's tussendoortje to 'Kwark met rood fruit' is refused "
            f"({refused.status_code} {refused.detail}):",
            f"   {refused.decision.summary}",
        ]
    version_now = worker.get_instance(DEMO_CLIENT, week).version
    out += [f"   Nothing was saved: the week is still at version {version_now}.", ""]

    view = planner.client(DEMO_TENANT, DEMO_CLIENT).weekly_plan(week)
    out += [f"6. What {DEMO_CLIENT} sees (read-only):", _indent(render_client_week(view))]
    return "\n".join(out)
