"""One generation from request to run record: read, check the quota, generate, save, record.

The steps, each in its own transaction so that no database lock is held while
a generator works:

1. read what the generator may look at: the week as it stands (``base``), its
   locked slots, the client's diet, the catalog and the client's recent weeks;
2. refuse early, without generating, when the quota is already used up;
3. generate with guardrail retries (:func:`~weekplan.generation.generate_checked`);
4. decide the quota again under the tenant's quota lock, save the result
   (``save``) and record the run, in one transaction: concurrent generations
   never let one too many through.

A run is recorded for every outcome: succeeded, failed, infeasible or
quota_exceeded. A store that keeps no runs still generates, without a quota.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from typing import Protocol

import attrs

from weekplan.domain._days import DayKey
from weekplan.domain._dishes import Dish
from weekplan.domain._entries import PlanEntry, SlotKey
from weekplan.domain._runs import GenerationRun, RunStatus, RunType
from weekplan.domain.text import search_key
from weekplan.errors import (
    GenerationFailed,
    GenerationInfeasible,
    GenerationQuotaExceeded,
    GuardrailsViolation,
    WeekPlanError,
)
from weekplan.generation._checked import CheckedWeek, generate_checked
from weekplan.generation._port import PlanGenerator
from weekplan.generation._request import GeneratedWeek, GenerationRequest
from weekplan.planner._capabilities import Capability, full
from weekplan.planner._enforcement import client_ruleset
from weekplan.planner._generation_runs import admit_generation
from weekplan.planner._options import PlannerOptions
from weekplan.planner._retry import retry_lost_races
from weekplan.ports import DishCatalog, DishSortKey, UnitOfWork

__all__ = ["RECENT_WEEKS", "GenerationJob", "default_generator"]


class _Record(Protocol):
    def __call__(
        self,
        status: RunStatus,
        *,
        attempts: int = 0,
        draft_version: int | None = None,
        error: WeekPlanError | None = None,
    ) -> GenerationRun: ...


RECENT_WEEKS = 2
"""How many of the client's earlier weeks count as recent."""
_CATALOG_PAGE = 500


class _SolverNotInstalled:
    """Stands in for the CP-SAT generator when OR-Tools is missing: every generation fails.

    So a host without the ``generate`` extra gets ``503 generation_failed`` saying
    what to install, recorded as a failed run, rather than an unexpected error.
    """

    name = "cp-sat"
    version = "not-installed"

    def generate(self, request: GenerationRequest) -> GeneratedWeek:
        """Always :class:`~weekplan.GenerationFailed`: there is no solver to generate with."""
        raise GenerationFailed(
            "the default generator needs OR-Tools: install weekplan[generate], "
            "or pass Planner(generator=...)"
        )


def default_generator() -> PlanGenerator:
    """The CP-SAT generator; without the ``generate`` extra, one whose every generation fails."""
    try:
        import ortools.sat.python.cp_model  # noqa: F401, PLC0415 - the optional extra
    except ImportError:
        return _SolverNotInstalled()
    from weekplan.generation._solver import CpSatGenerator  # noqa: PLC0415 - keeps imports light

    return CpSatGenerator()


def _all_dishes(catalog: DishCatalog, tenant_id: str) -> list[Dish]:
    dishes: list[Dish] = []
    after: DishSortKey | None = None
    while True:
        page = list(catalog.list(tenant_id, search=None, after=after, limit=_CATALOG_PAGE))
        dishes.extend(page)
        if len(page) < _CATALOG_PAGE:
            return dishes
        after = (search_key(page[-1].name), page[-1].id)


