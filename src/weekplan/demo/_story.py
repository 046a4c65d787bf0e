"""The quick-start demo: one practice plans one client's week, start to finish.

Run it with ``python -m weekplan demo``. The story, in one tenant of its own:
a dish catalog and a template; the client's week cloned from it and edited;
breakfast suggestions; one dish bulk-assigned to the whole week; a diet that
refuses an edit and says why; a week generated inside the diet into a draft,
reviewed and applied, with its run on record; and the week as the client sees it.

Running it again on the same database tells the same story: the catalog, the
template and the diet are found again rather than added, the client's weeks
are started afresh, and the generation, with a fixed seed, chooses the same
dishes. What grows are the append-only records: the change log, and the run
log by one run.

>>> from datetime import date
>>> from weekplan.adapters.memory import InMemoryStore
>>> print(run_demo(InMemoryStore(), today=date(2026, 11, 25)))  # doctest: +ELLIPSIS
weekplan demo: practice 'demo-practice' plans client-42's week of 2026-11-30.
<BLANKLINE>
1. A catalog of 34 dishes, and the template 'Balanced week' (version 1):
...
5. client-42 goes on the diet 'koemelkvrij' (no cow's milk: melk, kwark, yoghurt; fish
   twice a week; red meat at most twice).
   Setting Friday's tussendoortje to 'Kwark met rood fruit' is refused (422 guardrails_violation):
   blocked: 1 hard and 0 soft violation; no-milk matched 'kwark' in fri/tussendoortje ...
   Nothing was saved: the week is still at version 3.
<BLANKLINE>
6. A week generated for client-42 inside the diet (seed 7), into a draft to review:
...
   Review: ... slots change, the diet passes, applicable: yes.
   Applied: the week is at version 4, and the draft is gone.
...
   The run on record: generate, succeeded after 1 attempt, generator cp-sat ..., seed 7.
<BLANKLINE>
7. What client-42 sees (read-only):
   client-42, week of 2026-11-30
...
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

from weekplan.demo._catalog import seed_dish_catalog
from weekplan.domain._entries import PlanEntry
from weekplan.domain._plans import WeekPlanTemplate
from weekplan.errors import GenerationFailed, GuardrailsViolation
from weekplan.generation._port import PlanGenerator
from weekplan.generation._quota import GenerationQuota
from weekplan.planner._planner import Planner
from weekplan.planner._worker import WorkerPlanner
from weekplan.ports import Store

__all__ = ["DEMO_CLIENT", "DEMO_SEED", "DEMO_TENANT", "install_hint", "run_demo"]

DEMO_TENANT: Final = "demo-practice"
"""The tenant the demo plans in; it touches nothing of any other tenant."""
DEMO_CLIENT: Final = "client-42"
"""The one client whose week the demo plans."""
DEMO_SEED: Final = 7
"""The seed of the demo's generation: the same seed chooses the same dishes on every run."""

