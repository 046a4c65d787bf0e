"""Conformance: every public call answers any value with a result or a ``WeekPlanError``.

The methods are found by introspection, so a method added to
:class:`~weekplan.WorkerPlanner` or :class:`~weekplan.ClientPlanner` later is
fuzzed without anyone writing a test for it. Each parameter gets either a value
that fits the tenant's data (so calls get past parsing and reach the store) or a
hostile one: lone surrogates, NUL, control and bidi characters, huge and tiny
numbers, NaN and infinities, unicode digits, wrong types, deep nesting, far
dates, bools where integers belong, forged cursors, and plausible structures
(entries, rulesets) carrying hostile values inside.

What must come out is a result or a :class:`~weekplan.WeekPlanError` other than
:class:`~weekplan.errors.StorageError`: a 503 means the store was handed
something the input boundary should have refused.

Values whose own methods raise (an ``__iter__`` or ``__eq__`` that throws) are
left out on purpose: no library can answer those with its own error without
hiding the caller's bug.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import inspect
import json
import math
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.errors import StorageError, WeekPlanError
from weekplan.planner._client import ClientPlanner
from weekplan.planner._planner import Planner
from weekplan.planner._worker import WorkerPlanner
from weekplan.testing._base import MONDAY, ConformanceBase

__all__ = ["HostileInputConformance", "hostile_values", "public_methods"]

#: Examples per method. Every public method is a test of its own, so a store runs
#: ~30 of these; 100 examples each keeps one store to seconds per method on
#: PostgreSQL and MariaDB while each parameter still sees every kind of hostile
#: value many times (the shrinker does the rest when one fails).
_MAX_EXAMPLES = min(settings().max_examples, 100)

_hostile_settings = settings(
    max_examples=_MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.differing_executors,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def public_methods(cls: type) -> list[str]:
    """The names of ``cls``'s public methods, inherited ones included, sorted."""
    return sorted(
        name
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    )


class _Deep(list[Any]):
    """A list nested ``depth`` levels deep, shown by its depth (its repr would recurse)."""

    depth: int = 0

    def __repr__(self) -> str:
        return f"<list nested {self.depth} deep>"


def _deep(depth: int, leaf: Any = "mon") -> _Deep:
    inner: Any = leaf
    for _ in range(depth - 1):
        inner = [inner]
    outer = _Deep([inner])
    outer.depth = depth
    return outer


class _DeepMapping(dict[str, Any]):
    """A dict nested ``depth`` levels deep, shown by its depth."""

    depth: int = 0

    def __repr__(self) -> str:
        return f"<dict nested {self.depth} deep>"


def _deep_mapping(depth: int, key: str) -> _DeepMapping:
    inner: Any = "x"
    for _ in range(depth - 1):
        inner = {key: inner}
    outer = _DeepMapping({key: inner})
    outer.depth = depth
    return outer


