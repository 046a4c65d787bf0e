"""Every install line of the README and docs works from a clone and names its published form."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
# `pip install X` in a shell block, or in backticks in prose.
INSTALL = re.compile(r"pip install ['\"]?(\.(?:\[[^\]]*\])?|[\w-]+(?:\[[^\]]*\])?)")
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
EXTRAS = set(PROJECT["optional-dependencies"])


def install_lines() -> list[tuple[str, int, str]]:
    found = []
    for page in PAGES:
        if "_build" in page.parts:
            continue
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if "pip install" in line:
                found.append((str(page.relative_to(ROOT)), number, line))
    return found


LINES = install_lines()


def test_the_docs_have_install_lines_to_check() -> None:
    assert len(LINES) >= 5


@pytest.mark.parametrize(("page", "number", "line"), LINES, ids=[f"{p}:{n}" for p, n, _ in LINES])
def test_an_install_line_installs_from_the_clone_and_names_the_published_form(
    page: str, number: int, line: str
) -> None:
    targets = INSTALL.findall(line)
    local = [t for t in targets if t == "." or t.startswith(".[")]
    published = [t for t in targets if t.startswith("weekplan")]
    tools = [t for t in targets if t not in local and t not in published]
    assert tools or local, f"{page}:{number} installs weekplan only in its published form"
    if local:
        assert published, f"{page}:{number} does not say the published form beside it"
    for target in local + published:
        extras = re.findall(r"\[(.*)\]", target)
        named = {e.strip() for e in extras[0].split(",")} if extras else set()
        assert named <= EXTRAS, f"{page}:{number} names an unknown extra: {named - EXTRAS}"
    assert sorted(t.removeprefix(".") for t in local) == sorted(
        t.removeprefix("weekplan") for t in published
    ), f"{page}:{number}: the clone and the published form install different extras"
