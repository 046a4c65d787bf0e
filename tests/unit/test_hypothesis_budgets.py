"""Conformance properties run the profile's examples on the reference store and fewer elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SUITE = """
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test

from weekplan.adapters.memory import InMemoryStore
from weekplan.testing import ConformanceBase

SEEN = {}


class Machine(RuleBasedStateMachine):
    @rule()
    def step(self):
        pass


class Counting(ConformanceBase):
    def make_store(self):
        return InMemoryStore()

    @settings(suppress_health_check=[HealthCheck.differing_executors], database=None)
    @given(st.integers())
    def test_a_property(self, number):
        key = (type(self).__name__, "given")
        SEEN[key] = SEEN.get(key, 0) + 1

    def test_a_state_machine(self):
        SEEN[(type(self).__name__, "machine")] = settings().max_examples
        run_state_machine_as_test(Machine, settings=settings(stateful_step_count=2))


class TestOnADatabase(Counting):
    pass


@pytest.mark.reference_store
class TestTheReference(Counting):
    pass


def test_outside_the_suite():
    SEEN["outside"] = settings().max_examples


def test_zz_the_examples_each_got():
    assert SEEN == {
        ("TestOnADatabase", "given"): {store},
        ("TestOnADatabase", "machine"): {store},
        ("TestTheReference", "given"): {full},
        ("TestTheReference", "machine"): {full},
        "outside": {full},
    }
"""


@pytest.mark.parametrize(("profile", "full", "store"), [("ci", 100, 25), ("dev", 30, 10)])
def test_each_store_but_the_reference_gets_the_store_examples(
    tmp_path: Path, profile: str, full: int, store: int
) -> None:
    (tmp_path / "test_suite.py").write_text(
        SUITE.replace("{full}", str(full)).replace("{store}", str(store))
    )
    (tmp_path / "conftest.py").write_text("from tests.conftest import pytest_runtest_call\n")
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nmarkers =\n    reference_store: the reference\n"
    )
    env = {
        **os.environ,
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "HYPOTHESIS_PROFILE": profile,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    }
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_suite.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "6 passed" in run.stdout, run.stdout
