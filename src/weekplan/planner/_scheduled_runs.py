"""Running due schedules: claim one, draft its week, move it on, in one transaction each.

:func:`run_due` loops: open a unit of work, claim one due schedule (a row lock
that concurrent callers skip, see
:meth:`~weekplan.schedule_ports.ScheduleRepository.claim_due`), draft its
week, store the schedule with its next run and the outcome, commit. So:

* each due schedule is run by exactly one caller, however many run at once;
* a crash before the commit leaves the schedule due and nothing half-made;
* a period already done, or a week whose draft is under review, is not
  drafted again;
* a generation that fails after recording its run (infeasible diet, quota,
  no proposal passing the guardrails) commits that run with the schedule's
  failure; any other failure (a template gone, no week to generate into, …)
  is rolled back, then recorded on the schedule in a transaction of its own;
  either way the loop goes on with the next schedule.

Every run leaves a draft, never a live change: a template's days go into the
week's draft (the week is created empty when missing, since a draft belongs
to a week), and the generator fills the draft as ``generate_draft`` does.
The draft step runs the worker's own use cases inside the claim's unit of
work (:class:`_Borrowed`), so a scheduled draft is made exactly as a worker
would make it, guardrails and run records included, and commits with the
schedule's move.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any, Final, Self

import attrs

from weekplan.domain._plans import WeekPlanInstance
from weekplan.domain._schedules import (
    RunOutcome,
    Schedule,
    ScheduleRule,
    SourceKind,
    next_run_after,
    target_week,
)
from weekplan.errors import (
    GenerationFailed,
    GenerationInfeasible,
    GenerationQuotaExceeded,
    GuardrailsViolation,
    InstanceExists,
    InvalidInput,
    TemplateNotFound,
    WeekPlanError,
)
from weekplan.planner._capabilities import Capability, full, open_unit_of_work, require
from weekplan.planner._catalog import catalog_of
from weekplan.planner._enforcement import enforce
from weekplan.planner._options import PlannerOptions
from weekplan.planner._uow_wrapper import UnitOfWorkWrapper
from weekplan.planner._worker import WorkerPlanner
from weekplan.planner._workflow import workflow_of
from weekplan.ports import (
    CoreStore,
    UnitOfWork,
)

__all__ = [
    "RUN_DUE_LIMIT_MAX",
    "ScheduledRun",
    "check_now",
    "check_run_limit",
    "due_tenants",
    "latest_run_at_or_before",
    "run_due",
]

#: The most schedules one :func:`run_due` call runs.
RUN_DUE_LIMIT_MAX: Final = 10_000


@attrs.frozen
class ScheduledRun:
    """What one due schedule's run did.

    ``week_start_date`` is the week it drafted (or found done); ``scheduled_for``
    the schedule's time it ran for; ``error_code`` is the ``detail`` of the
    error of a failed run.
    """

    tenant_id: str
    client_ref: str
    week_start_date: date
    outcome: RunOutcome
    scheduled_for: datetime
    error_code: str | None = None
    error_message: str | None = None


def latest_run_at_or_before(rule: ScheduleRule, now: datetime, due_at: datetime) -> datetime:
    """The schedule's latest time at or before ``now``, and never before ``due_at``.

    A run that comes late (workers were down) drafts the week of the latest
    time it missed; earlier missed times are not made up one by one.
    """
    latest = due_at
    following = next_run_after(rule, latest)
    while following <= now:
        latest, following = following, next_run_after(rule, following)
    return latest


class _Borrowed(UnitOfWorkWrapper):
    """An open unit of work lent to a use case: its ``with`` and ``commit`` are the caller's.

    The use case's reads and writes join the claim's transaction; whoever lent
    it commits or rolls back. Optional capabilities pass through unchanged.
    """

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    def commit(self) -> None:
        return None

    def rollback(self) -> None:
        return None


class _BorrowedStore:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def unit_of_work(self) -> _Borrowed:
        return _Borrowed(self._uow)

    def read_unit_of_work(self, *, single_statement: bool) -> _Borrowed:
        # Reads join the claim's transaction too, whatever the store does for its own.
        return _Borrowed(self._uow)


#: Generation failures that ``generate_draft`` records as a run before raising them:
#: the run stays, and the schedule records the failure, in the claim's transaction.
_RECORDED_GENERATION_FAILURES: Final = (
    GenerationInfeasible,
    GenerationQuotaExceeded,
    GenerationFailed,
    GuardrailsViolation,
)


def _produce(
    uow: UnitOfWork, options: PlannerOptions, schedule: Schedule, week: date
) -> tuple[RunOutcome, WeekPlanError | None]:
    """Draft the schedule's week inside ``uow``.

    Returns the outcome, with the generation's error when a generation failed
    after recording its run; raises what makes the run fail otherwise.
    """
    if schedule.last_week_done is not None and week <= schedule.last_week_done:
        return RunOutcome.ALREADY_DONE, None
    # Checked before writing: a draft under review is never overwritten.
    if workflow_of(uow).drafts.get(schedule.tenant_id, schedule.client_ref, week):
        return RunOutcome.ALREADY_DONE, None
    worker = WorkerPlanner(_BorrowedStore(uow), options, schedule.tenant_id, read_only=False)
    if schedule.source.kind is SourceKind.TEMPLATE:
        assert schedule.source.template_id is not None
        _draft_template(uow, options, worker, schedule, schedule.source.template_id, week)
        return RunOutcome.PRODUCED, None
    try:
        worker.generate_draft(schedule.client_ref, week)
    except _RECORDED_GENERATION_FAILURES as exc:
        return RunOutcome.FAILED, exc
    return RunOutcome.PRODUCED, None


def _draft_template(  # noqa: PLR0917  # private, one call site
    uow: UnitOfWork,
    options: PlannerOptions,
    worker: WorkerPlanner,
    schedule: Schedule,
    template_id: str,
    week: date,
) -> None:
    """Put the template's days in the week's draft, the week made empty first if it is missing.

    A draft belongs to a live week, and a scheduled week is for review: so a
    missing week is created empty (nothing goes live before the draft is
    applied), with the template as its template and snapshot.
    """
    tenant, client = schedule.tenant_id, schedule.client_ref
    template = uow.templates.get(tenant, template_id)
    if template is None:
        raise TemplateNotFound()
    if uow.instances.get(tenant, client, week) is None:
        now = options.clock()
        empty = WeekPlanInstance(
            id=options.id_factory(),
            tenant_id=tenant,
            template_id=template.id,
            client_ref=client,
            week_start_date=week,
            days=(),
            template_snapshot=template.days,
            version=1,
            created_at=now,
            updated_at=now,
        )
        uow.instances.add(
            tenant, enforce(uow, catalog_of(options, uow), tenant, empty, rulesets=options.rulesets)
        )
    worker.start_draft(client, week)
    worker.draft(client, week).update(days=template.days)


def _moved_on(
    schedule: Schedule,
    *,
    now: datetime,
    week: date,
    outcome: RunOutcome,
    error: BaseException | None,
) -> Schedule:
    done = schedule.last_week_done
    if outcome is not RunOutcome.FAILED:
        done = week if done is None else max(done, week)
    code = None
    if error is not None:
        code = error.detail if isinstance(error, WeekPlanError) else type(error).__name__
    return attrs.evolve(
        schedule,
        next_run_at=next_run_after(schedule.rule, max(now, schedule.next_run_at)),
        last_week_done=done,
        last_run_at=now,
        last_outcome=outcome,
        last_error_code=code,
        last_error_message=None if error is None else str(error),
    )


def _result(
    schedule: Schedule, moved: Schedule, week: date, scheduled_for: datetime
) -> ScheduledRun:
    assert moved.last_outcome is not None
    return ScheduledRun(
        schedule.tenant_id,
        schedule.client_ref,
        week,
        moved.last_outcome,
        scheduled_for,
        moved.last_error_code,
        moved.last_error_message,
    )


@attrs.frozen
class _Claim:
    schedule: Schedule
    scheduled_for: datetime
    week: date


def _run_one(
    store: CoreStore, options: PlannerOptions, now: datetime, tenant_id: str | None
) -> tuple[bool, ScheduledRun | None]:
    """Run one due schedule: ``(False, None)`` when none is due; the result otherwise.

    The result is ``None`` when the schedule failed and, before the failure
    could be recorded, another caller ran it (it was due again once rolled back).
    """
    with open_unit_of_work(store, options.capabilities) as uow:
        schedules = full(uow).schedules
        found = schedules.claim_due(now, tenant_id=tenant_id, client_ref=None, limit=1)
        if not found:
            return False, None
        claim = _claim(found[0], now, options)
        try:
            outcome, error = _produce(uow, options, claim.schedule, claim.week)
        except Exception as exc:  # one client's failure never stops the others
            failure: Exception = exc
        else:
            # A failed generation keeps its run record: it commits with the schedule's move.
            moved = _moved_on(
                claim.schedule, now=now, week=claim.week, outcome=outcome, error=error
            )
            schedules.put(claim.schedule.tenant_id, moved)
            uow.commit()
            return True, _result(claim.schedule, moved, claim.week, claim.scheduled_for)
    # The failed attempt is rolled back; record the failure on the schedule, if still ours.
    return True, _record_failure(store, options, now, claim, failure)


def _record_failure(
    store: CoreStore, options: PlannerOptions, now: datetime, claim: _Claim, failure: Exception
) -> ScheduledRun | None:
    schedule = claim.schedule
    outcome = RunOutcome.ALREADY_DONE if isinstance(failure, InstanceExists) else RunOutcome.FAILED
    with open_unit_of_work(store, options.capabilities) as uow:
        schedules = full(uow).schedules
        again = schedules.claim_due(
            now, tenant_id=schedule.tenant_id, client_ref=schedule.client_ref, limit=1
        )
        if not again or again[0].next_run_at != schedule.next_run_at:
            return None
        error = None if outcome is RunOutcome.ALREADY_DONE else failure
        moved = _moved_on(again[0], now=now, week=claim.week, outcome=outcome, error=error)
        schedules.put(schedule.tenant_id, moved)
        uow.commit()
    return _result(schedule, moved, claim.week, claim.scheduled_for)


def _claim(schedule: Schedule, now: datetime, options: PlannerOptions) -> _Claim:
    scheduled_for = latest_run_at_or_before(schedule.rule, now, schedule.next_run_at)
    week = target_week(schedule.rule, scheduled_for, schedule.weeks_ahead, options.week_starts_on)
    return _Claim(schedule, scheduled_for, week)


def check_now(value: Any) -> datetime:
    """``now`` as a caller gives it: a timezone-aware datetime, kept in UTC."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidInput.at(("now",), "must be a timezone-aware datetime")
    return value.astimezone(UTC)


