"""What every grid shares: its rows in the order of the day, and dish labels.

Worker grids and the client's grid put their rows in the same order as the
client view puts a day's slots (:func:`~weekplan.domain._client_view.slot_order`):
breakfast, morning snack, lunch, afternoon snack, dinner, evening snack, then
slots of no known meal.

>>> from weekplan.domain._meal_types import DEFAULT_VOCABULARY
>>> ordered_slot_keys(["dinner", "Zumba", "lunch", "breakfast"], DEFAULT_VOCABULARY.meal_type)
['breakfast', 'lunch', 'dinner', 'Zumba']
>>> dish_label("oats", {"oats": "Havermout"}), dish_label("oats", None)
('Havermout', 'oats')
>>> dish_label("gone", {})
'gone (not in catalog)'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from weekplan.domain._client_view import slot_order
from weekplan.domain._meal_types import MealType

__all__ = ["dish_label", "ordered_slot_keys"]


def ordered_slot_keys(
    slot_keys: Iterable[str], meal_type: Callable[[str], MealType | None]
) -> list[str]:
    """Each slot key once, in the order of the day; ``meal_type`` reads a key's meal."""
    return sorted(dict.fromkeys(slot_keys), key=lambda key: slot_order(meal_type(key), key))


def dish_label(dish_id: str, dish_names: Mapping[str, str] | None) -> str:
    """The dish's name; its id when no names are given, marked when the catalog lacks it."""
    if dish_names is None:
        return dish_id
    name = dish_names.get(dish_id)
    return f"{dish_id} (not in catalog)" if name is None else name
