"""The examples in docs/guardrails.md run and print what the page says."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

DOC = Path(__file__).parents[3] / "docs" / "guardrails.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def run(code: str) -> str:
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, str(DOC), "exec"), {})
    return output.getvalue()


def test_the_worked_dutch_example_runs_and_prints_the_documented_constraints() -> None:
    assert run(blocks("python")[0]) == blocks("text")[0]


def test_the_enforcement_example_runs_and_prints_what_the_page_says() -> None:
    assert run(blocks("python")[1]) == blocks("text")[1]


def test_every_example_has_its_output() -> None:
    assert len(blocks("python")) == len(blocks("text")) == 2
