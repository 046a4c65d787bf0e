"""The repositories of :mod:`weekplan.ports` over SQLAlchemy Core.

Each call is one statement. Rows become frozen domain values right here; nothing
mapped by an ORM reaches the domain. Every database error is translated (see
:mod:`.errors`) before it leaves a method.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from sqlalchemy import Connection, CursorResult, Executable
from sqlalchemy.exc import SQLAlchemyError

from weekplan.adapters.sqlalchemy.errors import (
    translate,
    translate_instance_insert,
    translate_stored,
)
from weekplan.adapters.sqlalchemy.rows import EntryCodec
from weekplan.adapters.sqlalchemy.schema import NAME_KEY_MAX
from weekplan.adapters.sqlalchemy.statements import Statements
from weekplan.domain.plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.domain.text import search_key
from weekplan.errors import InvalidInput
from weekplan.ports import InstanceSortKey, TemplateSortKey

__all__ = ["ConnectionSource", "SqlInstanceRepository", "SqlTemplateRepository"]


class ConnectionSource(Protocol):
    """What a repository needs from its unit of work."""

    def reader(self) -> Connection:
        """The connection to read with."""
        ...

    def writer(self) -> Connection:
        """The connection to write with, inside the unit of work's transaction or savepoint."""
        ...


def _run(connection: Connection, statement: Executable, params: Mapping[str, Any]) -> Any:
    try:
        return connection.execute(statement, params)
    except SQLAlchemyError as exc:
        raise translate(exc) from exc


def _same_tenant(tenant_id: str, row_tenant_id: str) -> None:
    if tenant_id != row_tenant_id:
        # A caller bug, not bad input: the use cases always pass the row's own tenant.
        raise ValueError("a row can only be written under its own tenant_id")


def _name_key(name: str) -> str:
    key = search_key(name)
    if len(key) > NAME_KEY_MAX:
        # Only names made mostly of ligatures that unfold into many letters get here.
        raise InvalidInput.at(("name",), "is too long once normalised for search")
    return key


class SqlTemplateRepository:
    """Templates in ``weekplan_templates``."""

    def __init__(self, source: ConnectionSource, statements: Statements, codec: EntryCodec):
        self._source = source
        self._sql = statements
        self._codec = codec

    def _template(self, row: Sequence[Any]) -> WeekPlanTemplate:
        try:
            return WeekPlanTemplate(
                id=row[0],
                tenant_id=row[1],
                name=row[2],
                days=self._codec.decode(row[3]),
                version=row[4],
                created_at=row[5],
                updated_at=row[6],
            )
        except InvalidInput as exc:
            raise translate_stored(exc) from exc

    def get(self, tenant_id: str, template_id: str) -> WeekPlanTemplate | None:
        """The template, or ``None``."""
        result = _run(
            self._source.reader(),
            self._sql.get_template,
            {"tenant_id": tenant_id, "id": template_id},
        )
        row = result.first()
        return None if row is None else self._template(row)

    def list(
        self,
        tenant_id: str,
        *,
        search: str | None,
        after: TemplateSortKey | None,
        limit: int,
    ) -> Sequence[WeekPlanTemplate]:
        """Up to ``limit`` templates ordered by ``(name_key, id)``, strictly after ``after``."""
        params: dict[str, Any] = {"tenant_id": tenant_id, "limit": limit}
        if search:
            params["search"] = search
        if after is not None:
            params["after_key"], params["after_id"] = after
        statement = self._sql.list_templates(search=bool(search), after=after is not None)
        result = _run(self._source.reader(), statement, params)
        return [self._template(row) for row in result]

    def add(self, tenant_id: str, template: WeekPlanTemplate) -> None:
        """Insert a new template."""
        _same_tenant(tenant_id, template.tenant_id)
        _run(self._source.writer(), self._sql.insert_template, self._values(template))

    def replace(self, tenant_id: str, template: WeekPlanTemplate, *, expected_version: int) -> bool:
        """Compare-and-set: overwrite only if the stored version is ``expected_version``."""
        _same_tenant(tenant_id, template.tenant_id)
        params = self._values(template)
        params.update(b_tenant_id=tenant_id, b_id=template.id, b_expected_version=expected_version)
        del params["tenant_id"], params["id"]
        result: CursorResult[Any] = _run(self._source.writer(), self._sql.replace_template, params)
        return result.rowcount == 1

    def remove(self, tenant_id: str, template_id: str) -> bool:
        """Delete the template; ``False`` if there was none."""
        result: CursorResult[Any] = _run(
            self._source.writer(),
            self._sql.delete_template,
            {"tenant_id": tenant_id, "id": template_id},
        )
        return result.rowcount == 1

    def _values(self, template: WeekPlanTemplate) -> dict[str, Any]:
        return {
            "tenant_id": template.tenant_id,
            "id": template.id,
            "name": template.name,
            "name_key": _name_key(template.name),
            "days": self._codec.encode(template.days),
            "version": template.version,
            "created_at": template.created_at,
            "updated_at": template.updated_at,
        }


