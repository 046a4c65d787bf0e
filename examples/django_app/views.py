"""The example's JSON API: thin views over one bound planner.

Each URL has one handler per HTTP method. The worker comes from the host's idea
of who the request is (:func:`worker_access`), never from the body, and a
read-only worker is refused on every method that writes before its body is read.
Errors are left to ``WeekPlanErrorMiddleware``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.http.response import HttpResponseNotAllowed

from django_app import payloads
from weekplan import InvalidInput, Planner, ReadOnlyAccess, WorkerPlanner
from weekplan.contrib.django.http import ClientAccess, PlannerBinding, WorkerAccess
from weekplan.contrib.django.store import DjangoStore
from weekplan.guardrails import ruleset_to_dict

#: Methods that only read; every other method writes.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

WorkerHandler = Callable[..., HttpResponseBase]


def _tenant(request: HttpRequest) -> str:
    # Stands in for the host's authentication: a real project reads request.user.
    tenant = request.headers.get("X-Tenant")
    if not tenant:
        raise PermissionDenied("no tenant")
    return tenant


def worker_access(request: HttpRequest) -> WorkerAccess:
    """The request's tenant; the ``viewer`` role may only read."""
    return WorkerAccess(_tenant(request), read_only=request.headers.get("X-Role") == "viewer")


def client_access(request: HttpRequest) -> ClientAccess:
    """The request's tenant and the client it is signed in as."""
    client_ref = request.headers.get("X-Client-Ref")
    if not client_ref:
        raise PermissionDenied("no client")
    return ClientAccess(_tenant(request), client_ref)


binding = PlannerBinding(
    Planner(DjangoStore()), worker_access=worker_access, client_access=client_access
)


def worker_route(**handlers: WorkerHandler) -> Callable[..., HttpResponseBase]:
    """One view for one URL: dispatch on the method, refuse writes of a read-only worker."""
    by_method: Mapping[str, WorkerHandler] = {m.upper(): h for m, h in handlers.items()}

    def view(request: HttpRequest, **kwargs: str) -> HttpResponseBase:
        handler = by_method.get(request.method or "")
        if handler is None:
            return HttpResponseNotAllowed(sorted(by_method))
        worker = binding.worker(request)
        if worker.read_only and request.method not in SAFE_METHODS:
            raise ReadOnlyAccess()
        return handler(request, worker, **kwargs)

    view.http_methods = frozenset(by_method)  # type: ignore[attr-defined]  # read by the tests
    return view


def _json(body: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status)


# -- templates ------------------------------------------------------------------------


def list_templates(request: HttpRequest, worker: WorkerPlanner) -> HttpResponseBase:
    """``GET /api/planning/templates?search=&limit=&cursor=``."""
    page = worker.list_templates(
        search=request.GET.get("search"),
        limit=payloads.limit_of(request),
        cursor=request.GET.get("cursor"),
    )
    return _json(payloads.templates_page_json(page))


def create_template(request: HttpRequest, worker: WorkerPlanner) -> HttpResponseBase:
    """``POST /api/planning/templates`` with ``{"name", "days"}``."""
    body = payloads.body_of(request, allowed={"name", "days"})
    name: Any = body.get("name")  # the planner checks every field
    template = worker.create_template(name, body.get("days", []))
    return _json(payloads.template_json(template), status=201)


def get_template(request: HttpRequest, worker: WorkerPlanner, template_id: str) -> HttpResponseBase:
    """``GET /api/planning/templates/<id>``."""
    return _json(payloads.template_json(worker.get_template(template_id)))


def update_template(
    request: HttpRequest, worker: WorkerPlanner, template_id: str
) -> HttpResponseBase:
    """``PUT``/``PATCH /api/planning/templates/<id>`` with any of ``name``, ``days``."""
    body = payloads.body_of(request, allowed={"name", "days", "expected_version"})
    changes = {key: body[key] for key in ("name", "days") if key in body}
    template = worker.update_template(
        template_id, expected_version=body.get("expected_version"), **changes
    )
    return _json(payloads.template_json(template))


