"""The demo tells one story on a SQLite file by default, and tells it again the same way."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from weekplan import Planner
from weekplan.__main__ import main
from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.demo import DEMO_TENANT

DEMO_DB = "weekplan-demo.db"


def _row_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _demo(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["demo", *args]) == 0
    return capsys.readouterr().out


def test_the_demo_tells_one_story_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    out = _demo(capsys)
    assert out.startswith(f"Store: sqlite:///{DEMO_DB}\n")
    steps = [
        "1. A catalog of 32 dishes, and the template 'Balanced week' (version 1):",
        "2. client-42's week, cloned from the template;",
        "The template did not change: yes",
        "3. Breakfast suggestions for client-42",
        "4. Bulk assign: 'Havermout met appel en kaneel' for breakfast on every day",
        "5. client-42 goes on the diet 'koemelkvrij'",
        "is refused (422 guardrails_violation):",
        "no-milk matched 'kwark' in fri/tussendoortje",
        "Nothing was saved: the week is still at version 3.",
        "6. What client-42 sees (read-only):",
    ]
    positions = [out.index(step) for step in steps]
    assert positions == sorted(positions)
    # The worker grids and the client's view both name the dishes.
    assert "Tofu stir fry *" in out
    assert out.count("Havermout met appel en kaneel") >= 7
    assert "stir-fry" not in out


def test_the_demo_runs_twice_on_one_file_with_the_same_output_and_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    first = _demo(capsys)
    rows = _row_counts(tmp_path / DEMO_DB)
    second = _demo(capsys)
    assert second == first
    after = _row_counts(tmp_path / DEMO_DB)
    # The change log is append-only: the second run adds its records and removes none.
    assert after.pop("weekplan_changes") > rows.pop("weekplan_changes") > 0
    assert after == rows
    assert rows["weekplan_templates"] == 1
    assert rows["weekplan_instances"] == 1
    assert rows["weekplan_dishes"] == 32


def test_the_demo_clears_the_templates_older_demos_piled_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    store = SqlAlchemyStore(f"sqlite:///{tmp_path / DEMO_DB}")
    store.create_all()
    worker = Planner(store).worker(DEMO_TENANT)
    for name in ("Balanced week", "Balanced week", "Werkweek", "Werkweek"):
        worker.create_template(name)
    store.close()
    _demo(capsys)
    assert _row_counts(tmp_path / DEMO_DB)["weekplan_templates"] == 1


def test_the_demo_can_still_run_in_memory(capsys: pytest.CaptureFixture[str]) -> None:
    out = _demo(capsys, "--db", "memory")
    assert out.startswith("Store: in memory")
    assert "6. What client-42 sees (read-only):" in out


@pytest.mark.parametrize(
    ("blocked", "url", "extra"),
    [
        ("psycopg", "postgresql+psycopg://postgres@127.0.0.1:5432/test", "postgresql"),
        ("pymysql", "mysql+pymysql://root@127.0.0.1:3306/test", "mysql"),
    ],
)
def test_a_missing_driver_is_one_line_naming_the_extra_to_install(
    blocked: str, url: str, extra: str
) -> None:
    script = (
        "import sys\n"
        f"sys.modules[{blocked!r}] = None  # as if the driver were not installed\n"
        "from weekplan.__main__ import main\n"
        f"sys.exit(main(['demo', '--db', {url!r}]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("weekplan: the database driver for ")
    assert f"pip install '.[{extra}]'" in result.stderr
    assert f"pip install 'weekplan[{extra}]'" in result.stderr


def test_a_url_that_is_not_one_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--db", "not a url"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("weekplan: --db 'not a url' is not a database URL")
    assert len(err.strip().splitlines()) == 1
