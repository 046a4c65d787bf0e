"""Meal types, and how a free-text ``slot_key`` or dish name points at one.

Slot keys are free text (``breakfast``, ``snack_1``, ``Ontbijt``, ``2nd breakfast``),
so weekplan reads a meal type out of them with a small vocabulary instead of
asking hosts to migrate their slot keys.
Two steps keep that predictable:

* :func:`slot_kind` normalises a slot key without any vocabulary (case, accents,
  separators, numbering), so ``Snack-2`` and ``snack_1`` are the same kind of slot;
* a :class:`MealVocabulary` maps slot kinds to a :class:`MealType` and lists the
  words in a dish name that hint at each meal type.

>>> meal_type_for_slot("Snack-2")
<MealType.SNACK: 'snack'>
>>> meal_type_for_slot("2nd breakfast")
<MealType.BREAKFAST: 'breakfast'>
>>> meal_type_for_slot("Avondeten")
<MealType.DINNER: 'dinner'>
>>> meal_type_for_slot("pre-workout") is None
True
"""

from __future__ import annotations

import enum
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from weekplan.domain.text import search_key
from weekplan.errors import InvalidInput

__all__ = [
    "DEFAULT_VOCABULARY",
    "MealType",
    "MealVocabulary",
    "day_position",
    "meal_type_for_slot",
    "name_words",
    "slot_kind",
]


class MealType(enum.StrEnum):
    """The meal a slot is for.

    A day's slots are shown in the order of the day (``day_position``):
    breakfast, morning snack, lunch, afternoon snack, dinner, evening snack,
    then slots of no known meal.

    >>> MealType("lunch").position
    1
    """

    BREAKFAST = "breakfast"
    LUNCH = "lunch"
    DINNER = "dinner"
    SNACK = "snack"

    @property
    def position(self) -> int:
        """Position in the display order, breakfast is 0."""
        return _MEAL_ORDER.index(self)


_MEAL_ORDER: tuple[MealType, ...] = tuple(MealType)

# Unicode-aware, so a slot key in another script keeps its words.
_WORD_SPLIT = re.compile(r"[\W_]+")
# Numbering is not part of what a slot is: "2nd breakfast", "snack 2", "1e tussendoortje".
_NUMBERING = re.compile(
    r"^(?:\d+(?:st|nd|rd|th|e|de|ste)?|first|second|third|fourth|fifth"
    r"|eerste|tweede|derde|vierde|vijfde)$"
)
_TRAILING_DIGITS = re.compile(r"(?<=\D)\d+$")


def name_words(text: str) -> tuple[str, ...]:
    """The words of a text in search form (case-folded, accents removed).

    >>> name_words("Crème-brûlée, 2x")
    ('creme', 'brulee', '2x')
    """
    return tuple(word for word in _WORD_SPLIT.split(search_key(text)) if word)


# A pure function of the key, asked for every entry of every week written (the
# planning history counts by kind), over the few slot keys a tenant uses.
@functools.lru_cache(maxsize=4096)
def slot_kind(slot_key: str) -> str:
    """The normal form of a slot key: what kind of slot it is, numbering removed.

    Case, accents and separators (``_``, ``-``, spaces, punctuation) do not matter,
    nor do ordinal or numeric prefixes and suffixes.
    A slot key that is nothing but numbering keeps its own words.

    >>> [slot_kind(k) for k in ("Snack_1", "snack-2", "2nd  Breakfast", "Tussendoortje 3")]
    ['snack', 'snack', 'breakfast', 'tussendoortje']
    >>> slot_kind("2")
    '2'
    """
    words = name_words(slot_key)
    kept = [_TRAILING_DIGITS.sub("", word) for word in words if not _NUMBERING.match(word)]
    return " ".join(word for word in kept if word) or " ".join(words)


