"""Values a store rebuilds from its own rows equal the ones the checking constructor builds."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from weekplan import PlanEntry, WeekPlanInstance, WeekPlanTemplate
from weekplan.domain.dishes import Dish
from weekplan.domain.meal_types import MealType
from weekplan.domain.trusted import from_trusted_fields
from weekplan.testing import strategies as wps


def _fields(value: Any) -> tuple[Any, ...]:
    return tuple(getattr(value, field.name) for field in attrs.fields(type(value)))


def _rebuilt(value: Any) -> Any:
    return from_trusted_fields(type(value), *_fields(value))


def _same(value: Any) -> None:
    rebuilt = _rebuilt(value)
    assert type(rebuilt) is type(value)
    assert rebuilt == value
    assert hash(rebuilt) == hash(value)
    assert repr(rebuilt) == repr(value)
    # Still frozen, and still an ordinary value for attrs.evolve.
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        rebuilt.id = "changed"
    assert attrs.evolve(rebuilt) == value


dishes = st.builds(
    Dish,
    wps.dish_ids(),
    wps.tenant_ids(),
    wps.names(),
    st.lists(st.sampled_from(list(MealType))),
    st.lists(st.sampled_from(["vegan", "Vegan", "quick", "zoet"]), max_size=4),
    st.lists(wps.names(), max_size=3),
    st.lists(wps.names(), max_size=3),
    version=st.integers(1, 10),
    created_at=st.none() | wps.timestamps(),
    updated_at=st.none() | wps.timestamps(),
)


@given(wps.templates())
def test_a_template_rebuilt_from_its_fields_equals_the_checked_one(
    template: WeekPlanTemplate,
) -> None:
    _same(template)


@given(wps.instances())
def test_an_instance_rebuilt_from_its_fields_equals_the_checked_one(
    instance: WeekPlanInstance,
) -> None:
    _same(instance)


@given(dishes)
def test_a_dish_rebuilt_from_its_fields_equals_the_checked_one(dish: Dish) -> None:
    _same(dish)


@given(wps.plan_entries())
def test_an_entry_rebuilt_from_its_fields_equals_the_checked_one(entry: PlanEntry) -> None:
    rebuilt = _rebuilt(entry)
    assert (rebuilt, hash(rebuilt), rebuilt.key) == (entry, hash(entry), entry.key)


def test_the_wrong_number_of_fields_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="4 fields"):
        from_trusted_fields(PlanEntry, "mon", "lunch")