@attrs.define
class GenerationJob:
    """One generation of one client's week, as a worker session runs it.

    ``base`` reads the week to fill and its locked slots inside a unit of work;
    ``save`` writes the generated week and returns the draft version it made.
    """

    tenant_id: str
    client_ref: str
    week_start_date: date
    days: tuple[DayKey, ...]
    run_type: RunType
    seed: int | None
    options: PlannerOptions
    transaction: Callable[[], AbstractContextManager[UnitOfWork]]
    catalog: Callable[[UnitOfWork], DishCatalog]
    base: Callable[[UnitOfWork], tuple[tuple[PlanEntry, ...], frozenset[SlotKey]]]
    save: Callable[[UnitOfWork, CheckedWeek], int | None]

    def run(self) -> tuple[CheckedWeek, GenerationRun]:
        """Generate, save and record; raise the generation's error after recording it."""
        seed = secrets.randbelow(2**31) if self.seed is None else self.seed
        generator = self.options.generator or default_generator()
        started = self.options.clock()
        began = time.perf_counter()

        def record(
            status: RunStatus,
            *,
            attempts: int = 0,
            draft_version: int | None = None,
            error: WeekPlanError | None = None,
        ) -> GenerationRun:
            return GenerationRun(
                self.options.id_factory(),
                self.tenant_id,
                self.client_ref,
                self.week_start_date,
                self.run_type,
                status,
                started_at=started,
                attempts=attempts,
                duration_ms=int((time.perf_counter() - began) * 1000),
                generator=generator.name,
                generator_version=generator.version,
                days=self.days,
                seed=seed,
                ruleset_hash=ruleset_hash,
                draft_version=draft_version,
                error_code=None if error is None else error.detail,
                error_message=None if error is None else str(error),
            )

        request = self._request(seed)
        ruleset_hash = None if request.ruleset is None else request.ruleset.content_hash
        self._precheck(started, record)
        try:
            checked = generate_checked(
                generator, request, max_attempts=self.options.generation_attempts
            )
        except GenerationInfeasible as exc:
            self._store_run(record(RunStatus.INFEASIBLE, attempts=1, error=exc))
            raise
        except (GuardrailsViolation, GenerationFailed) as exc:
            attempts = self.options.generation_attempts
            self._store_run(record(RunStatus.FAILED, attempts=attempts, error=exc))
            raise
        # Admitting and saving is a write like any other: a lost race is run again.
        return checked, retry_lost_races(lambda: self._commit(checked, started, record))

    def _request(self, seed: int) -> GenerationRequest:
        with self.transaction() as uow:
            week, locked = self.base(uow)
            ruleset = client_ruleset(uow, self.tenant_id, self.client_ref)
            dishes = _all_dishes(self.catalog(uow), self.tenant_id)
            recent = self._recent_dish_ids(uow)
        wanted = set(self.days)
        return GenerationRequest(
            self.tenant_id,
            self.client_ref,
            self.week_start_date,
            week=week,
            fill=[entry.key for entry in week if entry.day_key in wanted],
            catalog=dishes,
            ruleset=ruleset,
            recent_dish_ids=recent,
            locked=locked,
            seed=seed,
            vocabulary=self.options.meal_vocabulary,
            rulesets=self.options.rulesets,
        )

    @property
    def _keeps_runs(self) -> bool:
        # Found once, when the planner was built: a store without runs generates unlimited.
        return Capability.RUNS in self.options.capabilities

    def _recent_dish_ids(self, uow: UnitOfWork) -> set[str]:
        found: set[str] = set()
        for weeks_back in range(1, RECENT_WEEKS + 1):
            earlier = self.week_start_date - timedelta(weeks=weeks_back)
            instance = uow.instances.get(self.tenant_id, self.client_ref, earlier)
            if instance is not None:
                found |= {e.dish_template_id for e in instance.days if e.dish_template_id}
        return found

    def _precheck(self, now: datetime, record: _Record) -> None:
        """Refuse before generating when the quota is already used up (no lock needed)."""
        if not self._keeps_runs:
            return
        with self.transaction() as uow:
            runs = full(uow).runs
            quota = self.options.generation_quota
            after = quota.window_start(now)
            verdict = quota.check(
                now,
                client_starts=runs.counted_starts(
                    self.tenant_id, client_ref=self.client_ref, after=after
                ),
                tenant_starts=runs.counted_starts(self.tenant_id, client_ref=None, after=after),
            )
        if not verdict.allowed:
            refusal = GenerationQuotaExceeded(verdict.retry_after, scope=verdict.scope or "client")
            self._store_run(record(RunStatus.QUOTA_EXCEEDED, error=refusal))
            raise refusal

    def _commit(self, checked: CheckedWeek, now: datetime, record: _Record) -> GenerationRun:
        with self.transaction() as uow:
            runs = full(uow).runs if self._keeps_runs else None
            if runs is not None:
                verdict = admit_generation(
                    runs, self.options.generation_quota, self.tenant_id, self.client_ref, now
                )
                if not verdict.allowed:
                    refusal = GenerationQuotaExceeded(
                        verdict.retry_after, scope=verdict.scope or "client"
                    )
                    runs.add(self.tenant_id, record(RunStatus.QUOTA_EXCEEDED, error=refusal))
                    uow.commit()
                    raise refusal
            version = self.save(uow, checked)
            run = record(RunStatus.SUCCEEDED, attempts=checked.attempts, draft_version=version)
            if runs is not None:
                runs.add(self.tenant_id, run)
            uow.commit()
        return run

    def _store_run(self, run: GenerationRun) -> None:
        if not self._keeps_runs:
            return
        with self.transaction() as uow:
            full(uow).runs.add(self.tenant_id, run)
            uow.commit()
