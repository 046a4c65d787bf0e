"""A store of the core port alone plans weeks, and every other feature is refused clearly.

Also the rule for diets when a capability is missing or broken: a store
without rulesets has no diets, so its weeks are saved unchecked; a store with
rulesets that fails to read one, or cannot hold a client, refuses the write.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from tests.unit.core_store import DictStore

from weekplan import (
    Dish,
    DishNotFound,
    NotSupportedByStore,
    Planner,
    ReadOnlyAccess,
    StorageError,
    WorkerPlanner,
)
from weekplan.adapters.memory import InMemoryStore
from weekplan.planner._uow_wrapper import CoreUnitOfWorkWrapper
from weekplan.ports import (
    CoreStore,
    DishCapability,
    DishSortKey,
    RulesetCapability,
    RulesetRepository,
    UnitOfWork,
)
from weekplan.testing import CoreConformance

MONDAY = "2026-11-23"
NO_MILK = {
    "diet_id": "dairy-free",
    "rules": [
        {
            "id": "no-milk",
            "action": "block",
            "strictness": "hard",
            "priority": 1,
            "target": "ingredient",
            "match": {"term": "milk"},
        }
    ],
}


class TestDictStore(CoreConformance):
    """The core layer of the suite, whole, on a store that has nothing else."""

    def make_store(self) -> CoreStore:
        store: CoreStore = DictStore()
        return store


def test_the_planner_finds_no_capability_on_a_core_store_and_every_one_on_the_memory_store() -> (
    None
):
    assert Planner(DictStore()).capabilities == frozenset()
    assert Planner(InMemoryStore()).capabilities == {
        "dishes",
        "rulesets",
        "changes",
        "locks",
        "drafts",
        "runs",
        "schedules",
    }
    assert not isinstance(DictStore().unit_of_work(), DishCapability | RulesetCapability)


@pytest.fixture
def worker() -> WorkerPlanner:
    return Planner(DictStore()).worker("tenant-a", actor="user-17")


def test_a_core_store_plans_templates_and_weeks_of_notes() -> None:
    store = DictStore()
    worker = Planner(store).worker("tenant-a")
    template = worker.create_template("Week", [{"day_key": "mon", "slot_key": "lunch"}])
    worker.create_instance(template.id, "client-42", MONDAY)
    week = worker.set_slot("client-42", MONDAY, "mon", "lunch", notes="soup")
    week = worker.update_instance(
        "client-42", MONDAY, days=[*week.days, {"day_key": "tue", "slot_key": "dinner"}]
    )
    assert [(e.day_key.value, e.slot_key, e.notes) for e in week.days] == [
        ("mon", "lunch", "soup"),
        ("tue", "dinner", None),
    ]
    assert worker.reset_slot("client-42", MONDAY, "mon", "lunch").days[0].notes is None
    assert worker.create_instances(template.id, ["client-1", "client-2"], MONDAY).created
    view = Planner(store).client("tenant-a", "client-42").weekly_plan(MONDAY)
    assert view.slot("tue", "dinner") is not None
    assert "soup" in str(worker.grid(week))
    assert worker.list_runs().items == ()  # a store without runs lists none, as before
    # A diet given with the call is only evaluated, never stored: it needs no capability.
    assert worker.check_instance("client-42", MONDAY, ruleset=NO_MILK).outcome.value == "allowed"


def _refusals(worker: WorkerPlanner, template_id: str) -> dict[str, Callable[[], object]]:
    return {
        # the dish catalog with the meal history
        "upsert_dish": lambda: worker.upsert_dish("oats", name="Oats"),
        "get_dish": lambda: worker.get_dish("oats"),
        "list_dishes": worker.list_dishes,
        "delete_dish": lambda: worker.delete_dish("oats"),
        "suggest_dishes": lambda: worker.suggest_dishes("lunch"),
        "set_slot naming a dish": lambda: worker.set_slot(
            "client-42", MONDAY, "mon", "lunch", dish_template_id="oats"
        ),
        "create_template naming a dish": lambda: worker.create_template(
            "Dishes", [{"day_key": "mon", "slot_key": "lunch", "dish_template_id": "oats"}]
        ),
        "update_template naming a dish": lambda: worker.update_template(
            template_id, days=[{"day_key": "tue", "slot_key": "x", "dish_template_id": "oats"}]
        ),
        # diet rulesets
        "save_ruleset": lambda: worker.save_ruleset(NO_MILK),
        "list_rulesets": worker.list_rulesets,
        "get_ruleset": lambda: worker.get_ruleset("sha256:" + "ab" * 32),
        "assign_ruleset": lambda: worker.assign_ruleset("client-42", "sha256:" + "ab" * 32),
        "assign_ruleset(None)": lambda: worker.assign_ruleset("client-42", None),
        "get_client_ruleset": lambda: worker.get_client_ruleset("client-42"),
        "check_instance against the client's diet": lambda: worker.check_instance(
            "client-42", MONDAY
        ),
        # the change log, locks and drafts
        "list_changes": lambda: worker.list_changes("client-42", MONDAY),
        "lock_slot": lambda: worker.lock_slot("client-42", MONDAY, "mon", "lunch"),
        "start_draft": lambda: worker.start_draft("client-42", MONDAY),
        # schedules
        "list_schedules": worker.list_schedules,
        "set_schedule": lambda: worker.set_schedule(
            "client-42", weekday="fri", time="09:00", timezone="UTC", source="generator"
        ),
    }


def test_every_feature_of_a_missing_capability_is_refused_clearly_and_writes_nothing(
    worker: WorkerPlanner,
) -> None:
    template = worker.create_template("Week", [{"day_key": "mon", "slot_key": "lunch"}])
    week = worker.create_instance(template.id, "client-42", MONDAY)
    for name, call in _refusals(worker, template.id).items():
        with pytest.raises(NotSupportedByStore) as caught:
            call()
        assert caught.value.status_code == 501, name
        assert caught.value.to_dict() == {"detail": "not_supported_by_store"}, name
    assert "dish catalog" in _message(lambda: worker.get_dish("oats"))
    assert "diet rulesets" in _message(lambda: worker.save_ruleset(NO_MILK))
    # Nothing the refused calls began was kept.
    assert worker.get_instance("client-42", MONDAY) == week
    assert worker.get_template(template.id) == template
    assert [t.name for t in worker.list_templates().items] == ["Week"]


def _message(call: Callable[[], object]) -> str:
    with pytest.raises(NotSupportedByStore) as caught:
        call()
    return str(caught.value)


def test_a_read_only_worker_is_refused_for_writing_before_the_capability_is_asked_for() -> None:
    viewer = Planner(DictStore()).worker("tenant-a", read_only=True)
    for call in (
        lambda: viewer.upsert_dish("oats", name="Oats"),
        lambda: viewer.save_ruleset(NO_MILK),
        lambda: viewer.assign_ruleset("client-42", None),
    ):
        with pytest.raises(ReadOnlyAccess):
            call()


class _HostCatalog:
    """A host's own dish tables: one dish."""

    def __init__(self) -> None:
        at = datetime(2026, 11, 1, tzinfo=UTC)
        self._dish = Dish("oats", "tenant-a", "Havermout", created_at=at, updated_at=at)

    def get_many(self, tenant_id: str, dish_ids: Collection[str]) -> Mapping[str, Dish]:
        return {d: self._dish for d in dish_ids if d == "oats" and tenant_id == "tenant-a"}

    def list(
        self, tenant_id: str, *, search: str | None, after: DishSortKey | None, limit: int
    ) -> Sequence[Dish]:
        return [self._dish] if tenant_id == "tenant-a" and after is None else []


