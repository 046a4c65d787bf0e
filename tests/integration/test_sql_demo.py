"""The demo runs on a SQLite file by default, and again on the same file."""

from __future__ import annotations

from pathlib import Path

import pytest

from weekplan.__main__ import main


def test_the_demo_keeps_its_data_in_a_sqlite_file_and_can_run_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Store: sqlite:///weekplan-demo.db" in out
    assert out.count("The template is unchanged: yes") == 2
    assert (tmp_path / "weekplan-demo.db").is_file()


def test_the_demo_can_still_run_in_memory(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--db", "memory"]) == 0
    assert "Store: in memory" in capsys.readouterr().out
