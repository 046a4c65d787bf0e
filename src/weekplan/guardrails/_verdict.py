"""From raw matches to a :class:`GuardDecision`: the semantics of the firewall.

Finding matches is the compiled matcher's job (:mod:`weekplan.guardrails._compiled`).
What a decision makes of the matches is decided here, in one place, whoever
found them:

1. At each start position a source keeps its longest match (``coconut milk``
   rather than ``coconut`` for a rule that lists both).
2. An allow match (allow rule or ``pass`` item) *exempts* every other match of
   the same text that lies inside it, is strictly shorter and belongs to a
   block in the allow's scope (its own category, or the rule ids and
   categories its ``exempts`` names): allow ``coconut milk`` exempts the
   ``milk`` inside ``coconut milk``, never the ``coconut`` of a nut rule.
   A match that no allow match covers is never exempted, so block wins over
   allow, and an allow of the very same span exempts nothing.
3. Every remaining block or ``drop`` match is a violation: hard ones block,
   soft ones warn.
4. ``force`` and ``limit`` count the dishes with a remaining match
   (:mod:`weekplan.guardrails._diet_logic`); a missed bound is a violation.
5. Priority then orders the matches, the trace, the reported rules, reason
   codes and hints; it never changes the outcome.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from weekplan.guardrails._decision import (
    GuardDecision,
    GuardMatch,
    MatchEffect,
    Outcome,
    QuotaCheck,
    QuotaScope,
    ReasonCode,
    SourceKind,
    TraceResult,
    TraceStep,
)
from weekplan.guardrails._diet_logic import check_quota
from weekplan.guardrails._model import RuleTarget, Strictness
from weekplan.guardrails._normalize import FoldedText
from weekplan.guardrails._sources import Role, Source
from weekplan.guardrails._targets import PlanTarget
from weekplan.guardrails._terms import Flattened, RawMatch

__all__ = ["decide"]

_TARGET_ORDER = {target: position for position, target in enumerate(RuleTarget)}
_RULE_REASON = {
    RuleTarget.INGREDIENT: ReasonCode.BLOCKED_INGREDIENT,
    RuleTarget.NOTES: ReasonCode.BLOCKED_NOTES,
    RuleTarget.STEP: ReasonCode.BLOCKED_STEP,
    RuleTarget.METADATA: ReasonCode.BLOCKED_METADATA,
}
_QUOTA_REASON = {
    (SourceKind.FORCE, QuotaScope.DAY): ReasonCode.DIET_LOGIC_FORCE_PER_DAY,
    (SourceKind.FORCE, QuotaScope.WEEK): ReasonCode.DIET_LOGIC_FORCE_PER_WEEK,
    (SourceKind.LIMIT, QuotaScope.DAY): ReasonCode.DIET_LOGIC_LIMIT_PER_DAY,
    (SourceKind.LIMIT, QuotaScope.WEEK): ReasonCode.DIET_LOGIC_LIMIT_PER_WEEK,
}

_Location = tuple[int, RuleTarget, int]


def _longest_per_start(raw_matches: Iterable[RawMatch]) -> list[RawMatch]:
    best: dict[tuple[str, int, RuleTarget, int, int], RawMatch] = {}
    for match in raw_matches:
        key = (match.source_id, match.target_index, match.target, match.text_index, match.start)
        kept = best.get(key)
        if kept is None or (-match.end, match.term) < (-kept.end, kept.term):
            best[key] = match
    return list(best.values())


def _exemptions(
    matches: Sequence[RawMatch], sources: Mapping[str, Source]
) -> dict[RawMatch, str | None]:
    by_location: dict[_Location, list[RawMatch]] = defaultdict(list)
    for match in matches:
        by_location[(match.target_index, match.target, match.text_index)].append(match)
    exempted: dict[RawMatch, str | None] = {}
    for group in by_location.values():
        allows = [m for m in group if sources[m.source_id].role is Role.ALLOW]
        for match in group:
            if sources[match.source_id].role is Role.ALLOW:
                exempted[match] = None
                continue
            length = match.end - match.start
            source = sources[match.source_id]
            covering = [
                allow.source_id
                for allow in allows
                if allow.start <= match.start
                and match.end <= allow.end
                and allow.end - allow.start > length
                and sources[allow.source_id].can_exempt(source)
            ]
            exempted[match] = (
                min(covering, key=lambda source_id: sources[source_id].order) if covering else None
            )
    return exempted


def _effect(source: Source, exempted_by: str | None) -> MatchEffect:
    if source.role is Role.ALLOW:
        return MatchEffect.ALLOW
    if exempted_by is not None:
        return MatchEffect.EXEMPTED
    if source.role is Role.COUNT:
        return MatchEffect.COUNT
    return MatchEffect.BLOCK if source.strictness is Strictness.HARD else MatchEffect.WARN


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}es"


def _quota_text(check: QuotaCheck) -> str:
    where = check.day_key.value if check.day_key is not None else "week"
    relation = "at least" if check.kind is SourceKind.FORCE else "at most"
    return f"{where}: {check.count} of {relation} {check.bound}"


def _hints(source: Source, failed: Sequence[QuotaCheck]) -> list[str]:
    rule = source.rule
    if rule is not None:
        remediation = rule.remediation
        if remediation is None:
            return []
        label = rule.metadata.label or rule.match.term
        hint = f"{label}: "
        if remediation.substitutes:
            hint += f"use {', '.join(remediation.substitutes)} instead"
        if remediation.note:
            hint += f" ({remediation.note})" if remediation.substitutes else remediation.note
        return [hint]
    constraint = source.constraint
    assert constraint is not None  # a source is a rule or a constraint
    if source.kind is SourceKind.DROP:
        return [f"leave out {constraint.category}"]
    verb = "include" if source.kind is SourceKind.FORCE else "limit"
    return [f"{verb} {constraint.category}: {_quota_text(check)}" for check in failed]


def _reasons(source: Source, failed: Sequence[QuotaCheck]) -> list[str]:
    if source.rule is not None:
        return [source.rule.metadata.rule_code or _RULE_REASON[source.rule.target].value]
    if source.kind is SourceKind.DROP:
        return [ReasonCode.DIET_LOGIC_DROP.value]
    return [_QUOTA_REASON[(source.kind, check.scope)].value for check in failed]


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


_Pairs = dict[str, list[tuple[RawMatch, GuardMatch]]]


def _located(
    flat: Flattened,
    targets: Sequence[PlanTarget],
    raw_matches: Iterable[RawMatch],
    folded: Callable[[str], FoldedText],
) -> _Pairs:
    """The kept matches with their effect and original span, by source, in plan order."""
    kept = _longest_per_start(raw_matches)
    # Each source of a kept match looked up once (a flattened ruleset makes it on
    # first use), and then read from a plain dict, match after match.
    sources = {
        source_id: flat.sources[source_id]
        for source_id in dict.fromkeys(raw.source_id for raw in kept)
    }
    exempted = _exemptions(kept, sources)
    by_source: _Pairs = defaultdict(list)
    for raw in kept:
        source = sources[raw.source_id]
        target = targets[raw.target_index]
        text = target.texts(raw.target)[raw.text_index]
        start, end = folded(text).original_span(raw.start, raw.end)
        match = GuardMatch(
            rule_id=source.id,
            effect=_effect(source, exempted[raw]),
            term=raw.term,
            matched=text[start:end],
            day_key=target.day_key,
            slot_key=target.slot_key,
            dish_id=target.dish_id,
            target=raw.target,
            index=raw.text_index,
            text=text,
            start=start,
            end=end,
            exempted_by=exempted[raw],
        )
        by_source[source.id].append((raw, match))
    for pairs in by_source.values():
        pairs.sort(
            key=lambda pair: (
                pair[0].target_index,
                _TARGET_ORDER[pair[0].target],
                pair[0].text_index,
                pair[0].start,
                pair[0].end,
                pair[0].term,
            )
        )
    return by_source


def _quotas(
    flat: Flattened, targets: Sequence[PlanTarget], by_source: _Pairs
) -> dict[str, tuple[QuotaCheck, ...]]:
    checks: dict[str, tuple[QuotaCheck, ...]] = {}
    if not targets:
        return checks
    for source in flat.quota_sources:
        assert source.constraint is not None  # quotas come from constraints
        counted = {
            raw.target_index
            for raw, match in by_source.get(source.id, ())
            if match.effect is MatchEffect.COUNT
        }
        checks[source.id] = check_quota(source.constraint, source.kind, targets, counted)
    return checks


@attrs.define
class _Tally:
    """What the sources of one decision add up to, in priority order."""

    trace: list[TraceStep] = attrs.Factory(list)
    matches: list[GuardMatch] = attrs.Factory(list)
    applied: list[str] = attrs.Factory(list)
    reasons: list[str] = attrs.Factory(list)
    hints: list[str] = attrs.Factory(list)
    firsts: list[str] = attrs.Factory(list)
    hard: int = 0
    soft: int = 0

    def add(self, source: Source, own: list[GuardMatch], checks: Sequence[QuotaCheck]) -> None:
        self.matches += own
        failed = [check for check in checks if not check.ok]
        violating = [m for m in own if m.effect in (MatchEffect.BLOCK, MatchEffect.WARN)]
        n_exempted = sum(1 for m in own if m.effect is MatchEffect.EXEMPTED)
        detail = f"{_plural(len(own), 'match')}, {n_exempted} exempted"
        if checks:
            detail += "; " + "; ".join(_quota_text(check) for check in checks)
        if violating or failed:
            result = self._violated(source, violating, failed)
        elif source.role is Role.ALLOW:
            result = TraceResult.ALLOWED
        elif checks:
            result = TraceResult.SATISFIED
        else:
            result = TraceResult.EXEMPTED
        self.trace.append(TraceStep(source.id, source.kind, source.priority, result, detail))

    def _violated(
        self, source: Source, violating: list[GuardMatch], failed: list[QuotaCheck]
    ) -> TraceResult:
        is_hard = source.strictness is Strictness.HARD
        self.hard += is_hard
        self.soft += not is_hard
        self.applied.append(source.id)
        self.reasons += _reasons(source, failed)
        self.hints += _hints(source, failed)
        if violating:
            first = violating[0]
            self.firsts.append(
                f"{source.id} matched {first.matched!r} in {first.day_key.value}/"
                f"{first.slot_key} {first.target.value} {first.text!r}"
            )
        else:
            self.firsts.append(f"{source.id} counted {_quota_text(failed[0])}")
        return TraceResult.VIOLATED if is_hard else TraceResult.WARNED

    @property
    def outcome(self) -> Outcome:
        if self.hard:
            return Outcome.BLOCKED
        return Outcome.WARNED if self.soft else Outcome.ALLOWED

    @property
    def summary(self) -> str:
        if not self.firsts:
            return "allowed: no rule or Diet Logic constraint is violated"
        count = self.hard + self.soft
        return (
            f"{self.outcome.value}: {self.hard} hard and {self.soft} soft "
            f"{'violation' if count == 1 else 'violations'}; {self.firsts[0]}"
        )


def decide(
    flat: Flattened,
    targets: Sequence[PlanTarget],
    raw_matches: Iterable[RawMatch],
    folded: Callable[[str], FoldedText],
) -> GuardDecision:
    """Turn the raw matches of a plan into a decision (see the module documentation).

    ``folded`` gives the folded form of a text, so spans can be mapped back to
    the original text.
    """
    by_source = _located(flat, targets, raw_matches, folded)
    quota_checks = _quotas(flat, targets, by_source)
    # Sorted by id first: hashing a Source would hash its whole rule.
    involved = sorted(
        (flat.sources[source_id] for source_id in {*by_source, *quota_checks}),
        key=lambda source: source.order,
    )
    tally = _Tally()
    for source in involved:
        own = [match for _, match in by_source.get(source.id, ())]
        tally.add(source, own, quota_checks.get(source.id, ()))
    outcome = tally.outcome
    return GuardDecision(
        ok=outcome is not Outcome.BLOCKED,
        outcome=outcome,
        matches=tuple(tally.matches),
        applied_rule_ids=tuple(tally.applied),
        reason_codes=_unique(tally.reasons),
        remediation_hints=_unique(tally.hints),
        summary=tally.summary,
        trace=tuple(tally.trace),
        quota_checks=tuple(
            check for source in involved for check in quota_checks.get(source.id, ())
        ),
        content_hash=flat.content_hash,
    )
