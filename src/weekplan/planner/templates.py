"""Use cases on week plan templates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from weekplan.domain._inputs import (
    check_expected_version,
    check_search,
    check_template_id,
    collect_errors,
)
from weekplan.domain.changes import ChangeSource
from weekplan.domain.entries import EntryInput, PlanEntry, parse_entries
from weekplan.domain.limits import NAME_KEY_MAX, NAME_MAX
from weekplan.domain.paging import Page, check_limit, decode_cursor, encode_cursor
from weekplan.domain.plans import WeekPlanTemplate
from weekplan.domain.text import check_text, search_key
from weekplan.errors import ConcurrentUpdate, TemplateNotFound, VersionConflict
from weekplan.planner.access import writes
from weekplan.planner.dishes import DishUseCases
from weekplan.planner.session import UNSET, Unset
from weekplan.planner.workflow import log_changes, template_records
from weekplan.ports import UnitOfWork

__all__ = ["TemplateUseCases"]

_CURSOR_KIND = "templates"


def _check_name(value: Any) -> str:
    return check_text(value, "name", max_length=NAME_MAX, max_key_length=NAME_KEY_MAX)


class TemplateUseCases(DishUseCases):
    """Reading and editing the tenant's week plan templates."""

    def list_templates(
        self, *, search: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[WeekPlanTemplate]:
        """Templates whose name contains ``search`` (case and accents ignored), by name.

        Pass a page's ``next_cursor`` as ``cursor`` to continue.
        """
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
        """The template, or :class:`~weekplan.TemplateNotFound`."""
        template_id = check_template_id(template_id)
        with self._reading(single_statement=True) as uow:
            return self._load_template(uow, template_id)

    @writes
    def create_template(self, name: str, days: Iterable[EntryInput] = ()) -> WeekPlanTemplate:
        """A new template at version 1."""
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
            self._plan_changed(uow, (), template.days)
            uow.templates.add(self.tenant_id, template)
            self._log_template(uow, template, (), ChangeSource.CREATE, None)
            uow.commit()
        return template

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
        template_id = check_template_id(template_id)
        new_name, new_days = collect_errors(
            lambda: UNSET if isinstance(name, Unset) else _check_name(name),
            lambda: UNSET if isinstance(days, Unset) else parse_entries(days),
        )
        expected = check_expected_version(expected_version)
        with self._transaction() as uow:
            current = self._load_template(uow, template_id, expected_version=expected)
            changes: dict[str, Any] = {}
            if not isinstance(new_name, Unset):
                changes["name"] = new_name
            if not isinstance(new_days, Unset):
                changes["days"] = new_days
            updated = self._save_template(uow, current, **changes)
            uow.commit()
        return updated

    @writes
    def delete_template(self, template_id: str) -> None:
        """Delete the template. Instances cloned from it stay as they are."""
        template_id = check_template_id(template_id)
        with self._transaction() as uow:
            current = self._load_template(uow, template_id)
            if not uow.templates.remove(self.tenant_id, template_id):
                raise TemplateNotFound()
            self._plan_changed(uow, current.days, ())
            self._log_template(uow, current, current.days, ChangeSource.DELETE, current.version)
            uow.commit()

    # -- shared steps -------------------------------------------------------------

    def _load_template(
        self, uow: UnitOfWork, template_id: str, *, expected_version: int | None = None
    ) -> WeekPlanTemplate:
        template = uow.templates.get(self.tenant_id, template_id)
        if template is None:
            raise TemplateNotFound()
        if expected_version is not None and template.version != expected_version:
            raise VersionConflict()
        return template

    def _save_template(
        self,
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
        self._plan_changed(uow, current.days, candidate.days, check_dishes=not dishes_checked)
        updated = attrs.evolve(
            candidate, version=current.version + 1, updated_at=self._options.clock()
        )
        if not uow.templates.replace(self.tenant_id, updated, expected_version=current.version):
            # Changed since it was read, by a call that got in first: run this one again.
            raise ConcurrentUpdate()
        self._log_template(uow, updated, current.days, source, current.version)
        return updated

    def _log_template(
        self,
        uow: UnitOfWork,
        template: WeekPlanTemplate,
        before: tuple[PlanEntry, ...],
        source: ChangeSource,
        version_before: int | None,
    ) -> None:
        """One change record per slot of ``template`` that differs from ``before``.

        A delete records every slot removed; a rename alone records nothing.
        """
        deleted = source is ChangeSource.DELETE
        records = template_records(
            self._options.id_factory,
            template=template,
            before=before,
            after=() if deleted else template.days,
            actor=self.actor,
            source=source,
            at=self._options.clock() if deleted else template.updated_at,
            version_before=version_before,
            version_after=None if deleted else template.version,
        )
        log_changes(uow, self.tenant_id, records)