def delete_template(
    request: HttpRequest, worker: WorkerPlanner, template_id: str
) -> HttpResponseBase:
    """``DELETE /api/planning/templates/<id>``; the weeks cloned from it stay."""
    worker.delete_template(template_id)
    return HttpResponse(status=204)


# -- client weeks ---------------------------------------------------------------------


def list_instances(request: HttpRequest, worker: WorkerPlanner) -> HttpResponseBase:
    """``GET /api/planning/instances?client_ref=&week_start_date=&limit=&cursor=``."""
    page = worker.list_instances(
        client_ref=request.GET.get("client_ref"),
        week_start_date=request.GET.get("week_start_date"),
        limit=payloads.limit_of(request),
        cursor=request.GET.get("cursor"),
    )
    return _json(payloads.instances_page_json(page))


def create_instance(request: HttpRequest, worker: WorkerPlanner) -> HttpResponseBase:
    """``POST /api/planning/instances``: clone a template into a client's week."""
    body = payloads.body_of(request, allowed={"template_id", "client_ref", "week_start_date"})
    key: list[Any] = [body.get(k) for k in ("template_id", "client_ref", "week_start_date")]
    instance = worker.create_instance(*key)  # the planner checks every field
    return _json(payloads.instance_json(instance), status=201)


def get_instance(
    request: HttpRequest, worker: WorkerPlanner, client_ref: str, week_start_date: str
) -> HttpResponseBase:
    """``GET /api/planning/instances/<client_ref>/<week_start_date>``."""
    return _json(payloads.instance_json(worker.get_instance(client_ref, week_start_date)))


def update_instance(
    request: HttpRequest, worker: WorkerPlanner, client_ref: str, week_start_date: str
) -> HttpResponseBase:
    """``PUT /api/planning/instances/<client_ref>/<week_start_date>`` with ``{"days"}``."""
    body = payloads.body_of(request, allowed={"days", "expected_version"})
    if "days" not in body:
        raise InvalidInput.at(("days",), "field required")
    instance = worker.update_instance(
        client_ref,
        week_start_date,
        days=body["days"],
        expected_version=body.get("expected_version"),
    )
    return _json(payloads.instance_json(instance))


def delete_instance(
    request: HttpRequest, worker: WorkerPlanner, client_ref: str, week_start_date: str
) -> HttpResponseBase:
    """``DELETE /api/planning/instances/<client_ref>/<week_start_date>``."""
    worker.delete_instance(client_ref, week_start_date)
    return HttpResponse(status=204)


def set_slot(
    request: HttpRequest,
    worker: WorkerPlanner,
    *,
    client_ref: str,
    week_start_date: str,
    day_key: str,
    slot_key: str,
) -> HttpResponseBase:
    """``PUT .../slots/<day_key>/<slot_key>`` with ``dish_template_id`` and/or ``notes``.

    A field left out keeps its value; ``null`` clears it.
    """
    body = payloads.body_of(request, allowed={"dish_template_id", "notes", "expected_version"})
    given = {key: body[key] for key in ("dish_template_id", "notes") if key in body}
    instance = worker.set_slot(
        client_ref,
        week_start_date,
        day_key,
        slot_key,
        expected_version=body.get("expected_version"),
        **given,
    )
    return _json(payloads.instance_json(instance))


def reset_slot(
    request: HttpRequest,
    worker: WorkerPlanner,
    *,
    client_ref: str,
    week_start_date: str,
    day_key: str,
    slot_key: str,
) -> HttpResponseBase:
    """``POST .../slots/<day_key>/<slot_key>/reset``: back to what the template said."""
    body = payloads.body_of(request, allowed={"expected_version"})
    instance = worker.reset_slot(
        client_ref,
        week_start_date,
        day_key,
        slot_key,
        expected_version=body.get("expected_version"),
    )
    return _json(payloads.instance_json(instance))


