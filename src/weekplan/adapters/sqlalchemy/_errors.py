"""Database errors to weekplan errors.

No driver or SQLAlchemy exception leaves the adapter as itself: a caller handles
:class:`~weekplan.WeekPlanError` only, whatever the database. The original
exception stays reachable as ``__cause__`` for logs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from sqlalchemy import exc

from weekplan.adapters._db_errors import translate_failure
from weekplan.adapters._duplicate_key import UniqueKey
from weekplan.adapters.sqlalchemy._schema import instance_key
from weekplan.errors import (
    ConcurrentUpdate,
    InstanceExists,
    WeekPlanError,
)

__all__ = [
    "INSTANCE_KEY",
    "FailureReading",
    "instance_clash",
    "translate",
    "translate_instance_insert",
    "translate_lost_insert",
]

#: What a statement's failure means when it means something of its own (else ``None``):
#: a held write's, read wherever it is sent (see ``SqlAlchemyUnitOfWork.execute``).
FailureReading = Callable[[exc.SQLAlchemyError], WeekPlanError | None]

#: The unique key of ``(tenant_id, client_ref, week_start_date)``: one week per client.
INSTANCE_KEY: Final = UniqueKey(
    columns=[column.name for column in instance_key.columns], name=str(instance_key.name)
)


def translate(error: exc.SQLAlchemyError) -> WeekPlanError:
    """The weekplan error for a database error that has no meaning of its own.

    A deadlock or a serialization failure is :class:`ConcurrentUpdate`: the call
    lost to a concurrent one and may be run again; anything else is a
    :class:`StorageError` (see :mod:`weekplan.adapters._db_errors`).
    """
    return translate_failure(getattr(error, "orig", None), type(error).__name__)


def translate_lost_insert(error: exc.SQLAlchemyError) -> WeekPlanError:
    """:class:`ConcurrentUpdate` if inserting a key just seen free clashes, else :func:`translate`.

    For a table whose only unique key is the one the caller checked: a clash
    means a concurrent call created the row in between.
    """
    if isinstance(error, exc.IntegrityError):
        return ConcurrentUpdate("a concurrent call created the same row first")
    return translate(error)


def instance_clash(error: exc.SQLAlchemyError) -> WeekPlanError | None:
    """:class:`InstanceExists` if ``error`` is a clash on the instance key, else ``None``.

    The clash is recognised by the SQLSTATE and key columns of the error (see
    :mod:`weekplan.adapters._duplicate_key`), never by a constraint's full name,
    which distributed PostgreSQL changes per shard. Only an insert of a week
    can clash on that key, so the error says so whichever statement sent it.
    """
    driver_error = error.orig if isinstance(error, exc.IntegrityError) else None
    if driver_error is not None and INSTANCE_KEY.is_violated_by(driver_error):
        return InstanceExists()
    return None


def translate_instance_insert(error: exc.SQLAlchemyError) -> WeekPlanError:
    """:class:`InstanceExists` for a clash on the instance key, else :func:`translate`."""
    return instance_clash(error) or translate(error)
