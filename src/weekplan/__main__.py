"""``python -m weekplan``: the command line (``demo``, ``openapi``)."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Sequence

from weekplan.adapters.memory import InMemoryStore
from weekplan.demo import install_hint, run_demo
from weekplan.errors import WeekPlanError
from weekplan.ports import Store

__all__ = ["main"]

DEFAULT_DB = "sqlite:///weekplan-demo.db"

# The extra that installs the driver of each SQLAlchemy dialect weekplan supports.
_DRIVER_EXTRAS = {"postgresql": "postgresql", "mysql": "mysql", "mariadb": "mysql"}


class CommandError(Exception):
    """A problem the command line reports in one line, without a traceback."""


def _sql_store(url: str) -> Store:
    from sqlalchemy.exc import ArgumentError  # noqa: PLC0415  # optional extra

    from weekplan.adapters.sqlalchemy import SqlAlchemyStore  # noqa: PLC0415  # optional extra

    dialect = url.split(":", 1)[0].split("+", 1)[0].lower()
    try:
        store = SqlAlchemyStore(url)
    except ImportError as exc:
        extra = _DRIVER_EXTRAS.get(dialect)
        hint = install_hint(extra) if extra else f"install a driver for {dialect!r}"
        raise CommandError(
            f"the database driver for {url.split(':', 1)[0]} is missing ({exc}); {hint}"
        ) from None
    except ArgumentError as exc:
        raise CommandError(f"--db {url!r} is not a database URL ({exc})") from None
    store.create_all()
    return store


def _store(db: str | None) -> tuple[Store, str]:
    """The demo's store and a line saying where it keeps its data."""
    has_sqlalchemy = importlib.util.find_spec("sqlalchemy") is not None
    if db == "memory" or (db is None and not has_sqlalchemy):
        reason = "" if has_sqlalchemy or db == "memory" else f" ({install_hint('demo')})"
        return InMemoryStore(), f"Store: in memory, gone when the demo ends{reason}."
    if not has_sqlalchemy:
        raise CommandError(f"--db needs the `sqlalchemy` extra: {install_hint('sqlalchemy')}")
    return _sql_store(db or DEFAULT_DB), f"Store: {db or DEFAULT_DB}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = argparse.ArgumentParser(prog="weekplan", description="Weekly meal planning.")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="plan one client's week from a template and print it")
    demo.add_argument(
        "--db",
        help=f"a database URL (default {DEFAULT_DB} when SQLAlchemy is installed), or 'memory'",
    )
    commands.add_parser("openapi", help="print the HTTP API's OpenAPI 3.1 document as JSON")
    args = parser.parse_args(argv)
    if args.command == "openapi":
        from weekplan.http._openapi import openapi_json  # noqa: PLC0415  # only this command needs it

        print(openapi_json())
        return 0
    try:
        store, where = _store(args.db)
        print(where)
        print(run_demo(store))
    except (CommandError, WeekPlanError) as exc:
        print(f"weekplan: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
