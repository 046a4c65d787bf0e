"""weekplan's version: from the installed package's metadata, else from the source tree."""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

__all__ = ["package_version"]

#: What ``weekplan.__version__`` says when neither metadata nor ``pyproject.toml`` is found.
UNKNOWN = "0+unknown"


def package_version() -> str:
    """The version pip installed; in a source tree that was never installed, ``pyproject.toml``'s.

    >>> package_version().count(".") >= 1 or package_version() == UNKNOWN
    True
    """
    try:
        return version("weekplan")
    except PackageNotFoundError:
        pass
    # Run from a clone without installing it (PYTHONPATH=src): src/weekplan/ -> the clone.
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return UNKNOWN
    return str(project.get("version", UNKNOWN)) if project.get("name") == "weekplan" else UNKNOWN
