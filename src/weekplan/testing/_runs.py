"""Conformance: generation runs are recorded whole, listed newest first, counted race-safely.

Runs are an optional capability: a store whose units of work have no ``runs``
skips these tests (and generation then keeps no record and enforces no quota).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from weekplan.domain._runs import GenerationRun, RunStatus
from weekplan.errors import InvalidInput
from weekplan.generation._quota import GenerationQuota
from weekplan.planner._generation_runs import admit_generation
from weekplan.planner._planner import Planner
from weekplan.planner._retry import retry_lost_races
from weekplan.ports import Store, runs_of
from weekplan.testing._base import MONDAY, ConformanceBase

__all__ = ["RunConformance"]

_START = datetime(2026, 11, 30, 9, 0, 0, 1, tzinfo=UTC)


def _run(
    tenant: str,
    run_id: str,
    *,
    client: str = "client-1",
    minutes: int = 0,
    status: str = "succeeded",
    **fields: object,
) -> GenerationRun:
    values: dict[str, object] = {
        "started_at": _START + timedelta(minutes=minutes),
        "attempts": 1,
        "duration_ms": 180,
        "generator": "cp-sat",
        "generator_version": "1+ortools9.15",
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "ruleset_hash": "sha256:" + "ab" * 32,
        "seed": 7,
        "draft_version": 2,
    }
    values.update(fields)
    return GenerationRun(run_id, tenant, client, MONDAY, "generate", status, **values)  # type: ignore[arg-type]


class RunConformance(ConformanceBase):
    """The ``runs`` capability of a unit of work."""

    #: Threads racing for the last generations of a quota.
    quota_race_threads = 16

    @pytest.fixture
    def runs_store(self, store: Store) -> Store:
        with store.unit_of_work() as uow:
            if runs_of(uow) is None:
                pytest.skip("this store keeps no generation runs (an optional capability)")
        return store

    def _add(self, store: Store, tenant: str, *runs: GenerationRun) -> None:
        with store.unit_of_work() as uow:
            repo = runs_of(uow)
            assert repo is not None
            for run in runs:
                repo.add(tenant, run)
            uow.commit()

    def test_a_run_comes_back_exactly_as_recorded(self, runs_store: Store, tenant: str) -> None:
        failed = _run(
            tenant,
            "r-2",
            minutes=1,
            status="infeasible",
            draft_version=None,
            seed=None,
            ruleset_hash=None,
            days=["tue"],
            error_code="generation_infeasible",
            error_message="force fish: at least 3 per week; variety: ✓ at most 1",
        )
        self._add(runs_store, tenant, _run(tenant, "r-1"), failed)
        with runs_store.unit_of_work() as uow:
            repo = runs_of(uow)
            assert repo is not None
            listed = repo.list(tenant, client_ref=None, before=None, limit=10)
        assert list(listed) == [failed, _run(tenant, "r-1")]

    def test_runs_are_listed_newest_first_per_client_and_paged(
        self, runs_store: Store, tenant: str
    ) -> None:
        runs = [_run(tenant, f"r-{n}", minutes=n, client=f"client-{n % 2}") for n in range(5)]
        # Two runs in the same microsecond are ordered by id.
        runs.append(_run(tenant, "r-4b", minutes=4, client="client-0"))
        self._add(runs_store, tenant, *runs)
        with runs_store.unit_of_work() as uow:
            repo = runs_of(uow)
            assert repo is not None
            first = repo.list(tenant, client_ref="client-0", before=None, limit=2)
            rest = repo.list(tenant, client_ref="client-0", before=first[-1].sort_key, limit=10)
            everyone = repo.list(tenant, client_ref=None, before=None, limit=10)
        assert [r.id for r in first] == ["r-4b", "r-4"]
        assert [r.id for r in rest] == ["r-2", "r-0"]
        assert [r.id for r in everyone] == ["r-4b", "r-4", "r-3", "r-2", "r-1", "r-0"]

    def test_another_tenant_never_sees_a_run(
        self, runs_store: Store, tenant: str, other_tenant: str
    ) -> None:
        self._add(runs_store, tenant, _run(tenant, "r-1"))
        with runs_store.unit_of_work() as uow:
            repo = runs_of(uow)
            assert repo is not None
            assert list(repo.list(other_tenant, client_ref=None, before=None, limit=10)) == []
            assert (
                list(
                    repo.counted_starts(
                        other_tenant, client_ref=None, after=_START - timedelta(days=1)
                    )
                )
                == []
            )

    def test_a_run_left_uncommitted_is_not_recorded(self, runs_store: Store, tenant: str) -> None:
        with runs_store.unit_of_work() as uow:
            repo = runs_of(uow)
            assert repo is not None
            repo.add(tenant, _run(tenant, "r-1"))
        with runs_store.unit_of_work() as uow:
            repo = runs_of(uow)
            assert repo is not None
            assert list(repo.list(tenant, client_ref=None, before=None, limit=10)) == []

    def test_the_quota_counts_every_run_but_refused_ones_inside_the_window(
        self, runs_store: Store, tenant: str
    ) -> None:
        self._add(
            runs_store,
            tenant,
            _run(tenant, "old", minutes=-61),
            _run(tenant, "edge", minutes=-60),
            _run(tenant, "ok", minutes=-30),
            _run(tenant, "failed", minutes=-20, status="failed"),
            _run(tenant, "refused", minutes=-10, status="quota_exceeded"),
            _run(tenant, "other-client", minutes=-5, client="client-2"),
        )
        with runs_store.unit_of_work() as uow:
            repo = runs_of(uow)
            assert repo is not None
            after = _START - timedelta(minutes=60)
            mine = repo.counted_starts(tenant, client_ref="client-1", after=after)
            everyone = repo.counted_starts(tenant, client_ref=None, after=after)
        assert sorted(mine) == [_START - timedelta(minutes=m) for m in (30, 20)]
        assert len(everyone) == 3

    def test_concurrent_generations_at_the_limit_let_exactly_the_allowed_number_through(
        self, runs_store: Store, tenant: str
    ) -> None:
        quota = GenerationQuota(per_client=10, window=timedelta(hours=1))
        self._add(runs_store, tenant, *(_run(tenant, f"before-{n}", minutes=-n) for n in range(7)))
        barrier = threading.Barrier(self.quota_race_threads)
        outcomes: list[str] = []
        lock = threading.Lock()

        def attempt(n: int) -> None:
            def admit_and_record() -> str:
                with runs_store.unit_of_work() as uow:
                    repo = runs_of(uow)
                    assert repo is not None
                    verdict = admit_generation(repo, quota, tenant, "client-1", _START)
                    status = RunStatus.SUCCEEDED if verdict.allowed else RunStatus.QUOTA_EXCEEDED
                    repo.add(tenant, _run(tenant, f"race-{n}", status=status.value))
                    uow.commit()
                return status.value

            barrier.wait()
            try:
                # As the planner does: a transaction that lost to another is run again.
                result = retry_lost_races(admit_and_record)
            except Exception as exc:  # every outcome is inspected below
                result = repr(exc)
            with lock:
                outcomes.append(result)

        threads = [
            threading.Thread(target=attempt, args=(n,)) for n in range(self.quota_race_threads)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["quota_exceeded"] * 13 + ["succeeded"] * 3, outcomes
        with runs_store.unit_of_work() as uow:
            repo = runs_of(uow)
            assert repo is not None
            counted = repo.counted_starts(
                tenant, client_ref="client-1", after=_START - timedelta(hours=1)
            )
        assert len(counted) == 10

    def test_a_worker_lists_runs_newest_first_page_by_page_and_read_only_too(
        self, runs_store: Store, tenant: str, other_tenant: str
    ) -> None:
        runs = [_run(tenant, f"r-{n}", minutes=n, client=f"client-{n % 2}") for n in range(5)]
        self._add(runs_store, tenant, *runs)
        planner = Planner(runs_store)
        viewer = planner.worker(tenant, read_only=True)
        first = viewer.list_runs(limit=2)
        second = viewer.list_runs(limit=2, cursor=first.next_cursor)
        third = viewer.list_runs(limit=2, cursor=second.next_cursor)
        assert [r.id for r in (*first.items, *second.items, *third.items)] == [
            "r-4",
            "r-3",
            "r-2",
            "r-1",
            "r-0",
        ]
        assert third.next_cursor is None
        assert [r.id for r in viewer.list_runs(client_ref="client-1").items] == ["r-3", "r-1"]
        assert planner.worker(other_tenant).list_runs().items == ()
        with pytest.raises(InvalidInput, match="cursor"):
            viewer.list_runs(cursor="not-a-cursor")
        with pytest.raises(InvalidInput, match="limit"):
            viewer.list_runs(limit=0)
