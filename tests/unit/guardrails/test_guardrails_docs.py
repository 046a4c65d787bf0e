"""The worked example in docs/guardrails.md runs and prints what the page says."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

DOC = Path(__file__).parents[3] / "docs" / "guardrails.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_the_worked_dutch_example_runs_and_prints_the_documented_constraints() -> None:
    (code,) = blocks("python")
    (expected,) = blocks("text")
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, str(DOC), "exec"), {})
    assert output.getvalue() == expected
