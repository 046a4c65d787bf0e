"""Hypothesis strategies for weekplan values, for weekplan's tests and for host apps.

>>> from hypothesis import given
>>> from weekplan.testing import strategies as wps
>>> @given(wps.entry_lists())
... def test_slots_are_unique(entries):
...     assert len({e.key for e in entries}) == len(entries)
>>> test_slots_are_unique()
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import strategies as st

from weekplan.domain._days import DayKey
from weekplan.domain._entries import PlanEntry, parse_entries
from weekplan.domain._guardrails_check import GuardrailsCheck
from weekplan.domain._limits import NAME_MAX, NOTES_MAX, SLOT_KEY_MAX
from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate

__all__ = [
    "client_refs",
    "day_keys",
    "dish_ids",
    "entry_lists",
    "guardrails_checks",
    "instances",
    "names",
    "notes",
    "plan_entries",
    "slot_keys",
    "templates",
    "tenant_ids",
    "timestamps",
    "week_starts",
]

_COMMON_SLOTS = ("breakfast", "lunch", "dinner", "snack_1", "snack_2", "Ontbijt", "avondeten")
# Printable text without control characters or surrounding whitespace, accents and emoji included.
_TEXT_ALPHABET = st.characters(
    codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters="\x00"
)


def _trimmed_text(max_size: int) -> st.SearchStrategy[str]:
    return (
        st.text(_TEXT_ALPHABET, min_size=1, max_size=max_size)
        .map(str.strip)
        .filter(lambda s: bool(s) and s == s.strip())
    )


def day_keys() -> st.SearchStrategy[DayKey]:
    """Any day of the week."""
    return st.sampled_from(DayKey)


def slot_keys() -> st.SearchStrategy[str]:
    """Mostly the usual slot names, sometimes arbitrary text."""
    return st.one_of(st.sampled_from(_COMMON_SLOTS), _trimmed_text(SLOT_KEY_MAX))


def tenant_ids() -> st.SearchStrategy[str]:
    """Opaque tenant ids."""
    return st.from_regex(r"\Atenant-[a-z0-9]{1,12}\Z")


def client_refs() -> st.SearchStrategy[str]:
    """Opaque client references."""
    return st.from_regex(r"\Aclient-[a-z0-9]{1,12}\Z")


def dish_ids() -> st.SearchStrategy[str]:
    """Opaque dish ids."""
    return st.from_regex(r"\Adish-[a-z0-9]{1,8}\Z")


def names() -> st.SearchStrategy[str]:
    """Template names: trimmed, non-empty, any script."""
    return _trimmed_text(NAME_MAX)


def notes() -> st.SearchStrategy[str | None]:
    """Optional notes, newlines allowed."""
    alphabet = st.characters(
        codec="utf-8", exclude_categories=("Cc", "Cs"), include_characters="\n\t"
    )
    return st.none() | st.text(alphabet, max_size=min(NOTES_MAX, 80))


def plan_entries(
    dishes: st.SearchStrategy[str | None] | None = None,
) -> st.SearchStrategy[PlanEntry]:
    """One entry; ``dishes`` draws its ``dish_template_id`` (default: none)."""
    return st.builds(
        PlanEntry,
        day_key=day_keys(),
        slot_key=slot_keys(),
        dish_template_id=dishes if dishes is not None else st.none(),
        notes=notes(),
    )


def entry_lists(
    *, max_size: int = 21, dishes: st.SearchStrategy[str | None] | None = None
) -> st.SearchStrategy[tuple[PlanEntry, ...]]:
    """A valid, canonical list of entries: unique ``(day_key, slot_key)``, Monday first."""
    return st.lists(plan_entries(dishes), max_size=max_size, unique_by=lambda e: e.key).map(
        parse_entries
    )


def timestamps() -> st.SearchStrategy[datetime]:
    """UTC datetimes with microseconds, as every store keeps them."""
    return st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    )


def week_starts(week_starts_on: DayKey = DayKey.MON) -> st.SearchStrategy[date]:
    """Dates that fall on ``week_starts_on``."""
    first = date(2020, 1, 6) + timedelta(days=week_starts_on.position)  # 2020-01-06 is a Monday
    return st.integers(0, 52 * 20).map(lambda weeks: first + timedelta(weeks=weeks))


def templates(tenant_id: str | None = None) -> st.SearchStrategy[WeekPlanTemplate]:
    """Whole template values (not stored anywhere)."""
    return st.builds(
        WeekPlanTemplate,
        id=st.uuids().map(lambda u: u.hex),
        tenant_id=st.just(tenant_id) if tenant_id else tenant_ids(),
        name=names(),
        days=entry_lists(),
        version=st.integers(1, 10_000),
        created_at=timestamps(),
        updated_at=timestamps(),
    )


def guardrails_checks() -> st.SearchStrategy[GuardrailsCheck]:
    """Checks a week may carry: ``allowed``, ``warned`` or ``blocked``, with rule codes."""
    codes = st.from_regex(r"\A[a-z][a-z0-9_-]{0,30}\Z")
    return st.builds(
        GuardrailsCheck,
        content_hash=st.binary(min_size=32, max_size=32).map(lambda b: "sha256:" + b.hex()),
        diet_id=codes,
        ruleset_version=st.integers(1, 10_000),
        outcome=st.sampled_from(["allowed", "warned", "blocked"]),
        summary=_trimmed_text(200),
        applied_rule_ids=st.lists(codes, max_size=3).map(tuple),
        reason_codes=st.lists(codes, max_size=3).map(tuple),
        remediation_hints=st.lists(_trimmed_text(80), max_size=2).map(tuple),
    )


def instances(tenant_id: str | None = None) -> st.SearchStrategy[WeekPlanInstance]:
    """Whole instance values (not stored anywhere), with or without a guardrails check."""
    return st.builds(
        WeekPlanInstance,
        id=st.uuids().map(lambda u: u.hex),
        tenant_id=st.just(tenant_id) if tenant_id else tenant_ids(),
        template_id=st.uuids().map(lambda u: u.hex),
        client_ref=client_refs(),
        week_start_date=week_starts(),
        days=entry_lists(),
        template_snapshot=entry_lists(),
        version=st.integers(1, 10_000),
        created_at=timestamps(),
        updated_at=timestamps(),
        guardrails=st.none() | guardrails_checks(),
    )
