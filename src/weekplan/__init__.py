"""weekplan: tenant-safe weekly meal planning for host applications.

Workers build week plan templates, clone them into a week for each client, and
edit that week without touching the template; clients get a read-only view.

>>> from weekplan import Planner
>>> from weekplan.adapters.memory import InMemoryStore
>>> worker = Planner(InMemoryStore()).worker("tenant-a")
>>> worker.list_templates().items
()
"""

from weekplan.domain.days import DayKey
from weekplan.domain.entries import PlanEntry
from weekplan.domain.paging import Page
from weekplan.domain.plans import SlotOverride, WeekPlanInstance, WeekPlanTemplate
from weekplan.errors import (
    DishNotFound,
    InstanceExists,
    InstanceNotFound,
    InvalidInput,
    ReadOnlyAccess,
    StorageError,
    TemplateNotFound,
    VersionConflict,
    WeekPlanError,
)
from weekplan.planner.client import ClientPlanner
from weekplan.planner.planner import Planner
from weekplan.planner.worker import WorkerPlanner

__all__ = [
    "ClientPlanner",
    "DayKey",
    "DishNotFound",
    "InstanceExists",
    "InstanceNotFound",
    "InvalidInput",
    "Page",
    "PlanEntry",
    "Planner",
    "ReadOnlyAccess",
    "SlotOverride",
    "StorageError",
    "TemplateNotFound",
    "VersionConflict",
    "WeekPlanError",
    "WeekPlanInstance",
    "WeekPlanTemplate",
    "WorkerPlanner",
]
