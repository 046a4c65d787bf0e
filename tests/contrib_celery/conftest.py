"""The Celery tests need the ``celery`` extra (Celery and its Redis transport)."""

from __future__ import annotations

import pytest

pytest.importorskip("celery", reason="the `celery` extra is not installed")
pytest.importorskip("redis", reason="the `celery` extra is not installed")
