"""The sources of a ruleset: what a match is attributed to.

A *source* is a rule or a Diet Logic constraint, as the decision sees it: its
kind, its role, its priority and its folded category.
A decision looks at the few sources a plan matches (and at the quotas), so a
compiled ruleset keeps its sources as a :class:`SourcesById`, which makes each
one on first use: a large ruleset has tens of thousands of rules, and making a
source for each was a large part of compiling it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping

import attrs

from weekplan.guardrails._decision import SourceKind
from weekplan.guardrails._model import (
    AllowScope,
    DietLogicConstraint,
    DietLogicKind,
    GuardrailsRuleset,
    GuardRule,
    RuleAction,
    Strictness,
)
from weekplan.guardrails._normalize import fold_term

__all__ = ["Role", "Source", "SourcesById", "source_of", "sources_of"]


class Role(enum.Enum):
    """What a source's matches do."""

    RESTRICT = "restrict"
    """Block rules and ``drop``: a match is a violation."""
    ALLOW = "allow"
    """Allow rules and ``pass``: a match exempts shorter matches inside it."""
    COUNT = "count"
    """``force`` and ``limit``: a match makes the dish count towards a quota."""


_KIND_OF = {
    DietLogicKind.DROP: SourceKind.DROP,
    DietLogicKind.FORCE: SourceKind.FORCE,
    DietLogicKind.LIMIT: SourceKind.LIMIT,
    DietLogicKind.PASS: SourceKind.PASS,
}
_ROLE_OF = {
    DietLogicKind.DROP: Role.RESTRICT,
    DietLogicKind.FORCE: Role.COUNT,
    DietLogicKind.LIMIT: Role.COUNT,
    DietLogicKind.PASS: Role.ALLOW,
}


@attrs.frozen
class Source:
    """A rule or a Diet Logic constraint, as the decision sees it.

    ``category`` is folded, and ``None`` for a rule without one.
    """

    id: str
    kind: SourceKind
    role: Role
    strictness: Strictness
    priority: int
    category: str | None
    scope: AllowScope | None = None
    rule: GuardRule | None = None
    constraint: DietLogicConstraint | None = None

    @property
    def order(self) -> tuple[int, str]:
        """Priority first (1 is the highest), then id: the order of traces and reports."""
        return (self.priority, self.id)

    def can_exempt(self, other: Source) -> bool:
        """Whether this allow may exempt a match of ``other``: only blocks in its scope."""
        if self.scope is not None:
            return self.scope.covers(other.id, other.category)
        return other.category == self.category


def _folded_category(category: str | None) -> str | None:
    return None if category is None else fold_term(category)


def source_of(origin: GuardRule | DietLogicConstraint) -> Source:
    """The source a rule or a constraint stands for."""
    if isinstance(origin, GuardRule):
        return Source(
            origin.id,
            SourceKind.RULE,
            Role.ALLOW if origin.action is RuleAction.ALLOW else Role.RESTRICT,
            origin.strictness,
            origin.priority,
            _folded_category(origin.metadata.category),
            scope=origin.exempts,
            rule=origin,
        )
    return Source(
        origin.id,
        _KIND_OF[origin.kind],
        _ROLE_OF[origin.kind],
        origin.strictness,
        origin.priority,
        _folded_category(origin.category),
        scope=origin.exempts,
        constraint=origin,
    )


class SourcesById(Mapping[str, Source]):
    """Every rule and constraint of a ruleset by id, each made a :class:`Source` on first use.

    A read-only mapping with the keys, the order and the values of
    :func:`sources_of`; a constraint wins over a rule of the same id.
    Making a source twice (two threads at once) makes equal ones, so no lock is needed.
    """

    __slots__ = ("_made", "_origins")

    def __init__(self, ruleset: GuardrailsRuleset) -> None:
        origins: dict[str, GuardRule | DietLogicConstraint] = {
            rule.id: rule for rule in ruleset.rules
        }
        origins.update((constraint.id, constraint) for constraint in ruleset.diet_logic)
        self._origins = origins
        self._made: dict[str, Source] = {}

    def __getitem__(self, source_id: str) -> Source:
        made = self._made.get(source_id)
        if made is None:
            made = self._made[source_id] = source_of(self._origins[source_id])
        return made

    def __contains__(self, source_id: object) -> bool:
        return source_id in self._origins

    def __iter__(self) -> Iterator[str]:
        return iter(self._origins)

    def __len__(self) -> int:
        return len(self._origins)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self)!r})"


def sources_of(ruleset: GuardrailsRuleset) -> dict[str, Source]:
    """Every rule and constraint by id, all made at once."""
    return dict(SourcesById(ruleset))
