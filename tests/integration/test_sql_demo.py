"""The demo tells one story on a SQLite file by default, and tells it again the same way."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from weekplan import Planner
from weekplan.__main__ import main
from weekplan.adapters.memory import InMemoryStore
from weekplan.adapters.sqlalchemy import SqlAlchemyStore
from weekplan.demo import DEMO_TENANT, run_demo

DEMO_DB = "weekplan-demo.db"


def _row_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _section(out: str, start: str, end: str | None = None) -> str:
    """The printout from the line starting ``start`` up to the one starting ``end``."""
    begin = out.index(start)
    return out[begin : out.index(end, begin) if end else len(out)]


def _grid_rows(section: str) -> dict[str, list[str]]:
    """A printed grid's rows: slot key -> its seven cells, marks stripped."""
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip().removesuffix(" *").strip() for cell in line.split("|")]
        if len(cells) == 8 and cells[0] not in ("slot", ""):
            rows[cells[0]] = cells[1:]
    return rows


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
        "1. A catalog of 34 dishes, and the template 'Balanced week' (version 1):",
        "2. client-42's week, cloned from the template;",
        "The template did not change: yes",
        "3. Breakfast suggestions for client-42",
        "4. Bulk assign: 'Havermout met appel en kaneel' for breakfast on every day",
        "5. client-42 goes on the diet 'koemelkvrij'",
        "is refused (422 guardrails_violation):",
        "no-milk matched 'kwark' in fri/tussendoortje",
        "Nothing was saved: the week is still at version 3.",
        "6. A week generated for client-42 inside the diet (seed 7), into a draft to review:",
        "The draft (version 1) fills 25 slots; why, for two of them:",
        "counts for fish",
        "Review: 22 slots change, the diet passes, applicable: yes.",
        "Applied: the week is at version 4, and the draft is gone.",
        "The run on record: generate, succeeded after 1 attempt, generator cp-sat ",
        ", seed 7.",
        "7. What client-42 sees (read-only):",
    ]
    positions = [out.index(step) for step in steps]
    assert positions == sorted(positions)
    # The worker grids and the client's view name the dishes, never their ids.
    assert "Tofu stir fry *" in out
    assert "stir-fry" not in out
    generated = _grid_rows(_section(out, "   Applied:", "   The run on record:"))
    seen = _grid_rows(_section(out, "7. What client-42 sees"))
    # The client sees the week that was generated and applied, every day with its dishes.
    assert seen == generated
    assert set(seen) == {"breakfast", "lunch", "tussendoortje", "dinner"}
    assert all(cell for cell in seen["dinner"])
    # Inside the diet: no cow's milk, fish at least twice, red meat at most twice.
    dishes = [cell for row in seen.values() for cell in row if cell]
    assert not [d for d in dishes if d.startswith(("Griekse yoghurt", "Kwark"))]
    assert sum(d.startswith(("Baked salmon", "Kabeljauw")) for d in seen["dinner"]) >= 2
    assert sum(d.startswith(("Boerenkool", "Hutspot")) for d in seen["dinner"]) <= 2
    # Generation replaced the bulk-assigned breakfasts: one dish at most once a week.
    assert len(set(dishes)) == len(dishes)


def test_the_demo_runs_twice_on_one_file_with_the_same_output_and_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    first = _demo(capsys)
    rows = _row_counts(tmp_path / DEMO_DB)
    second = _demo(capsys)
    assert second == first
    after = _row_counts(tmp_path / DEMO_DB)
    # Two logs are append-only: the change log gains the second run's change sets
    # and loses none; the run log gains exactly the second run's one generation.
    assert after.pop("weekplan_change_sets") > rows.pop("weekplan_change_sets") > 0
    assert after.pop("weekplan_generation_runs") == rows.pop("weekplan_generation_runs") + 1 == 2
    # Every other table holds as many rows as after the first run.
    assert after == rows
    assert rows["weekplan_templates"] == 1
    assert rows["weekplan_instances"] == 1
    assert rows["weekplan_drafts"] == 0
    assert rows["weekplan_dishes"] == 34


def test_a_week_left_from_a_run_on_an_earlier_day_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A week the client had a week earlier would count as recent and steer the
    # generation; the demo starts the client over, so the story stays the same.
    store = SqlAlchemyStore(f"sqlite:///{tmp_path / DEMO_DB}")
    store.create_all()
    try:
        fresh = run_demo(InMemoryStore(), today=date(2026, 11, 25))
        run_demo(store, today=date(2026, 11, 18))
        again = run_demo(store, today=date(2026, 11, 25))
    finally:
        store.close()
    assert again == fresh


def test_without_or_tools_the_demo_says_what_to_install_in_one_line_and_goes_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # As if the `generate` extra were not installed: the import the library guards fails.
    monkeypatch.setitem(sys.modules, "ortools.sat.python.cp_model", None)
    out = _demo(capsys, "--db", "memory")
    step = _section(out, "6. ", "7. ")
    assert step.strip().splitlines() == [
        "6. Generating a week inside the diet needs OR-Tools, the `generate` extra: "
        "pip install '.[generate]' in a clone (published: pip install 'weekplan[generate]')."
    ]
    assert "7. What client-42 sees (read-only):" in out


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
    assert "7. What client-42 sees (read-only):" in out


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


def test_without_sqlalchemy_the_demo_runs_in_memory_and_names_the_demo_extra() -> None:
    script = (
        "import sys\n"
        "sys.modules['sqlalchemy'] = None  # as if the extra were not installed\n"
        "from weekplan.__main__ import main\n"
        "sys.exit(main(['demo']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("Store: in memory, gone when the demo ends")
    assert "pip install '.[demo]'" in first
    assert "pip install 'weekplan[demo]'" in first
    assert "7. What client-42 sees (read-only):" in result.stdout
