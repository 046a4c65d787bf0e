"""Byte-for-byte collation of key columns, applied by the migrations.

Listings are ordered by keys such as ``(name_key, id)`` in the database, and that
order must be the in-memory store's, which is Python's code point order.
SQLite's default collation already is; PostgreSQL's and MySQL's defaults follow
a locale (``"B" < "a"`` or not, accents folded), so there the key columns get a
binary collation. Django fields cannot say this portably (a collation name is
per database), so the migrations call :func:`binary_keys` in ``RunPython``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

__all__ = ["KeyColumns", "binary_keys", "default_keys"]

#: ``{table: [(column, max_length), ...]}``: the key columns a migration collates.
KeyColumns = Mapping[str, Sequence[tuple[str, int]]]

_BINARY: Final = {"postgresql": '"C"', "mysql": "utf8mb4_bin"}
_DEFAULT: Final = {"postgresql": '"default"', "mysql": "utf8mb4_unicode_ci"}

Operation = Callable[[Any, Any], None]


def _collate(schema_editor: Any, keys: KeyColumns, collations: Mapping[str, str]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in collations:
        return
    quote = schema_editor.quote_name
    for table, columns in keys.items():
        for column, length in columns:
            if vendor == "postgresql":
                sql = (
                    f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} "
                    f"TYPE varchar({length}) COLLATE {collations[vendor]}"
                )
            else:
                sql = (
                    f"ALTER TABLE {quote(table)} MODIFY {quote(column)} varchar({length}) "
                    f"CHARACTER SET utf8mb4 COLLATE {collations[vendor]} NOT NULL"
                )
            schema_editor.execute(sql)


def binary_keys(keys: KeyColumns) -> Operation:
    """A ``RunPython`` function giving ``keys`` a binary collation where needed."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        _collate(schema_editor, keys, _BINARY)

    return forwards


def default_keys(keys: KeyColumns) -> Operation:
    """The reverse of :func:`binary_keys`: the database's default collation back."""

    def backwards(apps: Any, schema_editor: Any) -> None:
        _collate(schema_editor, keys, _DEFAULT)

    return backwards
