"""Django fields with the column types of weekplan's SQL schema.

weekplan's tables are defined once, by :data:`weekplan.adapters.sqlalchemy.metadata`;
the Django models map those tables, and these fields give each column the type
the metadata gives it on every database Django supports, so that a table Django
creates from a model (a host's test database built without migrations, say) is
the same table:

* :class:`KeyField`: a string compared byte for byte: ``COLLATE "C"`` on
  PostgreSQL, ``utf8mb4_nopad_bin`` on MariaDB and MySQL.
* :class:`DocumentField`: JSON text of up to about a megabyte (``MEDIUMTEXT`` on
  MariaDB, whose ``TEXT`` holds 64 KB).
* :class:`MessageField`: a free text, ``TEXT`` everywhere.
* :class:`UtcDateTimeField`: a UTC instant to the microsecond. On SQLite it is
  written as ``YYYY-MM-DD HH:MM:SS.ffffff`` always, the text the SQLAlchemy store
  writes, so that the two stores' rows compare and sort alike (Django alone
  leaves out a zero fraction, and ``"10:00:00" < "10:00:00.000000"`` as text).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

__all__ = ["DocumentField", "KeyField", "MessageField", "UtcDateTimeField"]

_MYSQL_BINARY: Final = "utf8mb4_nopad_bin"

# Each field below carries `type: ignore[type-arg]`: django-stubs makes Django's
# fields generic, but the runtime classes cannot be subscripted as bases.


class KeyField(models.CharField):  # type: ignore[type-arg]
    """A ``varchar`` whose values compare byte for byte, as Python compares them."""

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        """``varchar(n)`` with the database's binary collation."""
        length = self.max_length
        if connection.vendor == "postgresql":
            return f'varchar({length}) COLLATE "C"'
        if connection.vendor == "mysql":
            return f"varchar({length}) CHARACTER SET utf8mb4 COLLATE {_MYSQL_BINARY}"
        return super().db_type(connection)


class DocumentField(models.TextField):  # type: ignore[type-arg]
    """JSON text of a plan, a ruleset or a check: ``MEDIUMTEXT`` on MariaDB."""

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        """``MEDIUMTEXT`` on MariaDB and MySQL, ``text`` elsewhere."""
        if connection.vendor == "mysql":
            return f"mediumtext CHARACTER SET utf8mb4 COLLATE {_MYSQL_BINARY}"
        return super().db_type(connection)


class MessageField(models.TextField):  # type: ignore[type-arg]
    """A free text such as an error message: ``TEXT`` on every database."""

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        """``TEXT`` on MariaDB and MySQL (Django would make it ``LONGTEXT``)."""
        if connection.vendor == "mysql":
            return f"text CHARACTER SET utf8mb4 COLLATE {_MYSQL_BINARY}"
        return super().db_type(connection)


class UtcDateTimeField(models.DateTimeField):  # type: ignore[type-arg]
    """An aware UTC datetime, stored as the SQLAlchemy store stores it."""

    def get_db_prep_value(
        self, value: Any, connection: BaseDatabaseWrapper, prepared: bool = False
    ) -> Any:
        """On SQLite, naive UTC text with six fractional digits; elsewhere Django's value."""
        if connection.vendor == "sqlite" and isinstance(value, datetime):
            if not prepared:
                value = self.get_prep_value(value)
            if value.tzinfo is not None:
                value = value.astimezone(UTC).replace(tzinfo=None)
            return value.isoformat(sep=" ", timespec="microseconds")
        return super().get_db_prep_value(value, connection, prepared)
