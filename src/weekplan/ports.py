"""The ports a store implements: repositories, a unit of work, and the store itself.

A store is anything with ``unit_of_work()``. Each repository method takes the
``tenant_id`` explicitly: there is no way to read or write without naming the
tenant, and a store must never return a row of another tenant.

Repositories are collections, not services: they do not check versions against
the caller's expectations or raise "not found" (the use cases do), with two
exceptions that only the database can decide atomically:

* ``add`` of an instance whose ``(tenant_id, client_ref, week_start_date)`` is
  taken raises :class:`~weekplan.errors.InstanceExists`, even when a concurrent
  transaction took it a moment ago;
* ``replace`` is a compare-and-set on ``version`` and returns ``False`` when the
  stored version is not the expected one.

Listings are keyset-paginated: ``after`` is the sort key of the last row of the
previous page, and rows come strictly after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from types import TracebackType
from typing import Protocol, Self

from weekplan.domain.plans import WeekPlanInstance, WeekPlanTemplate

__all__ = [
    "InstanceRepository",
    "InstanceSortKey",
    "Store",
    "TemplateRepository",
    "TemplateSortKey",
    "UnitOfWork",
]

#: ``(search_key(name), id)``: templates are listed in this order.
TemplateSortKey = tuple[str, str]
#: ``(week_start_date, client_ref)``: instances are listed in this order.
InstanceSortKey = tuple[date, str]


class TemplateRepository(Protocol):
    """Templates of every tenant, always addressed through one tenant."""

    def get(self, tenant_id: str, template_id: str) -> WeekPlanTemplate | None:
        """The template, or ``None`` if this tenant has none with that id."""
        ...

    def list(
        self,
        tenant_id: str,
        *,
        search: str | None,
        after: TemplateSortKey | None,
        limit: int,
    ) -> Sequence[WeekPlanTemplate]:
        """Up to ``limit`` templates ordered by ``(search_key(name), id)``.

        ``search`` is already in :func:`~weekplan.domain.text.search_key` form and
        matches as a substring of the name's search key.
        """
        ...

    def add(self, tenant_id: str, template: WeekPlanTemplate) -> None:
        """Store a new template (its id is new)."""
        ...

    def replace(self, tenant_id: str, template: WeekPlanTemplate, *, expected_version: int) -> bool:
        """Overwrite the template if its stored version is ``expected_version``."""
        ...

    def remove(self, tenant_id: str, template_id: str) -> bool:
        """Delete the template; ``False`` if there was none."""
        ...


class InstanceRepository(Protocol):
    """Client week instances, unique by ``(tenant_id, client_ref, week_start_date)``."""

    def get(
        self, tenant_id: str, client_ref: str, week_start_date: date
    ) -> WeekPlanInstance | None:
        """The instance, or ``None``."""
        ...

    def list(
        self,
        tenant_id: str,
        *,
        client_ref: str | None,
        week_start_date: date | None,
        after: InstanceSortKey | None,
        limit: int,
    ) -> Sequence[WeekPlanInstance]:
        """Up to ``limit`` instances ordered by ``(week_start_date, client_ref)``."""
        ...

    def add(self, tenant_id: str, instance: WeekPlanInstance) -> None:
        """Store a new instance, or raise :class:`~weekplan.errors.InstanceExists`."""
        ...

    def replace(self, tenant_id: str, instance: WeekPlanInstance, *, expected_version: int) -> bool:
        """Overwrite the instance if its stored version is ``expected_version``."""
        ...

    def remove(self, tenant_id: str, client_ref: str, week_start_date: date) -> bool:
        """Delete the instance; ``False`` if there was none."""
        ...


class UnitOfWork(Protocol):
    """One transaction over the repositories.

    Leaving the ``with`` block without :meth:`commit` rolls everything back,
    including when an exception is raised.
    """

    @property
    def templates(self) -> TemplateRepository:
        """The templates, seen through this transaction."""
        ...

    @property
    def instances(self) -> InstanceRepository:
        """The instances, seen through this transaction."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make every change of this unit of work durable and visible."""
        ...

    def rollback(self) -> None:
        """Forget every change of this unit of work."""
        ...


class Store(Protocol):
    """Where weekplan keeps its data. ``InMemoryStore`` and ``SqlAlchemyStore`` are two."""

    def unit_of_work(self) -> UnitOfWork:
        """A new, not yet entered, unit of work."""
        ...