def test_a_core_store_with_the_host_s_dish_catalog_plans_and_suggests_its_dishes() -> None:
    worker = Planner(DictStore(), dish_catalog=_HostCatalog()).worker("tenant-a")
    template = worker.create_template(
        "Week", [{"day_key": "mon", "slot_key": "ontbijt", "dish_template_id": "oats"}]
    )
    assert template.days[0].dish_template_id == "oats"
    assert worker.get_dish("oats").name == "Havermout"
    assert [s.dish.id for s in worker.suggest_dishes("ontbijt")] == ["oats"]
    with pytest.raises(DishNotFound):
        worker.create_template(
            "Bad", [{"day_key": "mon", "slot_key": "x", "dish_template_id": "y"}]
        )
    with pytest.raises(ReadOnlyAccess):
        worker.upsert_dish("oats", name="Oats")


# -- diets: fail closed where safety depends on it ------------------------------------


class _Forwarding(CoreUnitOfWorkWrapper):
    """A unit of work of the in-memory store with every core repository and the dishes."""

    _inner: UnitOfWork

    dishes = property(lambda self: self._inner.dishes)
    meal_history = property(lambda self: self._inner.meal_history)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)  # every other capability stays hidden


class _UnreadableDiets:
    """Rulesets that this store declares but cannot read (a database that went away)."""

    def __init__(self, inner: RulesetRepository) -> None:
        self._inner = inner

    def lock_client(self, tenant_id: str, client_ref: str) -> None:
        self._inner.lock_client(tenant_id, client_ref)

    def assigned(self, tenant_id: str, client_ref: str) -> str | None:
        raise StorageError("the diets are unreachable")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _WithoutClientLock:
    """Rulesets that can be read but not held per client."""

    def __init__(self, inner: RulesetRepository) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        if name == "lock_client":
            raise AttributeError(name)
        return getattr(self._inner, name)


