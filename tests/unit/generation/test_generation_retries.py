"""The guardrail retry loop, and the prompt adapter driven by a deliberately sloppy fake model."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import pytest

from weekplan import (
    GenerationFailed,
    GenerationInfeasible,
    GuardrailsViolation,
    InvalidInput,
    PlanEntry,
)
from weekplan.generation import (
    GeneratedEntry,
    GeneratedWeek,
    GenerationRequest,
    PromptedGenerator,
    generate_checked,
)
from weekplan.testing._generation_problems import block, diet, dish, quota, small_request, week

CATALOG = [
    dish("milk-pudding", "dinner", "melk"),
    dish("fish", "dinner", "kabeljauw", "vis"),
    dish("beans", "dinner", "bonen"),
]
RULESET = diet(block("melk"), quota("fish", "force", "vis", min_per_week=1))


class ScriptedGenerator:
    """A generator that answers from a script, one proposal per call, and keeps what it saw."""

    name = "scripted"
    version = "0"

    def __init__(self, script: Sequence[Callable[[GenerationRequest], GeneratedWeek]]) -> None:
        self.script = list(script)
        self.seen: list[GenerationRequest] = []

    def generate(self, request: GenerationRequest) -> GeneratedWeek:
        self.seen.append(request)
        return self.script[min(len(self.seen), len(self.script)) - 1](request)


def proposal(*picks: tuple[str, str, str]) -> Callable[[GenerationRequest], GeneratedWeek]:
    def answer(_request: GenerationRequest) -> GeneratedWeek:
        return GeneratedWeek(
            [GeneratedEntry(day, slot, dish_id, "scripted") for day, slot, dish_id in picks],
            "scripted",
            "0",
        )

    return answer


def two_dinners(**options: object) -> GenerationRequest:
    return small_request(week(["mon", "tue"], ["dinner"]), CATALOG, RULESET, **options)


def test_a_blocked_proposal_is_retried_with_its_violations_and_the_second_one_passes() -> None:
    sloppy = ScriptedGenerator(
        [
            proposal(("mon", "dinner", "milk-pudding"), ("tue", "dinner", "beans")),
            proposal(("mon", "dinner", "fish"), ("tue", "dinner", "beans")),
        ]
    )
    checked = generate_checked(sloppy, two_dinners())
    assert checked.attempts == 2
    assert checked.decision is not None
    assert checked.decision.ok
    assert [e.dish_template_id for e in checked.week] == ["fish", "beans"]
    fed_back = {v.rule_id for v in sloppy.seen[1].violations}
    assert fed_back == {"no-melk", "fish"}, "the block and the missed force quota both come back"
    assert any(v.dish_id == "milk-pudding" for v in sloppy.seen[1].violations)


def test_every_attempt_blocked_fails_with_the_last_decision() -> None:
    always = ScriptedGenerator(
        [proposal(("mon", "dinner", "milk-pudding"), ("tue", "dinner", "fish"))]
    )
    with pytest.raises(GuardrailsViolation) as caught:
        generate_checked(always, two_dinners(), max_attempts=4)
    assert len(always.seen) == 4
    assert caught.value.decision.applied_rule_ids == ("no-melk",)
    assert len(always.seen[-1].violations) == 3, "each retry adds the violations of the last"


def test_a_proposal_that_touches_a_locked_slot_or_invents_a_dish_is_retried() -> None:
    sloppy = ScriptedGenerator(
        [
            proposal(("mon", "dinner", "fish"), ("tue", "dinner", "beans")),
            proposal(("tue", "dinner", "caviar")),
            proposal(("tue", "dinner", "beans")),
        ]
    )
    entries = [PlanEntry("mon", "dinner", dish_template_id="fish"), PlanEntry("tue", "dinner")]
    req = small_request(entries, CATALOG, RULESET, locked=[("mon", "dinner")])
    checked = generate_checked(sloppy, req)
    assert checked.attempts == 3
    messages = [v.message for v in sloppy.seen[2].violations]
    assert "slot mon/dinner is locked" in messages
    assert "dish 'caviar' in tue/dinner is not in the catalog" in messages
    assert checked.week[0] == entries[0]


def test_a_proposal_that_leaves_a_slot_empty_fails_after_the_last_attempt() -> None:
    lazy = ScriptedGenerator([proposal(("mon", "dinner", "fish"))])
    with pytest.raises(GenerationFailed, match="tue/dinner is left empty"):
        generate_checked(lazy, two_dinners(), max_attempts=2)


def test_infeasibility_is_not_retried() -> None:
    class Impossible:
        name = "impossible"
        version = "0"
        calls = 0

        def generate(self, request: GenerationRequest) -> GeneratedWeek:
            self.calls += 1
            raise GenerationInfeasible(["force fish: at least 9 per week"])

    generator = Impossible()
    with pytest.raises(GenerationInfeasible):
        generate_checked(generator, two_dinners())
    assert generator.calls == 1


def test_a_client_without_a_diet_accepts_the_first_sound_proposal() -> None:
    plain = small_request(week(["mon"], ["dinner"]), CATALOG)
    checked = generate_checked(
        ScriptedGenerator([proposal(("mon", "dinner", "milk-pudding"))]), plain
    )
    assert (checked.attempts, checked.decision) == (1, None)


@pytest.mark.parametrize("attempts", [0, -1, True, "3"])
def test_the_number_of_attempts_must_be_positive(attempts: object) -> None:
    with pytest.raises(InvalidInput, match="max_attempts"):
        generate_checked(ScriptedGenerator([]), two_dinners(), max_attempts=attempts)  # type: ignore[arg-type]


class SloppyModel:
    """A fake language model: garbage first, then a forbidden dish, then it listens."""

    def __init__(self) -> None:
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if len(self.prompts) == 1:
            return "Sure! Here is a lovely week: ..."
        dinner = "milk-pudding" if len(self.prompts) == 2 else "fish"
        return json.dumps(
            {
                "entries": [
                    {"day_key": "mon", "slot_key": "dinner", "dish_id": dinner, "reason": "tasty"},
                    {"day_key": "tue", "slot_key": "dinner", "dish_id": "beans"},
                ]
            }
        )


def test_the_prompt_adapter_retries_a_sloppy_model_until_the_week_passes() -> None:
    model = SloppyModel()
    generator = PromptedGenerator(model, name="fake-llm", version="7")
    checked = generate_checked(generator, two_dinners())
    assert checked.attempts == 3
    assert checked.proposal.generator == "fake-llm"
    assert [e.dish_template_id for e in checked.week] == ["fish", "beans"]
    assert checked.proposal.entries[0].reason == "tasty"
    assert "not the JSON asked for" in model.prompts[1]
    assert "no-melk" in model.prompts[2]
    assert "milk-pudding" in model.prompts[2]


def test_the_prompt_carries_the_constraints_the_slots_and_only_allowed_dishes() -> None:
    req = two_dinners(recent_dish_ids={"beans"})
    prompt = _prompt_of(req)
    assert "Avoid (hard): melk" in prompt
    assert "Include: vis [fish at least 1 per week] (hard)." in prompt
    assert "- mon/dinner" in prompt
    assert "- tue/dinner" in prompt
    assert "- fish: Fish" in prompt
    assert "milk-pudding" not in prompt, "blocked dishes are never offered"
    assert "planned recently): beans" in prompt


def _prompt_of(req: GenerationRequest) -> str:
    seen: list[str] = []

    def capture(prompt: str) -> str:
        seen.append(prompt)
        return json.dumps({"entries": []})

    PromptedGenerator(capture).generate(req)
    return seen[0]
