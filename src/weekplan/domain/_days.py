"""Days of the week as the contract names them."""

from __future__ import annotations

import enum

__all__ = ["DAY_ORDER", "DayKey"]


class DayKey(enum.StrEnum):
    """A day of the week, ``mon`` .. ``sun`` in that order.

    It is a ``str``, so ``DayKey.TUE == "tue"``; every public function accepts the
    plain strings too.

    >>> DayKey("wed").position
    2
    >>> [d.value for d in DayKey][:3]
    ['mon', 'tue', 'wed']
    """

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @property
    def position(self) -> int:
        """Position in the week, Monday is 0 (the same as :meth:`datetime.date.weekday`)."""
        # Sorting a week asks this of every entry: a dict look-up, not a search.
        return _POSITIONS[self]


DAY_ORDER: tuple[DayKey, ...] = tuple(DayKey)
_POSITIONS: dict[DayKey, int] = {day: position for position, day in enumerate(DAY_ORDER)}
