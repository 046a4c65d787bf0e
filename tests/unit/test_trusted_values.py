"""Values a store rebuilds from its own rows equal the ones the checking constructor builds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from weekplan import InvalidInput, PlanEntry, WeekPlanInstance, WeekPlanTemplate
from weekplan.domain._dishes import Dish
from weekplan.domain._meal_types import MealType
from weekplan.domain._trusted import evolve_checked, from_trusted_fields
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
    st.lists(st.sampled_from(list(MealType)), max_size=8),  # within MAX_CHOICES
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


def _evolved(value: Any, changes: dict[str, Any], evolve: Any) -> Any:
    try:
        return evolve(value, **changes)
    except InvalidInput as exc:
        return exc.errors


# Each field of an instance with a value the constructor takes or refuses.
_instance_changes = st.fixed_dictionaries(
    {},
    optional={
        "id": st.sampled_from(["week-2", " padded ", "", 7]),
        "client_ref": wps.client_refs() | st.sampled_from(["", "x" * 300]),
        "days": wps.entry_lists()
        | st.lists(wps.plan_entries(), max_size=3)
        | st.sampled_from(["mon", [{"day_key": "xx", "slot_key": "a"}]]),
        "version": st.integers(-1, 3) | st.sampled_from([True, "2"]),
        "updated_at": wps.timestamps() | st.sampled_from([datetime(2026, 1, 1), "now"]),
        "guardrails": st.none() | wps.guardrails_checks() | st.just("ok"),
        "locks": st.just(()) | st.sampled_from(["x", [1]]),
    },
)


@given(wps.instances(), _instance_changes)
def test_evolving_a_checked_instance_checks_what_changes_as_evolve_does(
    instance: WeekPlanInstance, changes: dict[str, Any]
) -> None:
    assert _evolved(instance, changes, evolve_checked) == _evolved(instance, changes, attrs.evolve)


@given(wps.templates(), st.sampled_from([{}, {"name": " Week 2 "}, {"version": 0}, {"name": ""}]))
def test_evolving_a_checked_template_checks_what_changes_as_evolve_does(
    template: WeekPlanTemplate, changes: dict[str, Any]
) -> None:
    assert _evolved(template, changes, evolve_checked) == _evolved(template, changes, attrs.evolve)


def test_evolving_an_unknown_field_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="no field 'colour'"):
        evolve_checked(PlanEntry("mon", "lunch"), colour="red")
