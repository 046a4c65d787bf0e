"""The documentation's code runs: how-to snippets, and the example notebook's cells.

``pytest --doctest-glob=*.md docs`` runs the ``>>>`` examples; this module runs
what doctest cannot see: the ```` ```python ```` blocks of a page (in order, in one
namespace, as a reader would paste them) and the code cells of each notebook.
Blocks fenced as ```` ```{code-block} python ```` are fragments of a host's files
and are not run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def run_python_blocks(page: Path) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": f"docs_{page.stem}"}
    for block in PYTHON_BLOCK.findall(page.read_text(encoding="utf-8")):
        exec(compile(block, str(page), "exec"), namespace)
    return namespace


def test_the_flask_how_to_app_serves_planning_to_the_right_people() -> None:
    namespace = run_python_blocks(DOCS / "howto" / "flask.md")
    app = namespace["create_app"]()
    namespace["register_copy_route"](app)
    client = app.test_client()

    def as_(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    body = {"name": "Balanced week", "days": [{"day_key": "mon", "slot_key": "lunch"}]}
    created = client.post("/api/planning/templates", json=body, headers=as_("token-ann"))
    assert created.status_code == 201
    template_id = created.get_json()["id"]
    week = {"template_id": template_id, "client_ref": "client-42", "week_start_date": "2026-11-23"}
    assert (
        client.post("/api/planning/instances", json=week, headers=as_("token-ann")).status_code
        == 201
    )
    refused = client.delete(f"/api/planning/templates/{template_id}", headers=as_("token-bob"))
    assert (refused.status_code, refused.get_json()) == (403, {"detail": "read_only"})
    view = client.get("/client/weekly-plan?week_start_date=2026-11-23", headers=as_("token-cleo"))
    assert view.get_json()["days"][0]["slots"][0]["slot_key"] == "lunch"
    assert client.get("/api/planning/templates").status_code == 401
    copied = client.post(
        f"/my/templates/{template_id}/copy", json={"name": "Copy"}, headers=as_("token-ann")
    )
    assert (copied.status_code, copied.get_json()["days"]) == (201, created.get_json()["days"])


@pytest.mark.parametrize("notebook", sorted((DOCS / "notebooks").glob("*.ipynb")), ids=str)
def test_every_notebook_s_code_cells_run_top_to_bottom(notebook: Path) -> None:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    namespace: dict[str, Any] = {"__name__": "notebook"}
    code = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
    assert code
    for source in code:
        exec(compile(source, str(notebook), "exec"), namespace)


def test_the_own_store_how_to_plans_on_its_core_store_and_is_refused_the_rest() -> None:
    namespace = run_python_blocks(DOCS / "howto" / "own-store.md")
    assert namespace["week"].days[0].notes == "lentil soup"
    assert namespace["answer"] == {"detail": "not_supported_by_store"}
