"""Word stems: Dutch and English forms, and a loud failure without the stemmer."""

from __future__ import annotations

import subprocess
import sys

import pytest

from weekplan.guardrails._stemming import Language, stem


@pytest.mark.parametrize(
    ("language", "word", "base"),
    [
        ("dutch", "tomaten", "tomaat"),
        ("dutch", "noten", "noot"),
        ("dutch", "bonen", "boon"),
        ("dutch", "kippen", "kip"),
        ("dutch", "aardappelen", "aardappel"),
        ("english", "eggs", "egg"),
        ("english", "tomatoes", "tomato"),
        ("english", "peanuts", "peanut"),
    ],
)
def test_inflected_forms_share_the_stem_of_their_base_form(
    language: Language, word: str, base: str
) -> None:
    assert stem(language, word) == stem(language, base)


def test_evaluating_without_the_stemmer_fails_naming_the_extra() -> None:
    script = (
        "import sys\n"
        "sys.modules['snowballstemmer'] = None\n"
        "from weekplan.guardrails import GuardRule, GuardrailsRuleset, PlanTarget, RuleMatch\n"
        "from weekplan.guardrails import evaluate\n"
        "rule = GuardRule('geen-melk', 'block', 'hard', 1, 'ingredient', RuleMatch('melk'))\n"
        "try:\n"
        "    evaluate(GuardrailsRuleset('koemelkvrij', rules=[rule]),\n"
        "             [PlanTarget('mon', 'ontbijt', ingredients=['melk'])])\n"
        "except ImportError as err:\n"
        "    print(err)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "pip install 'weekplan[guardrails]'" in result.stdout
