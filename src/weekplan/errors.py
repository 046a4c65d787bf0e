"""The one exception hierarchy of weekplan.

Every error a caller can see is a :class:`WeekPlanError`.
Each class carries a stable ``detail`` code and the HTTP ``status_code`` a host
should answer with, so a web layer needs one handler, not one per error:

>>> from weekplan import TemplateNotFound
>>> err = TemplateNotFound()
>>> (err.status_code, err.to_dict())
(404, {'detail': 'week_plan_template_not_found'})
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from weekplan.guardrails._decision import GuardDecision

__all__ = [
    "ClientOnly",
    "ConcurrentUpdate",
    "DishNotFound",
    "DraftNotFound",
    "ErrorItem",
    "GenerationFailed",
    "GenerationInfeasible",
    "GenerationQuotaExceeded",
    "GuardrailsViolation",
    "InstanceExists",
    "InstanceNotFound",
    "InvalidInput",
    "MethodNotAllowed",
    "NotSupportedByStore",
    "PayloadTooLarge",
    "ReadOnlyAccess",
    "RouteNotFound",
    "RulesetNotFound",
    "ScheduleNotFound",
    "SlotLocked",
    "SlotNotFound",
    "StorageError",
    "TemplateNotFound",
    "VersionConflict",
    "WeekPlanError",
    "WorkerOnly",
]

#: One problem with the input: ``{"loc": ["days", 3, "day_key"], "msg": "..."}``.
ErrorItem = dict[str, Any]


class WeekPlanError(Exception):
    """Base class of every error weekplan raises on purpose.

    ``status_code`` and ``detail`` are class-level constants; ``to_dict()`` is the
    JSON body a host returns, e.g. ``{"detail": "read_only"}``.
    """

    status_code: ClassVar[int] = 500
    detail: ClassVar[str] = "week_plan_error"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.detail)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready body of this error."""
        return {"detail": self.detail}


class TemplateNotFound(WeekPlanError):
    """No template with that id in this tenant (another tenant's id looks exactly the same)."""

    status_code = 404
    detail = "week_plan_template_not_found"


class InstanceNotFound(WeekPlanError):
    """No instance for that ``client_ref`` and ``week_start_date`` in this tenant."""

    status_code = 404
    detail = "week_plan_instance_not_found"


class InstanceExists(WeekPlanError):
    """An instance for that ``client_ref`` and ``week_start_date`` already exists."""

    status_code = 409
    detail = "week_plan_instance_exists"


class ReadOnlyAccess(WeekPlanError):
    """A read-only worker (or a client) called a method that writes."""

    status_code = 403
    detail = "read_only"


class WorkerOnly(WeekPlanError):
    """A client called an HTTP route that only workers may use.

    A client reaches its own weeks through the client routes and nothing else,
    whatever the route would have answered a worker.
    """

    status_code = 403
    detail = "worker_only"


class ClientOnly(WeekPlanError):
    """A worker called an HTTP route that shows the signed-in client's own weeks."""

    status_code = 403
    detail = "client_only"


class RouteNotFound(WeekPlanError):
    """No HTTP route of weekplan's API has that path (a trailing slash included)."""

    status_code = 404
    detail = "route_not_found"


class MethodNotAllowed(WeekPlanError):
    """The HTTP route exists but does not take that method; ``allowed`` lists those it takes."""

    status_code = 405
    detail = "method_not_allowed"

    def __init__(self, allowed: Iterable[str]) -> None:
        self.allowed: tuple[str, ...] = tuple(sorted(allowed))
        super().__init__(f"method not allowed; allowed: {', '.join(self.allowed)}")


class PayloadTooLarge(WeekPlanError):
    """The request body is larger than the HTTP layer's limit (1 MiB unless configured)."""

    status_code = 413
    detail = "payload_too_large"


class VersionConflict(WeekPlanError):
    """The record changed since the caller read it (``expected_version`` is stale)."""

    status_code = 409
    detail = "week_plan_version_conflict"


class ConcurrentUpdate(WeekPlanError):
    """Concurrent calls kept changing the same record, and weekplan stopped retrying.

    A call that writes without ``expected_version`` never asked to lose a race,
    so when a concurrent call gets in first (it created the same dish a moment
    before, changed the same week, or the database chose this transaction as a
    deadlock's victim), weekplan runs the whole call again, a bounded number of
    times (10 attempts in all). This error is what is
    left when every attempt lost: answer 409, and the caller may try again.
    ``whole_transaction`` says the database undid the whole transaction (a
    deadlock or a serialization failure), not just one statement.
    """

    status_code = 409
    detail = "week_plan_concurrent_update"

    def __init__(self, message: str | None = None, *, whole_transaction: bool = False) -> None:
        super().__init__(message)
        self.whole_transaction = whole_transaction


class DishNotFound(WeekPlanError):
    """No dish with that id in this tenant."""

    status_code = 404
    detail = "dish_not_found"


class StorageError(WeekPlanError):
    """The store could not do its part: the database is down, timed out, or refused a write.

    Adapters raise it in place of their driver's exceptions, so a host handles one
    hierarchy whatever the store. It is not the caller's fault, hence 503, and
    retrying later may succeed; the original exception is its ``__cause__``.
    """

    status_code = 503
    detail = "storage_unavailable"


