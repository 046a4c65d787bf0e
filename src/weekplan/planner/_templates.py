"""Use cases on week plan templates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import attrs

from weekplan.domain._entries import EntryInput, PlanEntry, parse_entries
from weekplan.domain._inputs import (
    check_expected_version,
    check_search,
    check_template_id,
    collect_errors,
)
from weekplan.domain._limits import NAME_KEY_MAX, NAME_MAX
from weekplan.domain._paging import Page, check_limit, decode_cursor, encode_cursor
from weekplan.domain._plans import WeekPlanTemplate
from weekplan.domain.changes import ChangeSource
from weekplan.domain.text import check_text, search_key
from weekplan.errors import ConcurrentUpdate, TemplateNotFound, VersionConflict
from weekplan.planner._history import plan_changed
from weekplan.planner._options import UNSET, Unset
from weekplan.planner._session import Session, UseCases
from weekplan.planner._workflow import log_changes, template_change_set
from weekplan.ports import TemplateWithAssignmentReads, UnitOfWork

__all__ = ["TemplateUseCases", "load_template", "load_template_of_client", "save_template"]

_CURSOR_KIND = "templates"


def _check_name(value: Any) -> str:
    return check_text(value, "name", max_length=NAME_MAX, max_key_length=NAME_KEY_MAX)


class TemplateUseCases(UseCases):
    """Reading and editing the tenant's week plan templates."""

    def list_templates(
        self, *, search: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[WeekPlanTemplate]:
        """See :meth:`weekplan.WorkerPlanner.list_templates`."""
        needle = check_search(search)
        limit = check_limit(limit)
        position = decode_cursor(_CURSOR_KIND, cursor, arity=2)
        after = (position[0], position[1]) if position else None
        with self._reading(single_statement=True) as uow:
            rows = list(
                uow.templates.list(self.tenant_id, search=needle, after=after, limit=limit + 1)
            )
        has_more = len(rows) > limit
        items = tuple(rows[:limit])
        next_cursor = (
            encode_cursor(_CURSOR_KIND, (search_key(items[-1].name), items[-1].id))
            if has_more
            else None
        )
        return Page(items, next_cursor)

    def get_template(self, template_id: str) -> WeekPlanTemplate:
        """See :meth:`weekplan.WorkerPlanner.get_template`."""
        template_id = check_template_id(template_id)
        with self._reading(single_statement=True) as uow:
            return load_template(self._session, uow, template_id)

    def create_template(self, name: str, days: Iterable[EntryInput] = ()) -> WeekPlanTemplate:
        """See :meth:`weekplan.WorkerPlanner.create_template`."""
        name, entries = collect_errors(lambda: _check_name(name), lambda: parse_entries(days))
        now = self._options.clock()
        template = WeekPlanTemplate(
            id=self._options.id_factory(),
            tenant_id=self.tenant_id,
            name=name,
            days=entries,
            version=1,
            created_at=now,
            updated_at=now,
        )
        with self._transaction() as uow:
            plan_changed(self._session, uow, (), template.days)
            uow.templates.add(self.tenant_id, template)
            _log_template(self._session, uow, template, (), ChangeSource.CREATE, None)
            uow.commit()
        return template

    def update_template(
        self,
        template_id: str,
        *,
        name: str | Unset = UNSET,
        days: Iterable[EntryInput] | Unset = UNSET,
        expected_version: int | None = None,
    ) -> WeekPlanTemplate:
        """See :meth:`weekplan.WorkerPlanner.update_template`."""
        template_id = check_template_id(template_id)
        new_name, new_days = collect_errors(
            lambda: UNSET if isinstance(name, Unset) else _check_name(name),
            lambda: UNSET if isinstance(days, Unset) else parse_entries(days),
        )
        expected = check_expected_version(expected_version)
        with self._transaction() as uow:
            current = load_template(self._session, uow, template_id, expected_version=expected)
            changes: dict[str, Any] = {}
            if not isinstance(new_name, Unset):
                changes["name"] = new_name
            if not isinstance(new_days, Unset):
                changes["days"] = new_days
            updated = save_template(self._session, uow, current, **changes)
            uow.commit()
        return updated

    def delete_template(self, template_id: str) -> None:
        """See :meth:`weekplan.WorkerPlanner.delete_template`."""
        template_id = check_template_id(template_id)
        with self._transaction() as uow:
            current = load_template(self._session, uow, template_id)
            if not uow.templates.remove(self.tenant_id, template_id):
                raise TemplateNotFound()
            plan_changed(self._session, uow, current.days, ())
            _log_template(
                self._session, uow, current, current.days, ChangeSource.DELETE, current.version
            )
            uow.commit()


# -- shared steps: imported by the other use cases --------------------


def load_template(
    session: Session, uow: UnitOfWork, template_id: str, *, expected_version: int | None = None
) -> WeekPlanTemplate:
    """The template, or :class:`~weekplan.TemplateNotFound`.

    With ``expected_version``, a template at another version is :class:`~weekplan.VersionConflict`.
    """
    template = uow.templates.get(session.tenant_id, template_id)
    if template is None:
        raise TemplateNotFound()
    if expected_version is not None and template.version != expected_version:
        raise VersionConflict()
    return template


def load_template_of_client(
    session: Session, uow: UnitOfWork, template_id: str, client_ref: str
) -> WeekPlanTemplate:
    """:func:`load_template` for a new week of ``client_ref``, whose ruleset is asked next.

    Where the store reads the template with the client's assignment
    (:class:`~weekplan.ports.TemplateWithAssignmentReads`), that is one
    statement, and the check of the client's diet reads nothing more.
    """
    if getattr(session.store, "reads_template_with_assignment", False) is not True:
        return load_template(session, uow, template_id)
    templates = cast(TemplateWithAssignmentReads, uow.templates)
    template = templates.get_with_assignment(session.tenant_id, template_id, client_ref)
    if template is None:
        raise TemplateNotFound()
    return template


def save_template(
    session: Session,
    uow: UnitOfWork,
    current: WeekPlanTemplate,
    *,
    dishes_checked: bool = False,
    source: ChangeSource = ChangeSource.EDIT,
    **changes: Any,
) -> WeekPlanTemplate:
    """Every template change goes through here: checks, version bump, compare-and-set.

    ``dishes_checked`` spares a second lookup when the caller checked the dishes.
    """
    candidate = attrs.evolve(current, **changes)
    if candidate == current:
        return current
    plan_changed(session, uow, current.days, candidate.days, check_dishes=not dishes_checked)
    updated = attrs.evolve(
        candidate, version=current.version + 1, updated_at=session.options.clock()
    )
    if not uow.templates.replace(session.tenant_id, updated, expected_version=current.version):
        # Changed since it was read, by a call that got in first: run this one again.
        raise ConcurrentUpdate()
    _log_template(session, uow, updated, current.days, source, current.version)
    return updated


def _log_template(  # noqa: PLR0917  # private, and every call passes the same six
    session: Session,
    uow: UnitOfWork,
    template: WeekPlanTemplate,
    before: tuple[PlanEntry, ...],
    source: ChangeSource,
    version_before: int | None,
) -> None:
    """The change set of the slots of ``template`` that differ from ``before``.

    A delete records every slot removed; a rename alone records nothing.
    """
    deleted = source is ChangeSource.DELETE
    change_set = template_change_set(
        session.options.id_factory,
        template=template,
        before=before,
        after=() if deleted else template.days,
        actor=session.actor,
        source=source,
        at=session.options.clock() if deleted else template.updated_at,
        version_before=version_before,
        version_after=None if deleted else template.version,
    )
    log_changes(uow, session.tenant_id, [change_set])