def _to_meal_type(value: Any, loc: tuple[str | int, ...]) -> MealType:
    if isinstance(value, str) and value in MealType._value2member_map_:
        return MealType(value)
    choices = ", ".join(m.value for m in MealType)
    raise InvalidInput.at(loc, f"must be one of {choices}")


def _slot_words(value: Mapping[str, MealType | str]) -> Mapping[str, MealType]:
    if not isinstance(value, Mapping):
        raise InvalidInput.at(("slots",), "must be a mapping of slot words to meal types")
    words: dict[str, MealType] = {}
    for word, meal_type in value.items():
        if not isinstance(word, str) or not slot_kind(word):
            raise InvalidInput.at(("slots", str(word)), "must be a non-empty string")
        words[slot_kind(word)] = _to_meal_type(meal_type, ("slots", word))
    return MappingProxyType(words)


def _hints(
    value: Mapping[MealType | str, Iterable[str]],
) -> Mapping[MealType, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise InvalidInput.at(("hints",), "must be a mapping of meal types to words")
    hints: dict[MealType, tuple[str, ...]] = {}
    for key, words in value.items():
        meal_type = _to_meal_type(key, ("hints", str(key)))
        if isinstance(words, str) or not isinstance(words, Iterable):
            raise InvalidInput.at(("hints", meal_type.value), "must be a list of words")
        normal: list[str] = []
        for word in words:
            if not isinstance(word, str) or not name_words(word):
                raise InvalidInput.at(("hints", meal_type.value), "must be non-empty strings")
            phrase = " ".join(name_words(word))
            if phrase not in normal:
                normal.append(phrase)
        hints[meal_type] = tuple(normal)
    return MappingProxyType(hints)


# Bump when the matching rules below change, so every stored signal reads as stale.
_SIGNALS_VERSION = 1


def _fingerprint(hints: Mapping[MealType, tuple[str, ...]]) -> str:
    document = {meal.value: list(hints[meal]) for meal in MealType if hints.get(meal)}
    text = json.dumps([_SIGNALS_VERSION, document], separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:16]


# Short hints only match whole words: "bar" must not match "barbecue".
_AFFIX_MIN = 4
_PLURALS = ("s", "es", "en", "jes", "tjes")


def _word_matches(word: str, hint: str) -> bool:
    if word == hint or any(word == hint + ending for ending in _PLURALS):
        return True
    # Dutch and English compounds: "havermoutpap", "tomatensoep", "kwarkbowl".
    return len(hint) >= _AFFIX_MIN and (word.startswith(hint) or word.endswith(hint))


@attrs.frozen(eq=False)
class MealVocabulary:
    """Which slot words mean which meal, and which dish-name words hint at it.

    ``slots`` maps a slot word or phrase to its meal type; keys are compared in
    :func:`slot_kind` form, so ``"Evening meal"`` also covers ``evening_meal_2``.
    ``hints`` lists, per meal type, words whose presence in a dish name suggests
    the dish suits that meal (``porridge`` for breakfast).
    Build your own, or extend the default with :meth:`extended`:

    >>> vocab = MealVocabulary.default().extended(slots={"pre-workout": "snack"})
    >>> vocab.meal_type("Pre workout 2")
    <MealType.SNACK: 'snack'>
    """

    slots: Mapping[str, MealType] = attrs.field(converter=_slot_words)
    hints: Mapping[MealType, tuple[str, ...]] = attrs.field(converter=_hints, factory=dict)
    fingerprint: str = attrs.field(
        init=False, default=attrs.Factory(lambda self: _fingerprint(self.hints), takes_self=True)
    )
    """What a dish's stored meal signals depend on: its hints, as 16 hex digits.

    Two vocabularies with the same hints in the same order have the same
    fingerprint, whatever their slot words (slot words never change what a dish
    says about a meal). Stored beside each dish's signals, it tells a planner
    whether they were computed under its own vocabulary.
    """

    @staticmethod
    def default() -> MealVocabulary:
        """The English and Dutch vocabulary a planner uses unless given its own."""
        return DEFAULT_VOCABULARY

    def meal_type(self, slot_key: str) -> MealType | None:
        """The meal type of a slot key, or ``None`` when the vocabulary does not know it.

        The whole normalised key is looked up first, then it without spaces
        (``avond eten``), then its words from last to first, since the last word
        names the meal in both English and Dutch (``morning snack``, ``warme lunch``).
        """
        return self.meal_type_of_kind(slot_kind(slot_key))

    def meal_type_of_kind(self, kind: str) -> MealType | None:
        """:meth:`meal_type` for a key already in :func:`slot_kind` form."""
        for candidate in (kind, kind.replace(" ", ""), *reversed(kind.split(" "))):
            found = self.slots.get(candidate)
            if found is not None:
                return found
        return None

    def matched_hints(self, dish_name: str, meal_type: MealType) -> tuple[str, ...]:
        """The hint words of ``meal_type`` found in a dish name, in vocabulary order.

        >>> DEFAULT_VOCABULARY.matched_hints("Havermoutpap met appel", MealType.BREAKFAST)
        ('havermout',)
        """
        words = name_words(dish_name)
        padded = f" {' '.join(words)} "
        return tuple(
            hint
            for hint in self.hints.get(meal_type, ())
            if (
                f" {hint} " in padded if " " in hint else any(_word_matches(w, hint) for w in words)
            )
        )

    def extended(
        self,
        *,
        slots: Mapping[str, MealType | str] | None = None,
        hints: Mapping[MealType | str, Iterable[str]] | None = None,
    ) -> MealVocabulary:
        """A copy with more slot words and hints; a slot word given again takes the new meal."""
        merged_hints: dict[MealType | str, list[str]] = {
            meal: list(words) for meal, words in self.hints.items()
        }
        for meal, words in _hints(hints or {}).items():
            merged_hints.setdefault(meal, []).extend(words)
        return MealVocabulary(slots={**self.slots, **(slots or {})}, hints=merged_hints)

    def __repr__(self) -> str:
        return f"<MealVocabulary {len(self.slots)} slot words>"


# When a snack is eaten, read from the words of its slot key. Dutch compounds
# ("ochtendsnack", "avondhapje") start with the time of day, hence prefixes.
_SNACK_TIMES: tuple[tuple[int, tuple[str, ...]], ...] = (
    (1, ("morning", "elevenses", "ochtend", "tienuurtje", "voormiddag")),
    (3, ("afternoon", "teatime", "namiddag", "middag", "vieruurtje")),
    (5, ("evening", "night", "bedtime", "late", "avond", "nacht")),
)
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "eerste": 1, "tweede": 2, "derde": 3, "vierde": 4, "vijfde": 5,
}  # fmt: skip
_NUMBER = re.compile(r"(\d+)")
_MEAL_POSITIONS = {MealType.BREAKFAST: 0, MealType.LUNCH: 2, MealType.DINNER: 4}
_UNKNOWN_MEAL = 6


