"""Schedules: when each client's next week is drafted, in the client's own wall-clock time.

A :class:`Schedule` says "every ``weekday`` at ``time`` in ``timezone``, make the
week ``weeks_ahead`` weeks on from this one, from ``source``". Its
``next_run_at`` is an instant in UTC, computed by :func:`next_run_after`, so
finding what is due is a comparison with one indexed column.

Daylight-saving changes follow the iCalendar (RFC 5545) rules:

* a wall-clock time that does not exist that day (02:30 on the last Sunday of
  March in Europe/Amsterdam, when clocks jump from 02:00 to 03:00) is read with
  the offset from before the jump, so it runs as late after the jump as it was
  after 02:00: 02:30 becomes 03:30 local time (01:30 UTC);
* a wall-clock time that happens twice that day (02:30 on the last Sunday of
  October, when clocks go back from 03:00 to 02:00) runs once, at its first
  occurrence (02:30 summer time, 00:30 UTC), and not again an hour later.

>>> from datetime import UTC, datetime, time
>>> rule = ScheduleRule("fri", time(9, 0), "Europe/Amsterdam")
>>> next_run_after(rule, datetime(2026, 11, 26, 12, tzinfo=UTC)).isoformat()
'2026-11-27T08:00:00+00:00'
"""

from __future__ import annotations

import datetime as dt
import enum
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final

import attrs

from weekplan.domain._days import DayKey
from weekplan.domain._fields import to_tenant_id
from weekplan.domain._limits import CLIENT_REF_MAX, ERROR_CODE_MAX, ID_MAX
from weekplan.domain.text import check_key
from weekplan.errors import InvalidInput

__all__ = [
    "ERROR_MESSAGE_MAX",
    "TIMEZONE_MAX",
    "WEEKS_AHEAD_MAX",
    "RunOutcome",
    "Schedule",
    "ScheduleRule",
    "ScheduleSource",
    "SourceKind",
    "check_timezone",
    "check_wall_time",
    "check_weekday",
    "check_weeks_ahead",
    "next_run_after",
    "resolve_wall_time",
    "target_week",
]

#: The longest IANA timezone name a schedule keeps (the longest in use is 32).
TIMEZONE_MAX: Final = 64
#: How far ahead a schedule may draft: a year.
WEEKS_AHEAD_MAX: Final = 52


class SourceKind(enum.StrEnum):
    """Where a scheduled week comes from."""

    TEMPLATE = "template"
    """A worker's template, cloned into the week."""
    GENERATOR = "generator"
    """The planner's generator, which fills the week within the client's diet."""


def _source_kind(value: Any) -> SourceKind:
    try:
        return SourceKind(value)
    except ValueError:
        raise InvalidInput.at(("source", "kind"), "must be template or generator") from None


@attrs.frozen
class ScheduleSource:
    """What a schedule drafts from: a template (by id) or the generator.

    >>> ScheduleSource.from_template("tpl-1")
    ScheduleSource(kind=<SourceKind.TEMPLATE: 'template'>, template_id='tpl-1')
    >>> ScheduleSource.parse("generator").kind.value
    'generator'
    """

    kind: SourceKind = attrs.field(converter=_source_kind)
    template_id: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind is SourceKind.TEMPLATE:
            object.__setattr__(
                self,
                "template_id",
                check_key(self.template_id, "source.template_id", max_length=ID_MAX),
            )
        elif self.template_id is not None:
            raise InvalidInput.at(("source", "template_id"), "must be null for the generator")

    @classmethod
    def from_template(cls, template_id: str) -> ScheduleSource:
        """Clone the template with this id."""
        return cls(SourceKind.TEMPLATE, template_id)

    @classmethod
    def generator(cls) -> ScheduleSource:
        """Generate the week."""
        return cls(SourceKind.GENERATOR)

    @classmethod
    def parse(cls, value: Any) -> ScheduleSource:
        """A source as a caller may give it.

        A :class:`ScheduleSource`; ``"generator"``; ``{"template_id": "..."}``;
        or ``{"kind": "template" | "generator", "template_id": ...}``.
        """
        if isinstance(value, ScheduleSource):
            return value
        if value == SourceKind.GENERATOR.value:
            return cls.generator()
        if isinstance(value, dict):
            unknown = set(value) - {"kind", "template_id"}
            if unknown:
                raise InvalidInput.at(("source", sorted(unknown)[0]), "is not a field of a source")
            kind = value.get("kind", SourceKind.TEMPLATE if "template_id" in value else None)
            if kind is None:
                raise InvalidInput.at(("source",), "must name a template_id or the generator")
            return cls(kind, value.get("template_id"))
        raise InvalidInput.at(
            ("source",), 'must be "generator", {"template_id": ...} or a ScheduleSource'
        )

    def to_dict(self) -> dict[str, Any]:
        """The source as a JSON-ready dict, which :meth:`parse` reads back."""
        return {"kind": self.kind.value, "template_id": self.template_id}


