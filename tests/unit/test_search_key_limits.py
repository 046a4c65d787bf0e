"""A name or slot key whose search form would not fit a store's index is refused by the domain.

Unicode normalisation can make a text longer ("\ufb03" is one character and
"ffi" in search form), so the limit on the search form is checked by the domain
itself, and every store refuses the same inputs the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from weekplan import InvalidInput, PlanEntry, Planner, WeekPlanTemplate
from weekplan.adapters.memory import InMemoryStore
from weekplan.domain._dishes import Dish
from weekplan.domain._limits import NAME_KEY_MAX, NAME_MAX, SLOT_KEY_MAX, SLOT_KEY_SEARCH_MAX
from weekplan.domain.text import search_key

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
# One character whose search form is 18 letters long.
WIDE = "\ufdfa"
# A name within NAME_MAX characters whose search form is longer than NAME_KEY_MAX.
LONG_KEY_NAME = WIDE * (NAME_KEY_MAX // 18 + 1)
LONG_KEY_SLOT = WIDE * (SLOT_KEY_SEARCH_MAX // 18 + 1)


def _loc(exc: pytest.ExceptionInfo[InvalidInput]) -> list[Any]:
    return [e["loc"] for e in exc.value.errors]


def test_the_examples_are_short_texts_with_long_search_forms() -> None:
    assert len(LONG_KEY_NAME) <= NAME_MAX
    assert len(search_key(LONG_KEY_NAME)) > NAME_KEY_MAX
    assert len(LONG_KEY_SLOT) <= SLOT_KEY_MAX
    assert len(search_key(LONG_KEY_SLOT)) > SLOT_KEY_SEARCH_MAX


def test_domain_values_refuse_a_name_whose_search_form_is_too_long() -> None:
    with pytest.raises(InvalidInput) as template_error:
        WeekPlanTemplate("t1", "tenant-a", LONG_KEY_NAME, (), 1, NOW, NOW)
    with pytest.raises(InvalidInput) as dish_error:
        Dish("d1", "tenant-a", LONG_KEY_NAME)
    assert _loc(template_error) == _loc(dish_error) == [["name"]]


def test_a_name_whose_search_form_just_fits_is_accepted() -> None:
    name = WIDE * (NAME_KEY_MAX // 18)
    assert len(search_key(name)) <= NAME_KEY_MAX
    assert Dish("d1", "tenant-a", name).name == name


def test_a_slot_key_whose_search_form_is_too_long_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        PlanEntry("mon", LONG_KEY_SLOT)
    assert _loc(error) == [["slot_key"]]


def test_the_use_cases_of_the_in_memory_store_refuse_it_too() -> None:
    worker = Planner(InMemoryStore()).worker("tenant-a")
    with pytest.raises(InvalidInput) as created:
        worker.create_template(LONG_KEY_NAME)
    template = worker.create_template("Short")
    with pytest.raises(InvalidInput) as renamed:
        worker.update_template(template.id, name=LONG_KEY_NAME)
    with pytest.raises(InvalidInput) as dish:
        worker.upsert_dish("d1", name=LONG_KEY_NAME)
    assert _loc(created) == _loc(renamed) == _loc(dish) == [["name"]]
    assert worker.list_templates().items == (template,)
