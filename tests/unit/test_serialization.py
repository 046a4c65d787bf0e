"""JSON payloads: round trips, error paths, the schema, and fuzzing with arbitrary JSON."""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weekplan import (
    ClientWeekView,
    Dish,
    DishSuggestion,
    InvalidInput,
    MealType,
    Page,
    PlanEntry,
    SlotOverride,
    WeekPlanInstance,
    WeekPlanTemplate,
)
from weekplan.domain._client_view import ClientSlot, group_days
from weekplan.serialization import (
    BulkAssign,
    DishQuery,
    DishUpsert,
    InstanceCreate,
    InstanceQuery,
    InstanceUpdate,
    RulesetAssign,
    RulesetQuery,
    SlotUpdate,
    SuggestionQuery,
    TemplateCreate,
    TemplateQuery,
    TemplateUpdate,
    WeekQuery,
    from_json,
    from_query,
    json_schema,
    to_json,
)
from weekplan.testing import strategies as wps

#: Fuzz examples per target class: thorough in CI (five times the CI profile of the
#: other properties; the sixteen classes share one parser, so 8,000 inputs in all
#: reach it), quick locally; ``WEEKPLAN_FUZZ_EXAMPLES`` asks for more.
FUZZ_EXAMPLES = int(
    os.environ.get("WEEKPLAN_FUZZ_EXAMPLES") or (500 if os.environ.get("CI") else 100)
)
fuzz_settings = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

PAYLOADS: tuple[type, ...] = (
    TemplateCreate,
    TemplateUpdate,
    InstanceCreate,
    InstanceUpdate,
    SlotUpdate,
    BulkAssign,
    DishUpsert,
    RulesetAssign,
)
QUERIES: tuple[type, ...] = (
    TemplateQuery,
    InstanceQuery,
    WeekQuery,
    DishQuery,
    SuggestionQuery,
    RulesetQuery,
)
WHEN = datetime(2026, 11, 21, 8, 30, 0, 1, tzinfo=UTC)


def _value_strategies() -> dict[str, st.SearchStrategy[Any]]:
    """Every strategy of ``weekplan.testing.strategies`` that makes attrs values.

    Found by introspection, so a strategy added there is round-tripped here too.
    """
    found: dict[str, st.SearchStrategy[Any]] = {}
    for name in wps.__all__:
        factory: Callable[[], st.SearchStrategy[Any]] = getattr(wps, name)
        if any(
            p.default is inspect.Parameter.empty
            for p in inspect.signature(factory).parameters.values()
        ):
            continue
        found[name] = factory()
    return found


VALUE_STRATEGIES = _value_strategies()


def _templates_pages() -> st.SearchStrategy[Page[WeekPlanTemplate]]:
    return st.builds(
        Page[WeekPlanTemplate],
        items=st.lists(wps.templates(), max_size=3).map(tuple),
        next_cursor=st.none() | st.text(max_size=20),
    )


@pytest.mark.parametrize("name", sorted(VALUE_STRATEGIES))
@given(data=st.data())
def test_every_value_the_strategies_make_survives_a_json_round_trip(
    name: str, data: st.DataObject
) -> None:
    value = data.draw(VALUE_STRATEGIES[name])
    for item in value if isinstance(value, tuple) else (value,):
        if not attrs.has(type(item)):
            continue
        encoded = to_json(item)
        assert json.loads(json.dumps(encoded)) == encoded
        assert from_json(type(item), encoded) == item


def _dishes() -> st.SearchStrategy[Dish]:
    return st.builds(
        Dish,
        id=wps.dish_ids(),
        tenant_id=wps.tenant_ids(),
        name=wps.names(),
        meal_types=st.lists(st.sampled_from(MealType), max_size=8),  # within MAX_CHOICES
        tags=st.lists(wps.slot_keys(), max_size=3),
        ingredients=st.lists(wps.names(), max_size=3),
        steps=st.lists(wps.names(), max_size=2),
        version=st.integers(1, 99),
        created_at=st.none() | wps.timestamps(),
        updated_at=st.none() | wps.timestamps(),
    )


