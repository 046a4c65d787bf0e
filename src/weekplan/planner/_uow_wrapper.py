"""A unit of work that wraps another: the base of every wrapper that changes one thing.

The read-only unit of work (refuses ``commit``), the unit of work a scheduled run
lends to the use cases (its ``with`` and ``commit`` are the claim's), and the
test stores that pause before a commit or hide the optional capabilities all
pass every repository through and differ only in a method or two. They subclass
:class:`UnitOfWorkWrapper` (or, over a core unit of work alone,
:class:`CoreUnitOfWorkWrapper`) and override just that.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from weekplan.ports import (
    CoreUnitOfWork,
    DishRepository,
    InstanceRepository,
    MealHistoryRepository,
    RulesetRepository,
    TemplateRepository,
    UnitOfWork,
)

__all__ = ["CoreUnitOfWorkWrapper", "UnitOfWorkWrapper"]


class CoreUnitOfWorkWrapper:
    """A core unit of work ``inner``, passed through: its templates, instances and transaction.

    The repositories are read on use (a store may build them only when asked).
    Any other attribute (an optional capability) is there exactly when
    ``inner`` has it, so ``hasattr``, which is how the use cases detect one,
    answers for the wrapper as for ``inner``.
    """

    def __init__(self, inner: CoreUnitOfWork) -> None:
        self._inner = inner

    @property
    def templates(self) -> TemplateRepository:
        """The templates of ``inner``."""
        return self._inner.templates

    @property
    def instances(self) -> InstanceRepository:
        """The instances of ``inner``."""
        return self._inner.instances

    def __getattr__(self, name: str) -> Any:
        # Only reached for names not defined here: the optional capabilities.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._inner, name)

    def __enter__(self) -> Self:
        self._inner.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._inner.__exit__(exc_type, exc, tb)

    def commit(self) -> None:
        """Commit ``inner``."""
        self._inner.commit()

    def rollback(self) -> None:
        """Roll ``inner`` back."""
        self._inner.rollback()


class UnitOfWorkWrapper(CoreUnitOfWorkWrapper):
    """``inner``, passed through: its repositories, its optional capabilities, its transaction.

    The dish catalog, the meal history and the rulesets are passed through as
    the core repositories are (see :class:`CoreUnitOfWorkWrapper`).
    """

    _inner: UnitOfWork

    def __init__(self, inner: UnitOfWork) -> None:
        super().__init__(inner)

    @property
    def dishes(self) -> DishRepository:
        """The dish catalog of ``inner``."""
        return self._inner.dishes

    @property
    def meal_history(self) -> MealHistoryRepository:
        """The planning history of ``inner``."""
        return self._inner.meal_history

    @property
    def rulesets(self) -> RulesetRepository:
        """The rulesets and client assignments of ``inner``."""
        return self._inner.rulesets
