"""When a schedule runs: wall-clock times in a timezone, right across daylight-saving changes.

Europe/Amsterdam in 2026: clocks jump from 02:00 to 03:00 on Sunday 29 March
(02:00-02:59 does not exist) and go back from 03:00 to 02:00 on Sunday
25 October (02:00-02:59 happens twice).
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from weekplan import DayKey, InvalidInput
from weekplan.domain._schedules import ScheduleRule, next_run_after, target_week
from weekplan.planner._scheduled_runs import latest_run_at_or_before

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_a_winter_time_runs_at_its_wall_clock_time_one_hour_ahead_of_utc() -> None:
    rule = ScheduleRule("fri", time(9, 0), "Europe/Amsterdam")
    assert next_run_after(rule, utc(2026, 1, 1)) == utc(2026, 1, 2, 8, 0)


def test_the_same_wall_time_moves_an_hour_in_utc_across_the_march_change() -> None:
    rule = ScheduleRule("sun", time(9, 0), "Europe/Amsterdam")
    before = next_run_after(rule, utc(2026, 3, 20))
    after = next_run_after(rule, before)
    assert (before, after) == (utc(2026, 3, 22, 8, 0), utc(2026, 3, 29, 7, 0))
    assert after.astimezone(AMSTERDAM).time() == time(9, 0)
    assert after - before == timedelta(days=7) - timedelta(hours=1)


def test_a_time_in_the_march_gap_runs_as_long_after_the_jump_as_it_was_after_two() -> None:
    """02:30 on 29 March does not exist: it runs at 03:30 summer time (01:30 UTC)."""
    rule = ScheduleRule("sun", time(2, 30), "Europe/Amsterdam")
    run = next_run_after(rule, utc(2026, 3, 28))
    assert run == utc(2026, 3, 29, 1, 30)
    assert run.astimezone(AMSTERDAM).replace(tzinfo=None) == datetime(2026, 3, 29, 3, 30)
    # And the week after, 02:30 exists again, in summer time.
    assert next_run_after(rule, run) == utc(2026, 4, 5, 0, 30)


def test_the_start_of_the_march_gap_runs_at_three() -> None:
    rule = ScheduleRule("sun", time(2, 0), "Europe/Amsterdam")
    run = next_run_after(rule, utc(2026, 3, 28))
    assert run.astimezone(AMSTERDAM).time() == time(3, 0)


def test_a_time_that_happens_twice_in_october_runs_once_at_its_first_occurrence() -> None:
    """02:30 on 25 October happens at 00:30 UTC (summer time) and 01:30 UTC (winter time)."""
    rule = ScheduleRule("sun", time(2, 30), "Europe/Amsterdam")
    first = next_run_after(rule, utc(2026, 10, 24))
    assert first == utc(2026, 10, 25, 0, 30)
    # Not again an hour later, at the second 02:30: the next run is a week on.
    following = next_run_after(rule, first)
    assert following == utc(2026, 11, 1, 1, 30)
    assert next_run_after(rule, utc(2026, 10, 25, 1, 0)) == following


def test_a_run_due_between_the_two_october_occurrences_is_not_run_twice() -> None:
    rule = ScheduleRule("sun", time(2, 30), "Europe/Amsterdam")
    first = utc(2026, 10, 25, 0, 30)
    # A worker that comes by just after the second 02:30 still sees one missed time.
    assert latest_run_at_or_before(rule, utc(2026, 10, 25, 1, 31), first) == first


def test_the_week_drafted_is_counted_from_the_local_date_of_the_run() -> None:
    # Sunday 23:30 in Amsterdam is Sunday 22:30 UTC: the coming Monday starts the next week.
    rule = ScheduleRule("sun", time(23, 30), "Europe/Amsterdam")
    run = next_run_after(rule, utc(2026, 11, 28))
    assert run == utc(2026, 11, 29, 22, 30)
    assert target_week(rule, run, 1, DayKey.MON) == date(2026, 11, 30)
    # Monday 00:30 in Amsterdam is Sunday 23:30 UTC, but locally the week has turned.
    early = ScheduleRule("mon", time(0, 30), "Europe/Amsterdam")
    run = next_run_after(early, utc(2026, 11, 28))
    assert run == utc(2026, 11, 29, 23, 30)
    assert target_week(early, run, 1, DayKey.MON) == date(2026, 12, 7)
    assert target_week(early, run, 0, DayKey.MON) == date(2026, 11, 30)


def test_a_naive_instant_is_refused() -> None:
    rule = ScheduleRule("sun", time(2, 30), "UTC")
    with pytest.raises(InvalidInput) as caught:
        next_run_after(rule, datetime(2026, 1, 1))  # naive on purpose
    assert caught.value.errors[0]["loc"] == ["now"]


ZONES = st.sampled_from(
    ["Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]
)
WALL_TIMES = st.times().map(lambda t: t.replace(second=0, microsecond=0))
INSTANTS = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
)


@given(st.sampled_from(list(DayKey)), WALL_TIMES, ZONES, INSTANTS)
def test_the_next_run_is_the_first_matching_local_time_within_a_week(
    day: DayKey, wall: time, zone: str, after: datetime
) -> None:
    rule = ScheduleRule(day, wall, zone)
    run = next_run_after(rule, after)
    local = run.astimezone(zoneinfo.ZoneInfo(zone))
    assert after < run <= after + timedelta(days=7, hours=1)
    assert run.tzinfo is UTC
    # The weekday always holds; the time holds unless it fell in a gap (then it is later).
    assert local.weekday() == day.position
    naive = datetime.combine(local.date(), wall)
    assert local.replace(tzinfo=None) >= naive
    assert local.replace(tzinfo=None) - naive <= timedelta(hours=1)
    # Nothing between ``after`` and the run matched: from one second before, it is the same run.
    assert next_run_after(rule, run - timedelta(seconds=1)) == run


@given(st.sampled_from(list(DayKey)), WALL_TIMES, ZONES, INSTANTS)
def test_runs_come_once_a_week_in_local_time(
    day: DayKey, wall: time, zone: str, after: datetime
) -> None:
    rule = ScheduleRule(day, wall, zone)
    first = next_run_after(rule, after)
    second = next_run_after(rule, first)
    zone_info = zoneinfo.ZoneInfo(zone)
    assert second.astimezone(zone_info).date() - first.astimezone(zone_info).date() == timedelta(
        days=7
    )
