"""A host can keep dishes in its own tables and plug them in as the catalog.

The stored catalog itself is covered by the conformance suite (``weekplan.testing``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime

import pytest

from weekplan import (
    Dish,
    DishNotFound,
    Planner,
    ReadOnlyAccess,
)
from weekplan.adapters.memory import InMemoryStore
from weekplan.domain.text import search_key
from weekplan.ports import DishSortKey


class HostCatalog:
    """A host's own dish table, read through the DishCatalog port."""

    def __init__(self, dishes: Sequence[Dish]) -> None:
        self.dishes = list(dishes)
        self.lookups = 0

    def get_many(self, tenant_id: str, dish_ids: Collection[str]) -> Mapping[str, Dish]:
        self.lookups += 1
        return {d.id: d for d in self.dishes if d.tenant_id == tenant_id and d.id in dish_ids}

    def list(
        self, tenant_id: str, *, search: str | None, after: DishSortKey | None, limit: int
    ) -> Sequence[Dish]:
        rows = sorted(
            (d for d in self.dishes if d.tenant_id == tenant_id),
            key=lambda d: (search_key(d.name), d.id),
        )
        rows = [d for d in rows if not search or search in search_key(d.name)]
        rows = [d for d in rows if after is None or (search_key(d.name), d.id) > after]
        return rows[:limit]


def test_a_host_catalog_replaces_the_stored_one() -> None:
    catalog = HostCatalog(
        [
            Dish("h1", "tenant-a", "Host porridge", created_at=datetime(2026, 1, 1, tzinfo=UTC)),
            Dish("h2", "tenant-b", "Other tenant stew"),
        ]
    )
    planner = Planner(InMemoryStore(), dish_catalog=catalog)
    worker = planner.worker("tenant-a")
    assert [d.id for d in worker.list_dishes().items] == ["h1"]
    days = [
        {"day_key": d, "slot_key": s, "dish_template_id": "h1"}
        for d in ("mon", "tue", "wed")
        for s in ("breakfast", "snack")
    ]
    lookups = catalog.lookups
    worker.create_template("T", days)
    assert catalog.lookups == lookups + 1
    with pytest.raises(DishNotFound):
        worker.create_template("T", [{"day_key": "mon", "slot_key": "x", "dish_template_id": "h2"}])
    with pytest.raises(ReadOnlyAccess):
        worker.upsert_dish("h3", name="New")
    assert [s.dish.id for s in worker.suggest_dishes("breakfast")] == ["h1"]
