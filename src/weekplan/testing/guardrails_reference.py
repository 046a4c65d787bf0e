"""A rule-by-rule reference evaluator for the guardrails.

It finds matches the obvious way: for every term of every rule, search every
text.
It is slow on purpose and easy to check by eye; the compiled evaluator must give
exactly its decisions (a differential property test holds them to it) and the
benchmark measures how much faster the compiled one is.
It lives in the package, beside the other test support, so the tests, the
benchmark and a host that writes its own matcher can all import it.
Only finding matches differs from the compiled evaluator; what a decision makes
of them is the one shared function :func:`weekplan.guardrails.verdict.decide`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from weekplan.guardrails.decision import GuardDecision
from weekplan.guardrails.evaluator import check_targets
from weekplan.guardrails.model import GuardrailsRuleset, MatchMode, RuleTarget
from weekplan.guardrails.normalize import FoldedText, fold, term_forms, word_match_ok
from weekplan.guardrails.targets import PlanTarget
from weekplan.guardrails.terms import RawMatch, TermSpec, flatten
from weekplan.guardrails.verdict import decide

__all__ = ["reference_evaluate"]


def _occurrences(text: str, term: str) -> Iterator[int]:
    start = text.find(term)
    while start != -1:
        yield start
        start = text.find(term, start + 1)


def _spans(spec: TermSpec, text: str) -> Iterator[tuple[int, int]]:
    if spec.mode is MatchMode.EXACT:
        if text in term_forms(spec.folded):
            yield (0, len(text))
    elif spec.mode is MatchMode.SUBSTRING:
        for start in _occurrences(text, spec.folded):
            yield (start, start + len(spec.folded))
    elif spec.folded in text:
        for position, form in enumerate(term_forms(spec.folded)):
            for start in _occurrences(text, form):
                end = start + len(form)
                if word_match_ok(text, start, end, plural=position > 0, compounds=spec.compounds):
                    yield (start, end)


def reference_evaluate(ruleset: GuardrailsRuleset, targets: Iterable[PlanTarget]) -> GuardDecision:
    """Evaluate like :func:`weekplan.guardrails.evaluate`, one term of one rule at a time."""
    checked = check_targets(targets)
    flat = flatten(ruleset)
    folded: dict[str, FoldedText] = {}

    def folded_text(text: str) -> FoldedText:
        if text not in folded:
            folded[text] = fold(text)
        return folded[text]

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
            for text_index, text in enumerate(target.texts(spec.target)):
                for start, end in _spans(spec, folded_text(text).text):
                    raw.append(
                        RawMatch(
                            spec.source_id,
                            spec.term,
                            target_index,
                            spec.target,
                            text_index,
                            start,
                            end,
                        )
                    )
    return decide(flat, checked, raw, folded_text)
