"""Every SQL statement the store runs, built once per dialect and reused.

Statements are SQLAlchemy Core, with explicit columns and bound parameters only,
so SQLAlchemy compiles each of them once and then finds it in its cache.
Listings have a few shapes (with or without a filter, a search, a cursor); each
shape is built the first time it is asked for and kept.

Keyset pagination compares the row value ``(a, b) > (:a, :b)`` where the
database turns that into an index range (SQLite, PostgreSQL); on MariaDB it is
spelt ``a >= :a AND (a > :a OR b > :b)``, whose first term is the range.

A search is a substring test on ``name_key``: ``instr`` on SQLite and MariaDB,
``strpos`` on PostgreSQL. Unlike ``LIKE`` it needs no escaping of ``%`` and
``_``, and it compares exactly, where SQLite's ``LIKE`` would ignore ASCII case
(``search_key`` can yield capitals, e.g. from "™").
"""

from __future__ import annotations

import threading
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Delete,
    Insert,
    Integer,
    Select,
    Update,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.sql.elements import ColumnClause

from weekplan.adapters.sqlalchemy.schema import instances, templates

__all__ = ["Statements"]

_TEMPLATE_COLUMNS: Final = (
    templates.c.id,
    templates.c.tenant_id,
    templates.c.name,
    templates.c.days,
    templates.c.version,
    templates.c.created_at,
    templates.c.updated_at,
)
_INSTANCE_COLUMNS: Final = (
    instances.c.id,
    instances.c.tenant_id,
    instances.c.template_id,
    instances.c.client_ref,
    instances.c.week_start_date,
    instances.c.days,
    instances.c.template_snapshot,
    instances.c.version,
    instances.c.created_at,
    instances.c.updated_at,
)

TemplateListShape = tuple[bool, bool]
InstanceListShape = tuple[bool, bool, bool]


class Statements:
    """The statements of one dialect."""

    def __init__(self, dialect_name: str) -> None:
        self._dialect_name = dialect_name
        self._row_values = dialect_name in ("sqlite", "postgresql")
        self._lock = threading.Lock()
        self._template_lists: dict[TemplateListShape, Select[Any]] = {}
        self._instance_lists: dict[InstanceListShape, Select[Any]] = {}

        t, i = templates.c, instances.c
        self.get_template: Final[Select[Any]] = select(*_TEMPLATE_COLUMNS).where(
            t.tenant_id == bindparam("tenant_id"), t.id == bindparam("id")
        )
        self.insert_template: Final[Insert] = insert(templates)
        self.replace_template: Final[Update] = (
            update(templates)
            .where(
                t.tenant_id == bindparam("b_tenant_id"),
                t.id == bindparam("b_id"),
                t.version == bindparam("b_expected_version"),
            )
            .values(
                name=bindparam("name"),
                name_key=bindparam("name_key"),
                days=bindparam("days"),
                version=bindparam("version"),
                created_at=bindparam("created_at"),
                updated_at=bindparam("updated_at"),
            )
        )
        self.delete_template: Final[Delete] = delete(templates).where(
            t.tenant_id == bindparam("tenant_id"), t.id == bindparam("id")
        )
        self.get_instance: Final[Select[Any]] = select(*_INSTANCE_COLUMNS).where(
            i.tenant_id == bindparam("tenant_id"),
            i.client_ref == bindparam("client_ref"),
            i.week_start_date == bindparam("week_start_date"),
        )
        self.insert_instance: Final[Insert] = insert(instances)
        self.replace_instance: Final[Update] = (
            update(instances)
            .where(
                i.tenant_id == bindparam("b_tenant_id"),
                i.client_ref == bindparam("b_client_ref"),
                i.week_start_date == bindparam("b_week_start_date"),
                i.id == bindparam("b_id"),
                i.version == bindparam("b_expected_version"),
            )
            .values(
                template_id=bindparam("template_id"),
                days=bindparam("days"),
                template_snapshot=bindparam("template_snapshot"),
                version=bindparam("version"),
                created_at=bindparam("created_at"),
                updated_at=bindparam("updated_at"),
            )
        )
        self.delete_instance: Final[Delete] = delete(instances).where(
            i.tenant_id == bindparam("tenant_id"),
            i.client_ref == bindparam("client_ref"),
            i.week_start_date == bindparam("week_start_date"),
        )

    @property
    def dialect_name(self) -> str:
        """The SQLAlchemy dialect these statements are written for."""
        return self._dialect_name

    def list_templates(self, *, search: bool, after: bool) -> Select[Any]:
        """A page of a tenant's templates by ``(name_key, id)``.

        Parameters: ``tenant_id``, ``limit``, and ``search`` / ``after_key``,
        ``after_id`` when asked for.
        """
        shape = (search, after)
        found = self._template_lists.get(shape)
        if found is None:
            t = templates.c
            stmt: Select[Any] = select(*_TEMPLATE_COLUMNS).where(
                t.tenant_id == bindparam("tenant_id")
            )
            if search:
                stmt = stmt.where(self._contains(t.name_key, bindparam("search")))
            if after:
                stmt = stmt.where(self._after(t.name_key, t.id, "after_key", "after_id"))
            found = stmt.order_by(t.name_key, t.id).limit(bindparam("limit", type_=Integer))
            with self._lock:
                self._template_lists[shape] = found
        return found

    def list_instances(
        self, *, client_ref: bool, week_start_date: bool, after: bool
    ) -> Select[Any]:
        """A page of a tenant's instances by ``(week_start_date, client_ref)``.

        Parameters: ``tenant_id``, ``limit``, and ``client_ref``,
        ``week_start_date``, ``after_week``, ``after_client`` when asked for.
        """
        shape = (client_ref, week_start_date, after)
        found = self._instance_lists.get(shape)
        if found is None:
            i = instances.c
            stmt: Select[Any] = select(*_INSTANCE_COLUMNS).where(
                i.tenant_id == bindparam("tenant_id")
            )
            if client_ref:
                stmt = stmt.where(i.client_ref == bindparam("client_ref"))
            if week_start_date:
                stmt = stmt.where(i.week_start_date == bindparam("week_start_date"))
            if after:
                stmt = stmt.where(
                    self._after(i.week_start_date, i.client_ref, "after_week", "after_client")
                )
            # A column fixed by the filter is left out of ORDER BY: the order is the
            # same, and MariaDB only then sees that the index already gives it.
            order = [
                c
                for c, fixed in ((i.week_start_date, week_start_date), (i.client_ref, client_ref))
                if not fixed
            ]
            found = stmt.order_by(*order).limit(bindparam("limit", type_=Integer))
            with self._lock:
                self._instance_lists[shape] = found
        return found

    def _contains(
        self, column: ColumnClause[str] | ColumnElement[str], needle: ColumnElement[str]
    ) -> ColumnElement[bool]:
        if self._dialect_name == "postgresql":
            return func.strpos(column, needle) > 0
        return func.instr(column, needle) > 0

    def _after(
        self,
        first: ColumnElement[object],
        second: ColumnElement[object],
        first_param: str,
        second_param: str,
    ) -> ColumnElement[bool]:
        a = bindparam(first_param, type_=first.type)
        b = bindparam(second_param, type_=second.type)
        if self._row_values:
            return tuple_(first, second) > tuple_(a, b)
        return and_(first >= a, or_(first > a, second > b))
