"""Test-wide settings: hypothesis profiles.

``dev`` (the default) keeps local runs quick; ``ci`` (chosen when ``CI`` is set,
or by ``HYPOTHESIS_PROFILE=ci``) runs enough examples to mean it: hypothesis's
own default of 100 per property, on every store configuration (nine of them), so
each store property is tried several hundred times per run in all; ``thorough``
(300) is for a run where time does not count.
"""

import os
import sys

from hypothesis import settings

settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True)
settings.register_profile("thorough", max_examples=300, deadline=None, print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


def pytest_terminal_summary(terminalreporter: object) -> None:
    """How many requests schemathesis sent to each example app, when it ran."""
    fuzz = sys.modules.get("tests.openapi_fuzz")
    requests = getattr(fuzz, "REQUESTS", None)
    if requests:
        counts = ", ".join(f"{app}: {count}" for app, count in sorted(requests.items()))
        terminalreporter.write_line(f"schemathesis requests: {counts}")  # type: ignore[attr-defined]
