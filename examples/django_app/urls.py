"""The example's URLs: the worker's planning API and the client's week."""

from __future__ import annotations

from django.urls import path

from django_app import views

_WEEK = "api/planning/instances/<str:client_ref>/<str:week_start_date>"

urlpatterns = [
    path("api/planning/templates", views.templates, name="templates"),
    path("api/planning/templates/<str:template_id>", views.template, name="template"),
    path("api/planning/instances", views.instances, name="instances"),
    path(_WEEK, views.instance, name="instance"),
    path(f"{_WEEK}/overrides", views.overrides, name="overrides"),
    path(f"{_WEEK}/slots/<str:day_key>/<str:slot_key>", views.slot, name="slot"),
    path(f"{_WEEK}/slots/<str:day_key>/<str:slot_key>/reset", views.slot_reset, name="slot-reset"),
]
