"""The example's URLs: weekplan's whole HTTP API, included."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("", include("weekplan.contrib.django.urls"))]
