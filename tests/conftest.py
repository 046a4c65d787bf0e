"""Test-wide settings: hypothesis profiles, and the examples each store gets.

``dev`` (the default) keeps local runs quick; ``ci`` (chosen when ``CI`` is set,
or by ``HYPOTHESIS_PROFILE=ci``) runs enough examples to mean it: hypothesis's
own default of 100 per property; ``thorough`` (300) is for a run where time
does not count.

The store conformance properties run on ten store configurations. Most of what
they draw (hostile input, edit sequences, diets) is checked by the planner
before any store sees it, the same on every store, so it needs its full budget
once, not ten times: on the reference store (the in-memory one, marked
``reference_store``) and in every test outside the conformance suite, a
property gets the profile's examples; on each other store configuration it
gets :data:`STORE_EXAMPLES` of them, enough to send every kind of drawn value
through that store's reads and writes. Under ``ci`` a store property is so
tried 100 times on the reference store and 25 times on each database store,
300 times per run in all. ``thorough`` gives every store its full 300.
"""

import os
import sys
from collections.abc import Generator
from typing import Any

import pytest
from hypothesis import settings

settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True)
settings.register_profile("thorough", max_examples=300, deadline=None, print_blob=True)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
settings.load_profile(PROFILE)

STORE_EXAMPLES = {"dev": 10, "ci": 25}
"""Examples per property on each store configuration but the reference one, by profile.

A profile not named here runs its own number of examples on every store.
"""
for _name, _examples in STORE_EXAMPLES.items():
    settings.register_profile(f"{_name}-store", settings.get_profile(_name), max_examples=_examples)


def _store_examples(item: pytest.Item) -> int | None:
    """The examples of ``item`` when it is a conformance test on a non-reference store."""
    budget = STORE_EXAMPLES.get(PROFILE)
    cls = getattr(item, "cls", None)
    if budget is None or cls is None or item.get_closest_marker("reference_store"):
        return None
    from weekplan.testing import ConformanceBase  # noqa: PLC0415  # after the profile is loaded

    return budget if issubclass(cls, ConformanceBase) else None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    """Run a conformance property on a non-reference store with the store's examples.

    A ``@given`` test keeps the settings it was decorated with (read when it is
    called); a state machine builds its settings when it runs, from the loaded
    profile. Both are lowered for the one call, then put back.
    """
    budget = _store_examples(item)
    if budget is None:
        return (yield)
    function: Any = getattr(getattr(item, "obj", None), "__func__", None)
    own = getattr(function, "_hypothesis_internal_use_settings", None)
    if own is not None:
        function._hypothesis_internal_use_settings = settings(
            own, max_examples=min(own.max_examples, budget)
        )
    settings.load_profile(f"{PROFILE}-store")
    try:
        return (yield)
    finally:
        settings.load_profile(PROFILE)
        if own is not None:
            function._hypothesis_internal_use_settings = own


def pytest_terminal_summary(terminalreporter: object) -> None:
    """How many requests schemathesis sent to each example app, when it ran."""
    fuzz = sys.modules.get("tests.openapi_fuzz")
    requests = getattr(fuzz, "REQUESTS", None)
    if requests:
        counts = ", ".join(f"{app}: {count}" for app, count in sorted(requests.items()))
        terminalreporter.write_line(f"schemathesis requests: {counts}")  # type: ignore[attr-defined]