class _DietStore:
    """The in-memory store, whose rulesets are wrapped by ``rulesets`` (``None``: none at all)."""

    def __init__(self, inner: InMemoryStore, rulesets: Callable[[Any], Any] | None) -> None:
        self._inner = inner
        self._rulesets = rulesets

    def unit_of_work(self) -> _Forwarding:
        uow = self._inner.unit_of_work()
        if self._rulesets is None:
            return _Forwarding(uow)
        wrap = self._rulesets
        with_rulesets = type(
            "_WithRulesets", (_Forwarding,), {"rulesets": property(lambda s: wrap(uow.rulesets))}
        )
        return cast(_Forwarding, with_rulesets(uow))


def _week_on_a_diet(store: InMemoryStore) -> None:
    """A client on a diet that forbids milk, with a week of notes only."""
    worker = Planner(store).worker("tenant-a")
    worker.upsert_dish("pap", name="Pap", ingredients=["milk"])
    template = worker.create_template("Week", [{"day_key": "mon", "slot_key": "lunch"}])
    worker.create_instance(template.id, "client-42", MONDAY)
    worker.assign_ruleset("client-42", worker.save_ruleset(NO_MILK).content_hash)


def test_a_store_without_rulesets_has_no_diets_so_its_weeks_are_saved_unchecked() -> None:
    shared = InMemoryStore()
    _week_on_a_diet(shared)
    # The same data seen through a store without the capability: nobody is on a diet.
    worker = Planner(_DietStore(shared, None)).worker("tenant-a")
    assert "rulesets" not in Planner(_DietStore(shared, None)).capabilities
    week = worker.set_slot("client-42", MONDAY, "mon", "lunch", dish_template_id="pap")
    assert week.days[0].dish_template_id == "pap"
    with pytest.raises(NotSupportedByStore):
        worker.assign_ruleset("client-42", None)


def test_a_store_that_declares_rulesets_but_cannot_read_them_refuses_the_write() -> None:
    shared = InMemoryStore()
    _week_on_a_diet(shared)
    before = Planner(shared).worker("tenant-a").get_instance("client-42", MONDAY)
    planner = Planner(_DietStore(shared, _UnreadableDiets))
    assert "rulesets" in planner.capabilities
    worker = planner.worker("tenant-a")
    writes: list[Callable[[], object]] = [
        lambda: worker.set_slot("client-42", MONDAY, "mon", "lunch", dish_template_id="pap"),
        lambda: worker.update_instance("client-42", MONDAY, days=[]),
        lambda: worker.bulk_assign("client-42", MONDAY, slot_key="x", dish_template_id="pap"),
    ]
    for write in writes:
        with pytest.raises(StorageError):
            write()
    assert Planner(shared).worker("tenant-a").get_instance("client-42", MONDAY) == before


def test_a_store_whose_rulesets_break_mid_call_is_not_taken_for_one_without_diets() -> None:
    shared = InMemoryStore()
    _week_on_a_diet(shared)
    before = Planner(shared).worker("tenant-a").get_instance("client-42", MONDAY)

    def broken(_: Any) -> Any:
        raise AttributeError("rulesets")

    planner = Planner(_DietStore(shared, broken))
    # Found once, when the planner was built (no property is run to find it) ...
    assert "rulesets" in planner.capabilities
    # ... so a repository that fails later fails the call: the diet never lapses.
    with pytest.raises(StorageError, match="rulesets"):
        planner.worker("tenant-a").set_slot(
            "client-42", MONDAY, "mon", "lunch", dish_template_id="pap"
        )
    assert Planner(shared).worker("tenant-a").get_instance("client-42", MONDAY) == before


