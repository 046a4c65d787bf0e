"""The steps around a matcher's search, public for a matcher written elsewhere.

:func:`~weekplan.guardrails.evaluate` finds a ruleset's terms in a plan's texts
with a compiled matcher. Another matcher (the rule-by-rule reference evaluator
in ``weekplan.testing._guardrails_reference``, or a host's own) must take the
same steps around its search to give the same decisions: the targets checked
(``check_targets``); the ruleset flattened into one ``TermSpec`` per
term (``flatten``); each text folded (``fold``) and split into words
with their stems (``AnalyzedText``); exceptions and compound words judged
alike (``is_excepted``, ``compound_match_ok``); and every
``RawMatch`` found turned into a decision by ``decide``, the one
function where the meaning of allow, block and Diet Logic is written down.

This module is the stated way to reach those steps; the modules they are
defined in are internal and may change shape.
"""

from weekplan.guardrails._evaluator import check_targets
from weekplan.guardrails._normalize import FoldedText, compound_match_ok, fold
from weekplan.guardrails._terms import Flattened, RawMatch, TermSpec, flatten, is_excepted
from weekplan.guardrails._verdict import decide
from weekplan.guardrails._words import AnalyzedText

__all__ = [
    "AnalyzedText",
    "Flattened",
    "FoldedText",
    "RawMatch",
    "TermSpec",
    "check_targets",
    "compound_match_ok",
    "decide",
    "flatten",
    "fold",
    "is_excepted",
]