def _snack_number(words: tuple[str, ...]) -> int | None:
    for word in words:
        if word in _ORDINALS:
            return _ORDINALS[word]
        if _NUMBERING.match(word) or _TRAILING_DIGITS.search(word):
            number = _NUMBER.search(word)
            if number is not None:
                return int(number.group(1))
    return None


def day_position(meal_type: MealType | None, slot_key: str) -> int:
    """Where a slot comes in the day, from 0 to 6.

    Breakfast (0), morning snack (1), lunch (2), afternoon snack (3), dinner (4),
    evening snack (5), then slots of no known meal (6).
    A snack's time of day is read from its key (``morning snack``,
    ``vieruurtje``, ``avondsnack``); numbered snacks without one take the gaps
    in turn (``snack_1`` in the morning, ``snack_2`` in the afternoon, later
    ones in the evening), and a plain ``snack`` is an afternoon snack.

    >>> keys = ["Zumba", "dinner", "snack_2", "lunch", "snack_1", "evening snack", "breakfast"]
    >>> sorted(keys, key=lambda k: day_position(meal_type_for_slot(k), k))
    ['breakfast', 'snack_1', 'lunch', 'snack_2', 'dinner', 'evening snack', 'Zumba']
    """
    if meal_type is None:
        return _UNKNOWN_MEAL
    if meal_type is not MealType.SNACK:
        return _MEAL_POSITIONS[meal_type]
    words = name_words(slot_key)
    for position, times in _SNACK_TIMES:
        if any(word.startswith(time) for word in words for time in times):
            return position
    number = _snack_number(words)
    if number is None:
        return 3
    return min(number, 3) * 2 - 1


