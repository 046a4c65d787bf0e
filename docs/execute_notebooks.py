"""Execute every notebook under docs/ in a fresh kernel; any error in a cell fails the build.

Run by ``nox -s docs`` so the example notebooks cannot fall behind the library.
The executed copies are not written back: the notebooks stay as committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

DOCS = Path(__file__).resolve().parent


def main() -> int:
    """Execute each notebook and report it; a failing cell raises and ends the run."""
    notebooks = sorted((DOCS / "notebooks").glob("*.ipynb"))
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(notebook, timeout=120, kernel_name="python3").execute(cwd=str(path.parent))
        print(f"executed {path.relative_to(DOCS)}")
    return 0 if notebooks else 1


if __name__ == "__main__":
    sys.exit(main())
