"""The demo's dish catalog, in English and Dutch.

>>> from weekplan import Planner
>>> from weekplan.adapters.memory import InMemoryStore
>>> worker = Planner(InMemoryStore()).worker("tenant-a")
>>> len(seed_dish_catalog(worker)), worker.get_dish("kwark-fruit").ingredients
(34, ('magere kwark', 'frambozen', 'blauwe bessen'))
"""

from __future__ import annotations

from typing import Final

from weekplan.domain._dishes import Dish
from weekplan.domain._meal_types import MealType
from weekplan.planner._worker import WorkerPlanner

__all__ = ["DEMO_DISHES", "DEMO_INGREDIENTS", "seed_dish_catalog"]

_B, _L, _D, _S = MealType.BREAKFAST, MealType.LUNCH, MealType.DINNER, MealType.SNACK

DEMO_DISHES: Final[tuple[tuple[str, str, tuple[MealType, ...], tuple[str, ...]], ...]] = (
    # (id, name, meal types, tags); some dishes leave meal types empty on purpose,
    # so that their names' hints and the planning history have something to do.
    ("havermout-appel", "Havermout met appel en kaneel", (_B,), ("vegetarisch",)),
    ("overnight-oats", "Overnight oats with berries", (), ("vegetarian", "prep-ahead")),
    ("yoghurt-granola", "Griekse yoghurt met granola", (_B,), ("vegetarisch",)),
    ("spinach-omelette", "Spinach and feta omelette", (), ("high-protein",)),
    ("roerei-toast", "Roerei op volkorentoast", (), ("eiwitrijk",)),
    ("avocado-toast", "Avocado toast with seeds", (), ("vegan",)),
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
    ("kabeljauw-prei", "Kabeljauw met prei", (_D,), ("omega-3",)),
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


DEMO_INGREDIENTS: Final[dict[str, tuple[str, ...]]] = {
    # Enough for the demo's diet to have something to refuse, to let pass and to
    # count: fish twice a week, red meat at most twice.
    "havermout-appel": ("havermout", "water", "appel", "kaneel"),
    "yoghurt-granola": ("griekse yoghurt", "granola", "honing"),
    "kwark-fruit": ("magere kwark", "frambozen", "blauwe bessen"),
    "notenmix": ("amandelen", "walnoten", "cashewnoten"),
    "stir-fry": ("tofu", "paksoi", "paprika", "sojasaus", "rijst"),
    "salmon-greens": ("zalm", "broccoli", "sperziebonen"),
    "kabeljauw-prei": ("kabeljauw", "prei", "aardappel"),
    "stamppot": ("boerenkool", "aardappel", "rookworst"),
    "hutspot": ("aardappel", "wortel", "ui", "draadjesvlees"),
}
"""Ingredients of some demo dishes, by dish id (the others list none)."""


def seed_dish_catalog(worker: WorkerPlanner) -> tuple[Dish, ...]:
    """Put :data:`DEMO_DISHES` in the worker's catalog (again is harmless: nothing changes)."""
    return tuple(
        worker.upsert_dish(
            dish_id,
            name=name,
            meal_types=meal_types,
            tags=tags,
            ingredients=DEMO_INGREDIENTS.get(dish_id, ()),
        )
        for dish_id, name, meal_types, tags in DEMO_DISHES
    )
