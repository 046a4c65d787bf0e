"""Database errors to weekplan errors.

No driver or SQLAlchemy exception leaves the adapter as itself: a caller handles
:class:`~weekplan.WeekPlanError` only, whatever the database. The original
exception stays reachable as ``__cause__`` for logs.
"""

from __future__ import annotations

from sqlalchemy import exc

from weekplan.errors import InstanceExists, InvalidInput, StorageError, WeekPlanError

__all__ = [
    "INSTANCE_KEY_CONSTRAINT",
    "translate",
    "translate_instance_insert",
    "translate_stored",
]

#: The unique constraint of ``(tenant_id, client_ref, week_start_date)``.
INSTANCE_KEY_CONSTRAINT = "uq_weekplan_instances_tenant_id_client_ref_week_start_date"


def translate(error: exc.SQLAlchemyError) -> WeekPlanError:
    """The weekplan error for a database error that has no meaning of its own."""
    return StorageError(f"the database failed: {type(error).__name__}")


def translate_instance_insert(error: exc.SQLAlchemyError) -> WeekPlanError:
    """:class:`InstanceExists` for a clash on the instance key, else :func:`translate`.

    Each database names the clash differently: PostgreSQL and MariaDB by the
    constraint's name, SQLite by its columns.
    """
    if isinstance(error, exc.IntegrityError):
        message = str(error.orig)
        if INSTANCE_KEY_CONSTRAINT in message or "weekplan_instances.client_ref" in message:
            return InstanceExists()
    return translate(error)


def translate_stored(error: InvalidInput) -> WeekPlanError:
    """A stored row that fails the domain's checks was not written by weekplan.

    It is the store's problem, not the caller's, so it is not ``InvalidInput``.
    """
    return StorageError(f"a stored row is not a valid weekplan value: {error}")
