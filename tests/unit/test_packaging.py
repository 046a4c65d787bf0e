"""The package's promises about itself: public names, types, optional dependencies."""

import subprocess
import sys
from pathlib import Path

import weekplan

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
        "for name in ('sqlalchemy', 'alembic', 'psycopg', 'pymysql', 'pytest', 'hypothesis',"
        " 'ortools'):\n"
        "    sys.modules[name] = None\n"
        f"exec(open({str(ROOT / 'tests' / 'minimal_install_check.py')!r}).read())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", blocker], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "weekplan core works with only attrs, cattrs" in result.stdout
