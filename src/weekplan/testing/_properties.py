"""Conformance: the contract's invariants as hypothesis properties and a stateful model.

Each hypothesis example works in tenants of its own, so one store serves every
example of a test without examples seeing each other.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from weekplan.domain._entries import PlanEntry
from weekplan.errors import InstanceExists, InstanceNotFound, ReadOnlyAccess, TemplateNotFound
from weekplan.planner._planner import Planner
from weekplan.planner._worker import WorkerPlanner
from weekplan.ports import Store
from weekplan.testing import strategies as wps
from weekplan.testing._base import (
    MONDAY,
    ConformanceBase,
    monday_plus,
    shared_store,
    snapshot_of,
)

__all__ = ["PropertyConformance", "TenantIsolationMachine"]


def _fresh_tenant() -> str:
    return f"tenant-{uuid.uuid4().hex[:12]}"


_template_edits = st.lists(
    st.one_of(
        st.tuples(st.just("rename"), wps.names()),
        st.tuples(st.just("replace_days"), wps.entry_lists(max_size=8)),
        st.tuples(st.just("delete"), st.none()),
    ),
    max_size=5,
)

_instance_edits = st.lists(
    st.one_of(
        st.tuples(st.just("set_slot"), wps.plan_entries()),
        st.tuples(st.just("replace_days"), wps.entry_lists(max_size=8)),
        st.tuples(st.just("reset_slot"), wps.plan_entries()),
    ),
    max_size=6,
)


def _apply_template_edit(
    worker: WorkerPlanner, template_id: str, edit: tuple[str, Any], gone: bool
) -> bool:
    kind, value = edit
    try:
        if kind == "rename":
            worker.update_template(template_id, name=value)
        elif kind == "replace_days":
            worker.update_template(template_id, days=value)
        else:
            worker.delete_template(template_id)
            return True
    except TemplateNotFound:
        assert gone
    return gone


def _apply_instance_edit(
    worker: WorkerPlanner, client_ref: str, week: date, edit: tuple[str, Any]
) -> None:
    kind, value = edit
    if kind == "set_slot":
        entry: PlanEntry = value
        worker.set_slot(
            client_ref,
            week,
            entry.day_key,
            entry.slot_key,
            dish_template_id=entry.dish_template_id,
            notes=entry.notes,
        )
    elif kind == "replace_days":
        worker.update_instance(client_ref, week, days=value)
    else:
        worker.reset_slot(client_ref, week, value.day_key, value.slot_key)


class PropertyConformance(ConformanceBase):
    @shared_store
    @given(days=wps.entry_lists(), edits=_template_edits)
    def test_no_template_edit_or_delete_changes_an_existing_instance(
        self, store: Store, days: tuple[PlanEntry, ...], edits: list[tuple[str, Any]]
    ) -> None:
        worker = Planner(store).worker(_fresh_tenant())
        template = worker.create_template("Source", days)
        first = worker.create_instance(template.id, "client-a", MONDAY)
        second = worker.create_instance(template.id, "client-b", MONDAY)
        gone = False
        for edit in edits:
            gone = _apply_template_edit(worker, template.id, edit, gone)
            assert worker.get_instance("client-a", MONDAY) == first
        assert worker.get_instance("client-b", MONDAY) == second

    @shared_store
    @given(days=wps.entry_lists(), edits=_instance_edits)
    def test_no_instance_edit_changes_its_template_or_another_instance(
        self, store: Store, days: tuple[PlanEntry, ...], edits: list[tuple[str, Any]]
    ) -> None:
        worker = Planner(store).worker(_fresh_tenant())
        template = worker.create_template("Source", days)
        edited = worker.create_instance(template.id, "client-a", MONDAY)
        neighbour = worker.create_instance(template.id, "client-b", MONDAY)
        later = worker.create_instance(template.id, "client-a", monday_plus(1))
        for edit in edits:
            _apply_instance_edit(worker, "client-a", MONDAY, edit)
        assert worker.get_template(template.id) == template
        assert worker.get_instance("client-b", MONDAY) == neighbour
        assert worker.get_instance("client-a", monday_plus(1)) == later
        assert worker.get_instance("client-a", MONDAY).template_snapshot == (
            edited.template_snapshot
        )

    @shared_store
    @given(days=wps.entry_lists(max_size=6), edits=_instance_edits)
    def test_a_read_only_worker_changes_nothing_whatever_it_tries(
        self, store: Store, days: tuple[PlanEntry, ...], edits: list[tuple[str, Any]]
    ) -> None:
        planner = Planner(store)
        tenant = _fresh_tenant()
        worker = planner.worker(tenant)
        template = worker.create_template("Source", days)
        worker.create_instance(template.id, "client-a", MONDAY)
        viewer = planner.worker(tenant, read_only=True)
        before = snapshot_of(worker)
        for edit in edits:
            with pytest.raises(ReadOnlyAccess):
                _apply_instance_edit(viewer, "client-a", MONDAY, edit)
        assert snapshot_of(worker) == before

    def test_no_sequence_of_operations_lets_a_tenant_see_another(self, store: Store) -> None:
        run_machine: Callable[..., None] = run_state_machine_as_test
        run_machine(
            lambda: TenantIsolationMachine(store),
            settings=settings(stateful_step_count=25, deadline=None),
        )


class TenantIsolationMachine(RuleBasedStateMachine):
    """Two tenants act at random; each must see exactly its own model, never the other's.

    The model is a dict per tenant; after every step each tenant's listings must
    equal its model, and every id of the other tenant must be "not found".
    """

    templates = Bundle("templates")

    def __init__(self, store: Store) -> None:
        super().__init__()
        planner = Planner(store)
        self.tenants = (_fresh_tenant(), _fresh_tenant())
        self.workers = {t: planner.worker(t) for t in self.tenants}
        self.model_templates: dict[str, dict[str, str]] = {t: {} for t in self.tenants}
        self.model_instances: dict[str, dict[tuple[str, date], str]] = {t: {} for t in self.tenants}

    def _other(self, tenant: str) -> str:
        return self.tenants[1] if tenant == self.tenants[0] else self.tenants[0]

    @rule(target=templates, side=st.integers(0, 1), name=wps.names())
    def create_template(self, side: int, name: str) -> tuple[str, str]:
        tenant = self.tenants[side]
        template = self.workers[tenant].create_template(name)
        self.model_templates[tenant][template.id] = template.name
        return tenant, template.id

    @rule(ref=templates, actor=st.integers(0, 1), name=wps.names())
    def rename_template(self, ref: tuple[str, str], actor: int, name: str) -> None:
        owner, template_id = ref
        tenant = self.tenants[actor]
        exists = template_id in self.model_templates[owner]
        if tenant == owner and exists:
            self.workers[tenant].update_template(template_id, name=name)
            self.model_templates[owner][template_id] = name.strip()
        else:
            self._expect(
                TemplateNotFound,
                lambda: self.workers[tenant].update_template(template_id, name=name),
            )

    @rule(ref=templates, actor=st.integers(0, 1))
    def delete_template(self, ref: tuple[str, str], actor: int) -> None:
        owner, template_id = ref
        tenant = self.tenants[actor]
        if tenant == owner and template_id in self.model_templates[owner]:
            self.workers[tenant].delete_template(template_id)
            del self.model_templates[owner][template_id]
        else:
            self._expect(
                TemplateNotFound, lambda: self.workers[tenant].delete_template(template_id)
            )

    @rule(
        ref=templates,
        actor=st.integers(0, 1),
        client=st.sampled_from(["c1", "c2"]),
        weeks=st.integers(0, 2),
    )
    def clone(self, ref: tuple[str, str], actor: int, client: str, weeks: int) -> None:
        owner, template_id = ref
        tenant = self.tenants[actor]
        key = (client, monday_plus(weeks))
        worker = self.workers[tenant]
        if tenant != owner or template_id not in self.model_templates[owner]:
            self._expect(TemplateNotFound, lambda: worker.create_instance(template_id, *key))
        elif key in self.model_instances[tenant]:
            self._expect(InstanceExists, lambda: worker.create_instance(template_id, *key))
        else:
            created = worker.create_instance(template_id, *key)
            self.model_instances[tenant][key] = created.id

    @rule(
        actor=st.integers(0, 1),
        client=st.sampled_from(["c1", "c2"]),
        weeks=st.integers(0, 2),
        notes=wps.notes(),
    )
    def edit_week(self, actor: int, client: str, weeks: int, notes: str | None) -> None:
        tenant = self.tenants[actor]
        key = (client, monday_plus(weeks))
        worker = self.workers[tenant]
        if key in self.model_instances[tenant]:
            worker.set_slot(*key, "wed", "lunch", notes=notes)
        else:
            self._expect(InstanceNotFound, lambda: worker.set_slot(*key, "wed", "lunch"))

    @rule(actor=st.integers(0, 1), client=st.sampled_from(["c1", "c2"]), weeks=st.integers(0, 2))
    def delete_week(self, actor: int, client: str, weeks: int) -> None:
        tenant = self.tenants[actor]
        key = (client, monday_plus(weeks))
        if key in self.model_instances[tenant]:
            self.workers[tenant].delete_instance(*key)
            del self.model_instances[tenant][key]
        else:
            self._expect(InstanceNotFound, lambda: self.workers[tenant].delete_instance(*key))

    @invariant()
    def each_tenant_sees_exactly_its_own_model(self) -> None:
        for tenant in self.tenants:
            templates, instances = snapshot_of(self.workers[tenant])
            assert {t.id: t.name for t in templates} == self.model_templates[tenant]
            assert {
                (i.client_ref, i.week_start_date): i.id for i in instances
            } == self.model_instances[tenant]
            assert all(t.tenant_id == tenant for t in templates)
            assert all(i.tenant_id == tenant for i in instances)
            other = self.workers[self._other(tenant)]
            for template_id in self.model_templates[tenant]:
                with pytest.raises(TemplateNotFound):
                    other.get_template(template_id)

    @staticmethod
    def _expect(error: type[Exception], action: Callable[[], object]) -> None:
        with pytest.raises(error):
            action()
