"""Freeze the DDL of weekplan's metadata into a module a Django migration runs.

``python -m tests.contrib_django.freeze_tables <path>`` writes, for each Django
vendor (``sqlite``, ``postgresql``, ``mysql``), the statements
``metadata.create_all`` runs for each table, and each table's columns, as the
Python module ``<path>`` (``_0013_tables.py`` was made so). A migration keeps
what it was given: run it once when writing a migration, never again for it.

Columns a migration renames are given as ``--renamed table.new=old``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sqlalchemy import create_mock_engine

from weekplan.adapters.sqlalchemy import metadata
from weekplan.adapters.sqlalchemy._schema import UtcDateTime

#: Django's vendor names and a SQLAlchemy URL of the dialect that speaks for each.
VENDORS = {
    "sqlite": "sqlite://",
    "postgresql": "postgresql+psycopg://",
    "mysql": "mysql+pymysql://",
}


def _statements(url: str) -> dict[str, list[list[str]]]:
    captured: list[Any] = []
    engine = create_mock_engine(url, lambda sql, *args, **kwargs: captured.append(sql))
    metadata.create_all(engine, checkfirst=False)
    per_table: dict[str, list[list[str]]] = {}
    for statement in captured:
        element = statement.element
        table = getattr(element, "table", None)
        name = element.name if table is None else table.name
        text = str(statement.compile(dialect=engine.dialect)).strip()
        lines = [line.rstrip() for line in text.splitlines() if line.strip()]
        per_table.setdefault(name, []).append(lines)
    return per_table


def render(renamed: dict[tuple[str, str], str]) -> str:
    """The module's text."""
    order = [table.name for table in metadata.sorted_tables]
    out = [
        '"""The tables of weekplan\'s one SQL schema, as ``metadata.create_all`` made them.',
        "",
        "Frozen like every migration: generated once by ``tests/contrib_django/freeze_tables.py``",
        "from :data:`weekplan.adapters.sqlalchemy.metadata` and never changed, so that the",
        "migration that runs them always creates the same tables.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Final",
        "",
        "#: The tables in the order they are created (a foreign key's target first).",
        "TABLES: Final = (",
        *[f"    {name!r}," for name in order],
        ")",
        "",
        "#: Per table, its columns: ``(column, column of the old table, is a timestamp)``.",
        "COLUMNS: Final = {",
    ]
    for name in order:
        out.append(f"    {name!r}: (")
        for column in metadata.tables[name].columns:
            old = renamed.get((name, column.name), column.name)
            timestamp = isinstance(column.type, UtcDateTime)
            out.append(f"        ({column.name!r}, {old!r}, {timestamp!r}),")
        out.append("    ),")
    out += [
        "}",
        "",
        "#: Per Django vendor, per table, the statements that create it and its indexes.",
    ]
    out.append("DDL: Final = {")
    for vendor, url in VENDORS.items():
        per_table = _statements(url)
        out.append(f"    {vendor!r}: {{")
        for name in order:
            out.append(f"        {name!r}: (")
            for lines in per_table[name]:
                if len(lines) == 1:
                    out.append(f"            {lines[0]!r},")
                    continue
                out.append("            (")
                for index, line in enumerate(lines):
                    end = "" if index == len(lines) - 1 else "\n"
                    out.append(f"                {line + end!r}")
                out.append("            ),")
            out.append("        ),")
        out.append("    },")
    out += ["}", ""]
    return "\n".join(out)


def main() -> None:
    """Write the module named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--renamed", action="append", default=[], metavar="TABLE.NEW=OLD")
    arguments = parser.parse_args()
    renamed: dict[tuple[str, str], str] = {}
    for item in arguments.renamed:
        target, old = item.split("=", 1)
        table, new = target.split(".", 1)
        renamed[(table, new)] = old
    arguments.path.write_text(render(renamed))


if __name__ == "__main__":
    main()
