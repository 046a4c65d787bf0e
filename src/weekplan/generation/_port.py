"""The generator port: anything that turns a :class:`GenerationRequest` into a week."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from weekplan.generation._request import GeneratedWeek, GenerationRequest

__all__ = ["PlanGenerator"]


@runtime_checkable
class PlanGenerator(Protocol):
    """Fills the slots of a request; ``name`` and ``version`` go on the run record.

    A generator returns one entry per slot of ``request.slots_to_fill`` and
    nothing else. It may raise :class:`~weekplan.GenerationInfeasible` when it can
    prove no week fits, or :class:`~weekplan.GenerationFailed` when it cannot
    answer. It need not be perfect: :func:`~weekplan.generation.generate_checked`
    checks every proposal with the guardrails and asks again with what was wrong.
    """

    @property
    def name(self) -> str:
        """A short, stable name, such as ``cp-sat``."""
        ...

    @property
    def version(self) -> str:
        """The generator's version, so a run can be traced to the code that made it."""
        ...

    def generate(self, request: GenerationRequest) -> GeneratedWeek:
        """Propose dishes for ``request.slots_to_fill``."""
        ...
