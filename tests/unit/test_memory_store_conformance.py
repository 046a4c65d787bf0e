"""The in-memory store keeps the whole contract."""

from weekplan.adapters.memory import InMemoryStore
from weekplan.ports import Store
from weekplan.testing import StoreConformance


class TestInMemoryStore(StoreConformance):
    def make_store(self) -> Store:
        return InMemoryStore()


class TestTwoStoresInOneRun(StoreConformance):
    """A host may run the suite for several stores in one pytest run."""

    def make_store(self) -> Store:
        return InMemoryStore()
