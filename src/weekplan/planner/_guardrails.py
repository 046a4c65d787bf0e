"""Use cases on the tenant's guardrails rulesets: store them, put clients on them, check weeks.

A ruleset is stored under its content hash and never changes afterwards, so the
hash a client's week keeps in ``guardrails.content_hash`` always leads back to
the exact rules that checked it. Putting a client on a ruleset (or taking them
off) re-checks their weeks from a given week on, in the same transaction, and
stores each week's check; :meth:`GuardrailsUseCases.check_instance` tells how
any saved week fares today.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import attrs

from weekplan.domain._inputs import check_client_ref, collect_errors
from weekplan.domain._limits import INT_MAX
from weekplan.domain._paging import Page, check_limit, decode_cursor, encode_cursor
from weekplan.domain._plans import WeekPlanInstance
from weekplan.domain.text import check_key
from weekplan.errors import InvalidInput, RulesetNotFound, VersionConflict
from weekplan.guardrails._decision import GuardDecision
from weekplan.guardrails._loading import ruleset_from_dict
from weekplan.guardrails._model import RULE_ID_MAX, GuardrailsRuleset
from weekplan.planner._capabilities import Capability
from weekplan.planner._catalog import catalog_of
from weekplan.planner._enforcement import client_ruleset, decide_plan, recheck
from weekplan.planner._instances import instance_key, load_instance, week_of
from weekplan.planner._session import UseCases
from weekplan.ports import UnitOfWork

__all__ = ["GuardrailsUseCases", "RulesetAssignment"]

_CURSOR_KIND = "rulesets"
_HASH_MAX = 100


def _check_hash(value: Any, field: str = "content_hash") -> str:
    return check_key(value, field, max_length=_HASH_MAX)


def _parse_ruleset(value: Any, field: str = "ruleset") -> GuardrailsRuleset:
    if isinstance(value, GuardrailsRuleset):
        return value
    if isinstance(value, Mapping):
        try:
            return ruleset_from_dict(value)
        except InvalidInput as exc:
            raise exc.prefixed(field) from None
    raise InvalidInput.at((field,), "must be a GuardrailsRuleset or a dict")


_RECHECK_BATCH = 200


@attrs.frozen
class RulesetAssignment:
    """What putting a client on a ruleset did: the ruleset and the weeks it re-checked.

    ``weeks_checked`` counts the client's weeks from ``from_week`` on;
    ``weeks_not_compliant`` lists those with a hard violation, by week start.
    """

    ruleset: GuardrailsRuleset | None
    from_week: date
    weeks_checked: int
    weeks_not_compliant: tuple[date, ...]


class GuardrailsUseCases(UseCases):
    """The tenant's diet rulesets, which client is on which, and checks of client weeks."""

    def save_ruleset(self, ruleset: GuardrailsRuleset | Mapping[str, Any]) -> GuardrailsRuleset:
        """See :meth:`weekplan.WorkerPlanner.save_ruleset`."""
        parsed = _parse_ruleset(ruleset)
        with self._transaction() as uow:
            uow.rulesets.add(self.tenant_id, parsed)
            stored = uow.rulesets.get(self.tenant_id, parsed.content_hash)
            uow.commit()
        # The store keeps the first ruleset with this hash; the caller gets what is kept.
        return stored if stored is not None else parsed

    def get_ruleset(self, content_hash: str) -> GuardrailsRuleset:
        """See :meth:`weekplan.WorkerPlanner.get_ruleset`."""
        content_hash = _check_hash(content_hash)
        with self._transaction() as uow:
            return self._load_ruleset(uow, content_hash)

    def list_rulesets(
        self, *, diet_id: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[GuardrailsRuleset]:
        """See :meth:`weekplan.WorkerPlanner.list_rulesets`."""
        diet, limit = collect_errors(
            lambda: (
                None if diet_id is None else check_key(diet_id, "diet_id", max_length=RULE_ID_MAX)
            ),
            lambda: check_limit(limit),
        )
        position = decode_cursor(_CURSOR_KIND, cursor, arity=3)
        after = None
        if position is not None:
            # Only ASCII digits: str.isdigit() also takes "²", which int() refuses.
            version = position[1]
            short_digits = version.isascii() and version.isdigit() and len(version) <= 10
            if not short_digits or int(version) > INT_MAX:
                raise InvalidInput.at(("cursor",), "is not a cursor of this listing")
            after = (position[0], int(version), position[2])
        with self._transaction() as uow:
            rows = list(
                uow.rulesets.list(self.tenant_id, diet_id=diet, after=after, limit=limit + 1)
            )
        items = tuple(rows[:limit])
        next_cursor = None
        if len(rows) > limit:
            last = items[-1]
            next_cursor = encode_cursor(
                _CURSOR_KIND, (last.diet_id, str(last.version), last.content_hash)
            )
        return Page(items, next_cursor)

    def assign_ruleset(
        self,
        client_ref: str,
        content_hash: str | None,
        *,
        from_week: date | str | None = None,
    ) -> RulesetAssignment:
        """See :meth:`weekplan.WorkerPlanner.assign_ruleset`."""
        client, wanted, start = collect_errors(
            lambda: check_client_ref(client_ref),
            lambda: None if content_hash is None else _check_hash(content_hash),
            lambda: (
                self._current_week() if from_week is None else week_of(self._session, from_week)
            ),
        )
        with self._client_transaction(client) as uow:
            ruleset = None if wanted is None else self._load_ruleset(uow, wanted)
            uow.rulesets.assign(self.tenant_id, client, wanted)
            checked = self._recheck_weeks(uow, client, start, ruleset)
            uow.commit()
        not_compliant = tuple(
            week.week_start_date
            for week in checked
            if week.guardrails is not None and not week.guardrails.compliant
        )
        return RulesetAssignment(ruleset, start, len(checked), not_compliant)

    def _current_week(self) -> date:
        today = self._options.clock().date()
        back = (today.weekday() - self._options.week_starts_on.position) % 7
        return today - timedelta(days=back)

    def _recheck_weeks(
        self,
        uow: UnitOfWork,
        client: str,
        start: date,
        ruleset: GuardrailsRuleset | None,
    ) -> list[WeekPlanInstance]:
        """Store a fresh check on each of the client's weeks from ``start`` on."""
        catalog = catalog_of(self._options, uow)
        checked: list[WeekPlanInstance] = []
        # The listing is ordered by (week, client) and ``after`` is exclusive.
        after = (start - timedelta(days=1), client)
        while True:
            batch = list(
                uow.instances.list(
                    self.tenant_id,
                    client_ref=client,
                    week_start_date=None,
                    after=after,
                    limit=_RECHECK_BATCH,
                )
            )
            for week in batch:
                updated = recheck(
                    catalog, self.tenant_id, ruleset, week, rulesets=self._options.rulesets
                )
                if updated.guardrails != week.guardrails and not uow.instances.replace(
                    self.tenant_id, updated, expected_version=week.version
                ):
                    raise VersionConflict()
                checked.append(updated)
            if len(batch) < _RECHECK_BATCH:
                return checked
            after = (batch[-1].week_start_date, batch[-1].client_ref)

    def get_client_ruleset(self, client_ref: str) -> GuardrailsRuleset | None:
        """See :meth:`weekplan.WorkerPlanner.get_client_ruleset`."""
        client = check_client_ref(client_ref)
        self._require(Capability.RULESETS)
        with self._transaction() as uow:
            return client_ruleset(uow, self.tenant_id, client)

    def check_instance(
        self,
        client_ref: str,
        week_start_date: date | str,
        *,
        ruleset: GuardrailsRuleset | Mapping[str, Any] | None = None,
    ) -> GuardDecision:
        """See :meth:`weekplan.WorkerPlanner.check_instance`."""
        (client, week), given = collect_errors(
            lambda: instance_key(self._session, client_ref, week_start_date),
            lambda: None if ruleset is None else _parse_ruleset(ruleset),
        )
        if given is None:
            self._require(Capability.RULESETS)
        with self._transaction() as uow:
            instance = load_instance(self._session, uow, client, week)
            chosen = given if given is not None else client_ruleset(uow, self.tenant_id, client)
            if chosen is None:
                raise RulesetNotFound("this client has no guardrails ruleset")
            return decide_plan(
                catalog_of(self._options, uow),
                self.tenant_id,
                chosen,
                instance.days,
                rulesets=self._options.rulesets,
            )

    # -- shared steps -------------------------------------------------------------

    def _load_ruleset(self, uow: UnitOfWork, content_hash: str) -> GuardrailsRuleset:
        ruleset = uow.rulesets.get(self.tenant_id, content_hash)
        if ruleset is None:
            raise RulesetNotFound()
        return ruleset
