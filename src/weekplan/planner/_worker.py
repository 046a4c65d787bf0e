"""The worker's planner: everything a nutritionist or trainer does in one tenant.

A thin facade. The use cases live in small modules, one group each (dishes,
templates, instances, bulk edits, diet rulesets, the change log, locks, drafts,
runs, generation, schedules), every group bound to the same
:class:`~weekplan.planner._session.Session`; each public method here hands the
call to its group. The facade carries the public docstrings and the read-only
gate (:func:`~weekplan.planner._access.writes`) on every method that writes,
so the whole surface is spelled out for readers, type checkers and ``help()``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from weekplan.domain._bulk import WEEK, DayScope
from weekplan.domain._bulk_instances import InstancesCreated
from weekplan.domain._client_view import dish_ids
from weekplan.domain._days import DayKey
from weekplan.domain._dishes import Dish
from weekplan.domain._drafts import WeekDraft
from weekplan.domain._entries import EntryInput
from weekplan.domain._meal_types import MealType
from weekplan.domain._paging import Page
from weekplan.domain._plans import SlotOverride, WeekPlanInstance, WeekPlanTemplate
from weekplan.domain._runs import GenerationRun
from weekplan.domain._schedules import Schedule, ScheduleSource
from weekplan.domain._suggestions import DishSuggestion
from weekplan.domain.changes import ChangeRecord
from weekplan.errors import InstanceNotFound, InvalidInput, TemplateNotFound
from weekplan.guardrails._decision import GuardDecision
from weekplan.guardrails._model import GuardrailsRuleset
from weekplan.planner._access import writes
from weekplan.planner._bulk import BulkUseCases
from weekplan.planner._catalog import catalog_of
from weekplan.planner._changes import ChangeLogUseCases
from weekplan.planner._dishes import DishUseCases
from weekplan.planner._draft_editor import DraftEditor
from weekplan.planner._draft_review import DraftReview
from weekplan.planner._drafts import DraftUseCases
from weekplan.planner._generation import GeneratedDraft, GenerationUseCases
from weekplan.planner._guardrails import GuardrailsUseCases, RulesetAssignment
from weekplan.planner._instances import InstanceUseCases
from weekplan.planner._locks import LockUseCases
from weekplan.planner._options import UNSET, PlannerOptions, Unset
from weekplan.planner._runs import RunUseCases
from weekplan.planner._schedules import ScheduleUseCases
from weekplan.planner._session import Session
from weekplan.planner._templates import TemplateUseCases
from weekplan.ports import CoreStore
from weekplan.rendering.grid import WeekGrid

__all__ = ["WorkerPlanner"]


class WorkerPlanner:
    """Templates, client weeks, dishes, diet rulesets, the change log, slot locks,
    drafts, schedules, and generation into drafts with its runs, of one tenant,
    read-write or read-only.

    Get one from :meth:`weekplan.Planner.worker`; every call is one transaction.
    A read-only worker reads everything and gets :class:`~weekplan.ReadOnlyAccess`
    from every method that writes.

    The common flow is three calls:

    >>> from weekplan import Planner
    >>> from weekplan.adapters.memory import InMemoryStore
    >>> worker = Planner(InMemoryStore()).worker("tenant-a")
    >>> template = worker.create_template("Balanced", [{"day_key": "mon", "slot_key": "lunch"}])
    >>> week = worker.create_instance(template.id, "client-42", "2026-11-23")
    >>> week = worker.set_slot("client-42", "2026-11-23", "mon", "lunch", notes="extra greens")
    >>> (week.version, week.days[0].notes, worker.get_template(template.id).days[0].notes)
    (2, 'extra greens', None)
    """

    def __init__(
        self,
        store: CoreStore,
        options: PlannerOptions,
        tenant_id: str,
        *,
        read_only: bool,
        actor: str | None = None,
    ) -> None:
        session = Session(store, options, tenant_id, read_only=read_only, actor=actor)
        self._session = session
        self._options = options
        self._dishes = DishUseCases(session)
        self._templates = TemplateUseCases(session)
        self._instances = InstanceUseCases(session)
        self._bulk = BulkUseCases(session)
        self._guardrails = GuardrailsUseCases(session)
        self._changes = ChangeLogUseCases(session)
        self._locks = LockUseCases(session)
        self._drafts = DraftUseCases(session)
        self._runs = RunUseCases(session)
        self._generation = GenerationUseCases(session)
        self._schedules = ScheduleUseCases(session)

    @property
    def tenant_id(self) -> str:
        """The tenant every call of this session reads and writes."""
        return self._session.tenant_id

    @property
    def actor(self) -> str | None:
        """Who the change log records for this session's writes (given by the host)."""
        return self._session.actor

    @property
    def read_only(self) -> bool:
        """Whether this session refuses every write with ``ReadOnlyAccess``."""
        return self._session.read_only

    # -- dishes (weekplan.planner._dishes) ------------------------------------------

    @writes
    def upsert_dish(
        self,
        dish_id: str,
        *,
        name: str,
        meal_types: Iterable[MealType | str] = (),
        tags: Iterable[str] = (),
        ingredients: Iterable[str] = (),
        steps: Iterable[str] = (),
        expected_version: int | None = None,
    ) -> Dish:
        """Create the dish with this id, or replace what it says.

        A new dish starts at version 1; a change bumps the version and one that
        changes nothing keeps it. With ``expected_version``, a dish changed since
        raises :class:`~weekplan.VersionConflict`.

        >>> from weekplan import Planner
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> worker = Planner(InMemoryStore()).worker("tenant-a")
        >>> worker.upsert_dish("oats", name="Havermout", meal_types=["breakfast"]).version
        1
        >>> worker.upsert_dish("oats", name="Havermout met appel").version
        2
        """
        return self._dishes.upsert_dish(
            dish_id,
            name=name,
            meal_types=meal_types,
            tags=tags,
            ingredients=ingredients,
            steps=steps,
            expected_version=expected_version,
        )

    def get_dish(self, dish_id: str) -> Dish:
        """The dish, or :class:`~weekplan.DishNotFound` (also for another tenant's id)."""
        return self._dishes.get_dish(dish_id)

    def list_dishes(
        self, *, search: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Dish]:
        """Dishes whose name contains ``search`` (case and accents ignored), by name.

        Pass a page's ``next_cursor`` as ``cursor`` to continue.
        """
        return self._dishes.list_dishes(search=search, limit=limit, cursor=cursor)

    @writes
    def delete_dish(self, dish_id: str) -> None:
        """Delete the dish from the catalog.

        Plans that name it keep the id and show the dish as missing; see the
        module documentation for why this is not refused.
        """
        return self._dishes.delete_dish(dish_id)

    def suggest_dishes(
        self,
        slot_key: str,
        *,
        query: str | None = None,
        limit: int = 10,
        client_ref: str | None = None,
    ) -> list[DishSuggestion]:
        """Dishes for a slot, the likeliest first, each saying why it ranked there.

        The slot's meal type comes from the planner's vocabulary. Dishes planned
        most often for that meal come first, then dishes labelled with it, then
        dishes whose name hints at it; ties go by name, then id (the full rule is
        in :mod:`weekplan.domain._suggestions`). If no dish matches the meal, every
        dish is suggested by name. ``query`` keeps only dishes whose name contains
        it, case and accents ignored. ``limit`` is 1 to 100.

        With ``client_ref``, dishes that a hard rule or ``drop`` of that client's
        guardrails ruleset blocks are left out, each dish judged on its own
        (``force``/``limit`` quotas depend on the whole week and leave nothing
        out). A client without a ruleset gets every dish.

        It reads the running totals of the planning history, never past plans, so
        its cost does not grow with the history. Where the store keeps each dish's
        meal signals under the planner's vocabulary, it reads the dishes with
        history for this meal and a page of the meal's index, so its cost does not
        grow with the catalog either; otherwise it scans the catalog, with the
        same result (see ``docs/suggestions.md`` and :meth:`recompute_meal_signals`).

        >>> from weekplan import Planner
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> worker = Planner(InMemoryStore()).worker("tenant-a")
        >>> for dish_id, name in [("d1", "Pasta pesto"), ("d2", "Havermout"), ("d3", "Omelette")]:
        ...     _ = worker.upsert_dish(dish_id, name=name)
        >>> [s.dish.name for s in worker.suggest_dishes("Ontbijt")]
        ['Havermout', 'Omelette']
        """
        return self._dishes.suggest_dishes(
            slot_key, query=query, limit=limit, client_ref=client_ref
        )

    @writes
    def recompute_meal_signals(self, *, batch_size: int = 500) -> int:
        """Store every dish's meal signals under this planner's vocabulary; the number rewritten.

        Run it once after upgrading to a store that indexes meal signals, and
        after changing the planner's :class:`~weekplan.MealVocabulary` hints:
        until then ``suggest_dishes`` scans the catalog (same results, slower).
        Dishes are rewritten ``batch_size`` at a time, each batch in a
        transaction of its own. It is idempotent and safe to run on many workers
        at once, and beside ongoing writes: a dish written meanwhile keeps the
        signals its own write stored. It returns 0 when everything was current,
        and also for a host's own catalog or a store without the index.

        >>> from weekplan import Planner
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> worker = Planner(InMemoryStore()).worker("tenant-a")
        >>> _ = worker.upsert_dish("oats", name="Havermout")
        >>> worker.recompute_meal_signals()
        0
        """
        return self._dishes.recompute_meal_signals(batch_size=batch_size)

    # -- templates (weekplan.planner._templates) ------------------------------------

    def list_templates(
        self, *, search: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[WeekPlanTemplate]:
        """Templates whose name contains ``search`` (case and accents ignored), by name.

        Pass a page's ``next_cursor`` as ``cursor`` to continue.
        """
        return self._templates.list_templates(search=search, limit=limit, cursor=cursor)

    def get_template(self, template_id: str) -> WeekPlanTemplate:
        """The template, or :class:`~weekplan.TemplateNotFound`."""
        return self._templates.get_template(template_id)

    @writes
    def create_template(self, name: str, days: Iterable[EntryInput] = ()) -> WeekPlanTemplate:
        """A new template at version 1."""
        return self._templates.create_template(name, days)

    @writes
    def update_template(
        self,
        template_id: str,
        *,
        name: str | Unset = UNSET,
        days: Iterable[EntryInput] | Unset = UNSET,
        expected_version: int | None = None,
    ) -> WeekPlanTemplate:
        """Change the name and/or the entries; instances cloned before keep theirs.

        With ``expected_version``, a template changed since that version raises
        :class:`~weekplan.VersionConflict`. A change that changes nothing keeps the version.
        """
        return self._templates.update_template(
            template_id, name=name, days=days, expected_version=expected_version
        )

    @writes
    def delete_template(self, template_id: str) -> None:
        """Delete the template. Instances cloned from it stay as they are."""
        return self._templates.delete_template(template_id)

    # -- client weeks (weekplan.planner._instances) ---------------------------------

    @writes
    def create_instance(
        self, template_id: str, client_ref: str, week_start_date: date | str
    ) -> WeekPlanInstance:
        """Clone the template into ``client_ref``'s week starting ``week_start_date``.

        The template's entries become both ``template_snapshot`` (frozen from now
        on) and ``days`` (what the worker edits and the client sees).
        Raises :class:`~weekplan.TemplateNotFound` or :class:`~weekplan.InstanceExists`,
        and :class:`~weekplan.GuardrailsViolation` if the template breaks a hard
        rule of the client's diet.
        """
        return self._instances.create_instance(template_id, client_ref, week_start_date)

    @writes
    def create_instances(
        self, template_id: str, client_refs: Iterable[str], week_start_date: date | str
    ) -> InstancesCreated:
        """Clone the template into the week starting ``week_start_date`` of each client.

        Each client is treated as :meth:`create_instance` would treat it, in one
        transaction for all: a client that already has a week that date gets
        :class:`~weekplan.InstanceExists`, and one whose diet the template
        breaks gets :class:`~weekplan.GuardrailsViolation`, both reported in
        the result's ``errors`` (see :class:`~weekplan.InstancesCreated`) while
        every other client's week is created. A template that does not exist
        (:class:`~weekplan.TemplateNotFound`) or a bad argument
        (:class:`~weekplan.InvalidInput`; ``client_refs`` is a list of at most
        1,000 distinct refs) creates nothing.

        It costs a few statements whatever the number of clients: the template,
        the clients' diets and their rulesets are each read once, each ruleset
        is evaluated once, and the weeks are inserted together.
        """
        return self._instances.create_instances(template_id, client_refs, week_start_date)

    def get_instance(self, client_ref: str, week_start_date: date | str) -> WeekPlanInstance:
        """The client's week, or :class:`~weekplan.InstanceNotFound`."""
        return self._instances.get_instance(client_ref, week_start_date)

    def list_instances(
        self,
        *,
        client_ref: str | None = None,
        week_start_date: date | str | None = None,
        compliant: bool | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[WeekPlanInstance]:
        """Instances by week then client, optionally of one client and/or one week.

        ``compliant=False`` keeps the weeks whose stored guardrails check has a
        hard violation (not yet compliant with the client's diet),
        ``compliant=True`` those whose check has none; weeks without a check
        (clients without a diet) are in neither.
        """
        return self._instances.list_instances(
            client_ref=client_ref,
            week_start_date=week_start_date,
            compliant=compliant,
            limit=limit,
            cursor=cursor,
        )

    @writes
    def update_instance(
        self,
        client_ref: str,
        week_start_date: date | str,
        *,
        days: Iterable[EntryInput],
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> WeekPlanInstance:
        """Replace the client's week entries. The template is never touched.

        ``reason`` goes into the change log with each slot this changes; a
        locked slot it would change is :class:`~weekplan.SlotLocked`.
        """
        return self._instances.update_instance(
            client_ref, week_start_date, days=days, expected_version=expected_version, reason=reason
        )

    @writes
    def set_slot(
        self,
        client_ref: str,
        week_start_date: date | str,
        day_key: DayKey | str,
        slot_key: str,
        *,
        dish_template_id: str | Unset | None = UNSET,
        notes: str | Unset | None = UNSET,
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> WeekPlanInstance:
        """Set the dish and/or notes of one slot, creating the slot if the day lacks it.

        A keyword not given keeps its current value; ``None`` clears it.
        ``reason`` goes into the change log.
        """
        return self._instances.set_slot(
            client_ref,
            week_start_date,
            day_key,
            slot_key,
            dish_template_id=dish_template_id,
            notes=notes,
            expected_version=expected_version,
            reason=reason,
        )

    @writes
    def reset_slot(
        self,
        client_ref: str,
        week_start_date: date | str,
        day_key: DayKey | str,
        slot_key: str,
        *,
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> WeekPlanInstance:
        """Put one slot back as the template snapshot has it (removed if the snapshot lacks it)."""
        return self._instances.reset_slot(
            client_ref,
            week_start_date,
            day_key,
            slot_key,
            expected_version=expected_version,
            reason=reason,
        )

    def list_overrides(
        self, client_ref: str, week_start_date: date | str
    ) -> tuple[SlotOverride, ...]:
        """Every slot where the client's week differs from the template snapshot."""
        return self._instances.list_overrides(client_ref, week_start_date)

    @writes
    def delete_instance(
        self, client_ref: str, week_start_date: date | str, *, reason: str | None = None
    ) -> None:
        """Delete the client's week, with its locks and its draft.

        Its change records stay, and one more per slot says it was removed.
        """
        return self._instances.delete_instance(client_ref, week_start_date, reason=reason)

    # -- bulk edits (weekplan.planner._bulk) ----------------------------------------

    @writes
    def bulk_assign(
        self,
        client_ref: str,
        week_start_date: date | str,
        *,
        slot_key: str,
        dish_template_id: str,
        days: DayScope = "week",
        expected_version: int | None = None,
        skip_locked: bool = False,
        reason: str | None = None,
    ) -> WeekPlanInstance:
        """Put one dish in ``slot_key`` on each day of ``days`` of the client's week.

        ``days`` is ``"week"``, one day (``"tue"``) or a list (``["mon", "thu"]``).
        A day without the slot gets it; an existing slot keeps its notes.
        Other slots and days, and the template, are untouched.
        Raises :class:`~weekplan.DishNotFound` unless the dish is in the tenant's catalog.
        A locked slot it would change is :class:`~weekplan.SlotLocked` and nothing
        changes, unless ``skip_locked`` is true: then locked slots stay as they are
        and the other days get the dish.

        >>> from weekplan import Planner
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> worker = Planner(InMemoryStore()).worker("tenant-a")
        >>> _ = worker.upsert_dish("soup", name="Tomatensoep")
        >>> template = worker.create_template("Empty week")
        >>> _ = worker.create_instance(template.id, "client-42", "2026-11-23")
        >>> week = worker.bulk_assign("client-42", "2026-11-23", slot_key="lunch",
        ...                           dish_template_id="soup", days=["mon", "thu"])
        >>> [(e.day_key.value, e.slot_key, e.dish_template_id) for e in week.days]
        [('mon', 'lunch', 'soup'), ('thu', 'lunch', 'soup')]
        """
        return self._bulk.bulk_assign(
            client_ref,
            week_start_date,
            slot_key=slot_key,
            dish_template_id=dish_template_id,
            days=days,
            expected_version=expected_version,
            skip_locked=skip_locked,
            reason=reason,
        )

    @writes
    def bulk_assign_template(
        self,
        template_id: str,
        *,
        slot_key: str,
        dish_template_id: str,
        days: DayScope = "week",
        expected_version: int | None = None,
    ) -> WeekPlanTemplate:
        """:meth:`bulk_assign` on a template; instances cloned before keep their entries."""
        return self._bulk.bulk_assign_template(
            template_id,
            slot_key=slot_key,
            dish_template_id=dish_template_id,
            days=days,
            expected_version=expected_version,
        )

    # -- diet rulesets (weekplan.planner._guardrails) -------------------------------

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
        return self._guardrails.save_ruleset(ruleset)

    def get_ruleset(self, content_hash: str) -> GuardrailsRuleset:
        """The ruleset stored under ``content_hash``, or :class:`~weekplan.RulesetNotFound`.

        Another tenant's hash is not found, even for the very same rules.
        """
        return self._guardrails.get_ruleset(content_hash)

    def list_rulesets(
        self, *, diet_id: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[GuardrailsRuleset]:
        """The tenant's rulesets by diet id, then version, then content hash.

        ``diet_id`` keeps only the versions of one diet. Pass a page's
        ``next_cursor`` as ``cursor`` to continue.
        """
        return self._guardrails.list_rulesets(diet_id=diet_id, limit=limit, cursor=cursor)

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
        return self._guardrails.assign_ruleset(client_ref, content_hash, from_week=from_week)

    def get_client_ruleset(self, client_ref: str) -> GuardrailsRuleset | None:
        """The ruleset the client is on, or ``None`` if the client has no diet."""
        return self._guardrails.get_client_ruleset(client_ref)

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
        return self._guardrails.check_instance(client_ref, week_start_date, ruleset=ruleset)

    # -- the change log (weekplan.planner._changes) ---------------------------------

    def list_changes(
        self,
        client_ref: str,
        week_start_date: date | str,
        *,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[ChangeRecord]:
        """The change records of the client's week, newest first.

        They outlive the week: a deleted week's records (and those of a week
        planned again after it) are all listed here. A store without a change log
        raises :class:`~weekplan.NotSupportedByStore`.

        >>> from weekplan import Planner
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> worker = Planner(InMemoryStore()).worker("tenant-a", actor="user-17")
        >>> plan = worker.create_template("Week", [{"day_key": "mon", "slot_key": "lunch"}])
        >>> _ = worker.create_instance(plan.id, "client-42", "2026-11-23")
        >>> _ = worker.set_slot("client-42", "2026-11-23", "mon", "lunch", notes="soup",
        ...                     reason="asked for something warm")
        >>> [(r.change_type.value, r.source.value, r.actor, r.version_before, r.version_after)
        ...  for r in worker.list_changes("client-42", "2026-11-23").items]
        [('changed', 'edit', 'user-17', 1, 2), ('added', 'create', 'user-17', None, 1)]
        """
        return self._changes.list_changes(client_ref, week_start_date, limit=limit, cursor=cursor)

    def list_template_changes(
        self, template_id: str, *, limit: int = 50, cursor: str | None = None
    ) -> Page[ChangeRecord]:
        """The change records of one template, newest first (also after it was deleted)."""
        return self._changes.list_template_changes(template_id, limit=limit, cursor=cursor)

    def list_all_changes(
        self,
        *,
        client_ref: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[ChangeRecord]:
        """The tenant's change records, newest first: of every week and template, or of one client.

        ``since`` keeps records at or after that time, ``until`` records strictly
        before it.
        """
        return self._changes.list_all_changes(
            client_ref=client_ref, since=since, until=until, limit=limit, cursor=cursor
        )

    # -- slot locks (weekplan.planner._locks) ---------------------------------------

    @writes
    def lock_slot(
        self,
        client_ref: str,
        week_start_date: date | str,
        day_key: DayKey | str,
        slot_key: str,
        *,
        reason: str | None = None,
        ingredients: Iterable[str] | None = None,
        expected_version: int | None = None,
    ) -> WeekPlanInstance:
        """Lock one slot of the week, whole or only ``ingredients`` of its dish.

        From now on a write that would change the slot — ``set_slot``,
        ``update_instance``, ``bulk_assign``, ``reset_slot``, ``apply_draft`` —
        is refused whole with :class:`~weekplan.SlotLocked`. With
        ``ingredients``, the slot may still get new notes, or a dish that has
        every one of them. Locking a locked slot replaces its lock. The slot must
        exist (:class:`~weekplan.SlotNotFound`). Returns the week with its locks.

        >>> from weekplan import Planner, SlotLocked
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> worker = Planner(InMemoryStore()).worker("tenant-a")
        >>> plan = worker.create_template("Week", [{"day_key": "mon", "slot_key": "dinner"}])
        >>> _ = worker.create_instance(plan.id, "client-42", "2026-11-23")
        >>> week = worker.lock_slot("client-42", "2026-11-23", "mon", "dinner",
        ...                         reason="groceries bought")
        >>> [(lock.day_key.value, lock.slot_key, lock.reason) for lock in week.locks]
        [('mon', 'dinner', 'groceries bought')]
        >>> try:
        ...     worker.set_slot("client-42", "2026-11-23", "mon", "dinner", notes="pizza")
        ... except SlotLocked as error:
        ...     error.to_dict()
        {'detail': 'week_plan_slot_locked', 'slots': [{'day_key': 'mon', 'slot_key': 'dinner'}]}
        """
        return self._locks.lock_slot(
            client_ref,
            week_start_date,
            day_key,
            slot_key,
            reason=reason,
            ingredients=ingredients,
            expected_version=expected_version,
        )

    @writes
    def unlock_slot(
        self,
        client_ref: str,
        week_start_date: date | str,
        day_key: DayKey | str,
        slot_key: str,
        *,
        expected_version: int | None = None,
    ) -> WeekPlanInstance:
        """Unlock one slot. Unlocking a slot that is not locked changes nothing."""
        return self._locks.unlock_slot(
            client_ref, week_start_date, day_key, slot_key, expected_version=expected_version
        )

    # -- drafts (weekplan.planner._drafts) ------------------------------------------

    @writes
    def start_draft(self, client_ref: str, week_start_date: date | str) -> WeekDraft:
        """Open the draft of the client's week: a copy of its days, at draft version 1.

        A week has at most one draft; if it has one already, that draft is
        returned as it is (discard it first to start over).
        """
        return self._drafts.start_draft(client_ref, week_start_date)

    def get_draft(self, client_ref: str, week_start_date: date | str) -> WeekDraft:
        """The draft of the client's week, or :class:`~weekplan.DraftNotFound`."""
        return self._drafts.get_draft(client_ref, week_start_date)

    def draft(self, client_ref: str, week_start_date: date | str) -> DraftEditor:
        """A handle whose writing methods edit the draft of the client's week, not the week.

        It has ``set_slot``, ``update``, ``reset_slot`` and ``bulk_assign``,
        taking what the week's methods take; each is one transaction and returns
        the draft. Nothing is read until a method is called.
        """
        return self._drafts.draft(client_ref, week_start_date)

    def review_draft(self, client_ref: str, week_start_date: date | str) -> DraftReview:
        """What applying the draft would do now, without writing anything.

        The review holds the guardrails decision on the draft as it would go
        live, the slot-by-slot diff against the live week, the live week's locks
        it would break, and whether the live week changed since the draft
        started. ``review.applicable`` says whether :meth:`apply_draft` would
        go through. Read-only workers may review.

        >>> from weekplan import Planner
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> worker = Planner(InMemoryStore()).worker("tenant-a")
        >>> plan = worker.create_template("Week", [{"day_key": "mon", "slot_key": "lunch"}])
        >>> _ = worker.create_instance(plan.id, "client-42", "2026-11-23")
        >>> _ = worker.start_draft("client-42", "2026-11-23")
        >>> _ = worker.draft("client-42", "2026-11-23").set_slot("tue", "lunch", notes="soup")
        >>> review = worker.review_draft("client-42", "2026-11-23")
        >>> [(c.change_type.value, c.day_key.value, c.slot_key) for c in review.diff]
        [('added', 'tue', 'lunch')]
        >>> review.applicable
        True
        """
        return self._drafts.review_draft(client_ref, week_start_date)

    @writes
    def apply_draft(
        self,
        client_ref: str,
        week_start_date: date | str,
        *,
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> WeekPlanInstance:
        """Make the draft the live week, in one transaction, and drop the draft.

        Strictly fail-closed; nothing changes when any of these holds:

        * the live week changed since the draft started, or the draft is no
          longer at ``expected_version`` (the draft version that was reviewed):
          :class:`~weekplan.VersionConflict`;
        * the draft would change a locked slot: :class:`~weekplan.SlotLocked`;
        * the draft breaks a hard rule of the client's diet:
          :class:`~weekplan.GuardrailsViolation`.

        Otherwise the week takes the draft's days with one change record per
        changed slot, source ``apply``, and ``reason`` if given.
        """
        return self._drafts.apply_draft(
            client_ref, week_start_date, expected_version=expected_version, reason=reason
        )

    @writes
    def discard_draft(self, client_ref: str, week_start_date: date | str) -> None:
        """Drop the draft of the client's week; the live week stays as it is."""
        return self._drafts.discard_draft(client_ref, week_start_date)

    # -- generation runs (weekplan.planner._runs) -----------------------------------

    def list_runs(
        self,
        *,
        client_ref: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[GenerationRun]:
        """The tenant's generation runs (or one client's), newest first, a page at a time.

        A store that keeps no runs (an optional capability) lists none.

        >>> from weekplan import Planner
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> Planner(InMemoryStore()).worker("tenant-a").list_runs().items
        ()
        """
        return self._runs.list_runs(client_ref=client_ref, limit=limit, cursor=cursor)

    # -- generation (weekplan.planner._generation) ----------------------------------

    @writes
    def generate_draft(
        self,
        client_ref: str,
        week_start_date: date | str,
        *,
        days: DayScope = WEEK,
        seed: int | None = None,
        template_id: str | None = None,
    ) -> GeneratedDraft:
        """Fill the unlocked slots of ``days`` in the week's draft with dishes that fit the diet.

        ``days`` is ``"week"`` (a generation), one day (``"tue"``) or several
        (``["mon", "thu"]``), a regeneration of only those days. The draft is
        started from the live week when the week has none; slots outside
        ``days`` and locked slots keep what the draft has. The same ``seed``
        on the same week, catalog and diet gives the same dishes; without one,
        a seed is drawn and kept on the run.

        A week that does not exist yet takes its slots from ``template_id``:
        the week is created from the template, as
        :meth:`~weekplan.WorkerPlanner.create_instance` would, in the same
        transaction that saves the generated draft, so a generation that fails
        creates nothing. Without ``template_id`` a missing week is
        :class:`~weekplan.InstanceNotFound`; for a week that exists,
        ``template_id`` is not used.

        Raises :class:`~weekplan.GenerationInfeasible` when no week meets the
        diet, :class:`~weekplan.GenerationQuotaExceeded` over the quota,
        :class:`~weekplan.GuardrailsViolation` or
        :class:`~weekplan.GenerationFailed` when no proposal passed; each is
        recorded as a run first.
        """
        return self._generation.generate_draft(
            client_ref, week_start_date, days=days, seed=seed, template_id=template_id
        )

    # -- schedules (weekplan.planner._schedules) ------------------------------------

    @writes
    def set_schedule(
        self,
        client_ref: str,
        *,
        weekday: DayKey | str,
        time: dt.time | str,
        timezone: str,
        weeks_ahead: int = 1,
        source: ScheduleSource | str | dict[str, Any],
    ) -> Schedule:
        """Draft ``client_ref``'s week every ``weekday`` at ``time`` in ``timezone``.

        Each run drafts the week ``weeks_ahead`` weeks on from the week of the
        run (``1``: a Friday run drafts the week starting the coming Monday),
        from ``source``: ``{"template_id": ...}`` clones that template,
        ``"generator"`` generates the week. Replaces the client's schedule if
        it has one, keeping which weeks were already drafted. The first run is
        the next ``weekday`` at ``time`` after now.

        >>> from weekplan import Planner
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> worker = Planner(InMemoryStore()).worker("tenant-a")
        >>> template = worker.create_template("Balanced")
        >>> schedule = worker.set_schedule("client-42", weekday="fri", time="09:00",
        ...     timezone="Europe/Amsterdam", source={"template_id": template.id})
        >>> (schedule.weekday.value, schedule.time.isoformat(), schedule.weeks_ahead)
        ('fri', '09:00:00', 1)
        """
        return self._schedules.set_schedule(
            client_ref,
            weekday=weekday,
            time=time,
            timezone=timezone,
            weeks_ahead=weeks_ahead,
            source=source,
        )

    def get_schedule(self, client_ref: str) -> Schedule:
        """The client's schedule, or :class:`~weekplan.ScheduleNotFound`."""
        return self._schedules.get_schedule(client_ref)

    def list_schedules(self, *, limit: int = 50, cursor: str | None = None) -> Page[Schedule]:
        """The tenant's schedules by ``client_ref``, a page at a time."""
        return self._schedules.list_schedules(limit=limit, cursor=cursor)

    @writes
    def delete_schedule(self, client_ref: str) -> None:
        """Stop drafting the client's weeks; :class:`~weekplan.ScheduleNotFound` if none."""
        return self._schedules.delete_schedule(client_ref)

    # -- the facade's own: a grid to print -----------------------------------------

    def grid(self, plan: WeekPlanTemplate | WeekPlanInstance) -> WeekGrid:
        """A template or client week with its dishes by name, for ``print`` and Jupyter.

        ``print(week)`` alone shows dish ids, since a week holds only ids; this
        looks their names up in the tenant's catalog. Rows come in the order of
        the day (breakfast, morning snack, lunch, afternoon snack, dinner, evening
        snack, then slots of no known meal), as in the client's view.
        Another tenant's template or week is not found, as everywhere.

        >>> from weekplan import Planner, PlanEntry
        >>> from weekplan.adapters.memory import InMemoryStore
        >>> worker = Planner(InMemoryStore()).worker("tenant-a")
        >>> _ = worker.upsert_dish("oats", name="Havermout")
        >>> plan = worker.create_template("Week", [PlanEntry("mon", "dinner", notes="soup"),
        ...                                        PlanEntry("mon", "ontbijt", "oats")])
        >>> print(worker.grid(plan))
        Week (version 1)
        slot    | mon       | tue | wed | thu | fri | sat | sun
        --------+-----------+-----+-----+-----+-----+-----+----
        ontbijt | Havermout |     |     |     |     |     |
        dinner  | soup      |     |     |     |     |     |
        """
        if not isinstance(plan, WeekPlanTemplate | WeekPlanInstance):
            raise InvalidInput.at(("plan",), "must be a WeekPlanTemplate or a WeekPlanInstance")
        if plan.tenant_id != self.tenant_id:
            if isinstance(plan, WeekPlanTemplate):
                raise TemplateNotFound()
            raise InstanceNotFound()
        with self._session.transaction() as uow:
            dishes = catalog_of(self._options, uow).get_many(self.tenant_id, dish_ids(plan.days))
        names = {dish_id: dish.name for dish_id, dish in dishes.items()}
        return WeekGrid(plan, names, self._options.meal_vocabulary)

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"<WorkerPlanner tenant={self.tenant_id!r} {mode}>"
