"""The values a diet's guardrails are made of: rules, Diet Logic and the ruleset.

Every value is frozen; invalid values cannot be built, and the error names the
field (:class:`~weekplan.errors.InvalidInput`).
Lists whose order does not change a decision (synonyms, the items of a category)
are kept sorted and without duplicates, so two rulesets that decide alike compare
equal.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from weekplan.domain._limits import INT_MAX
from weekplan.domain._sequences import take_items
from weekplan.domain.text import check_key, check_text
from weekplan.errors import ErrorItem, InvalidInput
from weekplan.guardrails._hashing import content_hash_of
from weekplan.guardrails._normalize import fold_term, is_single_word

__all__ = [
    "PRIORITY_HIGHEST",
    "PRIORITY_LOWEST",
    "AllowScope",
    "DietLogicConstraint",
    "DietLogicItem",
    "DietLogicKind",
    "GuardRule",
    "GuardrailsRuleset",
    "MatchMode",
    "Provenance",
    "Remediation",
    "RuleAction",
    "RuleMatch",
    "RuleMetadata",
    "RuleTarget",
    "Strictness",
]

PRIORITY_HIGHEST = 1
"""The most important priority (the seed's convention)."""
PRIORITY_LOWEST = 65500
"""The least important priority, and the default."""

TERM_MAX = 200
RULE_ID_MAX = 200
LABEL_MAX = 200
MAX_TERMS_PER_RULE = 500


class RuleAction(enum.StrEnum):
    """What a rule does with what it matches; ``block`` wins over ``allow``."""

    ALLOW = "allow"
    BLOCK = "block"


class Strictness(enum.StrEnum):
    """``hard`` violations block a plan, ``soft`` ones only warn."""

    HARD = "hard"
    SOFT = "soft"


class RuleTarget(enum.StrEnum):
    """Which texts of a planned dish a rule looks at."""

    INGREDIENT = "ingredient"
    STEP = "step"
    METADATA = "metadata"
    NOTES = "notes"


class MatchMode(enum.StrEnum):
    """How a rule's terms are compared with a text (see ``docs/guardrails.md``)."""

    EXACT = "exact"
    WORD_BOUNDARY = "word_boundary"
    SUBSTRING = "substring"
    CANONICAL_ID = "canonical_id"


class DietLogicKind(enum.StrEnum):
    """The four phases of Diet Logic, most restrictive first."""

    DROP = "drop"
    FORCE = "force"
    LIMIT = "limit"
    PASS = "pass"


_E = TypeVar("_E", bound=enum.StrEnum)


def _invalid(field: str, msg: str) -> InvalidInput:
    return InvalidInput.at((field,), msg)


def _enum(kind: type[_E], field: str) -> Callable[[Any], _E]:
    choices = ", ".join(member.value for member in kind)

    def convert(value: Any) -> _E:
        if isinstance(value, kind):
            return value
        if isinstance(value, str):
            try:
                return kind(value)
            except ValueError:
                pass
        raise _invalid(field, f"must be one of {choices}")

    return convert


def _term(field: str) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        term = check_text(value, field, max_length=TERM_MAX)
        if not fold_term(term):
            raise _invalid(field, "must contain a letter, digit or sign")
        return term

    return convert


def _optional_term(field: str) -> Callable[[Any], str | None]:
    check = _term(field)

    def convert(value: Any) -> str | None:
        return None if value is None else check(value)

    return convert


def _optional_label(field: str) -> Callable[[Any], str | None]:
    def convert(value: Any) -> str | None:
        return None if value is None else check_text(value, field, max_length=LABEL_MAX)

    return convert


def _terms(field: str, *, canonical: bool) -> Callable[[Any], tuple[str, ...]]:
    """A list of terms; ``canonical`` sorts it and drops duplicates (order means nothing)."""
    check = _term(field)

    def convert(value: Any) -> tuple[str, ...]:
        if isinstance(value, str | bytes) or not isinstance(value, Iterable):
            raise _invalid(field, "must be a list of strings")
        items = take_items(value, field, max_items=MAX_TERMS_PER_RULE)
        errors: list[ErrorItem] = []
        terms: list[str] = []
        for index, item in enumerate(items):
            try:
                terms.append(check(item))
            except InvalidInput as exc:
                errors.append({"loc": [field, index], "msg": exc.errors[0]["msg"]})
        if errors:
            raise InvalidInput(errors)
        return tuple(sorted(set(terms))) if canonical else tuple(terms)

    return convert


def _rule_id(field: str) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        return check_key(value, field, max_length=RULE_ID_MAX)

    return convert


def _priority(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid("priority", "must be an integer")
    if not PRIORITY_HIGHEST <= value <= PRIORITY_LOWEST:
        raise _invalid(
            "priority", f"must be between {PRIORITY_HIGHEST} (highest) and {PRIORITY_LOWEST}"
        )
    return value


def _optional_count(field: str) -> Callable[[Any], int | None]:
    def convert(value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= INT_MAX:
            raise _invalid(field, f"must be an integer between 0 and {INT_MAX}, or null")
        return value

    return convert


def _flag(field: str) -> Callable[[Any], bool]:
    def convert(value: Any) -> bool:
        if not isinstance(value, bool):
            raise _invalid(field, "must be true or false")
        return value

    return convert


def _optional_key(field: str) -> Callable[[Any], str | None]:
    def convert(value: Any) -> str | None:
        return None if value is None else check_key(value, field, max_length=RULE_ID_MAX)

    return convert


def _rulematch_term(value: Any) -> str:
    return _term("term")(value)


def _rulematch_synonyms(value: Any) -> tuple[str, ...]:
    return _terms("synonyms", canonical=True)(value)


def _rulematch_canonical_id(value: Any) -> str | None:
    return _optional_key("canonical_id")(value)


def _rulematch_mode(value: Any) -> MatchMode:
    return _enum(MatchMode, "mode")(value)


def _rulematch_compounds(value: Any) -> bool:
    return _flag("compounds")(value)


def _rulematch_term_nl(value: Any) -> str | None:
    return _optional_term("term_nl")(value)


def _exceptions(value: Any) -> tuple[str, ...]:
    words = _terms("exceptions", canonical=True)(value)
    for index, word in enumerate(words):
        if not is_single_word(fold_term(word)):
            raise InvalidInput.at(("exceptions", index), "must be one word of letters and digits")
    return words


def _check_compound_terms(terms: Iterable[str]) -> None:
    # Terms of several words match as words; the flag must apply to at least one term.
    if not any(is_single_word(fold_term(term)) for term in terms):
        raise _invalid("compounds", "applies only to one-word terms, and this rule has none")


@attrs.frozen
class RuleMatch:
    """What a rule looks for.

    ``term``, ``term_nl`` and every synonym are matched in ``mode``;
    ``canonical_id`` is what ``canonical_id`` mode compares with a target's
    ingredient ids.
    In ``exact`` and ``word_boundary`` mode words are compared by their stems:
    ``term_nl`` is stemmed as Dutch, ``term`` and each synonym as English and
    as Dutch (a rule's term is often a Dutch word).
    ``compounds`` lets a one-word ``word_boundary`` term also match inside a
    longer word: a term of four letters or more anywhere (``room`` in
    ``slagroomtaart``), a shorter one at the start or the end (``kip`` in
    ``kipfilet``); terms of several words still match as words.
    ``exceptions`` are words that never match the rule (``prei`` for ``ei``).

    >>> RuleMatch("Melk", synonyms=["zuivel", "Melk"], compounds=True).synonyms
    ('Melk', 'zuivel')
    """

    term: str = attrs.field(converter=_rulematch_term)
    synonyms: tuple[str, ...] = attrs.field(default=(), converter=_rulematch_synonyms)
    canonical_id: str | None = attrs.field(default=None, converter=_rulematch_canonical_id)
    mode: MatchMode = attrs.field(default=MatchMode.WORD_BOUNDARY, converter=_rulematch_mode)
    compounds: bool = attrs.field(default=False, converter=_rulematch_compounds)
    term_nl: str | None = attrs.field(default=None, converter=_rulematch_term_nl)
    exceptions: tuple[str, ...] = attrs.field(default=(), converter=_exceptions)

    def __attrs_post_init__(self) -> None:
        if self.mode is MatchMode.CANONICAL_ID:
            if self.canonical_id is None:
                raise _invalid("canonical_id", "is required in canonical_id mode")
            if self.term_nl is not None:
                raise _invalid("term_nl", "does not apply to canonical_id mode")
        elif self.canonical_id is not None:
            raise _invalid("canonical_id", "applies only to canonical_id mode")
        if self.compounds:
            if self.mode is not MatchMode.WORD_BOUNDARY:
                raise _invalid("compounds", "applies only to word_boundary mode")
            _check_compound_terms(self.terms)
        if self.exceptions and self.mode not in (MatchMode.WORD_BOUNDARY, MatchMode.SUBSTRING):
            raise _invalid("exceptions", "apply only to word_boundary and substring mode")

    @property
    def terms(self) -> tuple[str, ...]:
        """The term, its Dutch term if any, then its synonyms."""
        if self.term_nl is None:
            return (self.term, *self.synonyms)
        return (self.term, self.term_nl, *self.synonyms)


def _rulemetadata_rule_code(value: Any) -> str | None:
    return _optional_key("rule_code")(value)


def _rulemetadata_label(value: Any) -> str | None:
    return _optional_label("label")(value)


def _rulemetadata_category(value: Any) -> str | None:
    return _optional_label("category")(value)


@attrs.frozen
class RuleMetadata:
    """How a rule is named to people: a stable code, a label and a category."""

    rule_code: str | None = attrs.field(default=None, converter=_rulemetadata_rule_code)
    label: str | None = attrs.field(default=None, converter=_rulemetadata_label)
    category: str | None = attrs.field(default=None, converter=_rulemetadata_category)


def _remediation_substitutes(value: Any) -> tuple[str, ...]:
    return _terms("substitutes", canonical=False)(value)


def _remediation_note(value: Any) -> str | None:
    return _optional_label("note")(value)


@attrs.frozen
class Remediation:
    """What to use instead; ``substitutes`` keep the order of preference given."""

    substitutes: tuple[str, ...] = attrs.field(default=(), converter=_remediation_substitutes)
    note: str | None = attrs.field(default=None, converter=_remediation_note)


def _scope_rule_ids(value: Any) -> tuple[str, ...]:
    ids = _terms("rule_ids", canonical=True)(value)
    for rule_id in ids:
        check_key(rule_id, "rule_ids", max_length=RULE_ID_MAX)
    return ids


def _scope_categories(value: Any) -> tuple[str, ...]:
    return _terms("categories", canonical=True)(value)


@attrs.frozen
class AllowScope:
    """Which blocks an allow may exempt: the rules and Diet Logic it names by id,
    and every rule and Diet Logic constraint of the categories it names.

    Without a scope an allow exempts only blocks of its own category.

    >>> AllowScope(categories=["zuivel"]).covers("any-id", "Zuivel")
    True
    """

    rule_ids: tuple[str, ...] = attrs.field(default=(), converter=_scope_rule_ids)
    categories: tuple[str, ...] = attrs.field(default=(), converter=_scope_categories)

    def __attrs_post_init__(self) -> None:
        if not self.rule_ids and not self.categories:
            raise _invalid("exempts", "must name at least one rule id or category")

    def covers(self, source_id: str, category: str | None) -> bool:
        """Whether a match of the rule ``source_id`` of ``category`` is in this scope."""
        if source_id in self.rule_ids:
            return True
        folded = None if category is None else fold_term(category)
        return any(fold_term(named) == folded for named in self.categories)


def _exempts(value: Any) -> AllowScope | None:
    if value is None or isinstance(value, AllowScope):
        return value
    raise _invalid("exempts", "must be an AllowScope or null")


def _optional_flag(field: str) -> Callable[[Any], bool | None]:
    check = _flag(field)

    def convert(value: Any) -> bool | None:
        return None if value is None else check(value)

    return convert


def _guardrule_check_notes(value: Any) -> bool | None:
    return _optional_flag("check_notes")(value)


def _metadata(value: Any) -> RuleMetadata:
    if isinstance(value, RuleMetadata):
        return value
    raise _invalid("metadata", "must be a RuleMetadata")


def _match(value: Any) -> RuleMatch:
    if isinstance(value, RuleMatch):
        return value
    raise _invalid("match", "must be a RuleMatch")


def _remediation(value: Any) -> Remediation | None:
    if value is None or isinstance(value, Remediation):
        return value
    raise _invalid("remediation", "must be a Remediation or null")


def _guardrule_id(value: Any) -> str:
    return _rule_id("id")(value)


def _guardrule_action(value: Any) -> RuleAction:
    return _enum(RuleAction, "action")(value)


def _guardrule_strictness(value: Any) -> Strictness:
    return _enum(Strictness, "strictness")(value)


def _guardrule_target(value: Any) -> RuleTarget:
    return _enum(RuleTarget, "target")(value)


@attrs.frozen
class GuardRule:
    """One firewall rule: ``action`` what ``match`` finds in the ``target`` texts.

    ``priority`` (1 is the highest) orders the trace and the rule a decision
    reports first; it never changes the outcome.
    An ``allow`` rule exempts matches only of the blocks in its scope:
    ``exempts`` when given, otherwise the rules and Diet Logic of its own
    ``metadata.category`` (a rule without a category is in the category "none").
    An ``ingredient`` rule also looks at a slot's notes unless ``check_notes`` is
    false.

    >>> rule = GuardRule("no-milk", "block", "hard", 10, "ingredient", RuleMatch("milk"))
    >>> (rule.action, rule.match.mode)
    (<RuleAction.BLOCK: 'block'>, <MatchMode.WORD_BOUNDARY: 'word_boundary'>)
    """

    id: str = attrs.field(converter=_guardrule_id)
    action: RuleAction = attrs.field(converter=_guardrule_action)
    strictness: Strictness = attrs.field(converter=_guardrule_strictness)
    priority: int = attrs.field(converter=_priority)
    target: RuleTarget = attrs.field(converter=_guardrule_target)
    match: RuleMatch = attrs.field(converter=_match)
    metadata: RuleMetadata = attrs.field(factory=RuleMetadata, converter=_metadata)
    remediation: Remediation | None = attrs.field(default=None, converter=_remediation)
    exempts: AllowScope | None = attrs.field(default=None, converter=_exempts)
    check_notes: bool | None = attrs.field(default=None, converter=_guardrule_check_notes)

    def __attrs_post_init__(self) -> None:
        canonical = self.match.mode is MatchMode.CANONICAL_ID
        if canonical and self.target is not RuleTarget.INGREDIENT:
            raise _invalid("target", "canonical_id mode applies only to ingredient rules")
        if self.exempts is not None and self.action is not RuleAction.ALLOW:
            raise _invalid("exempts", "applies only to allow rules")
        if self.check_notes is not None and (self.target is not RuleTarget.INGREDIENT or canonical):
            raise _invalid(
                "check_notes", "applies only to ingredient rules outside canonical_id mode"
            )

    @property
    def checks_notes(self) -> bool:
        """Whether the rule's ingredient terms are also looked for in notes."""
        if self.target is not RuleTarget.INGREDIENT or self.match.mode is MatchMode.CANONICAL_ID:
            return False
        return self.check_notes is not False


def _dietlogicitem_term(value: Any) -> str:
    return _term("term")(value)


def _dietlogicitem_term_nl(value: Any) -> str | None:
    return _optional_term("term_nl")(value)


def _dietlogicitem_synonyms(value: Any) -> tuple[str, ...]:
    return _terms("synonyms", canonical=True)(value)


def _dietlogicitem_exceptions(value: Any) -> tuple[str, ...]:
    return _exceptions(value)


@attrs.frozen
class DietLogicItem:
    """One item of an ingredient category: an English term, a Dutch term, synonyms.

    Words are compared by their stems: ``term`` as English, ``term_nl`` as Dutch
    and each synonym as both. A one-word ``term_nl`` also matches inside Dutch
    compounds (``melk`` in ``karnemelk``, ``kip`` in ``kippenbouillon``).
    ``exceptions`` are words that never match the item (``prei`` for ``ei``).
    """

    term: str = attrs.field(converter=_dietlogicitem_term)
    term_nl: str | None = attrs.field(default=None, converter=_dietlogicitem_term_nl)
    synonyms: tuple[str, ...] = attrs.field(default=(), converter=_dietlogicitem_synonyms)
    exceptions: tuple[str, ...] = attrs.field(default=(), converter=_dietlogicitem_exceptions)


def _items(value: Any) -> tuple[DietLogicItem, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise _invalid("items", "must be a list of items")
    items = list(value)
    for index, item in enumerate(items):
        if not isinstance(item, DietLogicItem):
            raise InvalidInput.at(("items", index), "must be a DietLogicItem")
    if not items:
        raise _invalid("items", "must not be empty")
    return tuple(sorted(set(items), key=_item_order))


def _item_order(item: DietLogicItem) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    return (item.term, item.term_nl or "", item.synonyms, item.exceptions)


def _dietlogicconstraint_id(value: Any) -> str:
    return _rule_id("id")(value)


def _dietlogicconstraint_kind(value: Any) -> DietLogicKind:
    return _enum(DietLogicKind, "kind")(value)


def _dietlogicconstraint_category(value: Any) -> str:
    return _term("category")(value)


def _dietlogicconstraint_strictness(value: Any) -> Strictness:
    return _enum(Strictness, "strictness")(value)


def _dietlogicconstraint_min_per_day(value: Any) -> int | None:
    return _optional_count("min_per_day")(value)


def _dietlogicconstraint_min_per_week(value: Any) -> int | None:
    return _optional_count("min_per_week")(value)


def _dietlogicconstraint_max_per_day(value: Any) -> int | None:
    return _optional_count("max_per_day")(value)


def _dietlogicconstraint_max_per_week(value: Any) -> int | None:
    return _optional_count("max_per_week")(value)


def _dietlogicconstraint_check_notes(value: Any) -> bool:
    return _flag("check_notes")(value)


def _dietlogicconstraint_label(value: Any) -> str | None:
    return _optional_label("label")(value)


@attrs.frozen
class DietLogicConstraint:
    """Diet Logic for one ingredient category.

    - ``drop``: any item in a dish is a violation;
    - ``force``: at least ``min_per_day`` dishes on each planned day and/or
      ``min_per_week`` dishes in the week contain an item;
    - ``limit``: at most ``max_per_day`` / ``max_per_week`` such dishes;
    - ``pass``: the items are allowed, and exempt the shorter terms inside them
      from the blocks in scope, as an ``allow`` rule does: those of
      ``exempts`` when given, otherwise those of the same ``category``.

    The items are looked for in ingredients and, unless ``check_notes`` is
    false, in a slot's notes.

    ``strictness`` says whether a violation blocks or warns.

    >>> DietLogicConstraint(
    ...     "groente", "force", "vegetables", [DietLogicItem("carrot", "wortel")], min_per_day=1
    ... ).kind
    <DietLogicKind.FORCE: 'force'>
    """

    id: str = attrs.field(converter=_dietlogicconstraint_id)
    kind: DietLogicKind = attrs.field(converter=_dietlogicconstraint_kind)
    category: str = attrs.field(converter=_dietlogicconstraint_category)
    items: tuple[DietLogicItem, ...] = attrs.field(converter=_items)
    strictness: Strictness = attrs.field(
        default=Strictness.HARD, converter=_dietlogicconstraint_strictness
    )
    priority: int = attrs.field(default=PRIORITY_LOWEST, converter=_priority)
    min_per_day: int | None = attrs.field(default=None, converter=_dietlogicconstraint_min_per_day)
    min_per_week: int | None = attrs.field(
        default=None, converter=_dietlogicconstraint_min_per_week
    )
    max_per_day: int | None = attrs.field(default=None, converter=_dietlogicconstraint_max_per_day)
    max_per_week: int | None = attrs.field(
        default=None, converter=_dietlogicconstraint_max_per_week
    )
    label: str | None = attrs.field(default=None, converter=_dietlogicconstraint_label)
    exempts: AllowScope | None = attrs.field(default=None, converter=_exempts)
    check_notes: bool = attrs.field(default=True, converter=_dietlogicconstraint_check_notes)

    def __attrs_post_init__(self) -> None:
        if self.exempts is not None and self.kind is not DietLogicKind.PASS:
            raise _invalid("exempts", "applies only to pass")
        minimums = {"min_per_day": self.min_per_day, "min_per_week": self.min_per_week}
        maximums = {"max_per_day": self.max_per_day, "max_per_week": self.max_per_week}
        if self.kind is DietLogicKind.FORCE:
            self._require_one(minimums)
            self._refuse(maximums)
        elif self.kind is DietLogicKind.LIMIT:
            self._require_one(maximums)
            self._refuse(minimums)
        else:
            self._refuse(minimums | maximums)

    def _require_one(self, bounds: dict[str, int | None]) -> None:
        if all(bound is None for bound in bounds.values()):
            names = " or ".join(bounds)
            raise _invalid(next(iter(bounds)), f"{self.kind.value} needs {names}")

    def _refuse(self, bounds: dict[str, int | None]) -> None:
        for name, bound in bounds.items():
            if bound is not None:
                raise _invalid(name, f"does not apply to {self.kind.value}")


def _provenance_source(value: Any) -> str:
    return _term("source")(value)


def _provenance_reference(value: Any) -> str | None:
    return _optional_label("reference")(value)


@attrs.frozen
class Provenance:
    """Where a ruleset came from; it never changes a decision, so it is not hashed."""

    source: str = attrs.field(default="inline", converter=_provenance_source)
    reference: str | None = attrs.field(default=None, converter=_provenance_reference)


def _tuple_of(kind: type, field: str) -> Callable[[Any], tuple[Any, ...]]:
    def convert(value: Any) -> tuple[Any, ...]:
        if isinstance(value, str | bytes) or not isinstance(value, Iterable):
            raise _invalid(field, "must be a list")
        items = tuple(value)
        for index, item in enumerate(items):
            if not isinstance(item, kind):
                raise InvalidInput.at((field, index), f"must be a {kind.__name__}")
        return items

    return convert


def _version(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= INT_MAX:
        raise _invalid("version", f"must be an integer between 1 and {INT_MAX}")
    return value


def _provenance(value: Any) -> Provenance:
    if isinstance(value, Provenance):
        return value
    raise _invalid("provenance", "must be a Provenance")


def _guardrailsruleset_diet_id(value: Any) -> str:
    return _rule_id("diet_id")(value)


def _guardrailsruleset_rules(value: Any) -> tuple[GuardRule, ...]:
    return _tuple_of(GuardRule, "rules")(value)


def _guardrailsruleset_diet_logic(value: Any) -> tuple[DietLogicConstraint, ...]:
    return _tuple_of(DietLogicConstraint, "diet_logic")(value)


@attrs.frozen
class GuardrailsRuleset:
    """Everything that decides whether a plan fits a diet.

    ``content_hash`` is a sha256 over a canonical JSON form of the rules and the
    Diet Logic: the same in every process, blind to the order of rules, synonyms
    and items, and different as soon as anything that can change a decision
    changes. ``diet_id``, ``version`` and ``provenance`` describe the ruleset and
    are not part of it.

    >>> a = GuardRule("a", "block", "hard", 1, "ingredient", RuleMatch("melk"))
    >>> b = GuardRule("b", "allow", "hard", 2, "ingredient", RuleMatch("kokosmelk"))
    >>> one = GuardrailsRuleset("koemelkvrij", rules=[a, b])
    >>> one.content_hash == GuardrailsRuleset("koemelkvrij", rules=[b, a]).content_hash
    True
    """

    diet_id: str = attrs.field(converter=_guardrailsruleset_diet_id)
    version: int = attrs.field(default=1, converter=_version)
    rules: tuple[GuardRule, ...] = attrs.field(default=(), converter=_guardrailsruleset_rules)
    diet_logic: tuple[DietLogicConstraint, ...] = attrs.field(
        default=(), converter=_guardrailsruleset_diet_logic
    )
    provenance: Provenance = attrs.field(factory=Provenance, converter=_provenance)
    content_hash: str = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        seen: dict[str, str] = {}
        errors: list[ErrorItem] = []
        groups: tuple[tuple[str, tuple[GuardRule | DietLogicConstraint, ...]], ...] = (
            ("rules", self.rules),
            ("diet_logic", self.diet_logic),
        )
        for field, values in groups:
            for index, value in enumerate(values):
                if value.id in seen:
                    errors.append(
                        {
                            "loc": [field, index, "id"],
                            "msg": f"duplicate id {value.id!r} (also in {seen[value.id]})",
                        }
                    )
                else:
                    seen[value.id] = field
        errors += _unknown_scope_ids(groups, seen)
        if errors:
            raise InvalidInput(errors)
        object.__setattr__(self, "content_hash", content_hash_of(self.rules, self.diet_logic))


def _unknown_scope_ids(
    groups: tuple[tuple[str, tuple[GuardRule | DietLogicConstraint, ...]], ...],
    known: dict[str, str],
) -> list[ErrorItem]:
    """A scope that names a rule the ruleset does not have could never apply."""
    errors: list[ErrorItem] = []
    for field, values in groups:
        for index, value in enumerate(values):
            scope = value.exempts
            for position, rule_id in enumerate(() if scope is None else scope.rule_ids):
                if rule_id not in known:
                    errors.append(
                        {
                            "loc": [field, index, "exempts", "rule_ids", position],
                            "msg": f"no rule or Diet Logic constraint has the id {rule_id!r}",
                        }
                    )
    return errors
