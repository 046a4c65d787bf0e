"""A small, realistic dish catalog in English and Dutch, and a demo of what it enables.

>>> from weekplan.adapters.memory import InMemoryStore
>>> from datetime import date
>>> print(run_catalog_demo(InMemoryStore(), today=date(2026, 11, 20)))  # doctest: +ELLIPSIS
1. Catalog seeded with 32 dishes.
2. Suggestions for slot 'Ontbijt' (breakfast):
   Griekse yoghurt met granola    score 3  labelled, hints: yoghurt, granola
...
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from typing import Final

from weekplan.domain.client_view import ClientWeekView
from weekplan.domain.dishes import Dish
from weekplan.domain.meal_types import MealType
from weekplan.errors import InstanceNotFound
from weekplan.planner.planner import Planner
from weekplan.planner.worker import WorkerPlanner
from weekplan.ports import Store

__all__ = ["DEMO_DISHES", "render_client_week", "run_catalog_demo", "seed_dish_catalog"]

_B, _L, _D, _S = MealType.BREAKFAST, MealType.LUNCH, MealType.DINNER, MealType.SNACK

DEMO_DISHES: Final[tuple[tuple[str, str, tuple[MealType, ...], tuple[str, ...]], ...]] = (
    # (id, name, meal types, tags); some dishes leave meal types empty on purpose,
    # so that their names' hints and the planning history have something to do.
    ("havermout-appel", "Havermout met appel en kaneel", (_B,), ("vegetarisch",)),
    ("overnight-oats", "Overnight oats with berries", (), ("vegetarian", "prep-ahead")),
    ("yoghurt-granola", "Griekse yoghurt met granola", (_B,), ("vegetarisch",)),
    ("spinach-omelette", "Spinach and feta omelette", (), ("high-protein",)),
    ("roerei-toast", "Roerei op volkorentoast", (), ("eiwitrijk",)),
    ("kwark-fruit", "Kwark met rood fruit", (_B, _S), ("eiwitrijk",)),
    ("muesli", "Bircher muesli", (), ("vegetarian",)),
    ("protein-pancakes", "Protein pancakes", (_B,), ("high-protein",)),
    ("tomatensoep", "Tomatensoep met balletjes", (_L,), ()),
    ("erwtensoep", "Erwtensoep", (), ("winter",)),
    ("quinoa-salad", "Quinoa salad with roasted vegetables", (_L,), ("vegan",)),
    ("chicken-wrap", "Chicken avocado wrap", (), ()),
    ("broodje-gezond", "Broodje gezond", (_L,), ()),
    ("tosti", "Tosti ham-kaas", (), ()),
    ("lentil-soup", "Red lentil soup", (), ("vegan",)),
    ("uitsmijter", "Uitsmijter", (_L,), ()),
    ("chickpea-curry", "Chickpea and spinach curry", (_D,), ("vegan",)),
    ("salmon-greens", "Baked salmon with greens", (_D,), ("omega-3",)),
    ("stamppot", "Boerenkool stamppot met rookworst", (), ("winter",)),
    ("lasagne", "Vegetable lasagne", (), ("vegetarian",)),
    ("stir-fry", "Tofu stir fry", (_D,), ("vegan",)),
    ("hutspot", "Hutspot met draadjesvlees", (), ("winter",)),
    ("risotto", "Mushroom risotto", (), ("vegetarian",)),
    ("nasi", "Nasi goreng met ei", (_D,), ()),
    ("chili", "Chili sin carne", (), ("vegan",)),
    ("notenmix", "Ongezouten notenmix", (_S,), ("vegan",)),
    ("apple-pb", "Apple with peanut butter", (), ("vegan",)),
    ("rijstwafels", "Rijstwafels met hummus", (), ("vegan",)),
    ("eiwitreep", "Eiwitreep chocolade", (_S,), ("high-protein",)),
    ("banana-smoothie", "Banana spinach smoothie", (), ("vegan",)),
    ("hummus-veg", "Hummus with carrot sticks", (_S,), ("vegan",)),
    ("cottage-cheese", "Cottage cheese with pineapple", (), ("high-protein",)),
)
"""``(id, name, meal_types, tags)`` of the demo catalog."""


def seed_dish_catalog(worker: WorkerPlanner) -> tuple[Dish, ...]:
    """Put :data:`DEMO_DISHES` in the worker's catalog (again is harmless: nothing changes)."""
    return tuple(
        worker.upsert_dish(dish_id, name=name, meal_types=meal_types, tags=tags)
        for dish_id, name, meal_types, tags in DEMO_DISHES
    )


def render_client_week(view: ClientWeekView) -> str:
    """The client's week as text: one line per day, each slot with its dish and notes."""
    lines = [f"Week of {view.week_start_date.isoformat()} for {view.client_ref}:"]
    for day in view.days:
        if not day.slots:
            lines.append(f"  {day.day_key.value} {day.date:%d %b}: (nothing planned)")
            continue
        lines.append(f"  {day.day_key.value} {day.date:%d %b}:")
        for slot in day.slots:
            dish = slot.dish_name or ("(dish removed)" if slot.dish_missing else "-")
            notes = f"  [{slot.notes}]" if slot.notes else ""
            lines.append(f"    {slot.slot_key:<14} {dish}{notes}")
    return "\n".join(lines)


def _next_monday(today: date) -> date:
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


def run_catalog_demo(store: Store, *, today: date | None = None) -> str:
    """Seed the catalog, suggest dishes, bulk-assign one to the week, show the client's view."""
    planner = Planner(store)
    worker = planner.worker("demo-practice")
    week = _next_monday(today or date.today())
    out = [f"1. Catalog seeded with {len(seed_dish_catalog(worker))} dishes."]

    out.append("2. Suggestions for slot 'Ontbijt' (breakfast):")
    for suggestion in worker.suggest_dishes("Ontbijt", limit=4):
        why = ["labelled"] if suggestion.labelled else []
        if suggestion.matched_hints:
            why.append("hints: " + ", ".join(suggestion.matched_hints))
        out.append(f"   {suggestion.dish.name:<30} score {suggestion.score}  {', '.join(why)}")

    template = worker.create_template(
        "Werkweek",
        [
            {"day_key": day, "slot_key": slot, "dish_template_id": dish}
            for day in ("mon", "tue", "wed", "thu", "fri")
            for slot, dish in (("lunch", "broodje-gezond"), ("avondeten", "chickpea-curry"))
        ],
    )
    with contextlib.suppress(InstanceNotFound):
        # The plan demo, or an earlier run on the same database, already has this week.
        worker.delete_instance("client-42", week)
    worker.create_instance(template.id, "client-42", week)
    instance = worker.bulk_assign(
        "client-42", week, slot_key="Ontbijt", dish_template_id="havermout-appel", days="week"
    )
    out.append(
        "3. Bulk-assigned 'Havermout met appel en kaneel' to Ontbijt for the whole week "
        f"(one change, version {instance.version})."
    )
    worker.set_slot("client-42", week, "sat", "snack_1", dish_template_id="notenmix")
    worker.set_slot("client-42", week, "wed", "avondeten", notes="extra groenten")

    after = [s.dish.name for s in worker.suggest_dishes("breakfast", limit=2)]
    out.append(f"4. Breakfast suggestions now start with what is planned most: {after}.")

    view = planner.client("demo-practice", "client-42").weekly_plan(week)
    out += ["5. The client's read-only view:", render_client_week(view)]
    return "\n".join(out)
