"""weekplan: tenant-safe weekly meal planning for host applications.

Workers build week plan templates, clone them into a week for each client, and
edit that week without touching the template; clients get a read-only view.

>>> from weekplan import Planner
>>> from weekplan.adapters.memory import InMemoryStore
>>> worker = Planner(InMemoryStore()).worker("tenant-a")
>>> worker.list_templates().items
()
"""

from weekplan._version import package_version
from weekplan.domain.bulk_instances import InstancesCreated
from weekplan.domain.client_view import ClientDay, ClientSlot, ClientWeekView
from weekplan.domain.days import DayKey
from weekplan.domain.dishes import Dish
from weekplan.domain.entries import PlanEntry
from weekplan.domain.guardrails_check import GuardrailsCheck
from weekplan.domain.meal_types import MealType, MealVocabulary, meal_type_for_slot
from weekplan.domain.paging import Page
from weekplan.domain.plans import SlotOverride, WeekPlanInstance, WeekPlanTemplate
from weekplan.domain.suggestions import DishSuggestion
from weekplan.errors import (
    DishNotFound,
    GuardrailsViolation,
    InstanceExists,
    InstanceNotFound,
    InvalidInput,
    ReadOnlyAccess,
    RulesetNotFound,
    SlotNotFound,
    StorageError,
    TemplateNotFound,
    VersionConflict,
    WeekPlanError,
)
from weekplan.planner.client import ClientPlanner
from weekplan.planner.planner import Planner
from weekplan.planner.worker import WorkerPlanner

__version__ = package_version()
"""The installed version, e.g. ``"0.1.0"`` (``"0+unknown"`` when it cannot be found)."""

__all__ = [
    "ClientDay",
    "ClientPlanner",
    "ClientSlot",
    "ClientWeekView",
    "DayKey",
    "Dish",
    "DishNotFound",
    "DishSuggestion",
    "GuardrailsCheck",
    "GuardrailsViolation",
    "InstanceExists",
    "InstanceNotFound",
    "InstancesCreated",
    "InvalidInput",
    "MealType",
    "MealVocabulary",
    "Page",
    "PlanEntry",
    "Planner",
    "ReadOnlyAccess",
    "RulesetNotFound",
    "SlotNotFound",
    "SlotOverride",
    "StorageError",
    "TemplateNotFound",
    "VersionConflict",
    "WeekPlanError",
    "WeekPlanInstance",
    "WeekPlanTemplate",
    "WorkerPlanner",
    "meal_type_for_slot",
]
