"""Running history totals stay exact, and the client's week is complete and ordered."""

from __future__ import annotations

from collections import Counter
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from weekplan import DayKey, Planner
from weekplan.adapters.memory import InMemoryStore
from weekplan.domain._client_view import slot_order
from weekplan.domain._entries import PlanEntry
from weekplan.domain._history import HistoryKey, history_delta
from weekplan.domain._meal_types import MealType, slot_kind
from weekplan.domain.changes import slot_changes
from weekplan.testing import strategies as wps

_plans = st.lists(
    wps.entry_lists(max_size=10, dishes=st.sampled_from(["a", "b", None])), min_size=1, max_size=6
)


@given(_plans)
def test_summed_deltas_equal_a_recount_of_the_last_plan(plans: list[tuple[PlanEntry, ...]]) -> None:
    totals: Counter[HistoryKey] = Counter()
    previous: tuple[PlanEntry, ...] = ()
    for plan in plans:
        totals.update(history_delta(previous, plan))
        previous = plan
    recount = Counter(
        (slot_kind(e.slot_key), e.dish_template_id) for e in previous if e.dish_template_id
    )
    assert +totals == recount
    assert all(count >= 0 for count in totals.values())


def test_slots_order_by_the_order_of_the_day_then_natural_slot_key() -> None:
    keys = [
        (None, "Zumba"),
        (MealType.SNACK, "snack_10"),
        (MealType.SNACK, "Snack_2"),
        (MealType.BREAKFAST, "ontbijt"),
        (MealType.DINNER, "dinner"),
    ]
    ordered = sorted(keys, key=lambda k: slot_order(*k))
    assert [k[1] for k in ordered] == ["ontbijt", "Snack_2", "dinner", "snack_10", "Zumba"]


def test_days_carry_their_dates_when_weeks_start_on_sunday() -> None:
    planner = Planner(InMemoryStore(), week_starts_on=DayKey.SUN)
    worker = planner.worker("t")
    template = worker.create_template("T", [PlanEntry("sat", "lunch")])
    sunday = date(2026, 11, 22)
    worker.create_instance(template.id, "c", sunday)
    view = planner.client("t", "c").weekly_plan(sunday)
    assert view.day("sun").date == sunday
    assert view.day("mon").date == date(2026, 11, 23)
    assert view.day("sat").date == date(2026, 11, 28)
    assert [s.slot_key for s in view.day("sat").slots] == ["lunch"]


_slot_edits = st.lists(
    st.tuples(
        st.sampled_from(["mon", "tue"]),
        st.sampled_from(["lunch", "dinner", "snack"]),
        st.one_of(st.none(), st.sampled_from(["keep", "a", "b"])),
        st.one_of(st.none(), st.sampled_from(["x", "y"])),
    ),
    min_size=1,
    max_size=8,
)


@given(_slot_edits)
def test_the_history_matches_the_stored_week_after_any_slot_edits(
    edits: list[tuple[str, str, str | None, str | None]],
) -> None:
    # Edits of notes alone skip the history step; dish edits must not. set_slot
    # names its one change itself rather than comparing the whole week.
    store = InMemoryStore()
    worker = Planner(store).worker("t")
    for dish_id in ("a", "b"):
        worker.upsert_dish(dish_id, name=dish_id.upper())
    template = worker.create_template("T", [PlanEntry("mon", "lunch", "a", notes="n")])
    worker.create_instance(template.id, "c", "2026-11-23")
    before = worker.get_instance("c", "2026-11-23")
    for day, slot, dish, notes in edits:
        if dish == "keep":
            after = worker.set_slot("c", "2026-11-23", day, slot, notes=notes)
        else:
            after = worker.set_slot(
                "c", "2026-11-23", day, slot, dish_template_id=dish, notes=notes
            )
        # The change records of the edit are the difference of the whole week.
        logged = [
            (r.change_type, r.day_key, r.slot_key, r.old, r.new)
            for r in worker.list_changes("c", "2026-11-23", limit=50).items
            if r.version_after == after.version and after.version != before.version
        ]
        expected = [
            (c.change_type, c.day_key, c.slot_key, c.old, c.new)
            for c in slot_changes(before.days, after.days)
        ]
        assert logged == expected
        before = after
    stored = [*template.days, *worker.get_instance("c", "2026-11-23").days]
    recount = Counter(
        (slot_kind(e.slot_key), e.dish_template_id) for e in stored if e.dish_template_id
    )
    with store.unit_of_work() as uow:
        totals = {key: count for key, count in uow.meal_history.counts("t").items() if count > 0}
    assert totals == dict(recount)
