"""Use cases on generation runs: the worker's read of what was generated, newest first."""

from __future__ import annotations

from datetime import datetime

from weekplan.domain._inputs import check_client_ref, collect_errors
from weekplan.domain._paging import Page, check_limit, decode_cursor, encode_cursor
from weekplan.domain._runs import GenerationRun
from weekplan.errors import InvalidInput
from weekplan.planner._capabilities import Capability, full
from weekplan.planner._session import UseCases

__all__ = ["RunUseCases"]

_CURSOR_KIND = "runs"


class RunUseCases(UseCases):
    """The tenant's generation runs. Runs are only ever recorded by generation itself."""

    def list_runs(
        self,
        *,
        client_ref: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[GenerationRun]:
        """See :meth:`weekplan.WorkerPlanner.list_runs`."""
        client, limit = collect_errors(
            lambda: None if client_ref is None else check_client_ref(client_ref),
            lambda: check_limit(limit),
        )
        position = decode_cursor(_CURSOR_KIND, cursor, arity=2)
        before = None
        if position is not None:
            try:
                before = (datetime.fromisoformat(position[0]), position[1])
            except ValueError:
                raise InvalidInput.at(("cursor",), "is not a cursor of this listing") from None
            if before[0].tzinfo is None:
                raise InvalidInput.at(("cursor",), "is not a cursor of this listing")
        if Capability.RUNS not in self._options.capabilities:
            return Page((), None)  # a store that keeps no runs lists none
        with self._transaction() as uow:
            rows = list(
                full(uow).runs.list(
                    self.tenant_id, client_ref=client, before=before, limit=limit + 1
                )
            )
        items = tuple(rows[:limit])
        next_cursor = None
        if len(rows) > limit:
            last = items[-1]
            next_cursor = encode_cursor(_CURSOR_KIND, (last.started_at.isoformat(), last.id))
        return Page(items, next_cursor)
