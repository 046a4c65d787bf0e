"""Test support for weekplan stores, shipped for host applications too.

Subclass :class:`StoreConformance` and give it a factory, and pytest runs the
whole contract against your store::

    from weekplan.testing import StoreConformance

    class TestMyStore(StoreConformance):
        def make_store(self):
            return MyStore(...)

A host that serves weekplan's HTTP API subclasses :class:`HttpConformance`
and gives it a ``make_client(access)`` factory: the same requests then get the
same statuses and JSON as on every other framework.

:mod:`weekplan.testing.strategies` has hypothesis strategies for weekplan values.
Importing this module needs pytest and hypothesis.
"""

from weekplan.testing._access import AccessConformance
from weekplan.testing._base import ConformanceBase
from weekplan.testing._bulk_instances import BulkInstanceConformance
from weekplan.testing._changes import ChangeLogConformance
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
from weekplan.testing._transactions import TransactionConformance

__all__ = [
    "ConformanceBase",
    "HttpClient",
    "HttpConformance",
    "HttpResult",
    "StoreConformance",
    "TenantIsolationMachine",
]


class StoreConformance(
    TemplateConformance,
    InstanceConformance,
    BulkInstanceConformance,
    IsolationConformance,
    AccessConformance,
    TransactionConformance,
    PropertyConformance,
    DishConformance,
    MealSignalConformance,
    GuardrailsConformance,
    DietRaceConformance,
    ChangeLogConformance,
    LockConformance,
    DraftConformance,
    DraftRaceConformance,
    HostileInputConformance,
    RunConformance,
    GenerationConformance,
    ScheduleConformance,
):
    """The whole contract every store keeps. Implement :meth:`make_store` (and
    optionally :meth:`dispose_store`); every test method then runs on your store.

    The change log, lock and draft tests run only on a store with the optional
    workflow capability (:mod:`weekplan.workflow_ports`), and are skipped, with
    that reason, on a store without it.

    The schedule tests run only on a store with the optional schedules
    capability (:mod:`weekplan.schedule_ports`), and are skipped, with that
    reason, on a store without it.
    """
