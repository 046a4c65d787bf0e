"""Test support for weekplan stores, shipped for host applications too.

Subclass :class:`StoreConformance` and give it a factory, and pytest runs the
whole contract against your store::

    from weekplan.testing import StoreConformance

    class TestMyStore(StoreConformance):
        def make_store(self):
            return MyStore(...)

:mod:`weekplan.testing.strategies` has hypothesis strategies for weekplan values.
Importing this module needs pytest and hypothesis.
"""

from weekplan.testing._access import AccessConformance
from weekplan.testing._base import ConformanceBase
from weekplan.testing._bulk_instances import BulkInstanceConformance
from weekplan.testing._dishes import DishConformance
from weekplan.testing._guardrails import GuardrailsConformance
from weekplan.testing._instances import InstanceConformance
from weekplan.testing._isolation import IsolationConformance
from weekplan.testing._properties import PropertyConformance, TenantIsolationMachine
from weekplan.testing._templates import TemplateConformance
from weekplan.testing._transactions import TransactionConformance

__all__ = ["ConformanceBase", "StoreConformance", "TenantIsolationMachine"]


class StoreConformance(
    TemplateConformance,
    InstanceConformance,
    BulkInstanceConformance,
    IsolationConformance,
    AccessConformance,
    TransactionConformance,
    PropertyConformance,
    DishConformance,
    GuardrailsConformance,
):
    """The whole contract every store keeps. Implement :meth:`make_store` (and
    optionally :meth:`dispose_store`); every test method then runs on your store.
    """
