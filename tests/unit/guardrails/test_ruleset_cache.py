"""Compiled rulesets are kept by each planner: bounded, thread-safe, never shared."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from weekplan import InvalidInput, Planner
from weekplan.adapters.memory import InMemoryStore
from weekplan.guardrails import (
    GuardrailsRuleset,
    GuardRule,
    PlanTarget,
    RuleMatch,
    RulesetCache,
    compile_ruleset,
    evaluate,
)
from weekplan.planner._options import PlannerOptions

MONDAY = date(2026, 11, 23)


def ruleset(name: str, size: int = 3) -> GuardrailsRuleset:
    rules = [
        GuardRule(f"{name}-{i}", "block", "hard", 1, "ingredient", RuleMatch(f"{name}woord{i}"))
        for i in range(size)
    ]
    return GuardrailsRuleset(name, rules=rules)


def planner_cache(planner: Planner) -> RulesetCache:
    options: PlannerOptions = planner._options
    return options.rulesets


def test_a_ruleset_is_compiled_once_and_then_found_by_its_content_hash() -> None:
    cache = RulesetCache()
    diet = ruleset("melk")
    assert len(cache) == 0
    first = cache.compiled(diet)
    assert cache.compiled(ruleset("melk")) is first  # an equal ruleset: the same content hash
    assert (len(cache), cache.compiles, diet.content_hash in cache) == (1, 1, True)


def test_the_cache_keeps_at_most_maxsize_rulesets_dropping_the_least_recently_used() -> None:
    cache = RulesetCache(maxsize=2)
    a, b, c = ruleset("a"), ruleset("b"), ruleset("c")
    cache.compiled(a)
    cache.compiled(b)
    cache.compiled(a)  # a is now the most recently used
    cache.compiled(c)
    assert len(cache) == 2
    assert (a.content_hash in cache, b.content_hash in cache, c.content_hash in cache) == (
        True,
        False,
        True,
    )
    cache.compiled(b)
    assert cache.compiles == 4  # b was dropped, so it was compiled again


def test_a_cleared_cache_compiles_again() -> None:
    cache = RulesetCache()
    diet = ruleset("melk")
    first = cache.compiled(diet)
    cache.clear()
    assert len(cache) == 0
    assert cache.compiled(diet) is not first


@pytest.mark.parametrize("maxsize", [0, -1, True, 2.5, "16"])
def test_a_cache_size_must_be_a_positive_integer(maxsize: object) -> None:
    with pytest.raises(InvalidInput):
        RulesetCache(maxsize)  # type: ignore[arg-type]  # the wrong types are the input under test


def test_threads_that_want_one_ruleset_at_once_compile_it_once_and_share_it() -> None:
    cache = RulesetCache()
    diet = ruleset("gelijktijdig", size=2000)  # slow enough to compile that the threads meet
    threads = 8
    start = threading.Barrier(threads)
    found: list[object] = []

    def compile_it() -> None:
        start.wait()
        found.append(cache.compiled(diet))

    workers = [threading.Thread(target=compile_it) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(found) == threads
    assert all(compiled is found[0] for compiled in found)
    assert cache.compiles == 1


def test_a_failed_compile_is_not_kept_and_the_next_call_compiles_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import weekplan.guardrails._cache as cache_module  # noqa: PLC0415 -- patched for this test only

    cache = RulesetCache()
    diet = ruleset("melk")

    def broken(_ruleset: GuardrailsRuleset) -> object:
        raise MemoryError

    monkeypatch.setattr(cache_module, "compile_ruleset", broken)
    with pytest.raises(MemoryError):
        cache.compiled(diet)
    assert len(cache) == 0
    monkeypatch.undo()
    assert cache.compiled(diet).content_hash == diet.content_hash


def test_evaluating_through_a_cache_decides_as_evaluate_does() -> None:
    cache = RulesetCache()
    diet = ruleset("melk")
    plan = [PlanTarget("mon", "ontbijt", ingredients=["melkwoord1", "brood"])]
    assert cache.evaluate(diet, plan) == evaluate(diet, plan)
    with pytest.raises(InvalidInput):
        cache.evaluate("not a ruleset", plan)  # type: ignore[arg-type]  # a wrong type on purpose


def test_nothing_is_kept_process_wide() -> None:
    diet = ruleset("melk")
    assert compile_ruleset(diet) is not compile_ruleset(diet)


def test_each_planner_starts_with_an_empty_cache_of_its_own() -> None:
    store = InMemoryStore()
    first, second = Planner(store), Planner(store)
    assert len(planner_cache(first)) == 0
    assert planner_cache(first) is not planner_cache(second)


def test_two_planners_compile_a_client_diet_each_in_its_own_cache() -> None:
    store = InMemoryStore()
    first, second = Planner(store), Planner(store)
    worker = first.worker("tenant-a")
    diet = worker.save_ruleset(ruleset("melk"))
    worker.assign_ruleset("client-1", diet.content_hash)
    template = worker.create_template("Balanced")
    planner_cache(first).clear()

    worker.create_instance(template.id, "client-1", MONDAY)  # checks the week against the diet
    assert diet.content_hash in planner_cache(first)
    assert len(planner_cache(second)) == 0

    second.worker("tenant-a").check_instance("client-1", MONDAY)
    assert diet.content_hash in planner_cache(second)
    assert planner_cache(first).compiled(diet) is not planner_cache(second).compiled(diet)
