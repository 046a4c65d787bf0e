"""The package's promises about itself: public names, types, optional dependencies."""

import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

import weekplan
from weekplan import _version

ROOT = Path(__file__).resolve().parents[2]


def test_the_public_api_is_sorted_and_importable() -> None:
    assert weekplan.__all__ == sorted(weekplan.__all__)
    for name in weekplan.__all__:
        assert getattr(weekplan, name) is not None


def test_the_package_ships_type_information() -> None:
    assert (Path(weekplan.__file__).parent / "py.typed").is_file()


def test_the_core_works_when_optional_packages_cannot_be_imported() -> None:
    blocker = (
        "import sys\n"
        "for name in ('sqlalchemy', 'alembic', 'psycopg', 'pymysql', 'pytest', 'hypothesis',\n"
        "             'snowballstemmer', 'ortools'):\n"
        "    sys.modules[name] = None\n"
        f"exec(open({str(ROOT / 'tests' / 'minimal_install_check.py')!r}).read())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", blocker], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "weekplan core works with only attrs, cattrs" in result.stdout


def _not_installed(name: str) -> str:
    raise PackageNotFoundError(name)


def test_the_version_is_the_one_pip_installed() -> None:
    assert weekplan.__version__ == version("weekplan")


def test_an_uninstalled_clone_reads_its_version_from_pyproject(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    monkeypatch.setattr(_version, "version", _not_installed)
    assert _version.package_version() == declared


def test_without_metadata_or_pyproject_the_version_is_unknown(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(_version, "version", _not_installed)
    monkeypatch.setattr(_version, "__file__", str(tmp_path / "src" / "weekplan" / "_version.py"))
    assert _version.package_version() == _version.UNKNOWN == "0+unknown"


def test_the_api_reference_opens_with_the_planner_and_lists_every_store() -> None:
    reference = (ROOT / "docs" / "reference" / "api.md").read_text(encoding="utf-8")
    headings = [line for line in reference.splitlines() if line.startswith("## ")]
    assert headings[:2] == ["## `Planner`", "## Stores"]
    stores = reference.split("## Stores", 1)[1].split("\n## ", 1)[0]
    for store in ("InMemoryStore", "SqlAlchemyStore", "DjangoStore", "weekplan.ports"):
        assert store in stores
