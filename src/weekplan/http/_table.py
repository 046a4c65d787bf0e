"""The route table: every operation of weekplan's HTTP API, once.

Each framework adapter serves exactly these routes, the OpenAPI document is
generated from them, and the tests walk them for every role. Adding a route is
adding one entry to :data:`ROUTES` (and, usually, one small handler above it).
"""

from __future__ import annotations

from typing import Any

import attrs

from weekplan import serialization as payloads
from weekplan.domain._dishes import Dish
from weekplan.domain._drafts import WeekDraft
from weekplan.domain._paging import Page
from weekplan.domain._plans import SlotOverride, WeekPlanInstance, WeekPlanTemplate
from weekplan.domain._runs import GenerationRun
from weekplan.domain._suggestions import DishSuggestion
from weekplan.domain.changes import ChangeRecord
from weekplan.guardrails import GuardrailsRuleset, ruleset_from_dict, ruleset_to_dict
from weekplan.guardrails._decision import GuardDecision
from weekplan.http._client_payloads import (
    ClientSlotPayload,
    ClientWeekPayload,
    ClientWeekSummary,
    client_slot,
    client_week,
    client_weeks,
)
from weekplan.http._routes import Audience, Call, Reply, Route
from weekplan.planner._draft_review import DraftReview
from weekplan.planner._generation import GeneratedDraft
from weekplan.planner._guardrails import RulesetAssignment
from weekplan.serialization import json_schema

__all__ = ["API_PREFIXES", "ROUTES", "PageQuery"]

#: The path prefixes the API owns: inside them every answer, errors included, is its JSON.
API_PREFIXES = ("/api/planning", "/client")

_TEMPLATE = "/api/planning/templates/{template_id}"
_WEEK = "/api/planning/instances/{client_ref}/{week_start_date}"
_SLOT = f"{_WEEK}/slots/{{day_key}}/{{slot_key}}"
_DRAFT = f"{_WEEK}/draft"
_DISH = "/api/planning/dishes/{dish_id}"
_CLIENT_RULESET = "/api/planning/clients/{client_ref}/ruleset"


@attrs.frozen(kw_only=True)
class PageQuery:
    """Query string of a plain listing: ``?limit=&cursor=``."""

    limit: int = 50
    cursor: str | None = None


# -- templates ----------------------------------------------------------------------------


def _list_templates(call: Call) -> Any:
    q = call.query
    return call.worker.list_templates(search=q.search, limit=q.limit, cursor=q.cursor)


def _create_template(call: Call) -> Any:
    return call.worker.create_template(call.body.name, call.body.days)


def _get_template(call: Call) -> Any:
    return call.worker.get_template(call.params["template_id"])


def _update_template(call: Call) -> Any:
    return call.worker.update_template(call.params["template_id"], **call.body.changes())


def _delete_template(call: Call) -> None:
    call.worker.delete_template(call.params["template_id"])


def _bulk_assign_template(call: Call) -> Any:
    b = call.body
    return call.worker.bulk_assign_template(
        call.params["template_id"],
        slot_key=b.slot_key,
        dish_template_id=b.dish_template_id,
        days=b.days,
        expected_version=b.expected_version,
    )


# -- client weeks -------------------------------------------------------------------------


def _week(call: Call) -> tuple[str, str]:
    return call.params["client_ref"], call.params["week_start_date"]


def _slot(call: Call) -> tuple[str, str, str, str]:
    return (*_week(call), call.params["day_key"], call.params["slot_key"])


def _list_instances(call: Call) -> Any:
    q = call.query
    return call.worker.list_instances(
        client_ref=q.client_ref, week_start_date=q.week_start_date, limit=q.limit, cursor=q.cursor
    )


def _create_instance(call: Call) -> Any:
    b = call.body
    return call.worker.create_instance(b.template_id, b.client_ref, b.week_start_date)


def _get_instance(call: Call) -> Any:
    return call.worker.get_instance(*_week(call))


