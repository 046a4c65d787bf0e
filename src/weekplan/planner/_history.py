"""The step every write of a plan's entries takes: its dishes checked, the history kept in step.

Templates, client weeks, bulk edits and generation all write entries; each calls
:func:`plan_changed` in its unit of work, so the planning history (what the
suggestions and the generator read) always matches the stored plans.
"""

from __future__ import annotations

from collections.abc import Iterable

from weekplan.domain._entries import PlanEntry
from weekplan.domain._history import history_delta, introduced_dish_ids
from weekplan.planner._catalog import require_dishes
from weekplan.planner._session import Session
from weekplan.ports import UnitOfWork

__all__ = ["plan_changed"]


def plan_changed(
    session: Session,
    uow: UnitOfWork,
    before: Iterable[PlanEntry],
    after: Iterable[PlanEntry],
    *,
    check_dishes: bool = True,
) -> None:
    """Every write of a plan's entries calls this, in its unit of work.

    It checks the dish ids the write introduces (one batched lookup) and
    applies the write's difference to the planning history.
    """
    before, after = tuple(before), tuple(after)
    if check_dishes:
        require_dishes(session, uow, introduced_dish_ids(before, after))
    delta = history_delta(before, after)
    if delta:
        uow.meal_history.apply_delta(session.tenant_id, delta)
