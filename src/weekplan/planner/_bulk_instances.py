"""The steps of cloning one template into many clients' weeks, batched per store capability.

Each step uses the batched method of :mod:`weekplan.ports` when the store's
repository has it (:class:`~weekplan.ports.BulkInstances`,
:class:`~weekplan.ports.BulkRulesetAssignments`,
:class:`~weekplan.ports.BulkClientLocks`) and falls back on the
one-client methods every store has.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import cast

from weekplan.domain._client_view import dish_ids
from weekplan.domain._entries import PlanEntry
from weekplan.domain._guardrails_check import GuardrailsCheck
from weekplan.domain._plans import WeekPlanInstance
from weekplan.errors import GuardrailsViolation, InstanceExists, RulesetNotFound, WeekPlanError
from weekplan.guardrails import plan_targets
from weekplan.guardrails._cache import RulesetCache
from weekplan.guardrails._progress import worsened
from weekplan.guardrails._targets import PlanTarget
from weekplan.planner._capabilities import require_client_lock
from weekplan.ports import (
    BulkClientLocks,
    BulkInstances,
    BulkRulesetAssignments,
    DishCatalog,
    UnitOfWork,
)

__all__ = ["add_new_instances", "checks_per_ruleset", "lock_clients", "rulesets_of_clients"]


def lock_clients(uow: UnitOfWork, tenant_id: str, client_refs: Collection[str]) -> None:
    """Hold every client, as one ``create_instance`` holds its client, in sorted order.

    One order for every call, so that two bulk calls never wait for each other
    in a circle.
    """
    ordered = sorted(client_refs)
    repository = uow.rulesets
    if hasattr(repository, "lock_clients"):
        cast(BulkClientLocks, repository).lock_clients(tenant_id, ordered)
        return
    lock = require_client_lock(repository)
    for client_ref in ordered:
        lock(tenant_id, client_ref)


def rulesets_of_clients(
    uow: UnitOfWork, tenant_id: str, client_refs: Collection[str]
) -> Mapping[str, str]:
    """The content hash of each client's ruleset; clients on none are left out."""
    repository = uow.rulesets
    if hasattr(repository, "assigned_many"):
        bulk = cast(BulkRulesetAssignments, repository)
        return bulk.assigned_many(tenant_id, client_refs)
    found: dict[str, str] = {}
    for client_ref in client_refs:
        content_hash = repository.assigned(tenant_id, client_ref)
        if content_hash is not None:
            found[client_ref] = content_hash
    return found


def checks_per_ruleset(
    uow: UnitOfWork,
    catalog: DishCatalog,
    tenant_id: str,
    content_hashes: Iterable[str],
    entries: Sequence[PlanEntry],
    *,
    rulesets: RulesetCache,
) -> dict[str, GuardrailsCheck | WeekPlanError]:
    """What each ruleset says of ``entries``: the check to store, or why the week is refused.

    Every client on one ruleset gets the same week, so each ruleset is
    evaluated once, however many clients are on it; the plan's dishes are read
    once, and only if some client has a diet.
    """
    outcomes: dict[str, GuardrailsCheck | WeekPlanError] = {}
    targets: tuple[PlanTarget, ...] | None = None
    for content_hash in content_hashes:
        ruleset = uow.rulesets.get(tenant_id, content_hash)
        if ruleset is None:
            # As for one client: a store that lost a ruleset refuses, never lets the diet lapse.
            outcomes[content_hash] = RulesetNotFound(
                f"the ruleset {content_hash} of this client is missing"
            )
            continue
        if targets is None:
            wanted = dish_ids(entries)
            targets = plan_targets(entries, catalog.get_many(tenant_id, wanted) if wanted else {})
        decision = rulesets.evaluate(ruleset, targets)
        # As for one new week (see enforce): refused only if it is worse than an empty one.
        refused = not decision.ok and worsened(ruleset, None, decision)
        outcomes[content_hash] = (
            GuardrailsViolation(decision) if refused else GuardrailsCheck.of(ruleset, decision)
        )
    return outcomes


def add_new_instances(
    uow: UnitOfWork, tenant_id: str, instances: Sequence[WeekPlanInstance]
) -> Collection[str]:
    """Store each instance whose key is free; the client refs of those whose key was taken."""
    repository = uow.instances
    if hasattr(repository, "add_new"):
        bulk = cast(BulkInstances, repository)
        return bulk.add_new(tenant_id, instances)
    taken: list[str] = []
    for instance in instances:
        try:
            repository.add(tenant_id, instance)
        except InstanceExists:
            taken.append(instance.client_ref)
    return taken
