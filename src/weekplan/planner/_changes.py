"""Reading the change log: a week's records, a template's, and the tenant's.

Every listing runs newest first by the time of the planner's clock, then by
change set id and the slot's position in its set (see
:attr:`~weekplan.domain.changes.ChangeRecord.sort_key`), with keyset cursors.
Nothing here writes: read-only workers may read the log, and no method of any
planner changes or removes a record.
A client's planner has no way to reach the log.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from weekplan.domain._inputs import check_client_ref, check_template_id, collect_errors
from weekplan.domain._paging import Page, check_limit, decode_cursor, encode_cursor
from weekplan.domain.changes import ChangeRecord, ChangeSortKey, ChangeSubject
from weekplan.errors import InvalidInput
from weekplan.planner._capabilities import Capability
from weekplan.planner._instances import instance_key
from weekplan.planner._session import UseCases
from weekplan.planner._workflow import workflow_of

__all__ = ["ChangeLogUseCases"]

_CURSOR_KIND = "changes"


def _check_time(value: Any, field: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidInput.at((field,), "must be a timezone-aware datetime")
    return value


def _position(cursor: Any) -> ChangeSortKey | None:
    try:
        position = decode_cursor(_CURSOR_KIND, cursor, arity=3)
    except InvalidInput:
        # A cursor from before change sets names ``(at, record id)``: the
        # upgrade made each such record the one change of a set of that id.
        position = decode_cursor(_CURSOR_KIND, cursor, arity=2)
    if position is None:
        return None
    problem = InvalidInput.at(("cursor",), "is not a cursor of this listing")
    try:
        at = datetime.fromisoformat(position[0])
    except ValueError:
        raise problem from None
    if at.tzinfo is None:
        raise problem
    if len(position) == 2:
        return (at, position[1], 0)
    if not position[2].isascii() or not position[2].isdigit() or len(position[2]) > 9:
        raise problem
    return (at, position[1], int(position[2]))


def _cursor(record: ChangeRecord) -> str:
    at, set_id, index = record.sort_key
    return encode_cursor(_CURSOR_KIND, (at.isoformat(), set_id, str(index)))


class ChangeLogUseCases(UseCases):
    """The change log of the tenant's weeks and templates, newest first."""

    def list_changes(
        self,
        client_ref: str,
        week_start_date: date | str,
        *,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[ChangeRecord]:
        """See :meth:`weekplan.WorkerPlanner.list_changes`."""
        (client, week), limit = collect_errors(
            lambda: instance_key(self._session, client_ref, week_start_date),
            lambda: check_limit(limit),
        )
        return self._changes(
            limit,
            cursor,
            subject=ChangeSubject.WEEK,
            client_ref=client,
            week_start_date=week,
        )

    def list_template_changes(
        self, template_id: str, *, limit: int = 50, cursor: str | None = None
    ) -> Page[ChangeRecord]:
        """See :meth:`weekplan.WorkerPlanner.list_template_changes`."""
        template, limit = collect_errors(
            lambda: check_template_id(template_id), lambda: check_limit(limit)
        )
        return self._changes(limit, cursor, subject=ChangeSubject.TEMPLATE, subject_id=template)

    def list_all_changes(
        self,
        *,
        client_ref: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[ChangeRecord]:
        """See :meth:`weekplan.WorkerPlanner.list_all_changes`."""
        client, start, end, limit = collect_errors(
            lambda: None if client_ref is None else check_client_ref(client_ref),
            lambda: _check_time(since, "since"),
            lambda: _check_time(until, "until"),
            lambda: check_limit(limit),
        )
        return self._changes(limit, cursor, client_ref=client, since=start, until=end)

    def _changes(
        self,
        limit: int,
        cursor: str | None,
        *,
        subject: ChangeSubject | None = None,
        subject_id: str | None = None,
        client_ref: str | None = None,
        week_start_date: date | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Page[ChangeRecord]:
        before = _position(cursor)
        self._require(Capability.CHANGES)
        with self._transaction() as uow:
            rows = list(
                workflow_of(uow).changes.list(
                    self.tenant_id,
                    subject=subject,
                    subject_id=subject_id,
                    client_ref=client_ref,
                    week_start_date=week_start_date,
                    since=since,
                    until=until,
                    before=before,
                    limit=limit + 1,
                )
            )
        items = tuple(rows[:limit])
        next_cursor = None
        if len(rows) > limit:
            next_cursor = _cursor(items[-1])
        return Page(items, next_cursor)
