"""Slot keys are read as meal types, whatever their case, accents, separators or numbering."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from weekplan import InvalidInput, MealType, MealVocabulary, meal_type_for_slot
from weekplan.domain._meal_types import DEFAULT_VOCABULARY, slot_kind

B, L, D, S = MealType.BREAKFAST, MealType.LUNCH, MealType.DINNER, MealType.SNACK

NORMALISATION_TABLE = [
    ("breakfast", B),
    ("Breakfast", B),
    ("BREAKFAST", B),
    ("2nd breakfast", B),
    ("second_breakfast", B),
    ("Ontbijt", B),
    ("ontbijt-1", B),
    ("lunch", L),
    ("Lunch 2", L),
    ("middageten", L),
    ("Middag eten", L),
    ("dinner", D),
    ("Diner", D),
    ("avondeten", D),
    ("Avond-eten", D),
    ("evening_meal", D),
    ("late dinner", D),
    ("snack", S),
    ("snack_1", S),
    ("snack-2", S),
    ("Snack 10", S),
    ("snack1", S),
    ("1e tussendoortje", S),
    ("Tussendoortje", S),
    ("tussendoortje (middag)", S),
    ("morning snack", S),
    ("Hapje", S),
    ("pre-workout", None),
    ("Déjeuner", None),
    ("x", None),
    ("3", None),
]


@pytest.mark.parametrize(("slot_key", "expected"), NORMALISATION_TABLE)
def test_slot_keys_map_to_meal_types(slot_key: str, expected: MealType | None) -> None:
    assert meal_type_for_slot(slot_key) == expected


def test_accents_do_not_matter() -> None:
    vocab = DEFAULT_VOCABULARY.extended(slots={"déjeuner": "lunch"})
    assert vocab.meal_type("DEJEUNER") == L
    assert vocab.meal_type("Déjeuner_2") == L


def test_a_planner_vocabulary_can_replace_the_default() -> None:
    vocab = MealVocabulary(slots={"frühstück": "breakfast"})
    assert vocab.meal_type("Frühstück") == B
    assert vocab.meal_type("breakfast") is None


def test_a_bad_vocabulary_is_invalid_input_naming_the_word() -> None:
    with pytest.raises(InvalidInput) as caught:
        MealVocabulary(slots={"brunch": "elevenses"})
    assert caught.value.errors[0]["loc"] == ["slots", "brunch"]


def test_hints_match_words_and_compounds_not_fragments() -> None:
    hints = DEFAULT_VOCABULARY.matched_hints
    assert hints("Griekse yoghurt met granola", B) == ("yoghurt", "granola")
    assert hints("Havermoutpap", B) == ("havermout",)
    assert hints("Tomatensoep", L) == ("soep",)
    assert hints("Pancakes", B) == ("pancake",)
    assert hints("Barbecue ribs", S) == ()
    assert hints("Overnight oats", B) == ("overnight oats", "oats")


@given(st.sampled_from(NORMALISATION_TABLE), st.sampled_from(["_", "-", " ", "  ", "__"]))
def test_separators_and_numbering_do_not_change_the_meal(
    row: tuple[str, MealType | None], separator: str
) -> None:
    slot_key, expected = row
    numbered = f"{slot_key}{separator}3"
    assert meal_type_for_slot(numbered) == expected or slot_key == "3"


@given(st.text(max_size=40))
def test_any_text_has_a_kind_and_maybe_a_meal(slot_key: str) -> None:
    kind = slot_kind(slot_key)
    assert kind == kind.strip()
    assert meal_type_for_slot(slot_key) in (None, *MealType)