def list_overrides(
    request: HttpRequest, worker: WorkerPlanner, client_ref: str, week_start_date: str
) -> HttpResponseBase:
    """``GET .../overrides``: every slot that differs from the template snapshot."""
    overrides = worker.list_overrides(client_ref, week_start_date)
    return _json(
        {
            "items": [
                {
                    "day_key": o.day_key.value,
                    "slot_key": o.slot_key,
                    "snapshot": None if o.snapshot is None else payloads.entry_json(o.snapshot),
                    "current": None if o.current is None else payloads.entry_json(o.current),
                }
                for o in overrides
            ]
        }
    )


def bulk_assign(
    request: HttpRequest, worker: WorkerPlanner, *, client_ref: str, week_start_date: str
) -> HttpResponseBase:
    """``POST .../bulk-assign`` with ``slot_key``, ``dish_template_id`` and ``days``.

    ``days`` is ``"week"`` (the default), one day (``"tue"``) or a list of days.
    """
    body = payloads.body_of(
        request, allowed={"slot_key", "dish_template_id", "days", "expected_version"}
    )
    instance = worker.bulk_assign(
        client_ref,
        week_start_date,
        slot_key=body.get("slot_key"),  # type: ignore[arg-type]  # the planner checks it
        dish_template_id=body.get("dish_template_id"),  # type: ignore[arg-type]
        days=body.get("days", "week"),
        expected_version=body.get("expected_version"),
    )
    return _json(payloads.instance_json(instance))


def bulk_assign_template(
    request: HttpRequest, worker: WorkerPlanner, template_id: str
) -> HttpResponseBase:
    """``POST /api/planning/templates/<id>/bulk-assign``: the same, on a template."""
    body = payloads.body_of(
        request, allowed={"slot_key", "dish_template_id", "days", "expected_version"}
    )
    template = worker.bulk_assign_template(
        template_id,
        slot_key=body.get("slot_key"),  # type: ignore[arg-type]  # the planner checks it
        dish_template_id=body.get("dish_template_id"),  # type: ignore[arg-type]
        days=body.get("days", "week"),
        expected_version=body.get("expected_version"),
    )
    return _json(payloads.template_json(template))


# -- dishes ---------------------------------------------------------------------------


def list_dishes(request: HttpRequest, worker: WorkerPlanner) -> HttpResponseBase:
    """``GET /api/planning/dishes?search=&limit=&cursor=``."""
    page = worker.list_dishes(
        search=request.GET.get("search"),
        limit=payloads.limit_of(request),
        cursor=request.GET.get("cursor"),
    )
    return _json(payloads.dishes_page_json(page))


def get_dish(request: HttpRequest, worker: WorkerPlanner, dish_id: str) -> HttpResponseBase:
    """``GET /api/planning/dishes/<dish_id>``."""
    return _json(payloads.dish_json(worker.get_dish(dish_id)))


def upsert_dish(request: HttpRequest, worker: WorkerPlanner, dish_id: str) -> HttpResponseBase:
    """``PUT /api/planning/dishes/<dish_id>``: create or change a dish."""
    fields = {"name", "meal_types", "tags", "ingredients", "steps", "expected_version"}
    body = payloads.body_of(request, allowed=fields)
    name: Any = body.pop("name", None)  # the planner reports it missing
    dish = worker.upsert_dish(dish_id, name=name, **body)
    return _json(payloads.dish_json(dish))


def delete_dish(request: HttpRequest, worker: WorkerPlanner, dish_id: str) -> HttpResponseBase:
    """``DELETE /api/planning/dishes/<dish_id>``; plans naming it show it as missing."""
    worker.delete_dish(dish_id)
    return HttpResponse(status=204)


def dish_suggestions(request: HttpRequest, worker: WorkerPlanner) -> HttpResponseBase:
    """``GET /api/planning/dish-suggestions?slot_key=&query=&limit=``."""
    slot_key: Any = request.GET.get("slot_key")  # the planner reports it missing
    suggestions = worker.suggest_dishes(
        slot_key, query=request.GET.get("query"), limit=payloads.limit_of(request, default=10)
    )
    return _json({"items": [payloads.suggestion_json(s) for s in suggestions]})


# -- diet guardrails -------------------------------------------------------------------


