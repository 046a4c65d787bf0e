"""pytest set-up for the whole repository: Django, when it is installed, and a
loud summary of every skipped test at the end of the run.

Django must be configured before the models of ``weekplan.contrib.django`` are
imported, and ``--doctest-modules src`` imports every module, so it is set up
here, once, with the test settings (``tests/django_settings.py``). Without Django
the Django app and its tests are not collected at all.
"""

import importlib.util
import os
import sys
from collections import Counter
from collections.abc import Generator
from pathlib import Path

import pytest
from _pytest.terminal import TerminalReporter
from tests.databases import SKIP_PREFIX

ROOT = Path(__file__).resolve().parent

# Scripts, not modules to import: under --doctest-modules (the tests session runs
# the tests and every doctest in one run) importing them would run them.
collect_ignore = ["tests/minimal_install_check.py", "docs/conf.py", "docs/execute_notebooks.py"]

if importlib.util.find_spec("django") is None:
    collect_ignore_glob = ["src/weekplan/contrib/django/*", "tests/contrib_django/*"]
else:
    import django

    sys.path[:0] = [str(ROOT), str(ROOT / "examples")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.django_settings")
    django.setup()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: TerminalReporter) -> Generator[None]:
    """End the run with what was not tested and why, so a green run cannot hide it.

    A database server that is missing skips its tests (``tests/databases.py``);
    this names each reason and how many tests it skipped. It wraps pytest's own
    summary so that it comes after the ``-ra`` list, just above the final counts.
    """
    yield
    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        if isinstance(report.longrepr, tuple):
            reasons[str(report.longrepr[2]).removeprefix("Skipped: ")] += 1
        else:
            reasons[str(report.longrepr)] += 1
    if not reasons:
        return
    total = sum(reasons.values())
    terminalreporter.write_sep(
        "!", f"{total} test{'s' * (total != 1)} NOT run (skipped)", red=True, bold=True
    )
    for reason, count in reasons.most_common():
        terminalreporter.write_line(f"{count:>5} skipped: {reason}", yellow=True, bold=True)
    if any(reason.startswith(SKIP_PREFIX) for reason in reasons):
        terminalreporter.write_line(
            "A database server was not tested. Start it at its default local address, or "
            "point WEEKPLAN_TEST_POSTGRES_URL / WEEKPLAN_TEST_MYSQL_URL at one; "
            "with CI=true a missing database fails the run.",
            red=True,
            bold=True,
        )