class RulesetNotFound(WeekPlanError):
    """No guardrails ruleset with that content hash in this tenant, or the client has none."""

    status_code = 404
    detail = "guardrails_ruleset_not_found"


class InvalidInput(WeekPlanError):
    """The input is malformed; ``errors`` names every bad field by its path.

    >>> err = InvalidInput.at(("days", 3, "day_key"), "must be one of mon..sun")
    >>> err.to_dict()["errors"]
    [{'loc': ['days', 3, 'day_key'], 'msg': 'must be one of mon..sun'}]
    """

    status_code = 422
    detail = "invalid_input"

    def __init__(self, errors: Iterable[Mapping[str, Any]]) -> None:
        self.errors: list[ErrorItem] = [
            {"loc": list(item["loc"]), "msg": str(item["msg"])} for item in errors
        ]
        summary = "; ".join(
            f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in self.errors
        )
        super().__init__(f"invalid input: {summary}" if summary else "invalid input")

    @classmethod
    def at(cls, loc: Sequence[str | int], msg: str) -> InvalidInput:
        """One error at one location."""
        return cls([{"loc": list(loc), "msg": msg}])

    def prefixed(self, *prefix: str | int) -> InvalidInput:
        """The same errors, each location prefixed (to nest a field's errors in its parent)."""
        return InvalidInput({"loc": [*prefix, *e["loc"]], "msg": e["msg"]} for e in self.errors)

    def to_dict(self) -> dict[str, Any]:
        return {"detail": self.detail, "errors": [dict(e) for e in self.errors]}


class SlotNotFound(WeekPlanError):
    """The day of the week has no slot with that ``slot_key``."""

    status_code = 404
    detail = "week_plan_slot_not_found"


class SlotLocked(WeekPlanError):
    """A write would change a locked slot; ``slots`` names each ``(day_key, slot_key)`` it would.

    ``to_dict()`` adds ``"slots"``: ``[{"day_key": "mon", "slot_key": "lunch"}, ...]``.
    Nothing of the write is kept.
    """

    status_code = 409
    detail = "week_plan_slot_locked"

    def __init__(self, slots: Sequence[tuple[str, str]] = ()) -> None:
        self.slots = tuple(slots)
        named = ", ".join(f"{day}/{slot}" for day, slot in self.slots)
        super().__init__(f"locked slots would change: {named}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "detail": self.detail,
            "slots": [{"day_key": day, "slot_key": slot} for day, slot in self.slots],
        }


class DraftNotFound(WeekPlanError):
    """The week has no draft (none was started, or it was applied or discarded)."""

    status_code = 404
    detail = "week_plan_draft_not_found"


class ScheduleNotFound(WeekPlanError):
    """The client has no schedule in this tenant."""

    status_code = 404
    detail = "schedule_not_found"


class NotSupportedByStore(WeekPlanError):
    """The store lacks an optional capability the call needs (e.g. the change log or drafts)."""

    status_code = 501
    detail = "not_supported_by_store"


class GuardrailsViolation(WeekPlanError):
    """A change would make a plan worse on a hard rule of its diet.

    ``decision`` says which rules and where.

    ``to_dict()`` adds a compact ``"decision"``: outcome, reason codes, the
    violated rule ids and the summary (the full decision stays on the exception).
    """

    status_code = 422
    detail = "guardrails_violation"

    def __init__(self, decision: GuardDecision) -> None:
        self.decision = decision
        super().__init__(f"guardrails violation: {decision.summary}")

    def to_dict(self) -> dict[str, Any]:
        return {"detail": self.detail, "decision": self.decision.compact()}


class GenerationInfeasible(WeekPlanError):
    """No week satisfies the diet's hard constraints together.

    ``conflicts`` names the constraints that cannot all be met at once (a
    subset the solver proved infeasible), so a worker knows what to relax.

    >>> GenerationInfeasible(["force fish: at least 3 per week"]).to_dict()
    {'detail': 'generation_infeasible', 'conflicts': ['force fish: at least 3 per week']}
    """

    status_code = 422
    detail = "generation_infeasible"

    def __init__(self, conflicts: Iterable[str], message: str | None = None) -> None:
        self.conflicts: tuple[str, ...] = tuple(conflicts)
        super().__init__(
            message or "no week meets these constraints together: " + "; ".join(self.conflicts)
        )

    def to_dict(self) -> dict[str, Any]:
        return {"detail": self.detail, "conflicts": list(self.conflicts)}


class GenerationQuotaExceeded(WeekPlanError):
    """Too many generations in the quota's rolling window; try again in ``retry_after`` seconds.

    >>> GenerationQuotaExceeded(120, scope="client").to_dict()
    {'detail': 'generation_quota_exceeded', 'retry_after': 120, 'scope': 'client'}
    """

    status_code = 429
    detail = "generation_quota_exceeded"

    def __init__(self, retry_after: int, *, scope: str) -> None:
        self.retry_after = retry_after
        self.scope = scope
        super().__init__(f"generation quota of the {scope} used up; retry in {retry_after} s")

    def to_dict(self) -> dict[str, Any]:
        return {"detail": self.detail, "retry_after": self.retry_after, "scope": self.scope}


class GenerationFailed(WeekPlanError):
    """A generator gave no usable week: it timed out, or its answer could not be read.

    A week the guardrails block after every attempt is a :class:`GuardrailsViolation`
    instead, carrying the last decision.
    """

    status_code = 503
    detail = "generation_failed"