def list_rulesets(request: HttpRequest, worker: WorkerPlanner) -> HttpResponseBase:
    """``GET /api/planning/rulesets?diet_id=&limit=&cursor=``."""
    page = worker.list_rulesets(
        diet_id=request.GET.get("diet_id"),
        limit=payloads.limit_of(request),
        cursor=request.GET.get("cursor"),
    )
    items = [ruleset_to_dict(r) for r in page.items]
    return _json({"items": items, "next_cursor": page.next_cursor})


def save_ruleset(request: HttpRequest, worker: WorkerPlanner) -> HttpResponseBase:
    """``POST /api/planning/rulesets`` with ``{"ruleset": {...}}``; saving it again is harmless."""
    body = payloads.body_of(request, allowed={"ruleset"})
    ruleset: Any = body.get("ruleset")  # the planner reports it missing or malformed
    return _json(ruleset_to_dict(worker.save_ruleset(ruleset)), status=201)


def get_ruleset(request: HttpRequest, worker: WorkerPlanner, content_hash: str) -> HttpResponseBase:
    """``GET /api/planning/rulesets/<content_hash>``."""
    return _json(ruleset_to_dict(worker.get_ruleset(content_hash)))


def get_client_ruleset(
    request: HttpRequest, worker: WorkerPlanner, client_ref: str
) -> HttpResponseBase:
    """``GET /api/planning/clients/<client_ref>/ruleset``: ``null`` when the client has no diet."""
    ruleset = worker.get_client_ruleset(client_ref)
    return _json({"ruleset": None if ruleset is None else ruleset_to_dict(ruleset)})


def assign_ruleset(
    request: HttpRequest, worker: WorkerPlanner, client_ref: str
) -> HttpResponseBase:
    """``PUT /api/planning/clients/<client_ref>/ruleset`` with ``{"content_hash"}`` or ``null``."""
    body = payloads.body_of(request, allowed={"content_hash"})
    if "content_hash" not in body:
        raise InvalidInput.at(("content_hash",), "field required")
    done = worker.assign_ruleset(client_ref, body["content_hash"])
    ruleset = done.ruleset
    return _json(
        {
            "ruleset": None if ruleset is None else ruleset_to_dict(ruleset),
            "weeks_checked": done.weeks_checked,
            "weeks_not_compliant": [week.isoformat() for week in done.weeks_not_compliant],
        }
    )


def check_instance(
    request: HttpRequest, worker: WorkerPlanner, client_ref: str, week_start_date: str
) -> HttpResponseBase:
    """``GET .../guardrails-check``: how the saved week fares against the client's diet now."""
    decision = worker.check_instance(client_ref, week_start_date)
    return _json({**decision.compact(), "content_hash": decision.content_hash})


# -- the client's side ----------------------------------------------------------------


def client_weekly_plan(request: HttpRequest) -> HttpResponseBase:
    """``GET /client/weekly-plan?week_start_date=``: the signed-in client's week, read-only."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    week: Any = request.GET.get("week_start_date")  # the planner reports it missing
    view = binding.client(request).weekly_plan(week)
    return _json(payloads.client_week_json(view))


# Read by the tests that walk every route by method.
client_weekly_plan.http_methods = frozenset({"GET"})  # type: ignore[attr-defined]

templates = worker_route(get=list_templates, post=create_template)
template = worker_route(
    get=get_template, put=update_template, patch=update_template, delete=delete_template
)
instances = worker_route(get=list_instances, post=create_instance)
instance = worker_route(get=get_instance, put=update_instance, delete=delete_instance)
slot = worker_route(put=set_slot)
slot_reset = worker_route(post=reset_slot)
overrides = worker_route(get=list_overrides)
instance_bulk_assign = worker_route(post=bulk_assign)
template_bulk_assign = worker_route(post=bulk_assign_template)
dishes = worker_route(get=list_dishes)
dish = worker_route(get=get_dish, put=upsert_dish, delete=delete_dish)
suggestions = worker_route(get=dish_suggestions)
rulesets = worker_route(get=list_rulesets, post=save_ruleset)
ruleset = worker_route(get=get_ruleset)
client_ruleset = worker_route(get=get_client_ruleset, put=assign_ruleset)
guardrails_check = worker_route(get=check_instance)
