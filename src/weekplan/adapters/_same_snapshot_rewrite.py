"""A week's ``template_snapshot`` stored as NULL when it equals its days, and back: the migrations'.

Alembic revision ``weekplan_0014`` and Django migration ``0017_same_snapshot_null``
make ``weekplan_instances.template_snapshot`` nullable, a NULL snapshot being
one equal to the week's ``days``. Upgrading sets the snapshots equal to their
days' text to NULL; downgrading fills every NULL snapshot with its days' text
before the column is ``NOT NULL`` again. Both pass through the table in key
order, a thousand rows at a time, with the statements of this module, so the
two stores' migrations rewrite alike; like the migrations, this module is
frozen: it never follows later changes of the live schema or row mapping
(:mod:`weekplan.adapters._row_mapping`).

The statements use ``%s`` placeholders, the DB-API's ``format`` style of the
Django backends and of SQLAlchemy's :meth:`~sqlalchemy.engine.Connection.exec_driver_sql`
on psycopg and PyMySQL; :func:`qmark` spells them for SQLite's driver.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

__all__ = ["BATCH", "TO_NULL", "TO_TEXT", "Rewrite", "qmark", "run"]

#: Rows read and rewritten at a time.
BATCH: Final = 1000


class Rewrite:
    """One direction of the rewrite: which rows it changes, and how."""

    def __init__(self, condition: str, assignment: str) -> None:
        #: The rows it changes: ``WHERE`` text over the row's own columns.
        self.condition = condition
        self.assignment = assignment

    def first_page(self) -> str:
        """The keys of the first :data:`BATCH` rows to change, in key order."""
        return (
            f"SELECT tenant_id, id FROM weekplan_instances WHERE {self.condition}"
            f" ORDER BY tenant_id, id LIMIT {BATCH}"
        )

    def next_page(self) -> str:
        """The keys of the next rows to change, after the key ``(%s, %s, %s)``.

        The parameters are the last key's tenant, its tenant again and its id.
        """
        return (
            f"SELECT tenant_id, id FROM weekplan_instances WHERE {self.condition}"
            " AND (tenant_id > %s OR (tenant_id = %s AND id > %s))"
            f" ORDER BY tenant_id, id LIMIT {BATCH}"
        )

    def update(self) -> str:
        """Rewrite the row of the key ``(%s, %s)`` if it still needs it."""
        return (
            f"UPDATE weekplan_instances SET {self.assignment}"
            f" WHERE tenant_id = %s AND id = %s AND {self.condition}"
        )


#: Upgrading: a snapshot that is its days' text becomes NULL.
TO_NULL: Final = Rewrite("template_snapshot = days", "template_snapshot = NULL")
#: Downgrading: a NULL snapshot becomes its days' text.
TO_TEXT: Final = Rewrite("template_snapshot IS NULL", "template_snapshot = days")


def qmark(statement: str) -> str:
    """``statement`` with ``?`` placeholders, for SQLite's driver."""
    return statement.replace("%s", "?")


def run(
    rewrite: Rewrite,
    fetch: Callable[[str, Sequence[Any]], Sequence[Sequence[Any]]],
    execute_many: Callable[[str, list[tuple[Any, ...]]], None],
) -> int:
    """Apply ``rewrite`` to every row it changes, a page at a time; the number of rows.

    ``fetch(statement, parameters)`` gives a query's rows and
    ``execute_many(statement, rows of parameters)`` runs a statement once per
    row, both on the migration's connection. A rerun finds nothing left to do.
    """
    done = 0
    last: Sequence[Any] | None = None
    while True:
        if last is None:
            keys = fetch(rewrite.first_page(), ())
        else:
            keys = fetch(rewrite.next_page(), (last[0], last[0], last[1]))
        if not keys:
            return done
        execute_many(rewrite.update(), [(key[0], key[1]) for key in keys])
        done += len(keys)
        last = keys[-1]
