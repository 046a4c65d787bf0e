"""String keys compare byte for byte, as Python compares them.

Listings are ordered by ``(name_key, id)`` and ``(week_start_date, client_ref)``
in the database, and their order must be the in-memory store's, which is
Python's code point order. SQLite's default collation already is; PostgreSQL's
and MySQL's defaults follow the locale (``"B" < "a"`` or not, accents folded),
so there the key columns get a binary collation. Django fields cannot say this
portably (a collation name is per database), hence this migration, written by
hand; it changes no Django model state.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

_KEYS = {
    "weekplan_templates": (("tenant_id", 64), ("id", 64), ("name_key", 600)),
    "weekplan_instances": (("tenant_id", 64), ("id", 64), ("template_id", 64), ("client_ref", 128)),
}
_BINARY = {"postgresql": '"C"', "mysql": "utf8mb4_bin"}
_DEFAULT = {"postgresql": '"default"', "mysql": "utf8mb4_unicode_ci"}


def _collate(schema_editor: Any, collations: dict[str, str]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in collations:
        return
    quote = schema_editor.quote_name
    for table, columns in _KEYS.items():
        for column, length in columns:
            if vendor == "postgresql":
                sql = (
                    f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} "
                    f"TYPE varchar({length}) COLLATE {collations[vendor]}"
                )
            else:
                sql = (
                    f"ALTER TABLE {quote(table)} MODIFY {quote(column)} "
                    f"varchar({length}) CHARACTER SET utf8mb4 COLLATE {collations[vendor]} NOT NULL"
                )
            schema_editor.execute(sql)


def binary_keys(apps: Any, schema_editor: Any) -> None:
    """Give the key columns a binary collation where the default is not one."""
    _collate(schema_editor, _BINARY)


def default_keys(apps: Any, schema_editor: Any) -> None:
    """Put the database's default collation back."""
    _collate(schema_editor, _DEFAULT)


class Migration(migrations.Migration):
    dependencies = [("weekplan", "0001_initial")]

    operations = [migrations.RunPython(binary_keys, default_keys, elidable=False)]
