"""System checks for the Django settings the store relies on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core import checks

__all__ = ["check_time_zone_support"]


def check_time_zone_support(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """``USE_TZ`` must be on: weekplan's timestamps are aware UTC datetimes.

    With ``USE_TZ = False`` Django stores naive local times, which SQLite refuses
    outright for aware values and PostgreSQL would shift by the server's zone.
    """
    if getattr(settings, "USE_TZ", True):
        return []
    return [
        checks.Error(
            "weekplan needs USE_TZ = True: it stores aware UTC timestamps.",
            hint="Set USE_TZ = True in your settings (the default since Django 5.0).",
            id="weekplan.E001",
        )
    ]