def _forged_cursor(parts: list[Any]) -> str:
    # ensure_ascii keeps lone surrogates as \ud800 escapes: they come back on decoding.
    raw = json.dumps(parts, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


_HOSTILE_TEXTS = (
    "",
    " ",
    "\ud800",
    "a\udfffb",
    "\x00",
    "lunch\x00",
    "\x1b[31mred",
    "\u202egnp.exe",
    "\u200f\u200e\u2066x\u2069",
    "\u2028\u2029",
    "\ufeff",
    "\t\n",
    "²",
    "١٢٣",
    "\U0001d7d7\U0001d7d7",  # mathematical bold digits
    "9" * 40,
    "-1",
    "1e400",
    "NaN",
    "0001-01-01",
    "9999-12-27",
    "9999-12-31",
    "2026-11-23T00:00:00",
    "\ufb03" * 300,
    "x" * 5000,
    "mon\ud800",
    "week\x00",
)

_HOSTILE_NUMBERS = (
    0,
    -1,
    2**31 - 1,
    2**31,
    -(2**31) - 1,
    2**53 + 1,
    2**63,
    -(2**63) - 1,
    10**20,
    -(10**20),
    10**400,
    math.nan,
    math.inf,
    -math.inf,
    -0.0,
    5e-324,
    1e308,
    1.5,
    complex(1, 1),
    Decimal("NaN"),
    Decimal("1e999999"),
    Fraction(1, 3),
    True,
    False,
)

_HOSTILE_DATES = (
    date.min,
    date.max,
    date(9999, 12, 27),
    date(9999, 12, 20),
    date(1, 1, 1),
    date(1, 1, 8),
    datetime(2026, 11, 23, tzinfo=UTC),
    datetime.max,
    time(12, 0),
    timedelta(days=7),
)

_OTHER_TYPES: tuple[Any, ...] = (
    None,
    b"mon",
    b"\xff\xfe",
    bytearray(b"lunch"),
    memoryview(b"x"),
    object(),
    type,
    len,
    Ellipsis,
    NotImplemented,
    (),
    [],
    {},
    set(),
    frozenset({"mon"}),
    range(10**5),
    uuid.UUID(int=0),
)


def _hostile_cursors() -> st.SearchStrategy[str]:
    kinds = st.sampled_from(["templates", "instances", "dishes", "rulesets", "x"])
    part = st.one_of(st.sampled_from(_HOSTILE_TEXTS), st.text(max_size=8))
    forged = st.builds(
        lambda kind, parts: _forged_cursor([kind, *parts]),
        kinds,
        st.lists(part, min_size=0, max_size=4),
    )
    return st.one_of(
        forged,
        st.sampled_from(
            [
                "²",
                "\ud800",
                "====",
                "!!",
                "a" * 5000,
                _forged_cursor(["instances", "9999-12-31", "client-42"]),
                _forged_cursor(["instances", "0001-01-01", "client-42"]),
                _forged_cursor(["rulesets", "diet", "²", "h"]),
                _forged_cursor(["rulesets", "diet", "9" * 40, "h"]),
                _forged_cursor(["rulesets", "diet", "2147483648", "h"]),
                _forged_cursor(["templates", "\x00", "\ud800"]),
                _forged_cursor(["dishes", "a\x00", "b"]),
                base64.urlsafe_b64encode(b"[" * 3000).decode(),
            ]
        ),
    )


@functools.cache
def _leaf_values() -> st.SearchStrategy[Any]:
    """Hostile values that are not containers of other hostile values."""
    return st.one_of(
        st.sampled_from(_HOSTILE_TEXTS),
        st.text(st.characters(exclude_categories=()), max_size=12),
        st.sampled_from(_HOSTILE_NUMBERS),
        st.integers(),
        st.floats(),
        st.sampled_from(_HOSTILE_DATES),
        st.dates(),
        st.sampled_from(_OTHER_TYPES),
        _hostile_cursors(),
    )


@functools.cache
def hostile_values() -> st.SearchStrategy[Any]:
    """Any value a caller could pass where weekplan expects something else."""
    leaves = _leaf_values()
    return st.one_of(
        leaves,
        st.lists(leaves, max_size=4),
        st.dictionaries(st.sampled_from(["day_key", "slot_key", "notes", "x"]), leaves, max_size=3),
        st.builds(_deep, st.sampled_from([100, 1_000, 50_000])),
        st.builds(
            _deep_mapping,
            st.sampled_from([1_000, 50_000]),
            st.sampled_from(["day_key", "rules"]),
        ),
    )


#: The first and last Mondays a date can hold.
_FAR_WEEKS = (date(1, 1, 1), date(9999, 12, 27))


@attrs.frozen
class _World:
    """What one tenant holds, so that plausible arguments reach the store."""

    tenant_id: str
    template_id: str
    dish_id: str
    client_ref: str
    week: date
    content_hash: str
    diet_id: str
    plans: tuple[WeekPlanTemplate | WeekPlanInstance, ...]


#: The values most likely to slip past a check, drawn more often than the rest.
_SHARPEST = st.sampled_from(
    [
        "\ud800",
        "lunch\x00",
        "\x00",
        "²",
        2**31,
        -(2**31) - 1,
        10**20,
        -1,
        0,
        True,
        math.nan,
        math.inf,
        date(9999, 12, 27),
        "9999-12-27",
        date(1, 1, 1),
    ]
)


def _maybe(valid: Any) -> st.SearchStrategy[Any]:
    """``valid``, or a hostile value in its place."""
    return st.one_of(st.just(valid), _SHARPEST, hostile_values())


def _ruleset_dicts(hostile: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    maybe = _maybe
    rule = st.fixed_dictionaries(
        {
            "id": maybe("no-milk"),
            "action": maybe("block"),
            "strictness": maybe("hard"),
            "priority": maybe(1),
            "target": maybe("ingredient"),
            "match": st.fixed_dictionaries({"term": maybe("milk")}),
        }
    )
    constraint = st.fixed_dictionaries(
        {
            "id": maybe("dairy"),
            "kind": maybe("limit"),
            "category": maybe("dairy"),
            "items": st.one_of(
                st.just([{"term": "milk"}]),
                st.lists(st.fixed_dictionaries({"term": hostile}), max_size=2),
            ),
            "priority": maybe(5),
            "max_per_week": maybe(3),
        }
    )
    return st.fixed_dictionaries(
        {
            "diet_id": maybe("dairy-free"),
            "version": maybe(1),
            "rules": st.one_of(st.lists(rule, max_size=2), hostile),
        },
        optional={
            "diet_logic": st.lists(constraint, max_size=1),
            "provenance": hostile,
            "heuristics": hostile,
            "content_hash": hostile,
        },
    )


def _plausible(name: str, world: _World) -> st.SearchStrategy[Any]:
    """Values of parameter ``name`` that fit ``world``, sometimes with hostile parts."""
    hostile = hostile_values()
    maybe = _maybe

    entry = st.fixed_dictionaries(
        {"day_key": maybe("mon"), "slot_key": maybe("lunch")},
        optional={"dish_template_id": maybe(world.dish_id), "notes": maybe("soup")},
    )
    entries = st.lists(entry, max_size=3)
    week = st.sampled_from(
        [world.week, world.week.isoformat(), world.week + timedelta(weeks=1), *_FAR_WEEKS]
    )
    by_name: dict[str, st.SearchStrategy[Any]] = {
        "tenant_id": st.just(world.tenant_id),
        "template_id": st.just(world.template_id),
        "dish_id": st.sampled_from([world.dish_id, "new-dish"]),
        "dish_template_id": st.sampled_from([world.dish_id, None]),
        "client_ref": st.sampled_from([world.client_ref, "client-7"]),
        "week_start_date": week,
        "day_key": st.sampled_from(["mon", "sun"]),
        "slot_key": st.sampled_from(["lunch", "ontbijt"]),
        "notes": st.sampled_from(["soup", None]),
        "name": st.just("Week"),
        "expected_version": st.sampled_from([None, 1, 2]),
        "limit": st.sampled_from([1, 2, 50]),
        "cursor": st.one_of(st.none(), _hostile_cursors()),
        "search": st.sampled_from(["we", None]),
        "query": st.sampled_from(["we", None]),
        "days": st.one_of(entries, st.sampled_from(["week", "tue", ["mon", "wed"]])),
        "meal_types": st.one_of(st.just(["lunch"]), st.lists(hostile, max_size=2)),
        "tags": st.one_of(st.just(["quick"]), st.lists(hostile, max_size=2)),
        "ingredients": st.one_of(st.just(["milk"]), st.lists(hostile, max_size=2)),
        "steps": st.one_of(st.just(["cook"]), st.lists(hostile, max_size=2)),
        "content_hash": st.sampled_from([world.content_hash, None]),
        "diet_id": st.sampled_from([world.diet_id, None]),
        "ruleset": _ruleset_dicts(hostile),
        "read_only": st.booleans(),
        "plan": st.sampled_from(world.plans),
        "reason": st.sampled_from(["groceries bought", None]),
        "skip_locked": st.booleans(),
        "actor": st.sampled_from(["user-17", None]),
        "since": st.sampled_from([datetime(2026, 11, 1, tzinfo=UTC), None]),
        "until": st.sampled_from([datetime(2027, 1, 1, tzinfo=UTC), None]),
    }
    # A parameter this suite does not know yet still gets ordinary values.
    generic = st.sampled_from([world.client_ref, world.week, 1, None, "mon"])
    return by_name.get(name, generic)


@functools.cache
def _argument(name: str, world: _World) -> st.SearchStrategy[Any]:
    return st.one_of(_plausible(name, world), _SHARPEST, hostile_values())


@st.composite
def _call(draw: st.DrawFn, function: Callable[..., Any], world: _World) -> tuple[Any, ...]:
    """Positional and keyword arguments for ``function``, each plausible or hostile."""
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    positional = True
    for parameter in list(inspect.signature(function).parameters.values())[1:]:  # not self
        if parameter.default is not inspect.Parameter.empty and draw(st.booleans()):
            positional = False  # the parameters after a left-out one go by name
            continue
        value = draw(_argument(parameter.name, world))
        if positional and parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
            args.append(value)
        else:
            kwargs[parameter.name] = value
    return tuple(args), kwargs


def _answers_properly(call: Callable[[], Any]) -> None:
    try:
        call()
    except StorageError as exc:  # pragma: no cover - the assertion is the report
        raise AssertionError(f"input reached the store and failed there: {exc!r}") from exc
    except WeekPlanError:
        pass


class HostileInputConformance(ConformanceBase):
    """Every public call, any value in any parameter: a result or a ``WeekPlanError``."""

    @pytest.fixture
    def hostile_world(self, planner: Planner, worker: WorkerPlanner) -> _World:
        # A store without dishes or diets gets the same calls, answered with NotSupportedByStore.
        dishes = "dishes" in planner.capabilities
        if dishes:
            worker.upsert_dish("dish-1", name="Pap", meal_types=["breakfast"], ingredients=["milk"])
        template = worker.create_template(
            "Week",
            [
                {
                    "day_key": "mon",
                    "slot_key": "lunch",
                    "dish_template_id": "dish-1" if dishes else None,
                }
            ],
        )
        instance = worker.create_instance(template.id, "client-42", MONDAY)
        content_hash, diet_id = "sha256:" + "ab" * 32, "dairy-free"
        if "rulesets" in planner.capabilities:
            ruleset = worker.save_ruleset(
                {
                    "diet_id": diet_id,
                    "rules": [
                        {
                            "id": "no-milk",
                            "action": "block",
                            "strictness": "soft",
                            "priority": 1,
                            "target": "ingredient",
                            "match": {"term": "milk"},
                        }
                    ],
                }
            )
            worker.assign_ruleset("client-42", ruleset.content_hash)
            content_hash = ruleset.content_hash
        for far_week in _FAR_WEEKS:
            # Where a store takes such a week, every call must be able to read it back.
            with contextlib.suppress(WeekPlanError):
                worker.create_instance(template.id, "client-42", far_week)
        return _World(
            tenant_id=worker.tenant_id,
            template_id=template.id,
            dish_id="dish-1",
            client_ref="client-42",
            week=MONDAY,
            content_hash=content_hash,
            diet_id=diet_id,
            plans=(template, instance),
        )

    @pytest.mark.parametrize("method", public_methods(WorkerPlanner))
    @_hostile_settings
    @given(data=st.data())
    def test_worker_answers_any_input_with_a_result_or_a_weekplan_error(
        self, method: str, worker: WorkerPlanner, hostile_world: _World, data: st.DataObject
    ) -> None:
        function = getattr(WorkerPlanner, method)
        args, kwargs = data.draw(_call(function, hostile_world), label="arguments")
        _answers_properly(lambda: getattr(worker, method)(*args, **kwargs))

    @pytest.mark.parametrize("method", public_methods(ClientPlanner))
    @_hostile_settings
    @given(data=st.data())
    def test_client_answers_any_input_with_a_result_or_a_weekplan_error(
        self, method: str, planner: Planner, hostile_world: _World, data: st.DataObject
    ) -> None:
        client = planner.client(hostile_world.tenant_id, hostile_world.client_ref)
        function = getattr(ClientPlanner, method)
        args, kwargs = data.draw(_call(function, hostile_world), label="arguments")
        _answers_properly(lambda: getattr(client, method)(*args, **kwargs))

    @pytest.mark.parametrize("factory", ["worker", "client"])
    @_hostile_settings
    @given(data=st.data())
    def test_planner_factories_answer_any_input_with_a_session_or_a_weekplan_error(
        self, factory: str, planner: Planner, hostile_world: _World, data: st.DataObject
    ) -> None:
        function = getattr(Planner, factory)
        args, kwargs = data.draw(_call(function, hostile_world), label="arguments")

        def call_and_use() -> None:
            session = getattr(planner, factory)(*args, **kwargs)
            # A session handed out must work: its ids reach the store on first use.
            if isinstance(session, WorkerPlanner):
                session.list_instances(limit=1)
            else:
                session.list_weeks(limit=1)

        _answers_properly(call_and_use)
