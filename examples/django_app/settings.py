"""Settings of the example project: the smallest Django project that embeds weekplan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = "example-only-not-a-secret"  # an example project, never deployed
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]

INSTALLED_APPS = [
    "weekplan.contrib.django",
]

MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    # Every WeekPlanError a view lets through becomes {"detail": ...} with its status code.
    "weekplan.contrib.django.http.WeekPlanErrorMiddleware",
]

ROOT_URLCONF = "django_app.urls"

DATABASES: dict[str, dict[str, Any]] = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(BASE_DIR / "example.sqlite3"),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
}

USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Who the caller is comes from the host's authentication; this example trusts two
# headers instead, to stay small. A real host reads request.user or its session.
WEEKPLAN_EXAMPLE_TENANT_HEADER = "X-Tenant"
