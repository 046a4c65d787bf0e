"""The tenant's dish catalog as the use cases reach it: the store's, or the host's own."""

from __future__ import annotations

from collections.abc import Iterable

from weekplan.errors import DishNotFound, ReadOnlyAccess
from weekplan.planner._options import PlannerOptions
from weekplan.planner._session import Session
from weekplan.ports import DishCatalog, UnitOfWork

__all__ = ["catalog_of", "check_catalog_writable", "require_dishes"]


def catalog_of(options: PlannerOptions, uow: UnitOfWork) -> DishCatalog:
    """The dish catalog of a session with ``options``: the host's if given, else the store's."""
    return options.dish_catalog or uow.dishes


def check_catalog_writable(options: PlannerOptions) -> None:
    """:class:`~weekplan.ReadOnlyAccess` when the dishes are kept in the host's catalog."""
    # A host's own catalog is only read: its dishes are edited in the host.
    if options.dish_catalog is not None:
        raise ReadOnlyAccess("dishes are kept in the host's catalog")


def require_dishes(session: Session, uow: UnitOfWork, dish_ids: Iterable[str]) -> None:
    """:class:`~weekplan.DishNotFound` unless every id names a dish of this tenant."""
    wanted = frozenset(dish_ids)
    if not wanted:
        return
    found = catalog_of(session.options, uow).get_many(session.tenant_id, wanted)
    missing = sorted(wanted - found.keys())
    if missing:
        raise DishNotFound(f"no dish {missing[0]!r} in this tenant")
