"""A rule-by-rule reference evaluator for the guardrails.

It finds matches the obvious way: for every term of every rule, search every
text.
It is slow on purpose and easy to check by eye; the compiled evaluator must give
exactly its decisions (a differential property test holds them to it) and the
benchmark measures how much faster the compiled one is.
It lives in the package, beside the other test support, so the tests, the
benchmark and a host that writes its own matcher can all import it.
Only finding matches differs from the compiled evaluator; what a decision makes
of them is the one shared function :func:`weekplan.guardrails._verdict.decide`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from weekplan.guardrails import GuardDecision, GuardrailsRuleset, MatchMode, PlanTarget, RuleTarget
from weekplan.guardrails.matching import (
    AnalyzedText,
    FoldedText,
    RawMatch,
    TermSpec,
    check_targets,
    compound_match_ok,
    decide,
    flatten,
    fold,
    is_excepted,
)

__all__ = ["reference_evaluate"]


def _occurrences(text: str, term: str) -> Iterator[int]:
    start = text.find(term)
    while start != -1:
        yield start
        start = text.find(term, start + 1)


def _found(spec: TermSpec, text: AnalyzedText) -> Iterator[tuple[int, int]]:
    tokens = text.tokens
    if spec.mode is MatchMode.EXACT:
        if any(text.stems(language) == stems for language, stems in spec.stems):
            yield (0, len(text.text))
        return
    if spec.mode is MatchMode.SUBSTRING:
        for start in _occurrences(text.text, spec.folded):
            yield (start, start + len(spec.folded))
        return
    for language, stems in spec.stems:
        text_stems = text.stems(language)
        for position in range(len(tokens) - len(stems) + 1):
            if stems and text_stems[position : position + len(stems)] == stems:
                yield (tokens[position].start, tokens[position + len(stems) - 1].end)
    if spec.compounds:
        for word in tokens:
            if not word.is_word:
                continue
            for offset in _occurrences(word.text, spec.folded):
                start = word.start + offset
                end = start + len(spec.folded)
                if compound_match_ok(word, start, end):
                    yield (start, end)


def _spans(spec: TermSpec, text: AnalyzedText) -> Iterator[tuple[int, int]]:
    for start, end in _found(spec, text):
        if not is_excepted(spec, text, start, end):
            yield (start, end)


def reference_evaluate(ruleset: GuardrailsRuleset, targets: Iterable[PlanTarget]) -> GuardDecision:
    """Evaluate like :func:`weekplan.guardrails.evaluate`, one term of one rule at a time."""
    checked = check_targets(targets)
    flat = flatten(ruleset)
    analyzed: dict[str, AnalyzedText] = {}

    def analyzed_text(text: str) -> AnalyzedText:
        if text not in analyzed:
            analyzed[text] = AnalyzedText(fold(text))
        return analyzed[text]

    def folded_text(text: str) -> FoldedText:
        return analyzed_text(text).folded

    raw: list[RawMatch] = []
    for spec in flat.specs:
        for target_index, target in enumerate(checked):
            if spec.mode is MatchMode.CANONICAL_ID:
                for text_index, canonical_id in enumerate(target.ingredient_ids):
                    if canonical_id == spec.term:
                        length = len(folded_text(target.ingredients[text_index]).text)
                        raw.append(
                            RawMatch(
                                spec.source_id,
                                spec.term,
                                target_index,
                                RuleTarget.INGREDIENT,
                                text_index,
                                0,
                                length,
                            )
                        )
                continue
            for kind in spec.targets:
                for text_index, text in enumerate(target.texts(kind)):
                    for start, end in _spans(spec, analyzed_text(text)):
                        raw.append(
                            RawMatch(
                                spec.source_id,
                                spec.term,
                                target_index,
                                kind,
                                text_index,
                                start,
                                end,
                            )
                        )
    return decide(flat, checked, raw, folded_text)