def _update_instance(call: Call) -> Any:
    b = call.body
    return call.worker.update_instance(
        *_week(call), days=b.days, expected_version=b.expected_version
    )


def _delete_instance(call: Call) -> None:
    call.worker.delete_instance(*_week(call))


def _list_overrides(call: Call) -> Any:
    return call.worker.list_overrides(*_week(call))


def _set_slot(call: Call) -> Any:
    b = call.body
    return call.worker.set_slot(
        *_slot(call),
        dish_template_id=b.dish_template_id,
        notes=b.notes,
        expected_version=b.expected_version,
    )


def _reset_slot(call: Call) -> Any:
    return call.worker.reset_slot(*_slot(call))


def _bulk_assign(call: Call) -> Any:
    b = call.body
    return call.worker.bulk_assign(
        *_week(call),
        slot_key=b.slot_key,
        dish_template_id=b.dish_template_id,
        days=b.days,
        expected_version=b.expected_version,
    )


def _list_changes(call: Call) -> Any:
    return call.worker.list_changes(*_week(call), limit=call.query.limit, cursor=call.query.cursor)


def _lock_slot(call: Call) -> Any:
    b = call.body
    return call.worker.lock_slot(
        *_slot(call),
        reason=b.reason,
        ingredients=b.ingredients,
        expected_version=b.expected_version,
    )


def _unlock_slot(call: Call) -> Any:
    return call.worker.unlock_slot(*_slot(call))


def _start_draft(call: Call) -> Any:
    return call.worker.start_draft(*_week(call))


def _get_draft(call: Call) -> Any:
    return call.worker.get_draft(*_week(call))


def _review_draft(call: Call) -> Any:
    return call.worker.review_draft(*_week(call))


def _apply_draft(call: Call) -> Any:
    b = call.body
    return call.worker.apply_draft(
        *_week(call), expected_version=b.expected_version, reason=b.reason
    )


def _discard_draft(call: Call) -> None:
    call.worker.discard_draft(*_week(call))


def _generate_draft(call: Call) -> Any:
    b = call.body
    return call.worker.generate_draft(
        *_week(call), days=b.days, seed=b.seed, template_id=b.template_id
    )


def _list_runs(call: Call) -> Any:
    q = call.query
    return call.worker.list_runs(client_ref=q.client_ref, limit=q.limit, cursor=q.cursor)


#: What a generation answers beyond the usual errors.
_GENERATION_ERRORS = {
    422: (
        "Malformed input (`errors` names each bad field); `generation_infeasible`, whose "
        "`conflicts` name the diet's constraints no week meets together; or "
        "`guardrails_violation` when no proposal passed the diet"
    ),
    429: (
        "`generation_quota_exceeded`: the quota of the client or tenant (`scope`) is used up; "
        "`retry_after` and the `Retry-After` header say in how many seconds to try again"
    ),
    503: "`generation_failed`: the generator gave no usable week; or the store is unavailable",
}


def _list_all_changes(call: Call) -> Any:
    q = call.query
    return call.worker.list_all_changes(
        client_ref=q.client_ref, since=q.since, until=q.until, limit=q.limit, cursor=q.cursor
    )


def _check_instance(call: Call) -> Any:
    return call.worker.check_instance(*_week(call))


# -- dishes -------------------------------------------------------------------------------


def _list_dishes(call: Call) -> Any:
    q = call.query
    return call.worker.list_dishes(search=q.search, limit=q.limit, cursor=q.cursor)


def _get_dish(call: Call) -> Any:
    return call.worker.get_dish(call.params["dish_id"])


def _upsert_dish(call: Call) -> Any:
    b = call.body
    dish = call.worker.upsert_dish(
        call.params["dish_id"],
        name=b.name,
        meal_types=b.meal_types,
        tags=b.tags,
        ingredients=b.ingredients,
        steps=b.steps,
        expected_version=b.expected_version,
    )
    # A dish's first version is the one that created it.
    return Reply(dish, 201) if dish.version == 1 else dish


