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
from weekplan.domain.limits import INT_MAX
from weekplan.domain.paging import Page, check_limit, decode_cursor, encode_cursor
from weekplan.domain.plans import WeekPlanInstance
from weekplan.domain.text import check_key
from weekplan.errors import InvalidInput, RulesetNotFound, VersionConflict
from weekplan.guardrails.decision import GuardDecision
from weekplan.guardrails.loading import ruleset_from_dict
from weekplan.guardrails.model import RULE_ID_MAX, GuardrailsRuleset
from weekplan.planner.access import writes
from weekplan.planner.bulk import BulkUseCases
from weekplan.planner.capabilities import Capability
from weekplan.planner.enforcement import client_ruleset, decide_plan, recheck
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


class GuardrailsUseCases(BulkUseCases):
    """The tenant's diet rulesets, which client is on which, and checks of client weeks."""

    @writes
    def save_ruleset(self, ruleset: GuardrailsRuleset | Mapping[str, Any]) -> GuardrailsRuleset:
        """Store a ruleset (a value or a dict in the shape of ``ruleset_to_dict``) and return it.

        A ruleset is stored under its ``content_hash``, once: saving rules the
        tenant already stored changes nothing and returns the ruleset stored
        first, with its labels (``diet_id``, ``version``, ``provenance``), since
        the hash covers only what decides. A malformed dict is
        :class:`~weekplan.InvalidInput` naming each bad field under ``ruleset``.

        >>> from weekplan import Planner
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> worker = Planner(InMemoryStore()).worker("tenant-a")
        >>> saved = worker.save_ruleset({"diet_id": "koemelkvrij", "rules": [
        ...     {"id": "geen-melk", "action": "block", "strictness": "hard", "priority": 1,
        ...      "target": "ingredient", "match": {"term": "melk"}}]})
        >>> worker.get_ruleset(saved.content_hash) == saved
        True
        """
        parsed = _parse_ruleset(ruleset)
        with self._transaction() as uow:
            uow.rulesets.add(self.tenant_id, parsed)
            stored = uow.rulesets.get(self.tenant_id, parsed.content_hash)
            uow.commit()
        # The store keeps the first ruleset with this hash; the caller gets what is kept.
        return stored if stored is not None else parsed

    def get_ruleset(self, content_hash: str) -> GuardrailsRuleset:
        """The ruleset stored under ``content_hash``, or :class:`~weekplan.RulesetNotFound`.

        Another tenant's hash is not found, even for the very same rules.
        """
        content_hash = _check_hash(content_hash)
        with self._transaction() as uow:
            return self._load_ruleset(uow, content_hash)

    def list_rulesets(
        self, *, diet_id: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[GuardrailsRuleset]:
        """The tenant's rulesets by diet id, then version, then content hash.

        ``diet_id`` keeps only the versions of one diet. Pass a page's
        ``next_cursor`` as ``cursor`` to continue.
        """
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

    @writes
    def assign_ruleset(
        self,
        client_ref: str,
        content_hash: str | None,
        *,
        from_week: date | str | None = None,
    ) -> RulesetAssignment:
        """Put the client on the stored ruleset ``content_hash``, or take them off with ``None``.

        From now on every write of the client's weeks is checked against it.
        In the same transaction, the client's weeks that start on ``from_week``
        or later (default: the current week) are checked and each stores its
        check (``guardrails``; ``None`` when the client is taken off), their
        days and versions untouched. Returns the ruleset and what the check
        found. An unknown hash is :class:`~weekplan.RulesetNotFound`.

        >>> from weekplan import Planner
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> worker = Planner(InMemoryStore()).worker("tenant-a")
        >>> _ = worker.upsert_dish("pap", name="Pap", ingredients=["melk", "havermout"])
        >>> plan = worker.create_template("Week", [
        ...     {"day_key": "mon", "slot_key": "ontbijt", "dish_template_id": "pap"}])
        >>> _ = worker.create_instance(plan.id, "client-42", "2026-11-23")
        >>> diet = worker.save_ruleset({"diet_id": "koemelkvrij", "rules": [
        ...     {"id": "geen-melk", "action": "block", "strictness": "hard", "priority": 1,
        ...      "target": "ingredient", "match": {"term": "melk"}}]})
        >>> done = worker.assign_ruleset("client-42", diet.content_hash, from_week="2026-11-23")
        >>> done.weeks_checked, [week.isoformat() for week in done.weeks_not_compliant]
        (1, ['2026-11-23'])
        """
        client, wanted, start = collect_errors(
            lambda: check_client_ref(client_ref),
            lambda: None if content_hash is None else _check_hash(content_hash),
            lambda: self._current_week() if from_week is None else self._week(from_week),
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
        catalog = self._catalog(uow)
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
        """The ruleset the client is on, or ``None`` if the client has no diet."""
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
        """How the client's saved week fares against their ruleset (or ``ruleset``), unsaved.

        Nothing is written, so read-only workers may ask too. Without
        ``ruleset``, a client with no diet is :class:`~weekplan.RulesetNotFound`.
        To reproduce the check a week was saved with, pass
        ``get_ruleset(week.guardrails.content_hash)``.

        >>> from weekplan import Planner
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> worker = Planner(InMemoryStore()).worker("tenant-a")
        >>> _ = worker.upsert_dish("pap", name="Pap", ingredients=["melk", "havermout"])
        >>> week = worker.create_template("Week", [
        ...     {"day_key": "mon", "slot_key": "ontbijt", "dish_template_id": "pap"}])
        >>> _ = worker.create_instance(week.id, "client-42", "2026-11-23")
        >>> diet = {"diet_id": "koemelkvrij", "rules": [
        ...     {"id": "geen-melk", "action": "block", "strictness": "hard", "priority": 1,
        ...      "target": "ingredient", "match": {"term": "melk"}}]}
        >>> worker.check_instance("client-42", "2026-11-23", ruleset=diet).outcome.value
        'blocked'
        """
        (client, week), given = collect_errors(
            lambda: self._instance_key(client_ref, week_start_date),
            lambda: None if ruleset is None else _parse_ruleset(ruleset),
        )
        if given is None:
            self._require(Capability.RULESETS)
        with self._transaction() as uow:
            instance = self._load_instance(uow, client, week)
            chosen = given if given is not None else client_ruleset(uow, self.tenant_id, client)
            if chosen is None:
                raise RulesetNotFound("this client has no guardrails ruleset")
            return decide_plan(
                self._catalog(uow),
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
