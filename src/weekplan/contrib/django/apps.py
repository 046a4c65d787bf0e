"""The Django app configuration of weekplan."""

from __future__ import annotations

from django.apps import AppConfig
from django.core import checks

__all__ = ["WeekPlanConfig"]


class WeekPlanConfig(AppConfig):
    """weekplan's app: label ``weekplan``, tables ``weekplan_*``."""

    name = "weekplan.contrib.django"
    label = "weekplan"
    verbose_name = "Week plans"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the system checks of the settings weekplan relies on."""
        # Django wants app modules imported only once its app registry is ready.
        from weekplan.contrib.django.checks import check_time_zone_support  # noqa: PLC0415

        checks.register(check_time_zone_support, checks.Tags.database)
