"""Which unique key a database's "duplicate key" error is about, for every SQL store.

A store needs to tell "this client already has that week" (:class:`InstanceExists`)
from any other clash. It must not do so by a constraint's full name: distributed
PostgreSQL (Citus) appends the shard id to every name and cuts long ones, e.g.
``uq_weekplan_instances_tenant_id_client_ref_week_a9ddf618_102071``, and may
leave ``diag.constraint_name`` empty. So each database is asked what it reports
reliably:

- PostgreSQL: SQLSTATE ``23505`` (unique_violation) and the key columns of the
  error's detail, ``Key (tenant_id, client_ref, week_start_date)=(…) already exists.``
- SQLite: ``UNIQUE constraint failed: weekplan_instances.tenant_id, …``, the columns.
- MariaDB: error 1062, ``Duplicate entry '…' for key '…'``. It names no columns,
  only the key, so the key is looked up among the keys the store knows; a shard
  suffix (``_<shard id>``) after the name is accepted too.

Nothing here imports a driver: the functions read the attributes every driver's
exception has, so the SQLAlchemy and Django stores share them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

import attrs

__all__ = ["UniqueKey", "violated_key"]

#: PostgreSQL's SQLSTATE for unique_violation.
_PG_UNIQUE_VIOLATION: Final = "23505"
#: MariaDB's ER_DUP_ENTRY.
_MARIADB_DUPLICATE_ENTRY: Final = 1062

# The key columns come first in PostgreSQL's detail, before the values, which
# may contain anything; column names never contain a closing parenthesis.
_PG_DETAIL_COLUMNS: Final = re.compile(r"Key \(([^)]*)\)=\(")
_SQLITE_UNIQUE: Final = re.compile(r"UNIQUE constraint failed: (.+)$")
# MySQL 8 writes the key as ``table.key``, MariaDB as ``key``; the entry before
# it may contain quotes, so the key is taken from the end of the message.
_MARIADB_KEY: Final = re.compile(r"for key '(?:[^'.]*\.)?([^'.]*)'$")
# What Citus appends to a name short enough to keep whole: ``_<shard id>``.
_SHARD_SUFFIX: Final = re.compile(r"_[0-9]+")


def _column_set(columns: Iterable[str]) -> frozenset[str]:
    return frozenset(columns)


@attrs.frozen
class UniqueKey:
    """One unique key of a table: its columns, and its name on MariaDB."""

    columns: frozenset[str] = attrs.field(converter=_column_set)
    name: str

    def is_violated_by(self, driver_error: BaseException) -> bool:
        """True if ``driver_error`` (the driver's own exception) is a clash on this key."""
        return violated_key(driver_error, [self]) == self


def _quoted_identifiers(text: str) -> frozenset[str]:
    return frozenset(part.strip().strip('"`') for part in text.split(","))


def _pg_columns(driver_error: BaseException) -> frozenset[str] | None:
    diag = getattr(driver_error, "diag", None)
    detail = getattr(diag, "message_detail", None) or str(driver_error)
    match = _PG_DETAIL_COLUMNS.search(detail)
    return _quoted_identifiers(match.group(1)) if match else None


def _sqlite_columns(message: str) -> frozenset[str] | None:
    match = _SQLITE_UNIQUE.search(message.strip())
    if match is None:
        return None
    qualified = _quoted_identifiers(match.group(1))
    return frozenset(column.rpartition(".")[2] for column in qualified)


def _mariadb_key_name(driver_error: BaseException) -> str | None:
    args: tuple[object, ...] = driver_error.args
    if len(args) < 2 or args[0] != _MARIADB_DUPLICATE_ENTRY or not isinstance(args[1], str):
        return None
    match = _MARIADB_KEY.search(args[1].strip())
    return match.group(1) if match else None


def _same_name(reported: str, name: str) -> bool:
    if reported == name:
        return True
    return reported.startswith(name) and bool(_SHARD_SUFFIX.fullmatch(reported[len(name) :]))


def violated_key(driver_error: BaseException, keys: Iterable[UniqueKey]) -> UniqueKey | None:
    """The key of ``keys`` that ``driver_error`` reports a duplicate on, or ``None``.

    ``None`` also when the error is no duplicate key at all, or names a key not
    in ``keys``: the caller then treats it as any other database failure.
    """
    candidates = list(keys)
    if getattr(driver_error, "sqlstate", None) == _PG_UNIQUE_VIOLATION:
        columns = _pg_columns(driver_error)
        return next((key for key in candidates if key.columns == columns), None)
    key_name = _mariadb_key_name(driver_error)
    if key_name is not None:
        return next((key for key in candidates if _same_name(key_name, key.name)), None)
    columns = _sqlite_columns(str(driver_error))
    if columns is not None:
        return next((key for key in candidates if key.columns == columns), None)
    return None
