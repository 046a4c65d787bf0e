"""The rolling-window generation quota, per client and per tenant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from weekplan import InvalidInput
from weekplan.generation import GenerationQuota, QuotaVerdict

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def minutes_ago(*values: int) -> list[datetime]:
    return [NOW - timedelta(minutes=value) for value in values]


def test_under_the_limit_a_generation_may_start() -> None:
    quota = GenerationQuota(per_client=3)
    verdict = quota.check(NOW, client_starts=minutes_ago(5, 10), tenant_starts=minutes_ago(5, 10))
    assert verdict == QuotaVerdict(True)


def test_at_the_client_limit_the_wait_is_until_the_oldest_leaves_the_window() -> None:
    quota = GenerationQuota(per_client=3)
    starts = minutes_ago(59, 30, 1)
    verdict = quota.check(NOW, client_starts=starts, tenant_starts=starts)
    assert verdict == QuotaVerdict(False, 60, "client")


def test_generations_older_than_the_window_do_not_count() -> None:
    quota = GenerationQuota(per_client=2, window=timedelta(minutes=30))
    starts = minutes_ago(45, 31, 29, 10)
    assert quota.check(NOW, client_starts=starts, tenant_starts=()).allowed is False
    assert quota.check(NOW, client_starts=minutes_ago(45, 31, 10), tenant_starts=()).allowed


def test_far_over_the_limit_the_wait_is_until_one_place_is_free() -> None:
    quota = GenerationQuota(per_client=2)
    starts = minutes_ago(50, 40, 20, 10)
    # Three of the four must leave the window for one place: the third oldest leaves in 40 min.
    assert quota.check(NOW, client_starts=starts, tenant_starts=()).retry_after == 2400


def test_the_tenant_limit_counts_every_client() -> None:
    quota = GenerationQuota(per_client=10, per_tenant=4)
    verdict = quota.check(NOW, client_starts=minutes_ago(1), tenant_starts=minutes_ago(50, 3, 2, 1))
    assert (verdict.allowed, verdict.scope, verdict.retry_after) == (False, "tenant", 600)


def test_no_limit_means_no_limit_and_zero_means_never() -> None:
    unlimited = GenerationQuota(per_client=None)
    assert unlimited.check(NOW, client_starts=minutes_ago(*range(50)), tenant_starts=()).allowed
    closed = GenerationQuota(per_client=0)
    assert closed.check(NOW, client_starts=(), tenant_starts=()) == QuotaVerdict(
        False, 3600, "client"
    )


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"per_client": -1}, "per_client"),
        ({"per_tenant": "10"}, "per_tenant"),
        ({"window": timedelta(0)}, "window"),
        ({"window": 3600}, "window"),
    ],
)
def test_a_bad_quota_is_invalid_input_naming_the_field(
    options: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        GenerationQuota(**options)
    assert caught.value.errors[0]["loc"] == [field]