def check_run_limit(value: Any) -> int:
    """How many schedules one call may run: 1 to :data:`RUN_DUE_LIMIT_MAX`."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= RUN_DUE_LIMIT_MAX:
        raise InvalidInput.at(("limit",), f"must be an integer from 1 to {RUN_DUE_LIMIT_MAX}")
    return value


def run_due(
    store: CoreStore,
    options: PlannerOptions,
    now: datetime,
    *,
    limit: int,
    tenant_id: str | None,
) -> list[ScheduledRun]:
    """Run up to ``limit`` schedules due at ``now``, each in its own transaction.

    A store without schedules, or without the drafts every run makes, is refused first.
    """
    require(options.capabilities, Capability.SCHEDULES, Capability.DRAFTS)
    results: list[ScheduledRun] = []
    claimed = 0
    while claimed < limit:
        found, result = _run_one(store, options, now, tenant_id)
        if not found:
            break
        claimed += 1
        if result is not None:
            results.append(result)
    return results


def due_tenants(
    store: CoreStore, options: PlannerOptions, now: datetime, *, limit: int
) -> list[str]:
    """Up to ``limit`` tenants with a schedule due at ``now``, in order."""
    require(options.capabilities, Capability.SCHEDULES)
    with open_unit_of_work(store, options.capabilities) as uow:
        return list(full(uow).schedules.due_tenants(now, limit=limit))
