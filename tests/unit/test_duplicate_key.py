"""Duplicate keys are told by SQLSTATE and key columns, as distributed PostgreSQL reports them.

Citus appends ``_<shard id>`` to every constraint name and cuts long ones, and
may leave ``diag.constraint_name`` empty; the texts below have that shape. The
PostgreSQL errors are psycopg's own, built as psycopg builds them.
"""

from __future__ import annotations

import sqlite3
from datetime import date

import psycopg
import pytest
from psycopg.pq import DiagnosticField
from sqlalchemy import exc

from weekplan import InstanceExists, StorageError
from weekplan.adapters._duplicate_key import UniqueKey, violated_key
from weekplan.adapters.sqlalchemy._errors import INSTANCE_KEY, translate_instance_insert
from weekplan.adapters.sqlalchemy._schema import NAME_MAX_BEFORE_SHARD_SUFFIX, metadata

WEEK_KEY = UniqueKey(columns=["tenant_id", "client_ref", "week_start_date"], name="uq_week")
ID_KEY = UniqueKey(columns=["tenant_id", "id"], name="pk_ids")


def postgresql_duplicate(detail: str, *, constraint_name: str | None = None) -> psycopg.Error:
    """A unique_violation as psycopg raises it; Citus relays the worker's message."""
    message = (
        'duplicate key value violates unique constraint "uq_weekplan_instances_t_a9ddf618_102071"'
    )
    info: dict[int, bytes | None] = {
        DiagnosticField.SQLSTATE: b"23505",
        DiagnosticField.MESSAGE_PRIMARY: message.encode(),
        DiagnosticField.MESSAGE_DETAIL: detail.encode(),
        DiagnosticField.CONSTRAINT_NAME: None
        if constraint_name is None
        else constraint_name.encode(),
    }
    return psycopg.errors.UniqueViolation(f"{message}\nDETAIL:  {detail}", info=info)


class MariaDBIntegrityError(Exception):
    """The shape of the MySQL drivers' errors (PyMySQL, mysqlclient): ``(code, message)``."""


def mariadb_duplicate(entry: str, key: str) -> Exception:
    """ER_DUP_ENTRY as the MySQL drivers raise it (and Django re-raises it)."""
    return MariaDBIntegrityError(1062, f"Duplicate entry '{entry}' for key '{key}'")


class TestPostgreSQL:
    def test_a_clash_on_the_week_key_is_known_by_its_columns_with_an_empty_constraint_name(
        self,
    ) -> None:
        error = postgresql_duplicate(
            "Key (tenant_id, client_ref, week_start_date)=(t-1, c-1, 2026-11-02) already exists.",
            constraint_name="",
        )
        assert violated_key(error, [ID_KEY, WEEK_KEY]) == WEEK_KEY

    def test_a_shard_suffixed_constraint_name_does_not_matter(self) -> None:
        error = postgresql_duplicate(
            "Key (tenant_id, client_ref, week_start_date)=(t, c, 2026-11-02) already exists.",
            constraint_name="uq_weekplan_instances_tenant_id_client_ref_week_a9ddf618_102071",
        )
        assert WEEK_KEY.is_violated_by(error)

    def test_values_that_look_like_columns_do_not_confuse_it(self) -> None:
        looks_like_columns = "Key (tenant_id, client_ref, week_start_date)=()"
        error = postgresql_duplicate(
            f"Key (tenant_id, id)=(t, {looks_like_columns}) already exists."
        )
        assert violated_key(error, [WEEK_KEY, ID_KEY]) == ID_KEY

    def test_a_clash_on_another_key_is_not_a_week_clash(self) -> None:
        error = postgresql_duplicate("Key (tenant_id, id)=(t, w-1) already exists.")
        assert not WEEK_KEY.is_violated_by(error)

    def test_a_detail_without_key_columns_is_no_known_clash(self) -> None:
        assert violated_key(postgresql_duplicate(""), [WEEK_KEY, ID_KEY]) is None

    def test_another_sqlstate_is_no_clash(self) -> None:
        error = psycopg.errors.ForeignKeyViolation(
            "Key (tenant_id, client_ref, week_start_date)=(t, c, 2026-11-02) is not present"
        )
        assert not WEEK_KEY.is_violated_by(error)


