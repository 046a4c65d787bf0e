"""The example's URLs: the worker's planning API and the client's week."""

from __future__ import annotations

from django.urls import path

from django_app import views

_WEEK = "api/planning/instances/<str:client_ref>/<str:week_start_date>"

urlpatterns = [
    path("api/planning/templates", views.templates, name="templates"),
    path("api/planning/templates/<str:template_id>", views.template, name="template"),
    path(
        "api/planning/templates/<str:template_id>/bulk-assign",
        views.template_bulk_assign,
        name="template-bulk-assign",
    ),
    path("api/planning/instances", views.instances, name="instances"),
    path(_WEEK, views.instance, name="instance"),
    path(f"{_WEEK}/overrides", views.overrides, name="overrides"),
    path(f"{_WEEK}/slots/<str:day_key>/<str:slot_key>", views.slot, name="slot"),
    path(f"{_WEEK}/slots/<str:day_key>/<str:slot_key>/reset", views.slot_reset, name="slot-reset"),
    path(f"{_WEEK}/bulk-assign", views.instance_bulk_assign, name="instance-bulk-assign"),
    path("api/planning/dishes", views.dishes, name="dishes"),
    path("api/planning/dishes/<str:dish_id>", views.dish, name="dish"),
    path("api/planning/dish-suggestions", views.suggestions, name="dish-suggestions"),
    path(f"{_WEEK}/guardrails-check", views.guardrails_check, name="guardrails-check"),
    path("api/planning/rulesets", views.rulesets, name="rulesets"),
    path("api/planning/rulesets/<str:content_hash>", views.ruleset, name="ruleset"),
    path(
        "api/planning/clients/<str:client_ref>/ruleset",
        views.client_ruleset,
        name="client-ruleset",
    ),
    path("client/weekly-plan", views.client_weekly_plan, name="client-weekly-plan"),
]
