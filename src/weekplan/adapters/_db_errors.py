"""What a database failure means, for every SQL store: the driver's error to weekplan's.

Both SQL stores hand the driver's own exception (``error.orig`` under SQLAlchemy,
``error.__cause__`` under Django) to :func:`translate_failure`, so a deadlock is
:class:`~weekplan.errors.ConcurrentUpdate` and any other failure
:class:`~weekplan.errors.StorageError` on either store alike. Which unique key a
duplicate is about is :mod:`weekplan.adapters._duplicate_key`'s job.

Nothing here imports a driver: the functions read the attributes every driver's
exception has.
"""

from __future__ import annotations

from typing import Final

from weekplan.errors import ConcurrentUpdate, StorageError, WeekPlanError

__all__ = ["lost_to_a_concurrent_transaction", "translate_failure"]

#: SQLSTATEs of PostgreSQL for "this transaction lost to a concurrent one":
#: serialization_failure and deadlock_detected.
_PG_LOST_RACE: Final = frozenset({"40001", "40P01"})
#: MariaDB's error codes for the same: a deadlock (InnoDB rolls the transaction
#: back) and "record has changed since last read" (snapshot isolation).
_MYSQL_LOST_RACE: Final = frozenset({1213, 1020})


def lost_to_a_concurrent_transaction(driver_error: BaseException | None) -> bool:
    """True if ``driver_error`` says the transaction lost to a concurrent one."""
    if driver_error is None:
        return False
    if getattr(driver_error, "sqlstate", None) in _PG_LOST_RACE:
        return True
    args: tuple[object, ...] = driver_error.args
    return bool(args) and args[0] in _MYSQL_LOST_RACE


def translate_failure(driver_error: BaseException | None, failed: str) -> WeekPlanError:
    """The weekplan error for a database error that has no meaning of its own.

    A deadlock or a serialization failure is :class:`ConcurrentUpdate`: the call
    lost to a concurrent one and may be run again; anything else is a
    :class:`StorageError`. ``failed`` names the exception class, for the message.
    """
    if lost_to_a_concurrent_transaction(driver_error):
        return ConcurrentUpdate(
            f"lost to a concurrent transaction: {failed}", whole_transaction=True
        )
    return StorageError(f"the database failed: {failed}")
