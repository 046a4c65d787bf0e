"""The index of templates' logs holds only templates' change sets.

As Alembic's ``weekplan_0017``: ``ix_weekplan_change_sets_by_subject`` serves
one listing, a template's log, yet every write of a client's week added an
entry to it. A template's change set is exactly one whose ``client_ref`` is
NULL (a week's set always names its client), so on SQLite and PostgreSQL the
index is created again as a partial index, ``WHERE client_ref IS NULL``, by the
very statement :data:`weekplan.adapters.sqlalchemy.metadata` creates it with.
MariaDB has no partial indexes: there nothing changes. Reversing it creates the
full index again. No table, column, row or model changes: the models do not
declare the change log's indexes (see ``0015_change_sets``), so there is no
state operation.

Written by hand: the statements differ by vendor, so one ``RunPython`` picks
them (``RunSQL`` would send the same statements to every vendor).
"""

from __future__ import annotations

from typing import Any, Final

from django.db import migrations

_INDEX: Final = "ix_weekplan_change_sets_by_subject"
_CREATE: Final = f"CREATE INDEX {_INDEX} ON weekplan_change_sets (tenant_id, subject_id, at, id)"
#: The vendors with partial indexes.
_PARTIAL: Final = ("sqlite", "postgresql")


def _recreate(schema_editor: Any, *, partial: bool) -> None:
    """Drop the index and create it again, of templates' sets only or of every set."""
    if schema_editor.connection.vendor not in _PARTIAL:
        return
    schema_editor.execute(f"DROP INDEX {_INDEX}")
    schema_editor.execute(_CREATE + (" WHERE client_ref IS NULL" if partial else ""))


def forwards(apps: Any, schema_editor: Any) -> None:
    """Only templates' sets in the index, on SQLite and PostgreSQL."""
    _recreate(schema_editor, partial=True)


def backwards(apps: Any, schema_editor: Any) -> None:
    """Every set in the index again, on SQLite and PostgreSQL."""
    _recreate(schema_editor, partial=False)


class Migration(migrations.Migration):
    dependencies = [
        ("weekplan", "0019_shared_changes"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
