"""DjangoStore tells a second week for a client by SQLSTATE and key columns, not by name.

The texts have the shape distributed PostgreSQL (Citus) gives them: the
constraint name suffixed with the shard id, or cut, and ``diag.constraint_name``
empty. Django raises its own ``IntegrityError`` from the driver's, which is
what the store reads.
"""

from __future__ import annotations

import psycopg
from psycopg.pq import DiagnosticField

from weekplan.contrib.django.store import _WEEK_KEY


def _postgresql_duplicate(detail: str) -> psycopg.Error:
    message = (
        'duplicate key value violates unique constraint "uq_weekplan_instances_client_week_102071"'
    )
    info: dict[int, bytes | None] = {
        DiagnosticField.SQLSTATE: b"23505",
        DiagnosticField.MESSAGE_PRIMARY: message.encode(),
        DiagnosticField.MESSAGE_DETAIL: detail.encode(),
        DiagnosticField.CONSTRAINT_NAME: b"",
    }
    return psycopg.errors.UniqueViolation(message, info=info)


class _MySQLError(Exception):
    """The ``(code, message)`` shape of the MySQL drivers' errors."""


def test_the_week_key_is_the_models_columns() -> None:
    assert _WEEK_KEY.columns == {"tenant_id", "client_ref", "week_start_date"}


def test_a_week_clash_on_a_shard_is_known_by_its_columns() -> None:
    error = _postgresql_duplicate(
        "Key (tenant_id, client_ref, week_start_date)=(t, c, 2026-11-02) already exists."
    )
    assert _WEEK_KEY.is_violated_by(error)


def test_a_clash_on_the_plan_id_is_not_a_week_clash() -> None:
    error = _postgresql_duplicate("Key (tenant_id, plan_id)=(t, w-1) already exists.")
    assert not _WEEK_KEY.is_violated_by(error)


def test_on_mariadb_the_key_it_names_is_looked_up() -> None:
    week = _MySQLError(
        1062, "Duplicate entry 't-c-2026-11-02' for key 'uq_weekplan_instances_client_week'"
    )
    plan_id = _MySQLError(1062, "Duplicate entry 't-w-1' for key 'PRIMARY'")
    assert _WEEK_KEY.is_violated_by(week)
    assert not _WEEK_KEY.is_violated_by(plan_id)
