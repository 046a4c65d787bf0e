"""The record of one generation: what ran, how it ended, and what it produced.

A :class:`GenerationRun` is written once and never changed or deleted; it is
for workers and operators (a client never sees runs). Runs also drive the
generation quota: every run but a ``quota_exceeded`` one counts.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import attrs

from weekplan.domain._days import DayKey
from weekplan.domain._fields import to_id, to_tenant_id
from weekplan.domain._limits import CLIENT_REF_MAX, CONTENT_HASH_MAX, ERROR_CODE_MAX
from weekplan.domain.text import check_key, check_text
from weekplan.errors import InvalidInput

__all__ = ["RUN_MESSAGE_MAX", "GenerationRun", "RunStatus", "RunType"]

RUN_MESSAGE_MAX = 2000
"""The longest error message a run keeps; longer ones are clipped."""
_NAME_MAX = ERROR_CODE_MAX
_CODE_MAX = ERROR_CODE_MAX
_HASH_MAX = CONTENT_HASH_MAX


class RunType(enum.StrEnum):
    """A whole week generated, or some days of it generated again."""

    GENERATE = "generate"
    REGENERATE = "regenerate"


class RunStatus(enum.StrEnum):
    """How a run ended."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INFEASIBLE = "infeasible"
    QUOTA_EXCEEDED = "quota_exceeded"

    @property
    def counts_towards_quota(self) -> bool:
        """Whether the run used a generation: every run the quota let through."""
        return self is not RunStatus.QUOTA_EXCEEDED


_Kind = TypeVar("_Kind", bound=enum.StrEnum)


def _enum(kind: type[_Kind], field: str) -> Callable[[Any], _Kind]:
    def convert(value: Any) -> _Kind:
        try:
            return kind(value)
        except ValueError:
            choices = ", ".join(member.value for member in kind)
            raise InvalidInput.at((field,), f"must be one of {choices}") from None

    return convert


def _run_type(value: Any) -> RunType:
    return _enum(RunType, "run_type")(value)


def _status(value: Any) -> RunStatus:
    return _enum(RunStatus, "status")(value)


def _client_ref(value: Any) -> str:
    return check_key(value, "client_ref", max_length=CLIENT_REF_MAX)


def _count(field: str) -> Any:
    def check(_instance: object, _attribute: object, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInput.at((field,), "must be a non-negative integer")

    return check


def _aware(_instance: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidInput.at((attribute.name,), "must be a timezone-aware datetime")


def _date(_instance: object, _attribute: object, value: Any) -> None:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidInput.at(("week_start_date",), "must be a date")


def _optional_code(value: Any) -> str | None:
    return None if value is None else check_key(value, "error_code", max_length=_CODE_MAX)


def _optional_message(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput.at(("error_message",), "must be a string or null")
    # A message quotes what went wrong, which may be long: keep it storable.
    return value if len(value) <= RUN_MESSAGE_MAX else value[: RUN_MESSAGE_MAX - 1] + "…"


def _generator(value: Any) -> str:
    return check_text(value, "generator", max_length=_NAME_MAX)


def _generator_version(value: Any) -> str:
    return check_text(value, "generator_version", max_length=_NAME_MAX)


def _optional_hash(value: Any) -> str | None:
    return None if value is None else check_key(value, "ruleset_hash", max_length=_HASH_MAX)


def _optional_draft_version(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput.at(("draft_version",), "must be a positive integer or null")
    return value


def _days(value: Any) -> tuple[DayKey, ...]:
    if isinstance(value, str | bytes):
        raise InvalidInput.at(("days",), "must be a list of day keys")
    try:
        found = {DayKey(day) for day in value}
    except (TypeError, ValueError):
        raise InvalidInput.at(("days",), "must be a list of day keys") from None
    return tuple(sorted(found, key=lambda day: day.position))


def _seed(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise InvalidInput.at(("seed",), "must be an integer from 0 to 2**31 - 1 or null")
    return value


@attrs.frozen
class GenerationRun:
    """One generation or regeneration of a client's week, as it happened.

    ``days`` are the days the run was asked to fill (all seven for a whole
    week); ``ruleset_hash`` names the client's diet then (``None``: no diet);
    ``draft_version`` the version of the week's draft it wrote, if it succeeded
    (a week has one draft, so the week and that version name it).

    >>> from datetime import UTC, date, datetime
    >>> run = GenerationRun(
    ...     "run-1", "tenant-a", "client-1", date(2026, 11, 23), "generate", "succeeded",
    ...     started_at=datetime(2026, 11, 30, 9, tzinfo=UTC), attempts=1, duration_ms=180,
    ...     generator="cp-sat", generator_version="1",
    ... )
    >>> (run.status.counts_towards_quota, run.error_code)
    (True, None)
    """

    id: str = attrs.field(converter=to_id)
    tenant_id: str = attrs.field(converter=to_tenant_id)
    client_ref: str = attrs.field(converter=_client_ref)
    week_start_date: date = attrs.field(validator=_date)
    run_type: RunType = attrs.field(converter=_run_type)
    status: RunStatus = attrs.field(converter=_status)
    started_at: datetime = attrs.field(kw_only=True, validator=_aware)
    attempts: int = attrs.field(kw_only=True, validator=_count("attempts"))
    duration_ms: int = attrs.field(kw_only=True, validator=_count("duration_ms"))
    generator: str = attrs.field(kw_only=True, converter=_generator)
    generator_version: str = attrs.field(kw_only=True, converter=_generator_version)
    days: tuple[DayKey, ...] = attrs.field(kw_only=True, default=(), converter=_days)
    ruleset_hash: str | None = attrs.field(kw_only=True, default=None, converter=_optional_hash)
    seed: int | None = attrs.field(kw_only=True, default=None, converter=_seed)
    draft_version: int | None = attrs.field(
        kw_only=True, default=None, converter=_optional_draft_version
    )
    error_code: str | None = attrs.field(kw_only=True, default=None, converter=_optional_code)
    error_message: str | None = attrs.field(kw_only=True, default=None, converter=_optional_message)

    @property
    def sort_key(self) -> tuple[datetime, str]:
        """``(started_at, id)``: runs are listed newest first by this key."""
        return (self.started_at, self.id)
