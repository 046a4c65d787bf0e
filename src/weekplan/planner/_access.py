"""Read-only access, enforced in one place.

Every use case that writes is decorated with :func:`writes`. The decorator checks
the caller's access before the method body runs, so a read-only worker is refused
before its input is even parsed and before storage is touched. The unit of work
a read-only session opens refuses ``commit`` too, so a writing method that forgot
the decorator still cannot change anything.

The same decorator runs the call again when it lost a race to a concurrent
write (see :mod:`weekplan.planner._retry`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import TracebackType
from typing import Concatenate, ParamSpec, Protocol, Self, TypeVar

from weekplan.errors import ReadOnlyAccess
from weekplan.planner._retry import retry_lost_races
from weekplan.planner._uow_wrapper import UnitOfWorkWrapper
from weekplan.ports import UnitOfWork

__all__ = ["AccessControlled", "ReadOnlyUnitOfWork", "is_writing", "writes"]

P = ParamSpec("P")
R = TypeVar("R")

_MARK = "__weekplan_writes__"


class AccessControlled(Protocol):
    @property
    def read_only(self) -> bool: ...


A = TypeVar("A", bound=AccessControlled)


def writes(method: Callable[Concatenate[A, P], R]) -> Callable[Concatenate[A, P], R]:
    """Mark a use case as one that writes; read-only callers get :class:`ReadOnlyAccess`.

    A call that loses a race to a concurrent write is run again, a bounded
    number of times (:func:`~weekplan.planner._retry.retry_lost_races`).
    """

    @functools.wraps(method)
    def guarded(self: A, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if self.read_only:
            raise ReadOnlyAccess()
        return retry_lost_races(lambda: method(self, *args, **kwargs))

    setattr(guarded, _MARK, True)
    return guarded


def is_writing(method: object) -> bool:
    """Whether ``method`` was declared with :func:`writes`."""
    return bool(getattr(method, _MARK, False))


class ReadOnlyUnitOfWork(UnitOfWorkWrapper):
    """A unit of work whose ``commit`` is refused: the defence behind ``@writes``.

    It wraps a unit of work its session has already entered, and rolls it back on leaving.
    """

    @property
    def wrapped(self) -> UnitOfWork:
        """The unit of work whose ``commit`` this one refuses."""
        return self._inner

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._inner.rollback()

    def commit(self) -> None:
        """Refused: :class:`~weekplan.ReadOnlyAccess`."""
        raise ReadOnlyAccess()