def _suggestions() -> st.SearchStrategy[DishSuggestion]:
    return st.builds(
        DishSuggestion,
        dish=_dishes(),
        meal_type=st.none() | st.sampled_from(MealType),
        history_count=st.integers(0, 1000),
        labelled=st.booleans(),
        matched_hints=st.lists(wps.slot_keys(), max_size=2).map(tuple),
        score=st.integers(0, 5000),
    )


def _client_weeks() -> st.SearchStrategy[ClientWeekView]:
    slots = st.builds(
        ClientSlot,
        day_key=wps.day_keys(),
        slot_key=wps.slot_keys(),
        meal_type=st.none() | st.sampled_from(MealType),
        dish_template_id=st.none() | wps.dish_ids(),
        dish=st.none() | _dishes(),
        notes=wps.notes(),
    )
    return st.builds(
        group_days,
        wps.client_refs(),
        wps.week_starts(),
        st.lists(slots, max_size=6),
        version=st.integers(1, 99),
        updated_at=st.none() | wps.timestamps(),
    )


CATALOG_VALUES: dict[type, st.SearchStrategy[Any]] = {
    Dish: _dishes(),
    DishSuggestion: _suggestions(),
    ClientWeekView: _client_weeks(),
}


@pytest.mark.parametrize("cls", list(CATALOG_VALUES), ids=lambda c: c.__name__)
@given(data=st.data())
def test_dishes_suggestions_and_client_weeks_round_trip(cls: type, data: st.DataObject) -> None:
    value = data.draw(CATALOG_VALUES[cls])
    assert from_json(cls, to_json(value)) == value
    jsonschema.Draft202012Validator(
        json_schema(cls), format_checker=jsonschema.FormatChecker()
    ).validate(to_json(value))


@given(wps.instances())
def test_an_instance_and_its_overrides_round_trip(instance: WeekPlanInstance) -> None:
    assert from_json(WeekPlanInstance, to_json(instance)) == instance
    for override in instance.overrides():
        assert from_json(SlotOverride, to_json(override)) == override


@given(_templates_pages())
def test_a_page_round_trips_given_its_item_type(page: Page[WeekPlanTemplate]) -> None:
    assert from_json(Page[WeekPlanTemplate], to_json(page)) == page


def test_the_json_form_uses_the_seed_field_names_iso_dates_and_utc_datetimes() -> None:
    instance = WeekPlanInstance(
        id="i-1",
        tenant_id="tenant-a",
        template_id="t-1",
        client_ref="client-42",
        week_start_date=date(2026, 11, 23),
        days=(PlanEntry("tue", "lunch", dish_template_id="dish-1", notes="soup"),),
        template_snapshot=(),
        version=3,
        created_at=WHEN,
        updated_at=WHEN.astimezone(timezone(timedelta(hours=2))),
    )
    assert to_json(instance) == {
        "id": "i-1",
        "tenant_id": "tenant-a",
        "template_id": "t-1",
        "client_ref": "client-42",
        "week_start_date": "2026-11-23",
        "days": [
            {"day_key": "tue", "slot_key": "lunch", "dish_template_id": "dish-1", "notes": "soup"}
        ],
        "template_snapshot": [],
        "version": 3,
        "created_at": "2026-11-21T08:30:00.000001Z",
        "updated_at": "2026-11-21T08:30:00.000001Z",
        "guardrails": None,
        "locks": [],
    }


def test_datetimes_with_an_offset_are_read_as_the_same_instant_in_utc() -> None:
    data = to_json(
        WeekPlanTemplate(
            id="t", tenant_id="a", name="n", days=(), version=1, created_at=WHEN, updated_at=WHEN
        )
    )
    data["created_at"] = "2026-11-21T10:30:00.000001+02:00"
    parsed = from_json(WeekPlanTemplate, data)
    assert parsed.created_at == WHEN
    assert parsed.created_at.tzinfo is UTC


def _errors(cls: type, data: Any) -> list[dict[str, Any]]:
    with pytest.raises(InvalidInput) as caught:
        from_json(cls, data)
    assert caught.value.status_code == 422
    return caught.value.errors