def check_weekday(value: Any) -> DayKey:
    try:
        return DayKey(value)
    except ValueError:
        raise InvalidInput.at(
            ("weekday",), "must be one of mon, tue, wed, thu, fri, sat, sun"
        ) from None


def check_wall_time(value: Any) -> time:
    if isinstance(value, str):
        try:
            value = time.fromisoformat(value)
        except ValueError:
            raise InvalidInput.at(("time",), "must be a wall-clock time HH:MM") from None
    if not isinstance(value, time):
        raise InvalidInput.at(("time",), "must be a wall-clock time HH:MM")
    if value.tzinfo is not None:
        raise InvalidInput.at(("time",), "must be a wall-clock time without a timezone")
    if value.second or value.microsecond:
        raise InvalidInput.at(("time",), "must be a whole minute")
    return value


def check_timezone(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > TIMEZONE_MAX:
        raise InvalidInput.at(("timezone",), "must be an IANA timezone name")
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidInput.at(("timezone",), f"is not a known IANA timezone: {value!r}") from None
    return value


def check_weeks_ahead(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= WEEKS_AHEAD_MAX:
        raise InvalidInput.at(("weeks_ahead",), f"must be an integer from 0 to {WEEKS_AHEAD_MAX}")
    return value


@attrs.frozen
class ScheduleRule:
    """A weekly wall-clock time in an IANA timezone: ``weekday`` at ``time`` in ``timezone``."""

    weekday: DayKey = attrs.field(converter=check_weekday)
    time: dt.time = attrs.field(converter=check_wall_time)
    timezone: str = attrs.field(converter=check_timezone)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The timezone as a :class:`zoneinfo.ZoneInfo`."""
        return zoneinfo.ZoneInfo(self.timezone)


def resolve_wall_time(day: date, at: time, zone: zoneinfo.ZoneInfo) -> datetime:
    """The UTC instant of wall-clock ``at`` on ``day`` in ``zone`` (rules in the module doc).

    ``fold=0`` is what gives both rules: in a gap it reads the time with the
    offset from before the jump, and of two occurrences it picks the first.

    >>> amsterdam = zoneinfo.ZoneInfo("Europe/Amsterdam")
    >>> resolve_wall_time(date(2026, 3, 29), time(2, 30), amsterdam).isoformat()
    '2026-03-29T01:30:00+00:00'
    >>> resolve_wall_time(date(2026, 10, 25), time(2, 30), amsterdam).isoformat()
    '2026-10-25T00:30:00+00:00'
    """
    local = datetime.combine(day, at, tzinfo=zone).replace(fold=0)
    return local.astimezone(UTC)


def _check_aware(value: Any, field: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidInput.at((field,), "must be a timezone-aware datetime")
    return value.astimezone(UTC)


def next_run_after(rule: ScheduleRule, after: datetime) -> datetime:
    """The first run of ``rule`` strictly after the instant ``after``, in UTC.

    >>> rule = ScheduleRule("sun", time(2, 30), "Europe/Amsterdam")
    >>> next_run_after(rule, datetime(2026, 10, 25, 0, 30, tzinfo=UTC)).isoformat()
    '2026-11-01T01:30:00+00:00'
    """
    instant = _check_aware(after, "now")
    zone = rule.zone
    local_day = instant.astimezone(zone).date()
    day = local_day + timedelta(days=(rule.weekday.position - local_day.weekday()) % 7)
    # The candidate on or after today's local date may already be past (earlier
    # today, or a gap/fold shift); the next week's then is the answer. A week
    # back is tried first for the rare case where the local date runs ahead.
    for candidate_day in (day - timedelta(weeks=1), day, day + timedelta(weeks=1)):
        candidate = resolve_wall_time(candidate_day, rule.time, zone)
        if candidate > instant:
            return candidate
    # Unreachable: next week's candidate always lies after ``instant``; kept so
    # the function returns a value on every path.
    return resolve_wall_time(day + timedelta(weeks=2), rule.time, zone)  # pragma: no cover


def target_week(
    rule: ScheduleRule, run_at: datetime, weeks_ahead: int, week_starts_on: DayKey
) -> date:
    """The first day of the week a run at ``run_at`` drafts.

    That is the week (starting on ``week_starts_on``) holding the run's local
    date, moved ``weeks_ahead`` weeks on: a Friday run with ``weeks_ahead=1``
    drafts the week that starts the coming Monday.

    >>> rule = ScheduleRule("fri", time(9, 0), "Europe/Amsterdam")
    >>> target_week(rule, datetime(2026, 11, 27, 8, tzinfo=UTC), 1, DayKey.MON)
    datetime.date(2026, 11, 30)
    """
    local_day = _check_aware(run_at, "run_at").astimezone(rule.zone).date()
    back = (local_day.weekday() - week_starts_on.position) % 7
    return local_day - timedelta(days=back) + timedelta(weeks=weeks_ahead)


def _source(value: Any) -> ScheduleSource:
    return ScheduleSource.parse(value)


def _client_ref(value: Any) -> str:
    return check_key(value, "client_ref", max_length=CLIENT_REF_MAX)


def _aware(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _check_aware(value, attribute.name)


def _utc(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return value


def _optional_date(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise InvalidInput.at((attribute.name,), "must be a date or null")


def _optional_code(value: Any) -> str | None:
    return None if value is None else str(value)[:_ERROR_CODE_MAX]


def _optional_message(value: Any) -> str | None:
    return None if value is None else str(value)[:ERROR_MESSAGE_MAX]


class RunOutcome(enum.StrEnum):
    """How the last scheduled run of a schedule ended."""

    PRODUCED = "produced"
    """The week was drafted."""
    ALREADY_DONE = "already_done"
    """The week existed already (or its period was done); nothing new was made."""
    FAILED = "failed"
    """The week could not be drafted; ``last_error_code`` says why."""


#: The longest error message a schedule keeps of its last run.
ERROR_MESSAGE_MAX: Final = 2000
_ERROR_CODE_MAX: Final = ERROR_CODE_MAX


def _optional_outcome(value: Any) -> RunOutcome | None:
    return None if value is None else RunOutcome(value)


@attrs.frozen
class Schedule:
    """One client's weekly draft: when, in which timezone, how far ahead, from what.

    ``next_run_at`` is the next run's instant in UTC. ``last_week_done`` is the
    first day of the last week a run drafted (or found already there): a run
    for that week or an earlier one makes nothing new. ``last_run_at``,
    ``last_outcome``, ``last_error_code`` and ``last_error_message`` say how the
    last run went.

    >>> s = Schedule("tenant-a", "client-1", ScheduleRule("fri", "09:00", "Europe/Amsterdam"),
    ...              weeks_ahead=1, source=ScheduleSource.generator(),
    ...              next_run_at=datetime(2026, 11, 27, 8, tzinfo=UTC))
    >>> (s.rule.weekday.value, s.rule.time.isoformat(), s.last_week_done)
    ('fri', '09:00:00', None)
    """

    tenant_id: str = attrs.field(converter=to_tenant_id)
    client_ref: str = attrs.field(converter=_client_ref)
    rule: ScheduleRule
    weeks_ahead: int = attrs.field(kw_only=True, converter=check_weeks_ahead)
    source: ScheduleSource = attrs.field(kw_only=True, converter=_source)
    next_run_at: datetime = attrs.field(kw_only=True, converter=_utc, validator=_aware)
    last_week_done: date | None = attrs.field(kw_only=True, default=None, validator=_optional_date)
    last_run_at: datetime | None = attrs.field(
        kw_only=True, default=None, converter=_utc, validator=_aware
    )
    last_outcome: RunOutcome | None = attrs.field(
        kw_only=True, default=None, converter=_optional_outcome
    )
    last_error_code: str | None = attrs.field(kw_only=True, default=None, converter=_optional_code)
    last_error_message: str | None = attrs.field(
        kw_only=True, default=None, converter=_optional_message
    )

    @property
    def weekday(self) -> DayKey:
        """The weekday of every run, in the schedule's timezone."""
        return self.rule.weekday

    @property
    def time(self) -> dt.time:
        """The wall-clock time of every run."""
        return self.rule.time

    @property
    def timezone(self) -> str:
        """The IANA timezone name the weekday and time are read in."""
        return self.rule.timezone
