"""Use cases on schedules: when each client's next week is drafted, and from what.

Schedules are an optional capability of a store (:mod:`weekplan.schedule_ports`);
on a store without it every call here raises :class:`~weekplan.NotSupportedByStore`,
as does setting a schedule on a store without drafts (every run drafts a week).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from weekplan.domain._days import DayKey
from weekplan.domain._inputs import check_client_ref, collect_errors
from weekplan.domain._paging import Page, check_limit, decode_cursor, encode_cursor
from weekplan.domain._schedules import (
    Schedule,
    ScheduleRule,
    ScheduleSource,
    SourceKind,
    check_timezone,
    check_wall_time,
    check_weekday,
    check_weeks_ahead,
    next_run_after,
)
from weekplan.errors import ScheduleNotFound
from weekplan.planner._capabilities import Capability, full
from weekplan.planner._session import UseCases
from weekplan.planner._templates import load_template

__all__ = ["ScheduleUseCases"]

_CURSOR_KIND = "schedules"


class ScheduleUseCases(UseCases):
    """Each client's weekly schedule: a weekday, a wall-clock time, a timezone and a source."""

    def set_schedule(
        self,
        client_ref: str,
        *,
        weekday: DayKey | str,
        time: dt.time | str,
        timezone: str,
        weeks_ahead: int = 1,
        source: ScheduleSource | str | dict[str, Any],
    ) -> Schedule:
        """See :meth:`weekplan.WorkerPlanner.set_schedule`."""
        client, day, wall, zone, ahead, parsed_source = collect_errors(
            lambda: check_client_ref(client_ref),
            lambda: check_weekday(weekday),
            lambda: check_wall_time(time),
            lambda: check_timezone(timezone),
            lambda: check_weeks_ahead(weeks_ahead),
            lambda: ScheduleSource.parse(source),
        )
        rule = ScheduleRule(day, wall, zone)
        self._require(Capability.SCHEDULES, Capability.DRAFTS)
        with self._transaction() as uow:
            schedules = full(uow).schedules
            if parsed_source.kind is SourceKind.TEMPLATE:
                assert parsed_source.template_id is not None
                load_template(self._session, uow, parsed_source.template_id)
            previous = schedules.get(self.tenant_id, client)
            schedule = Schedule(
                self.tenant_id,
                client,
                rule,
                weeks_ahead=ahead,
                source=parsed_source,
                next_run_at=next_run_after(rule, self._options.clock()),
                last_week_done=None if previous is None else previous.last_week_done,
                last_run_at=None if previous is None else previous.last_run_at,
                last_outcome=None if previous is None else previous.last_outcome,
                last_error_code=None if previous is None else previous.last_error_code,
                last_error_message=None if previous is None else previous.last_error_message,
            )
            schedules.put(self.tenant_id, schedule)
            uow.commit()
        return schedule

    def get_schedule(self, client_ref: str) -> Schedule:
        """See :meth:`weekplan.WorkerPlanner.get_schedule`."""
        client = check_client_ref(client_ref)
        self._require(Capability.SCHEDULES)
        with self._transaction() as uow:
            schedule = full(uow).schedules.get(self.tenant_id, client)
        if schedule is None:
            raise ScheduleNotFound()
        return schedule

    def list_schedules(self, *, limit: int = 50, cursor: str | None = None) -> Page[Schedule]:
        """See :meth:`weekplan.WorkerPlanner.list_schedules`."""
        checked_limit = check_limit(limit)
        position = decode_cursor(_CURSOR_KIND, cursor, arity=1)
        after = None if position is None else position[0]
        self._require(Capability.SCHEDULES)
        with self._transaction() as uow:
            rows = list(
                full(uow).schedules.list(self.tenant_id, after=after, limit=checked_limit + 1)
            )
        items = tuple(rows[:checked_limit])
        next_cursor = None
        if len(rows) > checked_limit:
            next_cursor = encode_cursor(_CURSOR_KIND, (items[-1].client_ref,))
        return Page(items, next_cursor)

    def delete_schedule(self, client_ref: str) -> None:
        """See :meth:`weekplan.WorkerPlanner.delete_schedule`."""
        client = check_client_ref(client_ref)
        self._require(Capability.SCHEDULES)
        with self._transaction() as uow:
            if not full(uow).schedules.remove(self.tenant_id, client):
                raise ScheduleNotFound()
            uow.commit()