def test_every_bad_field_is_named_by_its_path() -> None:
    errors = _errors(
        TemplateCreate,
        {
            "name": 7,
            "days": [
                {"day_key": "mon", "slot_key": "lunch"},
                {"day_key": "mon", "slot_key": "dinner"},
                {"day_key": "tue", "slot_key": "lunch"},
                {"day_key": "funday", "slot_key": ["x"], "colour": "red"},
                "not an entry",
            ],
        },
    )
    assert errors == [
        {"loc": ["name"], "msg": "must be a string"},
        {"loc": ["days", 3, "day_key"], "msg": "must be one of mon, tue, wed, thu, fri, sat, sun"},
        {"loc": ["days", 3, "slot_key"], "msg": "must be a string"},
        {"loc": ["days", 3, "colour"], "msg": "unknown field"},
        {"loc": ["days", 4], "msg": "must be an object"},
    ]


def test_the_domain_s_own_errors_keep_their_path_under_where_they_occurred() -> None:
    errors = _errors(
        TemplateCreate,
        {
            "name": "Week",
            "days": [
                {"day_key": "mon", "slot_key": "lunch"},
                {"day_key": "wed", "slot_key": "   "},
                {"day_key": "mon", "slot_key": "lunch", "notes": "x" * 2001},
            ],
        },
    )
    assert errors == [
        {"loc": ["days", 1, "slot_key"], "msg": "must not be empty"},
        {"loc": ["days", 2, "notes"], "msg": "must be at most 2000 characters"},
    ]
    errors = _errors(
        TemplateCreate,
        {"name": "Week", "days": [{"day_key": "mon", "slot_key": "x"}] * 2},
    )
    assert errors == [
        {"loc": ["days", 1, "slot_key"], "msg": "duplicate slot mon/x (also at index 0)"}
    ]


def test_missing_and_unknown_fields_are_reported() -> None:
    assert _errors(InstanceCreate, {"template_id": "t-1", "tenant_id": "other"}) == [
        {"loc": ["client_ref"], "msg": "field required"},
        {"loc": ["week_start_date"], "msg": "field required"},
        {"loc": ["tenant_id"], "msg": "unknown field"},
    ]


@pytest.mark.parametrize(
    ("data", "msg"),
    [
        ("2026-11-23T00:00:00", "must be an ISO date (YYYY-MM-DD)"),
        ("2026-W48-1", "must be an ISO date (YYYY-MM-DD)"),
        ("2026-02-30", "must be an ISO date (YYYY-MM-DD)"),
        (20261123, "must be an ISO date (YYYY-MM-DD)"),
    ],
)
def test_dates_are_strict_iso(data: object, msg: str) -> None:
    body = {"template_id": "t", "client_ref": "c", "week_start_date": data}
    assert _errors(InstanceCreate, body) == [{"loc": ["week_start_date"], "msg": msg}]


@pytest.mark.parametrize("version", [True, 1.0, "1", 0, -3])
def test_versions_are_positive_integers_not_look_alikes(version: object) -> None:
    errors = _errors(InstanceUpdate, {"days": [], "expected_version": version})
    assert [e["loc"] for e in errors] == [["expected_version"]]


def test_a_naive_datetime_is_refused() -> None:
    data = to_json(
        WeekPlanTemplate(
            id="t", tenant_id="a", name="n", days=(), version=1, created_at=WHEN, updated_at=WHEN
        )
    )
    data["updated_at"] = "2026-11-21T08:30:00"
    assert _errors(WeekPlanTemplate, data) == [
        {"loc": ["updated_at"], "msg": "must be an ISO date and time with a UTC offset"}
    ]


def test_a_lone_surrogate_is_refused_as_text() -> None:
    assert _errors(TemplateCreate, {"name": "week \ud800"}) == [
        {"loc": ["name"], "msg": "must be valid Unicode text (no lone surrogates)"}
    ]


def test_a_payload_that_is_not_an_object_is_one_error_at_the_root() -> None:
    assert _errors(TemplateCreate, ["name", "x"]) == [{"loc": [], "msg": "must be an object"}]
    assert _errors(TemplateCreate, {"name": "x", "days": "mon"}) == [
        {"loc": ["days"], "msg": "must be a list"}
    ]


def test_template_update_leaves_out_what_was_not_given() -> None:
    assert from_json(TemplateUpdate, {"name": " Lean "}).changes() == {
        "name": "Lean",
        "expected_version": None,
    }
    update = from_json(TemplateUpdate, {"days": [], "expected_version": 2})
    assert update.changes() == {"days": (), "expected_version": 2}