def _delete_dish(call: Call) -> None:
    call.worker.delete_dish(call.params["dish_id"])


def _suggest_dishes(call: Call) -> Any:
    q = call.query
    return call.worker.suggest_dishes(
        q.slot_key, query=q.query, limit=q.limit, client_ref=q.client_ref
    )


# -- diet guardrails ----------------------------------------------------------------------


def _ruleset_json(ruleset: GuardrailsRuleset | None) -> dict[str, Any] | None:
    # Unlike ``to_json``, this carries the content hash: the name clients and weeks use for it.
    return None if ruleset is None else ruleset_to_dict(ruleset)


def _rulesets_page_json(page: Page[GuardrailsRuleset]) -> dict[str, Any]:
    return {"items": [_ruleset_json(r) for r in page.items], "next_cursor": page.next_cursor}


def _client_ruleset_json(ruleset: GuardrailsRuleset | None) -> dict[str, Any]:
    return {"ruleset": _ruleset_json(ruleset)}


def _list_rulesets(call: Call) -> Any:
    q = call.query
    return call.worker.list_rulesets(diet_id=q.diet_id, limit=q.limit, cursor=q.cursor)


def _save_ruleset(call: Call) -> Any:
    return call.worker.save_ruleset(call.body)


def _get_ruleset(call: Call) -> Any:
    return call.worker.get_ruleset(call.params["content_hash"])


def _get_client_ruleset(call: Call) -> Any:
    return call.worker.get_client_ruleset(call.params["client_ref"])


def _assign_ruleset(call: Call) -> Any:
    return call.worker.assign_ruleset(call.params["client_ref"], call.body.content_hash)


def _assignment_json(done: RulesetAssignment) -> dict[str, Any]:
    # The ruleset, and what checking the client's weeks against it found.
    return {
        **_client_ruleset_json(done.ruleset),
        "weeks_checked": done.weeks_checked,
        "weeks_not_compliant": [week.isoformat() for week in done.weeks_not_compliant],
    }


def _detach_ruleset(call: Call) -> None:
    call.worker.assign_ruleset(call.params["client_ref"], None)


def _ruleset_schema() -> dict[str, Any]:
    schema = json_schema(GuardrailsRuleset)
    schema["properties"]["content_hash"] = {"type": "string"}
    return schema


_RULESET_SCHEMA = _ruleset_schema()
_RULESET_REF = {"$ref": "#/$defs/GuardrailsRulesetWithHash"}


def _with_ruleset_defs(root: dict[str, Any]) -> dict[str, Any]:
    defs = {
        **_RULESET_SCHEMA.get("$defs", {}),
        "GuardrailsRulesetWithHash": {
            key: value for key, value in _RULESET_SCHEMA.items() if key not in ("$defs", "$schema")
        },
    }
    return {**root, "$defs": defs}


_RULESET_RESPONSE = _with_ruleset_defs(_RULESET_REF)
_RULESETS_PAGE_RESPONSE = _with_ruleset_defs(
    {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _RULESET_REF},
            "next_cursor": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        },
        "required": ["items", "next_cursor"],
        "additionalProperties": False,
    }
)
_CLIENT_RULESET_RESPONSE = _with_ruleset_defs(
    {
        "type": "object",
        "properties": {"ruleset": {"anyOf": [_RULESET_REF, {"type": "null"}]}},
        "required": ["ruleset"],
        "additionalProperties": False,
    }
)
_ASSIGNMENT_RESPONSE = _with_ruleset_defs(
    {
        "type": "object",
        "properties": {
            "ruleset": {"anyOf": [_RULESET_REF, {"type": "null"}]},
            "weeks_checked": {"type": "integer"},
            "weeks_not_compliant": {"type": "array", "items": {"type": "string", "format": "date"}},
        },
        "required": ["ruleset", "weeks_checked", "weeks_not_compliant"],
        "additionalProperties": False,
    }
)
# -- the client's side --------------------------------------------------------------------