class SqlInstanceRepository:
    """Client week instances in ``weekplan_instances``."""

    def __init__(self, source: ConnectionSource, statements: Statements, codec: EntryCodec):
        self._source = source
        self._sql = statements
        self._codec = codec

    def _instance(self, row: Sequence[Any]) -> WeekPlanInstance:
        decode = self._codec.decode
        try:
            return WeekPlanInstance(
                id=row[0],
                tenant_id=row[1],
                template_id=row[2],
                client_ref=row[3],
                week_start_date=row[4],
                days=decode(row[5]),
                template_snapshot=decode(row[6]),
                version=row[7],
                created_at=row[8],
                updated_at=row[9],
            )
        except InvalidInput as exc:
            raise translate_stored(exc) from exc

    def get(
        self, tenant_id: str, client_ref: str, week_start_date: date
    ) -> WeekPlanInstance | None:
        """The instance, or ``None``."""
        result = _run(
            self._source.reader(),
            self._sql.get_instance,
            {"tenant_id": tenant_id, "client_ref": client_ref, "week_start_date": week_start_date},
        )
        row = result.first()
        return None if row is None else self._instance(row)

    def list(
        self,
        tenant_id: str,
        *,
        client_ref: str | None,
        week_start_date: date | None,
        after: InstanceSortKey | None,
        limit: int,
    ) -> Sequence[WeekPlanInstance]:
        """Up to ``limit`` instances by ``(week_start_date, client_ref)``, after ``after``."""
        params: dict[str, Any] = {"tenant_id": tenant_id, "limit": limit}
        if client_ref is not None:
            params["client_ref"] = client_ref
        if week_start_date is not None:
            params["week_start_date"] = week_start_date
        if after is not None:
            params["after_week"], params["after_client"] = after
        statement = self._sql.list_instances(
            client_ref=client_ref is not None,
            week_start_date=week_start_date is not None,
            after=after is not None,
        )
        result = _run(self._source.reader(), statement, params)
        return [self._instance(row) for row in result]

    def add(self, tenant_id: str, instance: WeekPlanInstance) -> None:
        """Insert a new instance, or raise ``InstanceExists`` if its key is taken."""
        _same_tenant(tenant_id, instance.tenant_id)
        connection = self._source.writer()
        try:
            connection.execute(self._sql.insert_instance, self._values(instance))
        except SQLAlchemyError as exc:
            raise translate_instance_insert(exc) from exc

    def replace(self, tenant_id: str, instance: WeekPlanInstance, *, expected_version: int) -> bool:
        """Compare-and-set on the instance's key, id and version."""
        _same_tenant(tenant_id, instance.tenant_id)
        params = self._values(instance)
        params.update(
            b_tenant_id=tenant_id,
            b_client_ref=instance.client_ref,
            b_week_start_date=instance.week_start_date,
            b_id=instance.id,
            b_expected_version=expected_version,
        )
        for key in ("tenant_id", "id", "client_ref", "week_start_date"):
            del params[key]
        result: CursorResult[Any] = _run(self._source.writer(), self._sql.replace_instance, params)
        return result.rowcount == 1

    def remove(self, tenant_id: str, client_ref: str, week_start_date: date) -> bool:
        """Delete the instance; ``False`` if there was none."""
        result: CursorResult[Any] = _run(
            self._source.writer(),
            self._sql.delete_instance,
            {"tenant_id": tenant_id, "client_ref": client_ref, "week_start_date": week_start_date},
        )
        return result.rowcount == 1

    def _values(self, instance: WeekPlanInstance) -> dict[str, Any]:
        encode = self._codec.encode
        return {
            "tenant_id": instance.tenant_id,
            "id": instance.id,
            "template_id": instance.template_id,
            "client_ref": instance.client_ref,
            "week_start_date": instance.week_start_date,
            "days": encode(instance.days),
            "template_snapshot": encode(instance.template_snapshot),
            "version": instance.version,
            "created_at": instance.created_at,
            "updated_at": instance.updated_at,
        }
