"""Short index and unique-key names that survive a distributed PostgreSQL shard suffix.

Revision ID: weekplan_0010
Revises: weekplan_0008
Create Date: 2026-11-30

Citus appends ``_<shard id>`` to every index and constraint name on each shard
and cuts a name that then passes 63 bytes, so names that listed their columns
(up to 62 bytes) arrived mangled. The keys are renamed to their table and a
short word, without rebuilding anything where the database allows:

- PostgreSQL: ``ALTER INDEX … RENAME``, which also renames the unique constraint
  the index backs; Citus refuses ``ALTER TABLE … RENAME CONSTRAINT`` on a
  distributed table but propagates ``ALTER INDEX … RENAME`` to every shard.
- MariaDB: ``ALTER TABLE … RENAME INDEX``.
- SQLite, which cannot rename an index: the index is dropped and made again,
  and the unique constraint by a table copy (Alembic's batch mode).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "weekplan_0010"
down_revision: str | Sequence[str] | None = "weekplan_0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, old name, new name, columns) of every plain index renamed.
_INDEXES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "weekplan_templates",
        "ix_weekplan_templates_tenant_id_name_key_id",
        "ix_weekplan_templates_by_name",
        ("tenant_id", "name_key", "id"),
    ),
    (
        "weekplan_instances",
        "ix_weekplan_instances_tenant_id_week_start_date_client_ref",
        "ix_weekplan_instances_by_week",
        ("tenant_id", "week_start_date", "client_ref"),
    ),
    (
        "weekplan_dishes",
        "ix_weekplan_dishes_tenant_id_name_key_id",
        "ix_weekplan_dishes_by_name",
        ("tenant_id", "name_key", "id"),
    ),
    (
        "weekplan_rulesets",
        "ix_weekplan_rulesets_tenant_id_diet_id_version_content_hash",
        "ix_weekplan_rulesets_by_diet",
        ("tenant_id", "diet_id", "version", "content_hash"),
    ),
    # The change log's indexes, named as the metadata's convention names them now.
    *(
        (
            "weekplan_changes",
            "ix_weekplan_changes_" + "_".join(("tenant_id", *columns)),
            "ix_weekplan_changes_" + "_".join(columns),
            ("tenant_id", *columns),
        )
        for columns in (
            ("client_ref", "week_start_date", "at", "id"),
            ("client_ref", "at", "id"),
            ("at", "id"),
            ("subject_id", "at", "id"),
        )
    ),
    *(
        (
            "weekplan_generation_runs",
            "ix_weekplan_generation_runs_" + "_".join(("tenant_id", *columns)),
            "ix_weekplan_generation_runs_" + "_".join(columns),
            ("tenant_id", *columns),
        )
        for columns in (("started_at", "id"), ("client_ref", "started_at", "id"))
    ),
    (
        "weekplan_schedules",
        "ix_weekplan_schedules_tenant_id_next_run_at_client_ref",
        "ix_weekplan_schedules_next_run_at_client_ref",
        ("tenant_id", "next_run_at", "client_ref"),
    ),
    (
        "weekplan_schedules",
        "ix_weekplan_schedules_next_run_at_tenant_id_client_ref",
        # Cut and hashed by the convention: the whole name would leave no room.
        "ix_weekplan_schedules_next_run_at_tenant_id_901a8cee",
        ("next_run_at", "tenant_id", "client_ref"),
    ),
)
#: The unique key of one week per client (an index on every database but SQLite).
_WEEK_KEY = (
    "weekplan_instances",
    "uq_weekplan_instances_tenant_id_client_ref_week_start_date",
    "uq_weekplan_instances_client_week",
    ("tenant_id", "client_ref", "week_start_date"),
)


def _rename_all(*, forward: bool) -> None:
    dialect = op.get_bind().dialect.name
    for table, old, new, columns in (*_INDEXES, _WEEK_KEY):
        before, after = (old, new) if forward else (new, old)
        if dialect == "postgresql":
            op.execute(f'ALTER INDEX "{before}" RENAME TO "{after}"')
        elif dialect in ("mysql", "mariadb"):
            op.execute(f"ALTER TABLE `{table}` RENAME INDEX `{before}` TO `{after}`")
        # op.f: the names are final, not input to the metadata's naming convention.
        elif (table, old, new, columns) == _WEEK_KEY:
            with op.batch_alter_table(table) as batch:
                batch.drop_constraint(op.f(before), type_="unique")
                batch.create_unique_constraint(op.f(after), list(columns))
        else:
            op.drop_index(op.f(before), table_name=table)
            op.create_index(op.f(after), table, list(columns))


def upgrade() -> None:
    """Rename the long index and unique-key names to short ones."""
    _rename_all(forward=True)


def downgrade() -> None:
    """Give the indexes and the unique key their old names back."""
    _rename_all(forward=False)