def test_bulk_assign_takes_one_day_several_days_or_the_week() -> None:
    body = {"slot_key": "lunch", "dish_template_id": "soup"}
    assert len(from_json(BulkAssign, body).days) == 7
    assert list(from_json(BulkAssign, {**body, "days": "tue"}).days) == ["tue"]
    picked = from_json(BulkAssign, {**body, "days": ["thu", "mon"]})
    assert list(picked.days) == ["mon", "thu"]
    assert _errors(BulkAssign, {**body, "days": ["mon", "someday"]}) == [
        {"loc": ["days", 1], "msg": "must be one of mon, tue, wed, thu, fri, sat, sun"}
    ]
    assert _errors(BulkAssign, {**body, "days": {"mon": True}}) == [
        {"loc": ["days"], "msg": 'must be "week", a day key, or a list of day keys'}
    ]


def test_meal_types_are_read_by_value() -> None:
    assert from_json(DishUpsert, {"name": "Soup", "meal_types": ["lunch"]}).meal_types == (
        MealType.LUNCH,
    )
    assert _errors(DishUpsert, {"name": "Soup", "meal_types": ["brunch"]}) == [
        {"loc": ["meal_types", 0], "msg": "must be one of breakfast, lunch, dinner, snack"}
    ]


def test_queries_take_numbers_as_text_and_ignore_unknown_parameters() -> None:
    assert from_query(TemplateQuery, {"limit": "5", "_": "cache-buster"}) == TemplateQuery(limit=5)
    with pytest.raises(InvalidInput) as caught:
        from_query(TemplateQuery, {"limit": "five"})
    assert caught.value.errors == [{"loc": ["limit"], "msg": "must be an integer"}]
    with pytest.raises(InvalidInput):
        from_query(WeekQuery, {})


SCHEMA_TARGETS: tuple[Any, ...] = (
    *PAYLOADS,
    *QUERIES,
    PlanEntry,
    WeekPlanTemplate,
    WeekPlanInstance,
    SlotOverride,
    Page[WeekPlanTemplate],
    Page[WeekPlanInstance],
    Dish,
    DishSuggestion,
    ClientWeekView,
    Page[Dish],
)


@pytest.mark.parametrize("cls", SCHEMA_TARGETS, ids=str)
def test_every_schema_is_a_valid_draft_2020_12_schema(cls: Any) -> None:
    schema = json_schema(cls)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@given(wps.templates(), wps.instances())
def test_what_to_json_makes_matches_the_schema(
    template: WeekPlanTemplate, instance: WeekPlanInstance
) -> None:
    for cls, value in (
        (WeekPlanTemplate, template),
        (WeekPlanInstance, instance),
        (Page[WeekPlanTemplate], Page((template,), "next")),
    ):
        jsonschema.Draft202012Validator(
            json_schema(cls), format_checker=jsonschema.FormatChecker()
        ).validate(to_json(value))


def test_the_schema_describes_required_fields_and_nested_entries() -> None:
    schema = json_schema(TemplateCreate)
    assert schema["required"] == ["name"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["days"] == {"type": "array", "items": {"$ref": "#/$defs/PlanEntry"}}
    assert schema["$defs"]["PlanEntry"]["properties"]["day_key"] == {
        "enum": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    }


# -- fuzzing ----------------------------------------------------------------------

_HUGE = st.sampled_from(["x" * 1_000_000, " " * 100_000, "\x00" * 1000, "🥗" * 50_000])
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.text(st.characters(codec="utf-8"), max_size=5)
    | st.sampled_from(["mon", "tue", "", "2026-11-23", "2026-11-23T00:00:00Z", "week", "lunch"])
    | _HUGE
)
JSON = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=12), children, max_size=6)
    ),
    max_leaves=60,
)

FUZZ_TARGETS: tuple[Any, ...] = (
    *PAYLOADS,
    PlanEntry,
    WeekPlanTemplate,
    WeekPlanInstance,
    SlotOverride,
    Page[WeekPlanTemplate],
    Dish,
    DishSuggestion,
    ClientWeekView,
)


def _field_names(cls: Any) -> list[str]:
    return [f.name for f in attrs.fields(getattr(cls, "__origin__", cls))]


