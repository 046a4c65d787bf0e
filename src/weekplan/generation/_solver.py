"""The default generator: the week as a constraint problem, solved with OR-Tools CP-SAT.

One boolean per (slot to fill, dish that may go there). Hard:

- every slot gets exactly one dish; a dish a hard rule or ``drop`` blocks is
  never a candidate, and a slot takes only dishes of its meal type (every
  allowed dish when the catalog has none, as the suggestion ranking falls back);
- a dish appears at most ``max_repeats`` times in the week (kept slots count);
- every hard ``force``/``limit`` bound, per planned day and per week, counting
  the dishes kept outside the scope too.

Penalties (minimised): dishes of the client's recent weeks, dishes that trip a
soft rule, missed soft quotas, and a small seeded noise so that different seeds
give different weeks.
Each hard group is switched on by an *assumption*; when no week exists, the
solver returns a set of assumptions that cannot hold together, which is shrunk
to a minimal one and named in :class:`~weekplan.GenerationInfeasible`.

The solver runs on one worker with a fixed seed and a deterministic time limit,
so the same request and seed always give the same week.
OR-Tools is imported when a week is generated, never when weekplan is imported.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from importlib import metadata
from typing import TYPE_CHECKING, Any

import attrs

from weekplan.domain._days import DAY_ORDER, DayKey
from weekplan.domain._dishes import Dish
from weekplan.domain._entries import SlotKey
from weekplan.errors import GenerationFailed, GenerationInfeasible
from weekplan.generation._catalog import (
    DishProfile,
    SlotFit,
    profile_catalog,
    quota_constraints,
    slot_fit,
)
from weekplan.generation._request import GeneratedEntry, GeneratedWeek, GenerationRequest
from weekplan.guardrails._model import DietLogicConstraint, DietLogicKind, Strictness

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

__all__ = ["CpSatGenerator"]

_VERSION = "1"
_MAX_CORE_SHRINK_SOLVES = 40
# Seeded noise per choice: enough to vary weeks by seed, small beside every penalty.
_NOISE = 10
# Dishes per slot and force quota added to a shortlist, so quotas stay within reach.
_QUOTA_SHORTLIST = 4


def _quota_words(constraint: DietLogicConstraint, bound: int, where: str) -> str:
    relation = "at least" if constraint.kind is DietLogicKind.FORCE else "at most"
    kind = constraint.kind.value
    return f"{kind} {constraint.id} ({constraint.category}): {relation} {bound} {where}"


@attrs.frozen
class _Quota:
    """One bound of one constraint over a set of days, as the model sees it."""

    constraint: DietLogicConstraint
    days: frozenset[DayKey]
    bound: int
    label: str

    @property
    def force(self) -> bool:
        return self.constraint.kind is DietLogicKind.FORCE

    def holds(self, count: int) -> bool:
        return count >= self.bound if self.force else count <= self.bound


def _quotas(request: GenerationRequest, planned_days: frozenset[DayKey]) -> list[_Quota]:
    quotas: list[_Quota] = []
    for constraint in quota_constraints(request.ruleset):
        force = constraint.kind is DietLogicKind.FORCE
        per_day = constraint.min_per_day if force else constraint.max_per_day
        per_week = constraint.min_per_week if force else constraint.max_per_week
        if per_day is not None:
            for day in DAY_ORDER:
                if day in planned_days:
                    label = _quota_words(constraint, per_day, f"on {day.value}")
                    quotas.append(_Quota(constraint, frozenset({day}), per_day, label))
        if per_week is not None and planned_days:
            label = _quota_words(constraint, per_week, "per week")
            quotas.append(_Quota(constraint, planned_days, per_week, label))
    return quotas


@attrs.define
class _Problem:
    """The facts of one request, worked out before any model is built."""

    request: GenerationRequest
    slots: tuple[SlotKey, ...]
    profiles: dict[str, DishProfile]
    candidates: list[tuple[str, ...]]
    fits: list[SlotFit]
    kept_dishes: list[tuple[SlotKey, str]]
    quotas: list[_Quota]

    @classmethod
    def of(cls, request: GenerationRequest) -> _Problem:
        unique: dict[str, Dish] = {}
        for dish in request.catalog:
            # A host's catalog may repeat an id: the first one given counts.
            unique.setdefault(dish.id, dish)
        catalog = list(unique.values())
        profiles = profile_catalog(catalog, request.ruleset, rulesets=request.rulesets)
        allowed = [dish for dish in catalog if not profiles[dish.id].blocked]
        slots = request.slots_to_fill
        fits: list[SlotFit] = []
        by_meal: dict[object, SlotFit] = {}
        for _, slot_key in slots:
            # Fit depends on the slot's meal type only: work it out once per meal type.
            meal_type = request.vocabulary.meal_type(slot_key)
            fit = by_meal.get(meal_type)
            if fit is None:
                fit = by_meal[meal_type] = slot_fit(slot_key, allowed, request.vocabulary)
            fits.append(fit)
        wanted = set(slots)
        kept = [
            (entry.key, entry.dish_template_id)
            for entry in request.week
            if entry.key not in wanted and entry.dish_template_id is not None
        ]
        planned = frozenset({day for day, _ in slots} | {day for (day, _), _ in kept})
        return cls(
            request=request,
            slots=slots,
            profiles=profiles,
            candidates=[fit.dish_ids for fit in fits],
            fits=fits,
            kept_dishes=kept,
            quotas=_quotas(request, planned),
        )

    def refuse_the_impossible(self) -> None:
        """Conflicts that need no solver: a kept dish that is blocked, a slot with no dish."""
        conflicts = [
            f"kept slot {day.value}/{slot} holds {dish_id}, blocked by "
            + ", ".join(self.profiles[dish_id].blocked_by)
            for (day, slot), dish_id in self.kept_dishes
            if dish_id in self.profiles and self.profiles[dish_id].blocked
        ]
        conflicts += [
            f"slot {day.value}/{slot}: every dish of the catalog is blocked"
            for (day, slot), candidates in zip(self.slots, self.candidates, strict=True)
            if not candidates
        ]
        if conflicts:
            raise GenerationInfeasible(conflicts)

    def kept_count(self, quota: _Quota) -> int:
        cid = quota.constraint.id
        return sum(
            1
            for (day, _), dish_id in self.kept_dishes
            if day in quota.days
            and dish_id in self.profiles
            and cid in self.profiles[dish_id].counts_for
        )


class CpSatGenerator:
    """The default :class:`~weekplan.generation.PlanGenerator` (needs the ``generate`` extra).

    ``time_limit`` (seconds) bounds the wall clock as a safety net;
    ``work_limit`` bounds the solver's deterministic time, which, unlike the
    wall clock, gives the same answer on a busy and an idle machine.
    The penalties weigh what the week should avoid but may do: a dish of the
    client's recent weeks, a dish that trips a soft rule, a missed soft quota.
    ``shortlist`` is how many of the cheapest dishes per slot the first solve
    considers (``None``: every candidate, slower on a large catalog).
    """

    name = "cp-sat"

    def __init__(
        self,
        *,
        time_limit: float = 10.0,
        work_limit: float = 5.0,
        recent_penalty: int = 1000,
        soft_rule_penalty: int = 200,
        soft_quota_penalty: int = 500,
        shortlist: int | None = 30,
    ) -> None:
        self.time_limit = time_limit
        self.work_limit = work_limit
        self.recent_penalty = recent_penalty
        self.soft_rule_penalty = soft_rule_penalty
        self.soft_quota_penalty = soft_quota_penalty
        self.shortlist = shortlist

    @property
    def version(self) -> str:
        """This generator's version and the OR-Tools version it solves with."""
        return f"{_VERSION}+ortools{metadata.version('ortools')}"

    def generate(self, request: GenerationRequest) -> GeneratedWeek:
        """The best week for ``request``, or :class:`~weekplan.GenerationInfeasible`.

        The solver first gets a shortlist per slot (the cheapest dishes, plus
        the cheapest that count for each quota); only if no week can be made
        from the shortlists does it solve with every candidate, so an
        infeasibility it reports holds for the whole catalog.
        """
        problem = _Problem.of(request)
        problem.refuse_the_impossible()
        noise = random.Random(request.seed)
        costs = [
            {
                dish_id: noise.randrange(_NOISE) + self._dish_penalty(problem, dish_id)
                for dish_id in candidates
            }
            for candidates in problem.candidates
        ]
        if self.shortlist is not None:
            week = self._solve(
                problem, [self._shortlist(problem, row) for row in costs], core=False
            )
            if week is not None:
                return week
        week = self._solve(problem, costs, core=True)
        assert week is not None  # with core=True every other outcome raises
        return week

    def _shortlist(self, problem: _Problem, costs: dict[str, int]) -> dict[str, int]:
        assert self.shortlist is not None
        ranked = sorted(costs, key=lambda dish_id: (costs[dish_id], dish_id))
        kept = dict.fromkeys(ranked[: self.shortlist])
        for quota in problem.quotas:
            if quota.force:
                cid = quota.constraint.id
                counting = [d for d in ranked if cid in problem.profiles[d].counts_for]
                kept.update(dict.fromkeys(counting[:_QUOTA_SHORTLIST]))
        return {dish_id: costs[dish_id] for dish_id in kept}

    def _solve(
        self, problem: _Problem, costs: list[dict[str, int]], *, core: bool
    ) -> GeneratedWeek | None:
        """Solve over the given candidates; ``None`` when that fails and ``core`` is off."""
        from ortools.sat.python import cp_model  # noqa: PLC0415 - optional extra

        model = cp_model.CpModel()
        choice: list[dict[str, Any]] = []
        terms: list[Any] = []
        for row_costs in costs:
            row = {dish_id: model.new_bool_var("") for dish_id in row_costs}
            model.add_exactly_one(row.values())
            choice.append(row)
            terms += [row_costs[d] * var for d, var in row.items() if row_costs[d]]

        assumptions: dict[int, str] = {}
        literals: list[Any] = []

        def assume(label: str) -> Any:
            literal = model.new_bool_var(label)
            assumptions[literal.index] = label
            literals.append(literal)
            return literal

        self._add_variety(model, problem, choice, assume)
        soft_slacks = self._add_quotas(model, problem, choice, assume)
        terms += [self.soft_quota_penalty * slack for _, slack in soft_slacks]
        model.minimize(sum(terms))
        model.add_assumptions(literals)

        solver = self._solver(problem.request.seed)
        # Within the noise of the optimum is as good as optimal: stop there, not at a proof.
        solver.parameters.absolute_gap_limit = _NOISE * len(problem.slots)
        status = solver.solve(model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return self._week(problem, choice, solver, soft_slacks)
        if not core:
            return None
        if status == cp_model.INFEASIBLE:
            found = self._minimal_core(model, solver, literals)
            raise GenerationInfeasible(sorted(assumptions[index] for index in found))
        raise GenerationFailed(
            f"the solver found no week within its limits ({solver.status_name(status)})"
        )

    def _dish_penalty(self, problem: _Problem, dish_id: str) -> int:
        penalty = 0
        if dish_id in problem.request.recent_dish_ids:
            penalty += self.recent_penalty
        penalty += self.soft_rule_penalty * len(problem.profiles[dish_id].warned_by)
        return penalty

    @staticmethod
    def _add_variety(
        model: cp_model.CpModel, problem: _Problem, choice: list[dict[str, Any]], assume: Any
    ) -> None:
        limit = problem.request.max_repeats
        kept = Counter(dish_id for _, dish_id in problem.kept_dishes)
        uses: dict[str, list[Any]] = {}
        for row in choice:
            for dish_id, var in row.items():
                uses.setdefault(dish_id, []).append(var)
        capped = [
            (dish_id, vars_)
            for dish_id, vars_ in uses.items()
            if len(vars_) + kept[dish_id] > limit
        ]
        if not capped:
            return
        literal = assume(f"variety: each dish at most {limit} times a week")
        for dish_id, vars_ in capped:
            model.add(sum(vars_) <= max(0, limit - kept[dish_id])).only_enforce_if(literal)

    @staticmethod
    def _add_quotas(
        model: cp_model.CpModel, problem: _Problem, choice: list[dict[str, Any]], assume: Any
    ) -> list[tuple[_Quota, Any]]:
        slacks: list[tuple[_Quota, Any]] = []
        for quota in problem.quotas:
            cid = quota.constraint.id
            counted = [
                var
                for (day, _), row in zip(problem.slots, choice, strict=True)
                if day in quota.days
                for dish_id, var in row.items()
                if cid in problem.profiles[dish_id].counts_for
            ]
            count = sum(counted) + problem.kept_count(quota)
            if quota.constraint.strictness is Strictness.HARD:
                literal = assume(quota.label)
                bound = count >= quota.bound if quota.force else count <= quota.bound
                model.add(bound).only_enforce_if(literal)
            else:
                # Wide enough for any count: a soft bound is never a wall.
                most = len(counted) + problem.kept_count(quota) + quota.bound
                slack = model.new_int_var(0, most, "")
                model.add(
                    count + slack >= quota.bound if quota.force else count - slack <= quota.bound
                )
                slacks.append((quota, slack))
        return slacks

    def _solver(self, seed: int) -> cp_model.CpSolver:
        from ortools.sat.python import cp_model  # noqa: PLC0415 - optional extra

        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        solver.parameters.max_time_in_seconds = self.time_limit
        solver.parameters.max_deterministic_time = self.work_limit
        # Probing costs more than it saves on these assignment-shaped models.
        solver.parameters.cp_model_probing_level = 0
        return solver

    def _minimal_core(
        self, model: cp_model.CpModel, solver: cp_model.CpSolver, literals: Sequence[Any]
    ) -> list[int]:
        """A set of assumptions that cannot hold together, none of which can be left out."""
        from ortools.sat.python import cp_model  # noqa: PLC0415 - optional extra

        core = list(solver.sufficient_assumptions_for_infeasibility())
        by_index = {literal.index: literal for literal in literals}
        # Only feasibility matters now; OR-Tools leaves this method unannotated.
        model.clear_objective()  # type: ignore[no-untyped-call]  # OR-Tools ships no annotation for it
        # Each trial only has to prove infeasibility; one that runs out of time keeps its literal.
        solver.parameters.max_time_in_seconds = min(self.time_limit, 1.0)
        solver.parameters.absolute_gap_limit = 0
        for index in list(core)[:_MAX_CORE_SHRINK_SOLVES]:
            trial = [other for other in core if other != index]
            model.clear_assumptions()
            model.add_assumptions([by_index[other] for other in trial])
            if solver.solve(model) == cp_model.INFEASIBLE:
                core = trial
        return core

    def _week(
        self,
        problem: _Problem,
        choice: list[dict[str, Any]],
        solver: cp_model.CpSolver,
        soft_slacks: list[tuple[_Quota, Any]],
    ) -> GeneratedWeek:
        entries = []
        for (day, slot), row, fit in zip(problem.slots, choice, problem.fits, strict=True):
            dish_id = next(d for d, var in row.items() if solver.boolean_value(var))
            entries.append(GeneratedEntry(day, slot, dish_id, self._reason(problem, dish_id, fit)))
        missed = {quota.constraint.id for quota, slack in soft_slacks if solver.value(slack) > 0}
        met = tuple(
            dict.fromkeys(
                quota.constraint.id for quota in problem.quotas if quota.constraint.id not in missed
            )
        )
        return GeneratedWeek(tuple(entries), self.name, self.version, met)

    @staticmethod
    def _reason(problem: _Problem, dish_id: str, fit: SlotFit) -> str:
        profile = problem.profiles[dish_id]
        if fit.meal_type is None:
            parts = ["any dish: the slot names no meal"]
        elif fit.fallback:
            parts = [f"any dish: the catalog has no allowed {fit.meal_type.value} dish"]
        else:
            parts = [f"{fit.meal_type.value} dish"]
        if profile.counts_for:
            parts.append("counts for " + ", ".join(sorted(profile.counts_for)))
        if profile.warned_by:
            parts.append("soft warning " + ", ".join(profile.warned_by))
        if dish_id in problem.request.recent_dish_ids:
            parts.append("also in a recent week (too few other dishes)")
        return "; ".join(parts)
