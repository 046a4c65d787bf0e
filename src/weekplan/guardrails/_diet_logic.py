"""Counting ``force`` and ``limit`` quotas over a week of planned dishes.

A quota counts *dishes*, not occurrences: a dish counts once for a category when
at least one of its ingredients contains an item of that category (and the match
is not exempted by an allow).
Per-day bounds are checked on every day that has at least one planned dish, in
week order; per-week bounds over all dishes.
An empty plan checks nothing: nothing has been planned yet.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from weekplan.domain._days import DAY_ORDER, DayKey
from weekplan.guardrails._decision import QuotaCheck, QuotaScope, SourceKind
from weekplan.guardrails._model import DietLogicConstraint
from weekplan.guardrails._targets import PlanTarget

__all__ = ["check_quota"]


def _check(
    constraint: DietLogicConstraint,
    *,
    kind: SourceKind,
    scope: QuotaScope,
    day: DayKey | None,
    count: int,
    bound: int | None,
) -> list[QuotaCheck]:
    if bound is None:
        return []
    ok = count >= bound if kind is SourceKind.FORCE else count <= bound
    return [QuotaCheck(constraint.id, kind, scope, day, count, bound, ok)]


def check_quota(
    constraint: DietLogicConstraint,
    kind: SourceKind,
    targets: Sequence[PlanTarget],
    counted: Collection[int],
) -> tuple[QuotaCheck, ...]:
    """The checks of one ``force``/``limit`` constraint.

    ``counted`` holds the positions in ``targets`` of the dishes that contain an
    item of the category.
    """
    if not targets:
        return ()
    force = kind is SourceKind.FORCE
    per_day = constraint.min_per_day if force else constraint.max_per_day
    per_week = constraint.min_per_week if force else constraint.max_per_week
    planned_days = {target.day_key for target in targets}
    checks: list[QuotaCheck] = []
    if per_day is not None:
        for day in DAY_ORDER:
            if day in planned_days:
                count = sum(1 for index in counted if targets[index].day_key is day)
                checks += _check(
                    constraint, kind=kind, scope=QuotaScope.DAY, day=day, count=count, bound=per_day
                )
    checks += _check(
        constraint,
        kind=kind,
        scope=QuotaScope.WEEK,
        day=None,
        count=len(counted),
        bound=per_week,
    )
    return tuple(checks)