class TestMariaDB:
    @pytest.mark.parametrize(
        "key",
        [
            "uq_week",
            "uq_week_102071",  # as a shard suffix would leave it
            "weekplan_instances.uq_week",  # MySQL 8 names the table too
        ],
    )
    def test_a_clash_on_the_week_key_is_known_by_the_key_it_names(self, key: str) -> None:
        error = mariadb_duplicate("t-c-2026-11-02", key)
        assert violated_key(error, [ID_KEY, WEEK_KEY]) == WEEK_KEY

    def test_an_entry_that_quotes_a_key_name_does_not_confuse_it(self) -> None:
        error = mariadb_duplicate("t-for key 'uq_week'", "PRIMARY")
        assert violated_key(error, [WEEK_KEY, ID_KEY]) is None

    @pytest.mark.parametrize("key", ["PRIMARY", "uq_week_other", "uq_weekly"])
    def test_a_clash_on_another_key_is_not_a_week_clash(self, key: str) -> None:
        assert not WEEK_KEY.is_violated_by(mariadb_duplicate("t-x", key))

    def test_another_error_code_is_no_clash(self) -> None:
        error = MariaDBIntegrityError(1452, "Cannot add or update a child row: 'uq_week'")
        assert not WEEK_KEY.is_violated_by(error)


class TestSQLite:
    def test_a_clash_is_known_by_its_columns(self) -> None:
        error = sqlite3.IntegrityError(
            "UNIQUE constraint failed: weekplan_instances.tenant_id,"
            " weekplan_instances.client_ref, weekplan_instances.week_start_date"
        )
        assert violated_key(error, [ID_KEY, WEEK_KEY]) == WEEK_KEY

    def test_a_clash_on_the_primary_key_is_not_a_week_clash(self) -> None:
        error = sqlite3.IntegrityError(
            "UNIQUE constraint failed: weekplan_instances.tenant_id, weekplan_instances.id"
        )
        assert not WEEK_KEY.is_violated_by(error)


class TestTheSqlAlchemyStore:
    @pytest.mark.parametrize(
        "driver_error",
        [
            postgresql_duplicate(
                "Key (tenant_id, client_ref, week_start_date)=(t, c, 2026-11-02) already exists.",
                constraint_name="",
            ),
            mariadb_duplicate(f"t-c-{date(2026, 11, 2)}", "uq_weekplan_instances_client_week"),
        ],
        ids=["postgresql", "mariadb"],
    )
    def test_a_week_clash_is_instance_exists(self, driver_error: Exception) -> None:
        error = exc.IntegrityError("INSERT INTO weekplan_instances", {}, driver_error)
        assert isinstance(translate_instance_insert(error), InstanceExists)

    @pytest.mark.parametrize(
        "driver_error",
        [
            postgresql_duplicate("Key (tenant_id, id)=(t, w-1) already exists."),
            mariadb_duplicate("t-w-1", "PRIMARY"),
        ],
        ids=["postgresql", "mariadb"],
    )
    def test_a_clash_on_the_id_is_a_storage_error(self, driver_error: Exception) -> None:
        error = exc.IntegrityError("INSERT INTO weekplan_instances", {}, driver_error)
        assert isinstance(translate_instance_insert(error), StorageError)

    def test_its_week_key_is_the_one_in_the_metadata(self) -> None:
        assert (
            UniqueKey(
                columns=["tenant_id", "client_ref", "week_start_date"],
                name="uq_weekplan_instances_client_week",
            )
            == INSTANCE_KEY
        )


def test_every_name_in_the_metadata_leaves_room_for_a_shard_suffix() -> None:
    names = [str(key.name) for table in metadata.tables.values() for key in table.constraints]
    names += [str(index.name) for table in metadata.tables.values() for index in table.indexes]
    assert names
    assert all(len(name.encode()) <= NAME_MAX_BEFORE_SHARD_SUFFIX for name in names), names
