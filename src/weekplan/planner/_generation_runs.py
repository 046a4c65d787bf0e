"""Generation runs at the use-case level: the race-safe quota decision.

A generation is admitted inside the unit of work that records its run: the
tenant's quota lock is taken first, then the runs of the window are counted,
and the run is added before the commit releases the lock. Two concurrent
generations therefore never both take the last place of a quota.
"""

from __future__ import annotations

from datetime import datetime

from weekplan.generation._quota import GenerationQuota, QuotaVerdict
from weekplan.ports import RunRepository

__all__ = ["admit_generation"]


def admit_generation(
    runs: RunRepository,
    quota: GenerationQuota,
    tenant_id: str,
    client_ref: str,
    now: datetime,
) -> QuotaVerdict:
    """Whether one more generation of ``client_ref`` may be recorded at ``now``.

    Holds the tenant's quota lock until the unit of work ends: record the run
    (of either outcome) in the same unit of work, then commit.
    """
    runs.hold_quota(tenant_id)
    after = quota.window_start(now)
    client_starts = (
        runs.counted_starts(tenant_id, client_ref=client_ref, after=after)
        if quota.per_client is not None
        else ()
    )
    tenant_starts = (
        runs.counted_starts(tenant_id, client_ref=None, after=after)
        if quota.per_tenant is not None
        else ()
    )
    return quota.check(now, client_starts=client_starts, tenant_starts=tenant_starts)
