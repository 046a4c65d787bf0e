"""Conformance at the port level: the core repositories called directly.

The use-case tests prove what a user sees; these name the repository method at
fault when a store breaks the port: ``get``, ``add``, ``replace``, ``remove``
and ``list`` of templates and instances, the compare-and-set on ``version``,
keyset paging, tenant isolation, and a unit of work that rolls back unless
committed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from weekplan.domain._entries import PlanEntry
from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.domain.text import search_key
from weekplan.errors import InstanceExists
from weekplan.ports import CoreStore, CoreUnitOfWork
from weekplan.testing._base import MONDAY, ConformanceBase, monday_plus, shared_store

__all__ = ["CorePortConformance"]

T = TypeVar("T")
K = TypeVar("K")

#: Full microseconds: a store must keep them.
_AT = datetime(2026, 11, 21, 8, 30, 0, 123457, tzinfo=UTC)


def template_row(tenant_id: str, name: str = "Week", *, version: int = 1) -> WeekPlanTemplate:
    """A new template as the use cases would hand it to ``templates.add``."""
    return WeekPlanTemplate(
        id=uuid.uuid4().hex,
        tenant_id=tenant_id,
        name=name,
        days=(PlanEntry("mon", "lunch", notes="soup"), PlanEntry("sun", "dinner")),
        version=version,
        created_at=_AT,
        updated_at=_AT,
    )


def instance_row(
    tenant_id: str, client_ref: str = "client-42", week: date = MONDAY, *, version: int = 1
) -> WeekPlanInstance:
    """A new client week as the use cases would hand it to ``instances.add``."""
    days = (PlanEntry("mon", "lunch", notes="soup"),)
    return WeekPlanInstance(
        id=uuid.uuid4().hex,
        tenant_id=tenant_id,
        template_id=uuid.uuid4().hex,
        client_ref=client_ref,
        week_start_date=week,
        days=days,
        template_snapshot=days,
        version=version,
        created_at=_AT,
        updated_at=_AT,
    )


def _pages(fetch: Callable[[K | None], Sequence[T]], key: Callable[[T], K]) -> list[T]:
    """Every row of a keyset listing, each page starting strictly after the last row."""
    rows: list[T] = []
    after: K | None = None
    while True:
        page = list(fetch(after))
        rows.extend(page)
        if not page:
            return rows
        after = key(page[-1])


def _template_key(template: WeekPlanTemplate) -> tuple[str, str]:
    return (search_key(template.name), template.id)


def _instance_key(instance: WeekPlanInstance) -> tuple[date, str]:
    return (instance.week_start_date, instance.client_ref)


class CorePortConformance(ConformanceBase):
    """The core port, method by method: every store passes these."""

    def _write(self, store: CoreStore, action: Callable[[CoreUnitOfWork], T]) -> T:
        with store.unit_of_work() as uow:
            result = action(uow)
            uow.commit()
        return result

    def _read(self, store: CoreStore, action: Callable[[CoreUnitOfWork], T]) -> T:
        with store.unit_of_work() as uow:
            return action(uow)

    def _add_templates(self, store: CoreStore, rows: Sequence[WeekPlanTemplate]) -> None:
        with store.unit_of_work() as uow:
            for template in rows:
                uow.templates.add(template.tenant_id, template)
            uow.commit()

    def _all_templates(self, store: CoreStore, tenant: str, limit: int) -> list[WeekPlanTemplate]:
        """Every template of ``tenant`` through ``list``, ``limit`` at a time."""
        with store.unit_of_work() as uow:
            return _pages(
                lambda after: uow.templates.list(tenant, search=None, after=after, limit=limit),
                _template_key,
            )

    # -- templates ------------------------------------------------------------------

    def test_port_templates_get_returns_what_add_stored(
        self, store: CoreStore, tenant: str
    ) -> None:
        template = template_row(tenant, "Balanced week")
        self._write(store, lambda uow: uow.templates.add(tenant, template))
        assert self._read(store, lambda uow: uow.templates.get(tenant, template.id)) == template
        assert self._read(store, lambda uow: uow.templates.get(tenant, "no-such-id")) is None

    def test_port_templates_get_never_returns_another_tenant_s_template(
        self, store: CoreStore, tenant: str, other_tenant: str
    ) -> None:
        template = template_row(tenant)
        self._write(store, lambda uow: uow.templates.add(tenant, template))
        assert self._read(store, lambda uow: uow.templates.get(other_tenant, template.id)) is None

    def test_port_templates_replace_is_a_compare_and_set_on_version(
        self, store: CoreStore, tenant: str
    ) -> None:
        template = template_row(tenant, "Old")
        self._write(store, lambda uow: uow.templates.add(tenant, template))
        newer = attrs.evolve(template, name="New", version=2, updated_at=_AT + timedelta(1))
        stale = attrs.evolve(template, name="Stale", version=2)
        assert self._write(
            store, lambda uow: uow.templates.replace(tenant, newer, expected_version=1)
        )
        assert not self._write(
            store, lambda uow: uow.templates.replace(tenant, stale, expected_version=1)
        )
        assert self._read(store, lambda uow: uow.templates.get(tenant, template.id)) == newer

    def test_port_templates_replace_of_a_missing_template_is_false_and_stores_nothing(
        self, store: CoreStore, tenant: str
    ) -> None:
        ghost = template_row(tenant, version=2)
        assert not self._write(
            store, lambda uow: uow.templates.replace(tenant, ghost, expected_version=1)
        )
        assert self._read(store, lambda uow: uow.templates.get(tenant, ghost.id)) is None

    def test_port_templates_replace_in_another_tenant_changes_nothing(
        self, store: CoreStore, tenant: str, other_tenant: str
    ) -> None:
        template = template_row(tenant, "Mine")
        self._write(store, lambda uow: uow.templates.add(tenant, template))
        forged = attrs.evolve(template, tenant_id=other_tenant, name="Theirs", version=2)
        assert not self._write(
            store, lambda uow: uow.templates.replace(other_tenant, forged, expected_version=1)
        )
        assert self._read(store, lambda uow: uow.templates.get(tenant, template.id)) == template

    def test_port_templates_remove_deletes_once_and_only_in_its_tenant(
        self, store: CoreStore, tenant: str, other_tenant: str
    ) -> None:
        template = template_row(tenant)
        self._write(store, lambda uow: uow.templates.add(tenant, template))
        assert not self._write(store, lambda uow: uow.templates.remove(other_tenant, template.id))
        assert self._read(store, lambda uow: uow.templates.get(tenant, template.id)) == template
        assert self._write(store, lambda uow: uow.templates.remove(tenant, template.id))
        assert not self._write(store, lambda uow: uow.templates.remove(tenant, template.id))
        assert self._read(store, lambda uow: uow.templates.get(tenant, template.id)) is None

    def test_port_templates_list_pages_by_search_key_then_id_strictly_after_after(
        self, store: CoreStore, tenant: str, other_tenant: str
    ) -> None:
        names = ["Zomer", "äpfel", "Apfel", "Bravo", "apfel", "Brávo", "Échte", "Zomer"]
        mine = [template_row(tenant, name) for name in names]
        theirs = template_row(other_tenant, "Apfel")

        def add_all(uow: CoreUnitOfWork) -> None:
            for template in [*mine, theirs]:
                uow.templates.add(template.tenant_id, template)

        self._write(store, add_all)
        for limit in (1, 3, 100):
            listed = self._all_templates(store, tenant, limit)
            assert listed == sorted(mine, key=_template_key), limit

    def test_port_templates_list_search_matches_a_substring_of_the_search_key(
        self, store: CoreStore, tenant: str
    ) -> None:
        rows = [template_row(tenant, name) for name in ("Zomerweek", "Winter", "ZOMER", "Zömer")]
        self._add_templates(store, rows)
        found = self._read(
            store,
            lambda uow: uow.templates.list(tenant, search=search_key("omer"), after=None, limit=10),
        )
        assert sorted(t.name for t in found) == ["ZOMER", "Zomerweek", "Zömer"]

    @shared_store
    @given(names=st.lists(st.sampled_from(["a", "B", "b", "é", "c d", "Ω"]), max_size=9))
    def test_port_templates_list_yields_every_row_once_whatever_the_page_size(
        self, store: CoreStore, names: list[str]
    ) -> None:
        tenant = f"tenant-{uuid.uuid4().hex[:12]}"
        rows = [template_row(tenant, name) for name in names]
        self._add_templates(store, rows)
        for limit in (1, 2, 5):
            listed = self._all_templates(store, tenant, limit)
            assert listed == sorted(rows, key=_template_key)

    # -- instances ------------------------------------------------------------------

    def test_port_instances_get_returns_what_add_stored(
        self, store: CoreStore, tenant: str
    ) -> None:
        week = instance_row(tenant)
        self._write(store, lambda uow: uow.instances.add(tenant, week))
        found = self._read(store, lambda uow: uow.instances.get(tenant, "client-42", MONDAY))
        assert found == week
        later = monday_plus(1)
        assert self._read(store, lambda uow: uow.instances.get(tenant, "client-42", later)) is None
        assert self._read(store, lambda uow: uow.instances.get(tenant, "client-43", MONDAY)) is None

    def test_port_instances_add_of_a_taken_week_raises_instance_exists(
        self, store: CoreStore, tenant: str, other_tenant: str
    ) -> None:
        first = instance_row(tenant)
        self._write(store, lambda uow: uow.instances.add(tenant, first))
        with pytest.raises(InstanceExists):
            self._write(store, lambda uow: uow.instances.add(tenant, instance_row(tenant)))
        # The same client and week in another tenant is another week.
        twin = instance_row(other_tenant)
        self._write(store, lambda uow: uow.instances.add(other_tenant, twin))
        assert self._read(store, lambda uow: uow.instances.get(tenant, "client-42", MONDAY)) == (
            first
        )
        assert self._read(
            store, lambda uow: uow.instances.get(other_tenant, "client-42", MONDAY)
        ) == (twin)

    def test_port_instances_replace_is_a_compare_and_set_on_version(
        self, store: CoreStore, tenant: str, other_tenant: str
    ) -> None:
        week = instance_row(tenant)
        self._write(store, lambda uow: uow.instances.add(tenant, week))
        edited = attrs.evolve(week, days=(PlanEntry("tue", "dinner"),), version=2)
        stale = attrs.evolve(week, days=(), version=2)
        forged = attrs.evolve(week, tenant_id=other_tenant, days=(), version=2)
        assert not self._write(
            store, lambda uow: uow.instances.replace(other_tenant, forged, expected_version=1)
        )
        assert self._write(
            store, lambda uow: uow.instances.replace(tenant, edited, expected_version=1)
        )
        assert not self._write(
            store, lambda uow: uow.instances.replace(tenant, stale, expected_version=1)
        )
        assert self._read(store, lambda uow: uow.instances.get(tenant, "client-42", MONDAY)) == (
            edited
        )

    def test_port_instances_remove_deletes_once_and_only_in_its_tenant(
        self, store: CoreStore, tenant: str, other_tenant: str
    ) -> None:
        week = instance_row(tenant)
        self._write(store, lambda uow: uow.instances.add(tenant, week))
        assert not self._write(
            store, lambda uow: uow.instances.remove(other_tenant, "client-42", MONDAY)
        )
        assert self._write(store, lambda uow: uow.instances.remove(tenant, "client-42", MONDAY))
        assert not self._write(store, lambda uow: uow.instances.remove(tenant, "client-42", MONDAY))
        assert self._read(store, lambda uow: uow.instances.get(tenant, "client-42", MONDAY)) is None

    def test_port_instances_list_pages_by_week_then_client_and_filters_exactly(
        self, store: CoreStore, tenant: str, other_tenant: str
    ) -> None:
        mine = [
            instance_row(tenant, client, monday_plus(weeks))
            for client in ("client-b", "client-a", "client-c")
            for weeks in (2, 0, 1)
        ]
        theirs = instance_row(other_tenant, "client-a", MONDAY)

        def add_all(uow: CoreUnitOfWork) -> None:
            for week in [*mine, theirs]:
                uow.instances.add(week.tenant_id, week)

        self._write(store, add_all)

        def listed(client: str | None, week: date | None, limit: int) -> list[WeekPlanInstance]:
            return self._read(
                store,
                lambda uow: _pages(
                    lambda after: uow.instances.list(
                        tenant, client_ref=client, week_start_date=week, after=after, limit=limit
                    ),
                    _instance_key,
                ),
            )

        ordered = sorted(mine, key=_instance_key)
        for limit in (1, 4, 100):
            assert listed(None, None, limit) == ordered
        assert listed("client-a", None, 2) == [i for i in ordered if i.client_ref == "client-a"]
        week = monday_plus(1)
        assert listed(None, week, 2) == [i for i in ordered if i.week_start_date == week]
        assert listed("client-c", MONDAY, 2) == [
            instance
            for instance in mine
            if instance.client_ref == "client-c" and instance.week_start_date == MONDAY
        ]

    # -- the unit of work -------------------------------------------------------------

    def test_port_unit_of_work_forgets_what_was_not_committed(
        self, store: CoreStore, tenant: str
    ) -> None:
        template, week = template_row(tenant), instance_row(tenant)
        with store.unit_of_work() as uow:
            uow.templates.add(tenant, template)
            uow.instances.add(tenant, week)
            # Its own writes are visible inside it.
            assert uow.templates.get(tenant, template.id) == template
        assert self._read(store, lambda uow: uow.templates.get(tenant, template.id)) is None
        assert self._read(store, lambda uow: uow.instances.get(tenant, "client-42", MONDAY)) is None

    def test_port_unit_of_work_rolls_back_when_its_block_raises(
        self, store: CoreStore, tenant: str
    ) -> None:
        template = template_row(tenant)

        class Boom(Exception):
            pass

        def add_then_fail() -> None:
            with store.unit_of_work() as uow:
                uow.templates.add(tenant, template)
                raise Boom

        with pytest.raises(Boom):
            add_then_fail()
        assert self._read(store, lambda uow: uow.templates.get(tenant, template.id)) is None

    def test_port_unit_of_work_rollback_forgets_and_commit_keeps(
        self, store: CoreStore, tenant: str
    ) -> None:
        dropped, kept = template_row(tenant, "Dropped"), template_row(tenant, "Kept")
        with store.unit_of_work() as uow:
            uow.templates.add(tenant, dropped)
            uow.rollback()
        with store.unit_of_work() as uow:
            uow.templates.add(tenant, kept)
            uow.commit()
        assert self._read(store, lambda uow: uow.templates.get(tenant, dropped.id)) is None
        assert self._read(store, lambda uow: uow.templates.get(tenant, kept.id)) == kept
