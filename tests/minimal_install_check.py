"""Run in an environment with only weekplan, attrs and cattrs: the core must work there.

Also run by the test suite with the optional packages blocked from importing.
"""

import sys
from importlib import metadata

import weekplan
import weekplan.generation
from weekplan.adapters.memory import InMemoryStore
from weekplan.http import ApiRequest, PlanningApi, RequestAccess

OPTIONAL = (
    "sqlalchemy",
    "alembic",
    "psycopg",
    "pymysql",
    "pytest",
    "hypothesis",
    "snowballstemmer",
    "ortools",
)

worker = weekplan.Planner(InMemoryStore()).worker("tenant-a")
template = worker.create_template("Minimal", [weekplan.PlanEntry("mon", "lunch")])
instance = worker.create_instance(template.id, "client-1", "2026-11-23")
assert worker.set_slot("client-1", "2026-11-23", "mon", "lunch", notes="ok").version == 2
# The generation package imports without its solver; only generating needs the extra.
assert weekplan.generation.GenerationQuota().per_client == 10
# The framework-neutral HTTP layer needs no web framework either.
api = PlanningApi(weekplan.Planner(InMemoryStore()))
listing = ApiRequest.of("GET", "/api/planning/templates")
assert api.handle(listing, lambda: RequestAccess.worker("tenant-a")).status == 200
loaded = sorted(name for name in OPTIONAL if sys.modules.get(name) is not None)
assert not loaded, f"the core imported optional packages: {loaded}"
requires = metadata.requires("weekplan") or []
core = sorted(r.split(">")[0].split("=")[0] for r in requires if "extra ==" not in r)
assert core == ["attrs", "cattrs"], core
print("weekplan core works with only", ", ".join(core))