def _weekly_plan(call: Call) -> Any:
    return client_week(call.client.weekly_plan(call.query.week_start_date))


def _weekly_plan_slot(call: Call) -> Any:
    view = call.client.weekly_plan(call.query.week_start_date)
    return client_slot(view.slot(call.params["day_key"], call.params["slot_key"]))


def _client_weeks(call: Call) -> Any:
    return client_weeks(call.client.list_weeks(limit=call.query.limit, cursor=call.query.cursor))


def _openapi(call: Call) -> Any:
    from weekplan.http._openapi import openapi_document  # noqa: PLC0415  # it reads this table

    return openapi_document()


def _as_is(value: Any) -> Any:
    return value


_CLIENT = Audience.CLIENT

# One route per entry, its fields side by side, reads better than the formatter's layout.
# fmt: off
#: Every route of the API. Worker routes first, grouped by what they work on.
ROUTES: tuple[Route, ...] = (
    # templates
    Route(
        method="GET", path="/api/planning/templates", operation_id="list_templates",
        handler=_list_templates, summary="List templates, searched and paged",
        tag="templates", query=payloads.TemplateQuery, response=Page[WeekPlanTemplate],
    ),
    Route(
        method="POST", path="/api/planning/templates", operation_id="create_template",
        handler=_create_template, summary="Create a template",
        tag="templates", body=payloads.TemplateCreate, response=WeekPlanTemplate, statuses=(201,),
    ),
    Route(
        method="GET", path=_TEMPLATE, operation_id="get_template",
        handler=_get_template, summary="Read a template",
        tag="templates", response=WeekPlanTemplate,
    ),
    Route(
        method="PATCH", path=_TEMPLATE, operation_id="update_template",
        handler=_update_template, summary="Change a template's name or entries",
        tag="templates", body=payloads.TemplateUpdate, response=WeekPlanTemplate,
    ),
    Route(
        method="DELETE", path=_TEMPLATE, operation_id="delete_template",
        handler=_delete_template, summary="Delete a template; weeks cloned from it stay",
        tag="templates", statuses=(204,),
    ),
    Route(
        method="POST", path=f"{_TEMPLATE}/bulk-assign", operation_id="bulk_assign_template",
        handler=_bulk_assign_template, summary="Put one dish in one slot on several days",
        tag="templates", body=payloads.BulkAssign, response=WeekPlanTemplate,
    ),
    # client weeks
    Route(
        method="GET", path="/api/planning/instances", operation_id="list_instances",
        handler=_list_instances, summary="List client weeks, filtered and paged",
        tag="weeks", query=payloads.InstanceQuery, response=Page[WeekPlanInstance],
    ),
    Route(
        method="POST", path="/api/planning/instances", operation_id="create_instance",
        handler=_create_instance, summary="Clone a template into a client's week",
        tag="weeks", body=payloads.InstanceCreate, response=WeekPlanInstance, statuses=(201,),
    ),
    Route(
        method="GET", path=_WEEK, operation_id="get_instance",
        handler=_get_instance, summary="Read a client's week",
        tag="weeks", response=WeekPlanInstance,
    ),
    Route(
        method="PUT", path=_WEEK, operation_id="update_instance",
        handler=_update_instance, summary="Replace a client's week entries",
        tag="weeks", body=payloads.InstanceUpdate, response=WeekPlanInstance,
    ),
    Route(
        method="DELETE", path=_WEEK, operation_id="delete_instance",
        handler=_delete_instance, summary="Delete a client's week",
        tag="weeks", statuses=(204,),
    ),
    Route(
        method="GET", path=f"{_WEEK}/overrides", operation_id="list_overrides",
        handler=_list_overrides, summary="The slots that differ from the template snapshot",
        tag="weeks", response=list[SlotOverride],
    ),
    Route(
        method="PUT", path=_SLOT, operation_id="set_slot",
        handler=_set_slot, summary="Set one slot's dish and notes",
        tag="weeks", body=payloads.SlotUpdate, response=WeekPlanInstance,
    ),
    Route(
        method="POST", path=f"{_SLOT}/reset", operation_id="reset_slot",
        handler=_reset_slot, summary="Put one slot back to what the template said",
        tag="weeks", response=WeekPlanInstance,
    ),
    Route(
        method="POST", path=f"{_WEEK}/bulk-assign", operation_id="bulk_assign",
        handler=_bulk_assign, summary="Put one dish in one slot on several days",
        tag="weeks", body=payloads.BulkAssign, response=WeekPlanInstance,
    ),
    Route(
        method="GET", path=f"{_WEEK}/changes", operation_id="list_changes",
        handler=_list_changes, summary="The week's change records, newest first",
        tag="weeks", query=PageQuery, response=Page[ChangeRecord],
    ),
    Route(
        method="GET", path="/api/planning/changes", operation_id="list_all_changes",
        handler=_list_all_changes, summary="The tenant's change records, newest first",
        tag="weeks", query=payloads.ChangeQuery, response=Page[ChangeRecord],
    ),
    Route(
        method="PUT", path=f"{_SLOT}/lock", operation_id="lock_slot",
        handler=_lock_slot, summary="Lock one slot, whole or only some ingredients of its dish",
        tag="weeks", body=payloads.LockSlot, response=WeekPlanInstance,
    ),
    Route(
        method="DELETE", path=f"{_SLOT}/lock", operation_id="unlock_slot",
        handler=_unlock_slot, summary="Unlock one slot; an unlocked slot stays as it is",
        tag="weeks", response=WeekPlanInstance,
    ),
    # drafts of a client week
    Route(
        method="POST", path=_DRAFT, operation_id="start_draft",
        handler=_start_draft, summary="Open the week's draft (or return the open one)",
        tag="drafts", response=WeekDraft,
    ),
    Route(
        method="GET", path=_DRAFT, operation_id="get_draft",
        handler=_get_draft, summary="Read the week's draft",
        tag="drafts", response=WeekDraft,
    ),
    Route(
        method="DELETE", path=_DRAFT, operation_id="discard_draft",
        handler=_discard_draft, summary="Drop the week's draft; the live week stays",
        tag="drafts", statuses=(204,),
    ),
    Route(
        method="GET", path=f"{_DRAFT}/review", operation_id="review_draft",
        handler=_review_draft, summary="What applying the draft would do now, nothing written",
        tag="drafts", response=DraftReview,
    ),
    Route(
        method="POST", path=f"{_DRAFT}/apply", operation_id="apply_draft",
        handler=_apply_draft, summary="Make the draft the live week and drop it",
        tag="drafts", body=payloads.DraftApply, response=WeekPlanInstance,
    ),
    Route(
        method="POST", path=f"{_DRAFT}/generate", operation_id="generate_draft",
        handler=_generate_draft, summary="Fill the unlocked slots of some days of the draft",
        tag="drafts", body=payloads.DraftGenerate, response=GeneratedDraft,
        errors=_GENERATION_ERRORS,
    ),
    Route(
        method="GET", path="/api/planning/runs", operation_id="list_runs",
        handler=_list_runs, summary="The tenant's generation runs, newest first",
        tag="drafts", query=payloads.RunQuery, response=Page[GenerationRun],
    ),
    Route(
        method="GET", path=f"{_WEEK}/check", operation_id="check_instance",
        handler=_check_instance, summary="Check the saved week against the client's diet",
        tag="guardrails", response=GuardDecision,
    ),
    # dishes
    Route(
        method="GET", path="/api/planning/dishes", operation_id="list_dishes",
        handler=_list_dishes, summary="List the dish catalog, searched and paged",
        tag="dishes", query=payloads.DishQuery, response=Page[Dish],
    ),
    Route(
        method="GET", path=_DISH, operation_id="get_dish",
        handler=_get_dish, summary="Read a dish", tag="dishes", response=Dish,
    ),
    Route(
        method="PUT", path=_DISH, operation_id="upsert_dish",
        handler=_upsert_dish, summary="Create (201) or replace (200) the dish with this id",
        tag="dishes", body=payloads.DishUpsert, response=Dish, statuses=(200, 201),
    ),
    Route(
        method="DELETE", path=_DISH, operation_id="delete_dish",
        handler=_delete_dish, summary="Delete a dish; plans naming it show it as missing",
        tag="dishes", statuses=(204,),
    ),
    Route(
        method="GET", path="/api/planning/dish-suggestions", operation_id="suggest_dishes",
        handler=_suggest_dishes, summary="Dishes for a slot, the likeliest first",
        tag="dishes", query=payloads.SuggestionQuery, response=list[DishSuggestion],
    ),
    # diet guardrails
    Route(
        method="GET", path="/api/planning/rulesets", operation_id="list_rulesets",
        handler=_list_rulesets, summary="List the stored diet rulesets",
        tag="guardrails", query=payloads.RulesetQuery, render=_rulesets_page_json,
        response_schema=_RULESETS_PAGE_RESPONSE,
    ),
    Route(
        method="POST", path="/api/planning/rulesets", operation_id="save_ruleset",
        handler=_save_ruleset, summary="Store a diet ruleset under its content hash",
        tag="guardrails", parse_body=ruleset_from_dict, body_schema=_RULESET_SCHEMA,
        render=_ruleset_json, response_schema=_RULESET_RESPONSE, statuses=(201,),
    ),
    Route(
        method="GET", path="/api/planning/rulesets/{content_hash}", operation_id="get_ruleset",
        handler=_get_ruleset, summary="Read a stored diet ruleset",
        tag="guardrails", render=_ruleset_json, response_schema=_RULESET_RESPONSE,
    ),
    Route(
        method="GET", path=_CLIENT_RULESET, operation_id="get_client_ruleset",
        handler=_get_client_ruleset, summary="The ruleset a client is on (null if none)",
        tag="guardrails", render=_client_ruleset_json, response_schema=_CLIENT_RULESET_RESPONSE,
    ),
    Route(
        method="PUT", path=_CLIENT_RULESET, operation_id="assign_ruleset",
        handler=_assign_ruleset, summary="Put a client on a stored ruleset and check their weeks",
        tag="guardrails", body=payloads.RulesetAssign, render=_assignment_json,
        response_schema=_ASSIGNMENT_RESPONSE,
    ),
    Route(
        method="DELETE", path=_CLIENT_RULESET, operation_id="detach_ruleset",
        handler=_detach_ruleset, summary="Take a client off their ruleset",
        tag="guardrails", statuses=(204,),
    ),
    # the client's own weeks
    Route(
        method="GET", path="/client/weekly-plan", operation_id="client_weekly_plan",
        handler=_weekly_plan, summary="The signed-in client's week, day by day",
        tag="client", audience=_CLIENT, query=payloads.WeekQuery, response=ClientWeekPayload,
    ),
    Route(
        method="GET", path="/client/weekly-plan/{day_key}/{slot_key}",
        operation_id="client_weekly_plan_slot", handler=_weekly_plan_slot,
        summary="One slot of the signed-in client's week, in detail",
        tag="client", audience=_CLIENT, query=payloads.WeekQuery, response=ClientSlotPayload,
    ),
    Route(
        method="GET", path="/client/weeks", operation_id="client_weeks",
        handler=_client_weeks, summary="The signed-in client's weeks, oldest first",
        tag="client", audience=_CLIENT, query=PageQuery, response=Page[ClientWeekSummary],
    ),
    # the API's own description
    Route(
        method="GET", path="/api/planning/openapi.json", operation_id="openapi",
        handler=_openapi, summary="This API's OpenAPI 3.1 document",
        tag="meta", audience=Audience.ANYONE, render=_as_is,
    ),
)
# fmt: on
