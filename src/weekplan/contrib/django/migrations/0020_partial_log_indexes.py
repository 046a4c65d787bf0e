"""Each index of the change log holds only the sets its listings read.

As Alembic's ``weekplan_0017``: a template's change set is exactly one whose
``client_ref`` is NULL (a week's set always names its client), so on SQLite
and PostgreSQL ``ix_weekplan_change_sets_by_subject`` (a template's log) is
created again ``WHERE client_ref IS NULL``, and ``ix_weekplan_change_sets_by_week``
and ``_by_client`` (a week's and a client's log) ``WHERE client_ref IS NOT
NULL``, by the very statements :data:`weekplan.adapters.sqlalchemy.metadata`
creates them with. MariaDB has no partial indexes: there nothing changes.
Reversing it creates the full indexes again. No table, column, row or model
changes: the models do not declare the change log's indexes (see
``0015_change_sets``), so there is no state operation.

Written by hand: the statements differ by vendor, so one ``RunPython`` picks
them (``RunSQL`` would send the same statements to every vendor).
"""

from __future__ import annotations

from typing import Any, Final

from django.db import migrations

#: Each index, its columns, and the sets it keeps.
_INDEXES: Final = (
    ("ix_weekplan_change_sets_by_subject", "tenant_id, subject_id, at, id", "IS NULL"),
    (
        "ix_weekplan_change_sets_by_week",
        "tenant_id, client_ref, week_start_date, at, id",
        "IS NOT NULL",
    ),
    ("ix_weekplan_change_sets_by_client", "tenant_id, client_ref, at, id", "IS NOT NULL"),
)
#: The vendors with partial indexes.
_PARTIAL: Final = ("sqlite", "postgresql")


def _recreate(schema_editor: Any, *, partial: bool) -> None:
    """Drop each index and create it again, of its kind of sets only or of every set."""
    if schema_editor.connection.vendor not in _PARTIAL:
        return
    for name, columns, kept in _INDEXES:
        schema_editor.execute(f"DROP INDEX {name}")
        where = f" WHERE client_ref {kept}" if partial else ""
        schema_editor.execute(f"CREATE INDEX {name} ON weekplan_change_sets ({columns}){where}")


def forwards(apps: Any, schema_editor: Any) -> None:
    """Only the sets its listings read in each index, on SQLite and PostgreSQL."""
    _recreate(schema_editor, partial=True)


def backwards(apps: Any, schema_editor: Any) -> None:
    """Every set in each index again, on SQLite and PostgreSQL."""
    _recreate(schema_editor, partial=False)


class Migration(migrations.Migration):
    dependencies = [
        ("weekplan", "0019_shared_changes"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
