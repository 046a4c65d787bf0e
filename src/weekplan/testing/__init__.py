"""Test support for weekplan stores, shipped for host applications too.

Subclass :class:`StoreConformance` and give it a factory, and pytest runs the
whole contract against your store::

    from weekplan.testing import StoreConformance

    class TestMyStore(StoreConformance):
        def make_store(self):
            return MyStore(...)

The suite is layered like the port (:mod:`weekplan.ports`): a store with only
the core (templates, client weeks, the unit of work) subclasses
:class:`CoreConformance`, and adds one class per optional capability it has
(:class:`DishesConformance`, :class:`RulesetsConformance`,
:class:`ChangesConformance`, :class:`LocksConformance`,
:class:`DraftsConformance`, :class:`RunsConformance`,
:class:`SchedulesConformance`). :class:`StoreConformance` is all of them.

A host that serves weekplan's HTTP API subclasses :class:`HttpConformance`
and gives it a ``make_client(access)`` factory: the same requests then get the
same statuses and JSON as on every other framework.

:mod:`weekplan.testing.strategies` has hypothesis strategies for weekplan values.
Importing this module needs pytest and hypothesis.
"""

from weekplan.testing._access import AccessConformance
from weekplan.testing._base import ConformanceBase
from weekplan.testing._bulk_instances import (
    BulkInstanceConformance,
    BulkInstanceDietConformance,
    BulkInstanceDishConformance,
)
from weekplan.testing._capability_ports import (
    BulkInstancePortConformance,
    DishPortConformance,
    RulesetPortConformance,
    SnapshotReadConformance,
)
from weekplan.testing._changes import ChangeLogConformance, ChangeLogPortConformance
from weekplan.testing._core_ports import CorePortConformance
from weekplan.testing._diet_races import DietRaceConformance
from weekplan.testing._dishes import DishConformance
from weekplan.testing._draft_races import DraftRaceConformance
from weekplan.testing._drafts import DraftConformance
from weekplan.testing._generation import GenerationConformance
from weekplan.testing._guardrails import GuardrailsConformance
from weekplan.testing._hostile_input import HostileInputConformance
from weekplan.testing._http import HttpClient, HttpConformance, HttpResult
from weekplan.testing._instances import InstanceConformance
from weekplan.testing._isolation import IsolationConformance
from weekplan.testing._locks import LockConformance
from weekplan.testing._meal_signals import MealSignalConformance
from weekplan.testing._properties import PropertyConformance, TenantIsolationMachine
from weekplan.testing._runs import RunConformance
from weekplan.testing._schedules import ScheduleConformance
from weekplan.testing._templates import TemplateConformance
from weekplan.testing._transactions import DishRaceConformance, TransactionConformance

__all__ = [
    "BulkInstancesConformance",
    "ChangesConformance",
    "ConformanceBase",
    "CoreConformance",
    "DishesConformance",
    "DraftsConformance",
    "HttpClient",
    "HttpConformance",
    "HttpResult",
    "LocksConformance",
    "RulesetsConformance",
    "RunsConformance",
    "SchedulesConformance",
    "SnapshotReadsConformance",
    "StoreConformance",
    "TenantIsolationMachine",
]


class CoreConformance(
    CorePortConformance,
    TemplateConformance,
    InstanceConformance,
    BulkInstanceConformance,
    IsolationConformance,
    AccessConformance,
    TransactionConformance,
    PropertyConformance,
    HostileInputConformance,
):
    """The core port: templates, client weeks and the unit of work, which every store has.

    The repositories called directly (``get``, ``add``, ``replace``,
    ``remove``, ``list``, each test named after the method it proves), then
    every use case over them: paging, tenant isolation, read-only access,
    transactions, racing writers and hostile input. A store with only the
    core passes it whole: every call that needs a capability the store lacks
    must answer :class:`~weekplan.NotSupportedByStore`, never a crash.
    """


class DishesConformance(
    DishPortConformance,
    DishConformance,
    MealSignalConformance,
    DishRaceConformance,
    BulkInstanceDishConformance,
):
    """The dish catalog with the meal history (:class:`~weekplan.ports.DishCapability`)."""


class RulesetsConformance(
    RulesetPortConformance,
    GuardrailsConformance,
    DietRaceConformance,
    BulkInstanceDietConformance,
):
    """Diet rulesets with the client lock (:class:`~weekplan.ports.RulesetCapability`).

    Its tests plan dishes too: run it on a store that also passes :class:`DishesConformance`.
    """


class ChangesConformance(ChangeLogConformance, ChangeLogPortConformance):
    """The change log (:class:`~weekplan.workflow_ports.ChangeLogCapability`).

    The change log, locks and drafts come together (see
    :class:`~weekplan.workflow_ports.WorkflowUnitOfWork`); these tests skip on
    a store without them, and plan dishes too.
    """


class LocksConformance(LockConformance):
    """Slot locks (:class:`~weekplan.workflow_ports.SlotLockCapability`).

    As :class:`ChangesConformance`: skipped without the workflow, and plans dishes.
    """


class DraftsConformance(DraftConformance, DraftRaceConformance):
    """Drafts (:class:`~weekplan.workflow_ports.DraftCapability`); as :class:`ChangesConformance`.

    Reviewing a draft checks it against the client's diet: the tests use rulesets too.
    """


class RunsConformance(RunConformance, GenerationConformance):
    """Generation runs (:class:`~weekplan.ports.RunCapability`) and generation into drafts.

    Skipped on a store without runs; generation needs the ``generate`` extra
    and the workflow capability.
    """


class SchedulesConformance(ScheduleConformance):
    """Schedules (:class:`~weekplan.schedule_ports.ScheduleCapability`).

    Skipped on a store without them.
    """


class BulkInstancesConformance(BulkInstancePortConformance):
    """The batched ``add_new`` and ``assigned_many`` (:class:`~weekplan.ports.BulkInstances`,
    :class:`~weekplan.ports.BulkRulesetAssignments`), for a store that offers them.

    ``create_instances`` itself is in :class:`CoreConformance`: it works on
    every store, through ``add`` where ``add_new`` is missing. Not part of
    :class:`StoreConformance`, which a store without these passes too.
    """


class SnapshotReadsConformance(SnapshotReadConformance):
    """``read_unit_of_work`` (:class:`~weekplan.ports.SnapshotReads`), for a store that offers it.

    Not part of :class:`StoreConformance`, which a store without it passes too.
    """


class StoreConformance(
    CoreConformance,
    DishesConformance,
    RulesetsConformance,
    ChangesConformance,
    LocksConformance,
    DraftsConformance,
    RunsConformance,
    SchedulesConformance,
):
    """Every layer: the whole contract of a store with every capability, as weekplan's own.

    Implement :meth:`make_store` (and optionally :meth:`dispose_store`);
    every test method then runs on your store. A store with fewer
    capabilities subclasses :class:`CoreConformance` and the layers it has
    instead.

    The change log, lock and draft tests run only on a store with the optional
    workflow capability (:mod:`weekplan.workflow_ports`), and are skipped, with
    that reason, on a store without it; likewise the run and schedule tests.
    """