_TEMPLATE_NAME = "Balanced week"
# Earlier versions of the demo added these templates on every run; one run of
# this version clears them out of a demo database kept from then.
_LEFT_BEHIND = ("Werkweek",)

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
_DINNERS = ("salmon-greens", "chickpea-curry", "nasi", "kabeljauw-prei", "risotto")
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
    "diet_logic": [
        {
            "id": "fish",
            "kind": "force",
            "category": "fish",
            "items": [{"term": "fish", "term_nl": "vis", "synonyms": ["zalm", "kabeljauw"]}],
            "min_per_week": 2,
        },
        {
            "id": "red-meat",
            "kind": "limit",
            "category": "red meat",
            "items": [
                {
                    "term": "red meat",
                    "term_nl": "rood vlees",
                    "synonyms": ["rookworst", "draadjesvlees", "gehakt"],
                }
            ],
            "max_per_week": 2,
        },
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


def install_hint(extra: str) -> str:
    """How to install ``extra``, from a clone and published, in one phrase."""
    return f"pip install '.[{extra}]' in a clone (published: pip install 'weekplan[{extra}]')"


def _solver_installed() -> bool:
    try:
        import ortools.sat.python.cp_model  # noqa: F401, PLC0415 - the optional extra
    except ImportError:
        return False
    return True


def _start_over(worker: WorkerPlanner) -> None:
    """Take the client off any diet and delete every week of theirs a run before left.

    Earlier weeks would count as the client's recent weeks, which generation
    avoids repeating; without them every run generates the same week.
    """
    worker.assign_ruleset(DEMO_CLIENT, None)
    while weeks := worker.list_instances(client_ref=DEMO_CLIENT, limit=100).items:
        for old in weeks:
            worker.delete_instance(DEMO_CLIENT, old.week_start_date)


def _indent(text: str, prefix: str = "   ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def _generate(worker: WorkerPlanner, week: date) -> list[str]:
    """Step 6: a week generated inside the diet, reviewed, applied, and its run."""
    try:
        generated = worker.generate_draft(DEMO_CLIENT, week, seed=DEMO_SEED)
    except GenerationFailed:
        if _solver_installed():
            raise
        return [
            "6. Generating a week inside the diet needs OR-Tools, the `generate` extra: "
            + install_hint("generate")
            + ".",
            "",
        ]
    names = {dish.id: dish.name for dish in worker.list_dishes(limit=100).items}
    # Two dinners, those that count for the diet's quotas first: their reasons say most.
    dinners = sorted(
        (entry for entry in generated.entries if entry.slot_key == "dinner"),
        key=lambda entry: "counts for" not in entry.reason,
    )
    out = [
        f"6. A week generated for {DEMO_CLIENT} inside the diet (seed {DEMO_SEED}), "
        "into a draft to review:",
        f"   The draft (version {generated.draft.version}) fills {len(generated.entries)} slots; "
        "why, for two of them:",
        *(
            f"   {entry.day_key.value} {entry.slot_key}: {names[entry.dish_id]} - {entry.reason}"
            for entry in dinners[:2]
        ),
    ]
    review = worker.review_draft(DEMO_CLIENT, week)
    diet = "passes" if review.decision is None or review.decision.ok else "blocks it"
    out.append(
        f"   Review: {len(review.diff)} slots change, the diet {diet}, "
        f"applicable: {'yes' if review.applicable else 'no'}."
    )
    applied = worker.apply_draft(
        DEMO_CLIENT, week, expected_version=generated.draft.version, reason="generated week"
    )
    run = worker.list_runs(client_ref=DEMO_CLIENT, limit=1).items[0]
    attempts = f"{run.attempts} attempt{'s' * (run.attempts != 1)}"
    out += [
        f"   Applied: the week is at version {applied.version}, and the draft is gone.",
        _indent(str(worker.grid(applied))),
        f"   The run on record: {run.run_type.value}, {run.status.value} after {attempts}, "
        f"generator {run.generator} {run.generator_version}, seed {run.seed}.",
        "",
    ]
    return out


def run_demo(
    store: Store, *, today: date | None = None, generator: PlanGenerator | None = None
) -> str:
    """Tell the demo's story on ``store``; the printout as text.

    ``generator`` generates the client's week (the CP-SAT solver of the
    ``generate`` extra unless given); without OR-Tools and without a generator
    the story says in one line what to install, and goes on.
    """
    # No quota: the demo may be run as often as anyone likes.
    planner = Planner(store, generator=generator, generation_quota=GenerationQuota(per_client=None))
    worker = planner.worker(DEMO_TENANT, actor="demo")
    week = _next_monday(today or date.today())
    out = [f"weekplan demo: practice {DEMO_TENANT!r} plans {DEMO_CLIENT}'s week of {week}.", ""]

    # A run before this one left the client on the diet and its weeks edited:
    # start the client over, so that every run tells the same story.
    _start_over(worker)

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
        f"5. {DEMO_CLIENT} goes on the diet {diet.diet_id!r} (no cow's milk: melk, kwark, yoghurt;"
        " fish\n   twice a week; red meat at most twice)."
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

    out += _generate(worker, week)

    view = planner.client(DEMO_TENANT, DEMO_CLIENT).weekly_plan(week)
    out += [f"7. What {DEMO_CLIENT} sees (read-only):", _indent(str(view))]
    return "\n".join(out)