def _right_keys_wrong_values(cls: Any) -> st.SearchStrategy[dict[str, Any]]:
    names = [*_field_names(cls), "days", "day_key", "slot_key"]
    return st.dictionaries(st.sampled_from(names), JSON, max_size=len(names))


def _nested_entries() -> st.SearchStrategy[Any]:
    entry = st.fixed_dictionaries(
        {},
        optional={
            "day_key": JSON | st.sampled_from(["mon", "sun", "MON", " mon"]),
            "slot_key": JSON,
            "dish_template_id": JSON,
            "notes": JSON,
        },
    )
    return st.fixed_dictionaries(
        {"name": JSON | st.just("Week"), "days": st.lists(entry | JSON, max_size=8) | JSON}
    )


def _mutated_valid_value() -> st.SearchStrategy[Any]:
    def mutate(data: Any, path: list[int], replacement: Any) -> Any:
        if not path or not isinstance(data, dict | list) or not data:
            return replacement
        keys = list(data) if isinstance(data, dict) else list(range(len(data)))
        key = keys[path[0] % len(keys)]
        copy: Any = dict(data) if isinstance(data, dict) else list(data)
        copy[key] = mutate(copy[key], path[1:], replacement)
        return copy

    return st.builds(
        mutate,
        st.one_of(wps.templates(), wps.instances()).map(to_json),
        st.lists(st.integers(0, 50), min_size=1, max_size=4),
        JSON,
    )


FUZZ_INPUTS = JSON | _nested_entries() | _mutated_valid_value()


@pytest.mark.parametrize("cls", FUZZ_TARGETS, ids=str)
@fuzz_settings
@given(data=st.data())
def test_arbitrary_json_never_raises_anything_but_invalid_input(
    cls: Any, data: st.DataObject
) -> None:
    payload = data.draw(FUZZ_INPUTS | _right_keys_wrong_values(cls))
    outcome = _parse(cls, payload)
    if isinstance(outcome, InvalidInput):
        assert outcome.errors, "an InvalidInput must say what is wrong"
        for item in outcome.errors:
            assert isinstance(item["msg"], str)
            assert all(isinstance(part, str | int) for part in item["loc"])
        json.dumps(outcome.to_dict())
    else:
        assert from_json(cls, to_json(outcome)) == outcome


def _parse(cls: Any, payload: Any, parse: Callable[[Any, Any], Any] = from_json) -> Any:
    """The parsed value or the ``InvalidInput``; any other exception fails the test."""
    try:
        return parse(cls, payload)
    except InvalidInput as exc:
        return exc


@pytest.mark.parametrize("cls", QUERIES, ids=str)
@fuzz_settings
@given(args=st.dictionaries(st.text(max_size=20), st.text() | _HUGE, max_size=6))
def test_arbitrary_query_strings_never_raise_anything_but_invalid_input(
    cls: Any, args: dict[str, str]
) -> None:
    outcome = _parse(cls, args, from_query)
    assert not isinstance(outcome, InvalidInput) or outcome.errors


def test_very_deep_nesting_is_invalid_input_not_a_crash() -> None:
    deep: Any = "leaf"
    for _ in range(100_000):
        deep = [deep]
    for cls in FUZZ_TARGETS:
        with pytest.raises(InvalidInput):
            from_json(cls, {"name": "x", "days": deep})
        with pytest.raises(InvalidInput):
            from_json(cls, deep)


def _guardrail_values() -> list[Any]:
    from weekplan.guardrails import (  # noqa: PLC0415  # only this test needs them
        GuardrailsRuleset,
        GuardRule,
        PlanTarget,
        RuleMatch,
        evaluate,
    )

    rule = GuardRule("no-milk", "block", "hard", 1, "ingredient", RuleMatch("milk"))
    ruleset = GuardrailsRuleset("dairy-free", rules=[rule])
    decision = evaluate(ruleset, [PlanTarget("mon", "breakfast", ingredients=["whole milk"])])
    return [rule, ruleset, decision]


@pytest.mark.parametrize("value", _guardrail_values(), ids=lambda v: type(v).__name__)
def test_guardrail_values_round_trip_and_match_their_schema(value: Any) -> None:
    encoded = to_json(value)
    assert from_json(type(value), json.loads(json.dumps(encoded))) == value
    jsonschema.Draft202012Validator(json_schema(type(value))).validate(encoded)
