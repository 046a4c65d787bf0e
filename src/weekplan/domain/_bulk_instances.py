"""What cloning one template into many clients' weeks gives back.

``create_instances`` decides per client: a client whose week exists or whose
diet refuses the template is reported with its error, and every other client's
week is created, all in one transaction.

>>> from weekplan import Planner
>>> from weekplan.adapters.memory import InMemoryStore
>>> worker = Planner(InMemoryStore()).worker("tenant-a")
>>> template = worker.create_template("Week", [{"day_key": "mon", "slot_key": "lunch"}])
>>> _ = worker.create_instance(template.id, "client-2", "2026-11-23")
>>> result = worker.create_instances(template.id, ["client-1", "client-2"], "2026-11-23")
>>> [week.client_ref for week in result.created], {c: e.detail for c, e in result.errors.items()}
(['client-1'], {'client-2': 'week_plan_instance_exists'})
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Final

import attrs

from weekplan.domain._plans import WeekPlanInstance
from weekplan.errors import ErrorItem, InvalidInput, WeekPlanError

__all__ = ["CREATE_INSTANCES_MAX", "InstancesCreated", "parse_client_refs"]

CREATE_INSTANCES_MAX: Final = 1000
"""The most clients one ``create_instances`` call takes; split larger batches."""


@attrs.frozen
class InstancesCreated:
    """The outcome of :meth:`~weekplan.WorkerPlanner.create_instances`.

    ``created`` holds the new weeks in the order their clients were given;
    ``errors`` maps each other client to why it got no week:
    :class:`~weekplan.InstanceExists` (the client already has a week that date) or
    :class:`~weekplan.GuardrailsViolation` (the template breaks a hard rule of
    the client's diet). Every client given is in exactly one of the two.
    """

    created: tuple[WeekPlanInstance, ...]
    errors: Mapping[str, WeekPlanError] = attrs.field(factory=dict, eq=False)

    @property
    def ok(self) -> bool:
        """Whether every client got a week."""
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        """The errors as JSON-ready dicts by client (the weeks are in ``created``)."""
        return {"errors": {client: error.to_dict() for client, error in self.errors.items()}}


def parse_client_refs(value: Any, check: Any) -> tuple[str, ...]:
    """``client_refs``: a list of distinct client refs, each checked with ``check``.

    A single string is refused (it would be read as a list of one-letter clients).
    """
    field = "client_refs"
    if isinstance(value, str | bytes) or not isinstance(value, Collection):
        raise InvalidInput.at((field,), "must be a list of client refs")
    if len(value) > CREATE_INSTANCES_MAX:
        raise InvalidInput.at((field,), f"must hold at most {CREATE_INSTANCES_MAX} client refs")
    refs: list[str] = []
    seen: set[str] = set()
    errors: list[ErrorItem] = []
    for index, raw in enumerate(value):
        try:
            ref: str = check(raw)
        except InvalidInput as exc:
            errors.extend(
                {"loc": [field, index, *item["loc"][1:]], "msg": item["msg"]} for item in exc.errors
            )
            continue
        if ref in seen:
            errors.append({"loc": [field, index], "msg": f"repeats client ref {ref!r}"})
            continue
        seen.add(ref)
        refs.append(ref)
    if errors:
        raise InvalidInput(errors)
    return tuple(refs)
