"""JSON bodies to arguments and domain values to JSON, for the example's views.

Small on purpose: only what the views need, with every problem reported as
``InvalidInput`` naming the field, like weekplan's own checks.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.http import HttpRequest

from weekplan import (
    ClientWeekView,
    Dish,
    DishSuggestion,
    InvalidInput,
    Page,
    PlanEntry,
    WeekPlanInstance,
    WeekPlanTemplate,
)
from weekplan.serialization import parse_json


def body_of(request: HttpRequest, *, allowed: Collection[str]) -> dict[str, Any]:
    """The request's JSON object, refusing fields the route does not take."""
    try:
        body = parse_json(request.body or b"{}")
    except InvalidInput:
        raise InvalidInput.at(("body",), "must be a JSON object") from None
    if not isinstance(body, dict):
        raise InvalidInput.at(("body",), "must be a JSON object")
    unknown = [name for name in body if name not in allowed]
    if unknown:
        raise InvalidInput({"loc": [name], "msg": "unknown field"} for name in unknown)
    return body


def limit_of(request: HttpRequest, default: int = 50) -> int:
    """``?limit=`` as an integer; the planner checks its range."""
    raw = request.GET.get("limit")
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput.at(("limit",), "must be an integer") from None


def entry_json(entry: PlanEntry) -> dict[str, Any]:
    """One entry with the seed's field names."""
    return {
        "day_key": entry.day_key.value,
        "slot_key": entry.slot_key,
        "dish_template_id": entry.dish_template_id,
        "notes": entry.notes,
    }


def template_json(template: WeekPlanTemplate) -> dict[str, Any]:
    """A template as JSON."""
    return {
        "id": template.id,
        "name": template.name,
        "days": [entry_json(e) for e in template.days],
        "version": template.version,
        "created_at": template.created_at.isoformat(),
        "updated_at": template.updated_at.isoformat(),
    }


def instance_json(instance: WeekPlanInstance) -> dict[str, Any]:
    """A client's week as JSON."""
    return {
        "id": instance.id,
        "template_id": instance.template_id,
        "client_ref": instance.client_ref,
        "week_start_date": instance.week_start_date.isoformat(),
        "days": [entry_json(e) for e in instance.days],
        "template_snapshot": [entry_json(e) for e in instance.template_snapshot],
        "version": instance.version,
        "created_at": instance.created_at.isoformat(),
        "updated_at": instance.updated_at.isoformat(),
        "guardrails": None if instance.guardrails is None else instance.guardrails.to_dict(),
    }


def templates_page_json(page: Page[WeekPlanTemplate]) -> dict[str, Any]:
    """A page of templates as JSON."""
    return {"items": [template_json(t) for t in page.items], "next_cursor": page.next_cursor}


def instances_page_json(page: Page[WeekPlanInstance]) -> dict[str, Any]:
    """A page of client weeks as JSON."""
    return {"items": [instance_json(i) for i in page.items], "next_cursor": page.next_cursor}


def dish_json(dish: Dish) -> dict[str, Any]:
    """A dish of the catalog as JSON."""
    return {
        "id": dish.id,
        "name": dish.name,
        "meal_types": [m.value for m in dish.meal_types],
        "tags": list(dish.tags),
        "ingredients": list(dish.ingredients),
        "steps": list(dish.steps),
        "version": dish.version,
    }


def dishes_page_json(page: Page[Dish]) -> dict[str, Any]:
    """A page of dishes as JSON."""
    return {"items": [dish_json(d) for d in page.items], "next_cursor": page.next_cursor}


def suggestion_json(suggestion: DishSuggestion) -> dict[str, Any]:
    """One suggested dish, with why it ranks where it does."""
    return {
        "dish": dish_json(suggestion.dish),
        "meal_type": None if suggestion.meal_type is None else suggestion.meal_type.value,
        "history_count": suggestion.history_count,
        "labelled": suggestion.labelled,
        "matched_hints": list(suggestion.matched_hints),
        "score": suggestion.score,
    }


def client_week_json(view: ClientWeekView) -> dict[str, Any]:
    """The client's week: every day Monday first, each slot with its dish name and notes."""
    return {
        "client_ref": view.client_ref,
        "week_start_date": view.week_start_date.isoformat(),
        "version": view.version,
        "days": [
            {
                "day_key": day.day_key.value,
                "date": day.date.isoformat(),
                "slots": [
                    {
                        "slot_key": slot.slot_key,
                        "meal_type": None if slot.meal_type is None else slot.meal_type.value,
                        "dish_template_id": slot.dish_template_id,
                        "dish_name": slot.dish_name,
                        "dish_missing": slot.dish_missing,
                        "notes": slot.notes,
                    }
                    for slot in day.slots
                ],
            }
            for day in view.days
        ],
    }
