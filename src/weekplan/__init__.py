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
from weekplan.domain._bulk_instances import InstancesCreated
from weekplan.domain._client_view import ClientDay, ClientSlot, ClientWeekView
from weekplan.domain._days import DayKey
from weekplan.domain._dishes import Dish
from weekplan.domain._drafts import DraftCheck, WeekDraft
from weekplan.domain._entries import PlanEntry
from weekplan.domain._guardrails_check import GuardrailsCheck
from weekplan.domain._locks import SlotLock
from weekplan.domain._meal_types import MealType, MealVocabulary, meal_type_for_slot
from weekplan.domain._paging import Page
from weekplan.domain._plans import SlotOverride, WeekPlanInstance, WeekPlanTemplate
from weekplan.domain._runs import GenerationRun, RunStatus, RunType
from weekplan.domain._schedules import RunOutcome, Schedule, ScheduleSource
from weekplan.domain._suggestions import DishSuggestion
from weekplan.domain.changes import (
    ChangeRecord,
    ChangeSource,
    ChangeSubject,
    ChangeType,
    SlotChange,
)
from weekplan.errors import (
    ConcurrentUpdate,
    DishNotFound,
    DraftNotFound,
    GenerationFailed,
    GenerationInfeasible,
    GenerationQuotaExceeded,
    GuardrailsViolation,
    InstanceExists,
    InstanceNotFound,
    InvalidInput,
    NotSupportedByStore,
    ReadOnlyAccess,
    RulesetNotFound,
    ScheduleNotFound,
    SlotLocked,
    SlotNotFound,
    StorageError,
    TemplateNotFound,
    VersionConflict,
    WeekPlanError,
)
from weekplan.planner._client import ClientPlanner
from weekplan.planner._draft_editor import DraftEditor
from weekplan.planner._draft_review import DraftReview
from weekplan.planner._generation import GeneratedDraft
from weekplan.planner._guardrails import RulesetAssignment
from weekplan.planner._planner import Planner
from weekplan.planner._scheduled_runs import ScheduledRun
from weekplan.planner._worker import WorkerPlanner

# Imported for its effect: it gives the domain values their text and HTML displays.
import weekplan.rendering  # noqa: F401  # isort: skip

__version__ = package_version()
"""The installed version, e.g. ``"0.1.0"`` (``"0+unknown"`` when it cannot be found)."""

__all__ = [
    "ChangeRecord",
    "ChangeSource",
    "ChangeSubject",
    "ChangeType",
    "ClientDay",
    "ClientPlanner",
    "ClientSlot",
    "ClientWeekView",
    "ConcurrentUpdate",
    "DayKey",
    "Dish",
    "DishNotFound",
    "DishSuggestion",
    "DraftCheck",
    "DraftEditor",
    "DraftNotFound",
    "DraftReview",
    "GeneratedDraft",
    "GenerationFailed",
    "GenerationInfeasible",
    "GenerationQuotaExceeded",
    "GenerationRun",
    "GuardrailsCheck",
    "GuardrailsViolation",
    "InstanceExists",
    "InstanceNotFound",
    "InstancesCreated",
    "InvalidInput",
    "MealType",
    "MealVocabulary",
    "NotSupportedByStore",
    "Page",
    "PlanEntry",
    "Planner",
    "ReadOnlyAccess",
    "RulesetAssignment",
    "RulesetNotFound",
    "RunOutcome",
    "RunStatus",
    "RunType",
    "Schedule",
    "ScheduleNotFound",
    "ScheduleSource",
    "ScheduledRun",
    "SlotChange",
    "SlotLock",
    "SlotLocked",
    "SlotNotFound",
    "SlotOverride",
    "StorageError",
    "TemplateNotFound",
    "VersionConflict",
    "WeekDraft",
    "WeekPlanError",
    "WeekPlanInstance",
    "WeekPlanTemplate",
    "WorkerPlanner",
    "meal_type_for_slot",
]
