"""The in-memory store keeps the whole contract."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from weekplan.adapters.memory import InMemoryStore
from weekplan.ports import Store
from weekplan.testing import StoreConformance


@pytest.mark.reference_store
class TestInMemoryStore(StoreConformance):
    def make_store(self) -> Store:
        return InMemoryStore()


TWO_STORES = """
from weekplan.adapters.memory import InMemoryStore
from weekplan.testing import StoreConformance


class TestOneStore(StoreConformance):
    def make_store(self):
        return InMemoryStore()


class TestAnotherStore(StoreConformance):
    def make_store(self):
        return InMemoryStore()
"""


def test_a_host_may_run_the_suite_for_two_stores_in_one_run(tmp_path: Path) -> None:
    # The suite's hypothesis tests are the same functions in every subclass, which
    # hypothesis refuses unless told otherwise; one of them, from both classes, in
    # one pytest run shows it is told. The whole suite already runs above.
    (tmp_path / "test_two_stores.py").write_text(TWO_STORES)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    # A few examples suffice: the refusal comes before the first one.
    (tmp_path / "conftest.py").write_text(
        "from hypothesis import HealthCheck, settings\n"
        "settings.register_profile('few', max_examples=3, deadline=None,"
        " suppress_health_check=[HealthCheck.too_slow])\n"
        "settings.load_profile('few')\n"
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-k",
            "test_no_template_edit_or_delete_changes_an_existing_instance",
            "test_two_stores.py",
        ],
        cwd=tmp_path,
        # Only pytest itself: the plugins installed beside it take seconds to load.
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed" in run.stdout, run.stdout