def test_a_store_without_the_client_lock_refuses_assigning_diets_and_editing_their_weeks() -> None:
    shared = InMemoryStore()
    _week_on_a_diet(shared)
    reference = Planner(shared).worker("tenant-a")
    on_diet = reference.get_client_ruleset("client-42")
    worker = Planner(_DietStore(shared, _WithoutClientLock)).worker("tenant-a")
    for write in (
        lambda: worker.assign_ruleset("client-42", None),
        lambda: worker.set_slot("client-42", MONDAY, "mon", "lunch", notes="soup"),
    ):
        with pytest.raises(NotSupportedByStore, match="client lock"):
            write()
    assert reference.get_client_ruleset("client-42") == on_diet
    assert reference.get_instance("client-42", MONDAY).days[0].notes is None


class _CountingStore:
    """A core store that counts the units of work made and entered."""

    def __init__(self) -> None:
        self._inner = DictStore()
        self.made = 0
        self.entered = 0

    def unit_of_work(self) -> Any:
        self.made += 1
        store = self

        class Counted(type(self._inner.unit_of_work())):  # type: ignore[misc]  # subclasses whatever unit of work the wrapped store makes
            def __enter__(self) -> Any:
                store.entered += 1
                return super().__enter__()

        return Counted(self._inner)


def test_capabilities_are_found_once_per_planner_without_entering_a_unit_of_work() -> None:
    store = _CountingStore()
    planner = Planner(store)
    assert (store.made, store.entered) == (1, 0)
    worker = planner.worker("tenant-a")
    worker.create_template("Week")
    worker.list_templates()
    assert (store.made, store.entered) == (3, 2)  # one per call after that, nothing more


# -- locks: found once, so a lock store that fails is never taken for none ------------


class _LocksThatFail(_Forwarding):
    """The in-memory store's unit of work whose locks cannot be loaded."""

    rulesets = property(lambda self: self._inner.rulesets)
    changes = property(lambda self: self._inner.changes)
    drafts = property(lambda self: self._inner.drafts)

    @property
    def locks(self) -> Any:
        raise AttributeError("locks")


class _FailingLockStore:
    def __init__(self, inner: InMemoryStore) -> None:
        self._inner = inner

    def unit_of_work(self) -> _LocksThatFail:
        return _LocksThatFail(self._inner.unit_of_work())


def test_a_locked_slot_stays_locked_when_the_store_fails_to_load_its_locks() -> None:
    shared = InMemoryStore()
    worker = Planner(shared).worker("tenant-a")
    template = worker.create_template("Week", [{"day_key": "mon", "slot_key": "lunch"}])
    worker.create_instance(template.id, "client-42", MONDAY)
    locked = worker.lock_slot("client-42", MONDAY, "mon", "lunch")
    planner = Planner(_FailingLockStore(shared))
    assert {"changes", "locks", "drafts"} <= planner.capabilities
    with pytest.raises(StorageError, match="locks"):
        planner.worker("tenant-a").set_slot("client-42", MONDAY, "mon", "lunch", notes="soup")
    assert worker.get_instance("client-42", MONDAY) == locked


class _CoreWithFailingLocks:
    """A core store whose locks, found when the planner was built, fail afterwards."""

    def __init__(self) -> None:
        self._inner = InMemoryStore()
        self.broken = False

    def unit_of_work(self) -> Any:
        store = self

        class View:
            def __init__(self, inner: Any) -> None:
                self._inner = inner

            templates = property(lambda self: self._inner.templates)
            instances = property(lambda self: self._inner.instances)
            changes = property(lambda self: self._inner.changes)
            drafts = property(lambda self: self._inner.drafts)

            def __getattr__(self, name: str) -> Any:
                if name == "locks" and not store.broken:
                    return self._inner.locks
                raise AttributeError(name)

            def __enter__(self) -> Any:
                self._inner.__enter__()
                return self

            def __exit__(self, *exc_info: Any) -> None:
                self._inner.__exit__(*exc_info)

            def commit(self) -> None:
                self._inner.commit()

            def rollback(self) -> None:
                self._inner.rollback()

        return View(self._inner.unit_of_work())


def test_a_capability_forwarded_by_a_store_that_fails_later_is_a_storage_error() -> None:
    store = _CoreWithFailingLocks()
    planner = Planner(store)
    assert planner.capabilities == {"changes", "locks", "drafts"}
    worker = planner.worker("tenant-a")
    template = worker.create_template("Week", [{"day_key": "mon", "slot_key": "lunch"}])
    worker.create_instance(template.id, "client-42", MONDAY)
    locked = worker.lock_slot("client-42", MONDAY, "mon", "lunch")
    store.broken = True
    with pytest.raises(StorageError, match="locks"):
        worker.set_slot("client-42", MONDAY, "mon", "lunch", notes="soup")
    store.broken = False
    assert worker.get_instance("client-42", MONDAY) == locked
