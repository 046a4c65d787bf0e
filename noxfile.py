"""Development tasks. ``nox`` runs lint, typecheck and tests; ``nox -s demo`` the demo."""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "typecheck", "tests", "minimal", "docs"]
nox.options.reuse_existing_virtualenvs = True
# uv makes and fills an environment in seconds where pip takes minutes; without
# uv installed, nox falls back to virtualenv and pip.
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_missing_interpreters = True

PYTHON = "3.11"


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, and the import contracts (lint-imports)."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    # The package's layers and the rules in [tool.importlinter] of pyproject.toml.
    session.run("lint-imports")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict over src and tests."""
    session.install("-e", ".[typecheck,flask]")
    session.run("mypy")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The whole test suite, doctests included, plus an import check without extras.

    The suite runs on every core (pytest-xdist): each worker makes its own
    schemas, databases and files, so workers never see each other's rows.
    """
    session.install("-e", ".[test,postgresql,mysql,django,flask,celery,generate]")
    # One run for the tests and the doctests of src, the README and the docs: one
    # start-up and one collection, every core busy until the end.
    session.run(
        "pytest",
        "-n",
        "auto",
        "--doctest-modules",
        "--doctest-glob=*.md",
        "tests",
        "src",
        "README.md",
        "docs",
        *session.posargs,
    )


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """Install weekplan as the README's quick start does and run the demo."""
    session.install(".[demo]")
    session.run("python", "-m", "weekplan", "demo")


@nox.session(python=PYTHON)
def minimal(session: nox.Session) -> None:
    """``import weekplan`` and a planning flow with only attrs and cattrs installed."""
    session.install(".")
    session.run("python", "tests/minimal_install_check.py")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """The store benchmarks: a table of timings and ratios (never a pass or fail)."""
    session.install("-e", ".[postgresql]")
    session.run("python", "benchmarks/bench_store.py", *session.posargs)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Execute the example notebooks, then build the site with warnings as errors (offline)."""
    session.install("-e", ".[docs]")
    session.run("python", "docs/execute_notebooks.py")
    session.run(
        "sphinx-build", "-n", "-W", "--keep-going", "-b", "html", "docs", "docs/_build/html"
    )
