"""The character check of every stored string, against Unicode's own categories."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from weekplan.domain.text import check_characters
from weekplan.errors import InvalidInput


def reference_problem(value: str, *, allow_whitespace: bool) -> str | None:
    """The check as Unicode states it: a character of category Cc or Cs is refused."""
    for char in value:
        if allow_whitespace and char in "\t\n\r":
            continue
        category = unicodedata.category(char)
        if category == "Cc":
            return "must not contain control characters"
        if category == "Cs":
            return "must be valid Unicode text (no lone surrogates)"
    return None


def problem_of(value: str, *, allow_whitespace: bool) -> str | None:
    try:
        check_characters(value, "field", allow_whitespace=allow_whitespace)
    except InvalidInput as exc:
        return str(exc.errors[0]["msg"])
    return None


def test_every_code_point_is_judged_as_its_unicode_category() -> None:
    for allow_whitespace in (False, True):
        for code in range(0x110000):
            char = chr(code)
            expected = reference_problem(char, allow_whitespace=allow_whitespace)
            assert problem_of(char, allow_whitespace=allow_whitespace) == expected, hex(code)


@given(st.text(st.characters(codec=None)), st.booleans())
@example("a\ud800\x00", False)
@example("a\x00\ud800", False)
@example("line\nbreak\x7f", True)
def test_the_first_forbidden_character_decides_the_message(value: str, allow: bool) -> None:
    assert problem_of(value, allow_whitespace=allow) == reference_problem(
        value, allow_whitespace=allow
    )


@pytest.mark.parametrize("value", ["client-42", "Crème brûlée", "\u00a0nbsp", "emoji \U0001f600"])
def test_ordinary_text_passes(value: str) -> None:
    assert check_characters(value, "field") == value
