"""The examples in docs/guardrails.md run and print what the page says."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

DOC = Path(__file__).parents[3] / "docs" / "guardrails.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def run(code: str) -> str:
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, str(DOC), "exec"), {})
    return output.getvalue()


@pytest.mark.parametrize("index", range(len(blocks("python"))))
def test_every_example_runs_and_prints_what_the_page_says(index: int) -> None:
    assert run(blocks("python")[index]) == blocks("text")[index]


def test_every_example_has_its_output() -> None:
    assert len(blocks("python")) == len(blocks("text")) >= 4
