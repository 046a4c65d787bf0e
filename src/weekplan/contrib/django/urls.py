"""weekplan's HTTP API for a Django project: ``include()`` this module.

In the project's ``urls.py``::

    from django.urls import include, path

    urlpatterns = [path("", include("weekplan.contrib.django.urls"))]

and in its settings, the host's access function (see :mod:`.views` for the
other settings)::

    WEEKPLAN_ACCESS = "myproject.planning.access"

The routes are those of :data:`weekplan.http.ROUTES`: the worker's under
``api/planning/``, the client's under ``client/``, the OpenAPI document at
``api/planning/openapi.json``. Every answer under those prefixes, errors
included, is weekplan's JSON, with the same status as on every other framework.

A project that wants the API under a prefix of its own, or with arguments
rather than settings, uses :func:`planning_urlpatterns`::

    path("planning/", include(planning_urlpatterns(access=my_access)))
"""

from __future__ import annotations

import re
from typing import Any

from django.urls import URLPattern, re_path

from weekplan.contrib.django.views import planning_view
from weekplan.http import API_PREFIXES

__all__ = ["app_name", "planning_urlpatterns", "urlpatterns"]

#: The URL namespace: ``reverse("weekplan:api", kwargs={"path": "api/planning/templates"})``.
app_name = "weekplan"

_PREFIXES = "|".join(re.escape(prefix.lstrip("/")) for prefix in API_PREFIXES)


def planning_urlpatterns(**options: Any) -> list[URLPattern]:
    """The API's URL patterns; ``options`` go to :class:`~.views.PlanningView`."""
    # One pattern for everything under the prefixes, so a path no route has (a
    # trailing slash included) is weekplan's JSON 404, not Django's HTML one.
    pattern = rf"\A(?P<path>(?:{_PREFIXES})(?:/[\s\S]*)?)\Z"
    return [re_path(pattern, planning_view(**options), name="api")]


urlpatterns = planning_urlpatterns()
