"""The table of the optional schedules capability: one row per client's schedule.

It lives on weekplan's one :data:`~weekplan.adapters.sqlalchemy._schema.metadata`
and follows its rules (``weekplan_`` prefix, keys compared byte for byte, the
primary key led by ``tenant_id``). One index breaks the "tenant first" rule on
purpose: finding what is due is a question across tenants, answered by a range
of ``(next_run_at, tenant_id, client_ref)`` read in order, so a worker's claim
reads only the due rows it takes. Its twin ``(tenant_id, next_run_at, client_ref)`` serves
the claims of one tenant (fan-out per tenant, or a database sharded by tenant).
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Column, Date, Index, Integer, PrimaryKeyConstraint, String, Table, Text

from weekplan.adapters.sqlalchemy._schema import (
    MYSQL_TABLE_OPTIONS,
    UtcDateTime,
    key_type,
    metadata,
)
from weekplan.domain._limits import (
    CLIENT_REF_MAX,
    DAY_KEY_MAX,
    ERROR_CODE_MAX,
    ID_MAX,
    LABEL_MAX,
    WALL_TIME_MAX,
)
from weekplan.domain._schedules import TIMEZONE_MAX

__all__ = ["schedules"]

schedules: Final = Table(
    "weekplan_schedules",
    metadata,
    Column("tenant_id", key_type(ID_MAX), nullable=False),
    Column("client_ref", key_type(CLIENT_REF_MAX), nullable=False),
    Column("weekday", key_type(DAY_KEY_MAX), nullable=False),
    # Wall-clock "HH:MM": the local time, never converted.
    Column("wall_time", key_type(WALL_TIME_MAX), nullable=False),
    Column("timezone", key_type(TIMEZONE_MAX), nullable=False),
    Column("weeks_ahead", Integer, nullable=False),
    Column("source_kind", key_type(LABEL_MAX), nullable=False),
    Column("template_id", key_type(ID_MAX), nullable=True),
    Column("next_run_at", UtcDateTime(), nullable=False),
    Column("last_week_done", Date, nullable=True),
    Column("last_run_at", UtcDateTime(), nullable=True),
    Column("last_outcome", key_type(LABEL_MAX), nullable=True),
    Column("last_error_code", String(ERROR_CODE_MAX), nullable=True),
    Column("last_error_message", Text, nullable=True),
    PrimaryKeyConstraint("tenant_id", "client_ref"),
    # The due scan across tenants, earliest first (see the module docstring).
    Index(None, "next_run_at", "tenant_id", "client_ref"),
    # The due scan of one tenant.
    Index(None, "tenant_id", "next_run_at", "client_ref"),
    **MYSQL_TABLE_OPTIONS,
)
