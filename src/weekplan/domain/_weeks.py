"""Weeks: which date a week starts on."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from weekplan.domain._days import DayKey
from weekplan.domain._limits import FIRST_DAY, WEEK_START_MAX
from weekplan.errors import InvalidInput

__all__ = ["is_week_start_in_range", "parse_week_start"]


def is_week_start_in_range(day: date) -> bool:
    """Whether a week starting on ``day`` lies wholly between ``FIRST_DAY`` and ``LAST_DAY``."""
    return FIRST_DAY <= day <= WEEK_START_MAX


def parse_week_start(value: Any, week_starts_on: DayKey, field: str = "week_start_date") -> date:
    """A week's first day, given as a :class:`~datetime.date` or an ISO ``YYYY-MM-DD`` string.

    It must fall on ``week_starts_on``, and all seven days of the week must lie
    between ``FIRST_DAY`` and ``LAST_DAY`` of :mod:`weekplan.domain._limits`:

    >>> parse_week_start("2026-11-23", DayKey.MON)
    datetime.date(2026, 11, 23)
    >>> parse_week_start("2026-11-24", DayKey.MON)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    weekplan.errors.InvalidInput: ...: must be a mon (2026-11-24 is a tue)
    """
    if isinstance(value, datetime):
        raise InvalidInput.at((field,), "must be a date, not a datetime")
    if isinstance(value, date):
        parsed = value
    elif isinstance(value, str) and len(value) == 10:
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            raise InvalidInput.at((field,), "must be an ISO date (YYYY-MM-DD)") from None
    else:
        raise InvalidInput.at((field,), "must be an ISO date (YYYY-MM-DD)")
    if not is_week_start_in_range(parsed):
        # The whole week must be dates every store holds, and the client view shows them all.
        raise InvalidInput.at(
            (field,), f"must be between {FIRST_DAY.isoformat()} and {WEEK_START_MAX.isoformat()}"
        )
    if parsed.weekday() != week_starts_on.position:
        actual = DayKey(list(DayKey)[parsed.weekday()])
        raise InvalidInput.at(
            (field,), f"must be a {week_starts_on.value} ({parsed.isoformat()} is a {actual.value})"
        )
    return parsed