_B, _L, _D, _S = MealType.BREAKFAST, MealType.LUNCH, MealType.DINNER, MealType.SNACK

DEFAULT_VOCABULARY = MealVocabulary(
    slots={
        # English
        "breakfast": _B,
        "brekkie": _B,
        "brunch": _B,
        "morning meal": _B,
        "lunch": _L,
        "luncheon": _L,
        "midday meal": _L,
        "dinner": _D,
        "supper": _D,
        "evening meal": _D,
        "main meal": _D,
        "snack": _S,
        "snacks": _S,
        "elevenses": _S,
        # Dutch
        "ontbijt": _B,
        "ontbijtje": _B,
        "middageten": _L,
        "middagmaal": _L,
        "avondeten": _D,
        "avondmaal": _D,
        "diner": _D,
        "hoofdmaaltijd": _D,
        "warme maaltijd": _D,
        "tussendoortje": _S,
        "tussendoor": _S,
        "hapje": _S,
        "tienuurtje": _S,
        "vieruurtje": _S,
    },
    hints={
        _B: (
            "porridge",
            "oatmeal",
            "overnight oats",
            "oats",
            "omelette",
            "omelet",
            "scrambled eggs",
            "yoghurt",
            "yogurt",
            "granola",
            "muesli",
            "cereal",
            "pancake",
            "french toast",
            "toast",
            "bagel",
            "croissant",
            "breakfast",
            "havermout",
            "pap",
            "roerei",
            "kwark",
            "ontbijt",
            "wentelteefjes",
            "beschuit",
        ),
        _L: (
            "salad",
            "sandwich",
            "wrap",
            "soup",
            "toastie",
            "panini",
            "lunch",
            "salade",
            "soep",
            "broodje",
            "boterham",
            "tosti",
            "uitsmijter",
        ),
        _D: (
            "stew",
            "curry",
            "pasta",
            "lasagne",
            "lasagna",
            "risotto",
            "roast",
            "casserole",
            "stir fry",
            "chili",
            "steak",
            "dinner",
            "stamppot",
            "stoofpot",
            "ovenschotel",
            "hutspot",
            "nasi",
            "bami",
            "diner",
        ),
        _S: (
            "snack",
            "bar",
            "nuts",
            "fruit",
            "apple",
            "banana",
            "hummus",
            "crackers",
            "rice cakes",
            "smoothie",
            "noten",
            "notenmix",
            "appel",
            "banaan",
            "rijstwafel",
            "reep",
            "tussendoortje",
        ),
    },
)
"""English and Dutch slot words and dish-name hints, used unless a planner is given its own."""


def meal_type_for_slot(
    slot_key: str, vocabulary: MealVocabulary = DEFAULT_VOCABULARY
) -> MealType | None:
    """The meal type a slot key names, or ``None`` for a slot key the vocabulary does not know.

    >>> meal_type_for_slot("Tussendoortje")
    <MealType.SNACK: 'snack'>
    >>> meal_type_for_slot("Déjeuner") is None
    True
    """
    return vocabulary.meal_type(slot_key)
