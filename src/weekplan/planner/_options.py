"""The options every session of one :class:`~weekplan.Planner` shares, and their defaults."""

from __future__ import annotations

import enum
import os
from collections.abc import Callable
from datetime import UTC, datetime
from time import time_ns
from typing import Final, Literal

import attrs

from weekplan.domain._days import DayKey
from weekplan.domain._meal_types import DEFAULT_VOCABULARY, MealVocabulary
from weekplan.generation._checked import DEFAULT_MAX_ATTEMPTS
from weekplan.generation._port import PlanGenerator
from weekplan.generation._quota import GenerationQuota
from weekplan.guardrails._cache import RulesetCache
from weekplan.planner._capabilities import StoreCapabilities
from weekplan.ports import DishCatalog

__all__ = ["UNSET", "PlannerOptions", "Unset", "new_id", "utc_now"]


class Unset(enum.Enum):
    """The type of :data:`UNSET`: "this keyword was not given"."""

    UNSET = enum.auto()


UNSET: Final = Unset.UNSET
Unsettable = Literal[Unset.UNSET]


def utc_now() -> datetime:
    """The current time in UTC, to the microsecond (what every store can hold)."""
    return datetime.now(UTC)


def new_id() -> str:
    """A new id: 32 hex digits, the ``hex`` of a version-7 UUID.

    Its first 48 bits are the Unix time in milliseconds and the rest, but for
    the version and variant, are random (74 bits). Ids made one after another
    sort near each other, so each new row's key goes in beside the last one's
    in every index keyed by id, instead of into a random page of it: writing
    many rows in one transaction touches, and commits, far fewer pages.

    Built from the bytes directly: a write logs one record per changed slot, each
    with an id, and the ``uuid`` module costs several times more for the same digits.
    """
    raw = bytearray((time_ns() // 1_000_000).to_bytes(6, "big") + os.urandom(10))
    raw[6] = (raw[6] & 0x0F) | 0x70  # version 7
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 9562 variant
    return raw.hex()


@attrs.frozen
class PlannerOptions:
    """Options shared by every session of one :class:`~weekplan.Planner`."""

    week_starts_on: DayKey = DayKey.MON
    clock: Callable[[], datetime] = utc_now
    id_factory: Callable[[], str] = new_id
    meal_vocabulary: MealVocabulary = DEFAULT_VOCABULARY
    dish_catalog: DishCatalog | None = None
    """A host's own dish catalog; ``None`` keeps dishes in the store."""
    generator: PlanGenerator | None = None
    """What generates weeks; ``None`` is the CP-SAT solver (the ``generate`` extra)."""
    generation_quota: GenerationQuota = attrs.Factory(GenerationQuota)
    """How many generations a client and a tenant may start in a rolling window."""
    generation_attempts: int = DEFAULT_MAX_ATTEMPTS
    """How many proposals a generation asks for before it gives up."""
    rulesets: RulesetCache = attrs.field(factory=RulesetCache, eq=False, repr=False)
    """The compiled rulesets of this planner's sessions (never shared with another planner)."""
    capabilities: StoreCapabilities = attrs.Factory(StoreCapabilities)
    """The store's optional capabilities, found once by the ``Planner``."""
