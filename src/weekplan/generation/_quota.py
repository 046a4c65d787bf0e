"""Generation quotas: how many generations a client and a tenant may start in a rolling window.

Pure: the caller hands in the start times of the generations that count (the
run records of the window) and gets back whether one more is allowed and, if
not, how long until it is.

>>> from datetime import datetime, timedelta, timezone
>>> now = datetime(2026, 11, 30, 12, tzinfo=timezone.utc)
>>> quota = GenerationQuota(per_client=2, window=timedelta(hours=1))
>>> earlier = [now - timedelta(minutes=50), now - timedelta(minutes=10)]
>>> quota.check(now, client_starts=earlier, tenant_starts=earlier)
QuotaVerdict(allowed=False, retry_after=600, scope='client')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

import attrs

from weekplan.errors import InvalidInput

__all__ = ["GenerationQuota", "QuotaVerdict"]


def _limit(field: str) -> Callable[[Any], int | None]:
    def convert(value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInput.at((field,), "must be a non-negative integer or None")
        return value

    return convert


def _per_client(value: Any) -> int | None:
    return _limit("per_client")(value)


def _per_tenant(value: Any) -> int | None:
    return _limit("per_tenant")(value)


def _window(value: Any) -> timedelta:
    if not isinstance(value, timedelta) or value <= timedelta(0):
        raise InvalidInput.at(("window",), "must be a positive timedelta")
    return value


@attrs.frozen
class QuotaVerdict:
    """Whether one more generation may start; if not, in how many seconds, and whose quota."""

    allowed: bool
    retry_after: int = 0
    scope: str | None = None


@attrs.frozen
class GenerationQuota:
    """At most ``per_client`` generations per client and ``per_tenant`` per tenant per ``window``.

    ``None`` means no limit. The default is the seed app's: 10 an hour per client.
    """

    per_client: int | None = attrs.field(default=10, converter=_per_client)
    per_tenant: int | None = attrs.field(default=None, converter=_per_tenant)
    window: timedelta = attrs.field(default=timedelta(hours=1), converter=_window)

    def window_start(self, now: datetime) -> datetime:
        """The earliest start time that still counts at ``now``."""
        return now - self.window

    def check(
        self,
        now: datetime,
        *,
        client_starts: Iterable[datetime],
        tenant_starts: Iterable[datetime],
    ) -> QuotaVerdict:
        """The verdict at ``now``, given the start times of the generations that count."""
        for scope, limit, starts in (
            ("client", self.per_client, client_starts),
            ("tenant", self.per_tenant, tenant_starts),
        ):
            if limit is None:
                continue
            inside = sorted(start for start in starts if start > now - self.window)
            if len(inside) >= limit:
                # One more may start once enough of the oldest ones have left the window.
                freed_at = inside[len(inside) - limit] + self.window if limit else now + self.window
                wait = math.ceil((freed_at - now).total_seconds())
                return QuotaVerdict(False, max(1, wait), scope)
        return QuotaVerdict(True)
