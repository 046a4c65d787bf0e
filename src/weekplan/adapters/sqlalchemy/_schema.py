"""weekplan's tables, on its own :data:`metadata`.

Every table is prefixed ``weekplan_`` and carries ``tenant_id``; every primary key,
unique constraint, foreign key and index leads with it, so the schema can be
distributed by tenant without change and every query of a tenant is a range of
an index.

String keys compare byte for byte (``COLLATE "C"`` on PostgreSQL, a binary
collation on MariaDB, SQLite's default), because ids are opaque: ``"A"`` and
``"a"`` are two tenants, and ordering by ``(name_key, id)`` in the database must
equal Python's ordering of the same strings, which the in-memory store uses.
MariaDB's binary collation is the ``nopad`` one, since the padded one ignores
trailing spaces and ``search_key`` can end in one.

Plan entries are one JSON text column per list (see :mod:`.rows`): a plan is read
with one ``SELECT`` and written with one ``INSERT`` or ``UPDATE``.

A host that runs Alembic can pass ``target_metadata=[host_metadata, metadata]``.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.types import TypeDecorator, TypeEngine

from weekplan.adapters._row_mapping import SIGNAL_COLUMNS, rank_column
from weekplan.domain._limits import (
    CLIENT_REF_MAX,
    CONTENT_HASH_MAX,
    ERROR_CODE_MAX,
    ID_MAX,
    LABEL_MAX,
    MEAL_TYPES_MAX,
    NAME_KEY_MAX,
    NAME_MAX,
    RUN_DAYS_MAX,
    SIGNALS_VOCABULARY_MAX,
    SLOT_KEY_SEARCH_MAX,
)
from weekplan.domain._meal_types import MealType
from weekplan.domain._suggestions import NO_SIGNAL
from weekplan.guardrails._model import RULE_ID_MAX

__all__ = [
    "MYSQL_TABLE_OPTIONS",
    "NAME_KEY_MAX",
    "NAME_MAX_BEFORE_SHARD_SUFFIX",
    "NAMING_CONVENTION",
    "SIGNALS_VOCABULARY_MAX",
    "SIGNAL_COLUMNS",
    "UtcDateTime",
    "client_locks",
    "dishes",
    "document_type",
    "generation_locks",
    "generation_runs",
    "instance_key",
    "instances",
    "key_type",
    "meal_history",
    "metadata",
    "rank_column",
    "ruleset_assignments",
    "rulesets",
    "templates",
]

#: PostgreSQL's 63 bytes, less ``_`` and a shard id of up to 10 digits: distributed
#: PostgreSQL (Citus) appends ``_<shard id>`` to every index and constraint name
#: on every shard and cuts a name that then passes 63 bytes.
NAME_MAX_BEFORE_SHARD_SUFFIX: Final = 63 - 11


def _short_name(kind: str, constraint: Any, table: Table) -> str:
    """``<kind>_<table>_<columns>``, less a leading ``tenant_id``, cut and hashed to fit."""
    columns = [column.name for column in constraint.columns]
    if columns[:1] == ["tenant_id"]:  # every key leads with it; saying so adds nothing
        columns = columns[1:]
    name = "_".join([kind, table.name, *columns])
    if len(name) <= NAME_MAX_BEFORE_SHARD_SUFFIX:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: NAME_MAX_BEFORE_SHARD_SUFFIX - 9]}_{digest}"


#: Names for the keys a table leaves unnamed, short enough for a shard suffix.
#: weekplan's own keys are all named, with the kind, the table and a word for
#: what the key is for; a name given in full passes through unchanged, so the
#: names older revisions created stay as they are.
NAMING_CONVENTION: Final[dict[str, Any]] = {
    "ix_short": lambda index, table: _short_name("ix", index, table),
    "uq_short": lambda key, table: _short_name("uq", key, table),
    "ix": "%(ix_short)s",
    "uq": "%(uq_short)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: weekplan's tables and nothing else; a host adds it beside its own metadata.
metadata: Final = MetaData(naming_convention=NAMING_CONVENTION)

# ``name_key`` is as wide as the domain lets ``search_key(name)`` be
# (NAME_KEY_MAX), which keeps ``(tenant_id, name_key, id)`` within MariaDB's
# 3072-byte index key; ``slot_kind`` likewise (SLOT_KEY_SEARCH_MAX).

#: The longest ``diet_id`` a ruleset may carry (the guardrails' rule id limit).
DIET_ID_MAX: Final = RULE_ID_MAX

_MYSQL_BINARY: Final = "utf8mb4_nopad_bin"
# Table options for MariaDB: utf8mb4 whatever the server's default, binary order.
_MYSQL_TABLE: Final[dict[str, Any]] = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mysql_collate": _MYSQL_BINARY,
}


# Rows inserted without signals (older code, a host's own INSERT) have none.
_NO_SIGNALS: Final[dict[str, Any]] = {"default": "", "server_default": ""}
_NO_RANK: Final[dict[str, Any]] = {"default": NO_SIGNAL, "server_default": str(NO_SIGNAL)}


def _key(length: int) -> TypeEngine[str]:
    """A string compared byte for byte on every database."""
    return (
        String(length)
        .with_variant(String(length, collation="C"), "postgresql")
        .with_variant(mysql.VARCHAR(length, collation=_MYSQL_BINARY), "mysql", "mariadb")
    )


def _document() -> TypeEngine[str]:
    """JSON text of a plan: up to ~1 MB, more than MariaDB's 64 KB ``TEXT``."""
    return Text().with_variant(mysql.MEDIUMTEXT(collation=_MYSQL_BINARY), "mysql", "mariadb")


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime, to the microsecond, on every database.

    PostgreSQL stores ``timestamptz``; SQLite and MariaDB have no time zone in
    their types, so they store naive UTC (MariaDB as ``DATETIME(6)``, since its
    default precision drops microseconds). Values always come back in UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """``DATETIME(6)`` on MariaDB, ``DateTime(timezone=True)`` elsewhere."""
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC; naive for the databases without a time zone."""
        if value is None:
            return None
        utc = value.astimezone(UTC)
        return utc if dialect.name == "postgresql" else utc.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """An aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


templates: Final = Table(
    "weekplan_templates",
    metadata,
    Column("tenant_id", _key(ID_MAX), nullable=False),
    Column("id", _key(ID_MAX), nullable=False),
    Column("name", String(NAME_MAX), nullable=False),
    Column("name_key", _key(NAME_KEY_MAX), nullable=False),
    Column("days", _document(), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("tenant_id", "id"),
    # Listing and searching a tenant's templates walks this index in page order.
    Index("ix_weekplan_templates_by_name", "tenant_id", "name_key", "id"),
    **_MYSQL_TABLE,
)

instances: Final = Table(
    "weekplan_instances",
    metadata,
    Column("tenant_id", _key(ID_MAX), nullable=False),
    Column("id", _key(ID_MAX), nullable=False),
    Column("template_id", _key(ID_MAX), nullable=False),
    Column("client_ref", _key(CLIENT_REF_MAX), nullable=False),
    Column("week_start_date", Date, nullable=False),
    Column("days", _document(), nullable=False),
    # NULL when equal to ``days`` (weekplan_0014): see ``InstanceRows``.
    Column("template_snapshot", _document(), nullable=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    # The guardrails check the week passed when last written, as JSON, or NULL.
    Column("guardrails", _document(), nullable=True),
    # No foreign key to the template: deleting a template keeps its instances.
    PrimaryKeyConstraint("tenant_id", "id"),
    # One week per client; also serves "get by key" and "the weeks of one client".
    UniqueConstraint(
        "tenant_id", "client_ref", "week_start_date", name="uq_weekplan_instances_client_week"
    ),
    # "The clients of one week" and the full listing, in page order.
    Index("ix_weekplan_instances_by_week", "tenant_id", "week_start_date", "client_ref"),
    **_MYSQL_TABLE,
)

dishes: Final = Table(
    "weekplan_dishes",
    metadata,
    Column("tenant_id", _key(ID_MAX), nullable=False),
    Column("id", _key(ID_MAX), nullable=False),
    Column("name", String(NAME_MAX), nullable=False),
    Column("name_key", _key(NAME_KEY_MAX), nullable=False),
    # JSON arrays of strings: the dish's detail is read and written whole.
    Column("meal_types", String(MEAL_TYPES_MAX), nullable=False),
    Column("tags", _document(), nullable=False),
    Column("ingredients", _document(), nullable=False),
    Column("steps", _document(), nullable=False),
    Column("version", Integer, nullable=False),
    # A dish made outside the use cases may have no timestamps (the domain allows it).
    Column("created_at", UtcDateTime(), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=True),
    # What the dish says about each meal under the vocabulary whose fingerprint is
    # ``signals_vocabulary`` ('' when never computed): one rank per meal type,
    # 0 to 2, or 3 for nothing (see weekplan.domain._suggestions.MealSignals).
    Column("signals_vocabulary", _key(SIGNALS_VOCABULARY_MAX), nullable=False, **_NO_SIGNALS),
    *(Column(rank_column(meal), SmallInteger, nullable=False, **_NO_RANK) for meal in MealType),
    PrimaryKeyConstraint("tenant_id", "id"),
    # Listing, searching and scanning a tenant's catalog walks this index in page order.
    Index("ix_weekplan_dishes_by_name", "tenant_id", "name_key", "id"),
    # Suggestions for a meal walk its index in the order of the score, best first.
    *(
        Index(f"ix_weekplan_dishes_{meal.value}", "tenant_id", rank_column(meal), "name_key", "id")
        for meal in MealType
    ),
    # "Is every dish's signal of this vocabulary?": two probes of this index.
    Index("ix_weekplan_dishes_signals", "tenant_id", "signals_vocabulary"),
    **_MYSQL_TABLE,
)

meal_history: Final = Table(
    "weekplan_meal_history",
    metadata,
    Column("tenant_id", _key(ID_MAX), nullable=False),
    Column("slot_kind", _key(SLOT_KEY_SEARCH_MAX), nullable=False),
    Column("dish_id", _key(ID_MAX), nullable=False),
    Column("count", Integer, nullable=False),
    # One running total per key; a tenant's totals are one range of this key.
    PrimaryKeyConstraint("tenant_id", "slot_kind", "dish_id"),
    **_MYSQL_TABLE,
)

rulesets: Final = Table(
    "weekplan_rulesets",
    metadata,
    Column("tenant_id", _key(ID_MAX), nullable=False),
    Column("content_hash", _key(CONTENT_HASH_MAX), nullable=False),
    # Labels, copied out of the document so that listings can use an index.
    Column("diet_id", _key(DIET_ID_MAX), nullable=False),
    Column("version", Integer, nullable=False),
    # The whole ruleset as JSON (ruleset_to_dict); it never changes once stored.
    Column("document", _document(), nullable=False),
    PrimaryKeyConstraint("tenant_id", "content_hash"),
    # Listing a tenant's rulesets, of every diet or of one, walks this index in page order.
    Index("ix_weekplan_rulesets_by_diet", "tenant_id", "diet_id", "version", "content_hash"),
    **_MYSQL_TABLE,
)

ruleset_assignments: Final = Table(
    "weekplan_ruleset_assignments",
    metadata,
    Column("tenant_id", _key(ID_MAX), nullable=False),
    Column("client_ref", _key(CLIENT_REF_MAX), nullable=False),
    Column("content_hash", _key(CONTENT_HASH_MAX), nullable=False),
    PrimaryKeyConstraint("tenant_id", "client_ref"),
    # A stored ruleset never goes away, so the assignment can always point at it.
    ForeignKeyConstraint(
        ["tenant_id", "content_hash"],
        ["weekplan_rulesets.tenant_id", "weekplan_rulesets.content_hash"],
        name="fk_weekplan_ruleset_assignments_rulesets",
    ),
    **_MYSQL_TABLE,
)

generation_runs: Final = Table(
    "weekplan_generation_runs",
    metadata,
    Column("tenant_id", _key(ID_MAX), nullable=False),
    Column("id", _key(ID_MAX), nullable=False),
    Column("client_ref", _key(CLIENT_REF_MAX), nullable=False),
    Column("week_start_date", Date, nullable=False),
    Column("run_type", _key(LABEL_MAX), nullable=False),
    Column("status", _key(LABEL_MAX), nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Column("generator", String(ERROR_CODE_MAX), nullable=False),
    Column("generator_version", String(ERROR_CODE_MAX), nullable=False),
    # The days the run filled, comma-separated in week order.
    Column("days", _key(RUN_DAYS_MAX), nullable=False),
    Column("ruleset_hash", _key(CONTENT_HASH_MAX), nullable=True),
    Column("seed", Integer, nullable=True),
    Column("draft_version", Integer, nullable=True),
    Column("error_code", _key(ERROR_CODE_MAX), nullable=True),
    Column(
        "error_message",
        Text().with_variant(mysql.TEXT(collation=_MYSQL_BINARY), "mysql", "mariadb"),
        nullable=True,
    ),
    # Runs are only ever inserted: no update or delete statement exists for this table.
    PrimaryKeyConstraint("tenant_id", "id"),
    # A tenant's runs newest first, and the quota's window, walk these indexes.
    Index(None, "tenant_id", "started_at", "id"),
    Index(None, "tenant_id", "client_ref", "started_at", "id"),
    **_MYSQL_TABLE,
)

generation_locks: Final = Table(
    "weekplan_generation_locks",
    metadata,
    # One row per tenant, locked (SELECT ... FOR UPDATE) while a quota is decided.
    Column("tenant_id", _key(ID_MAX), nullable=False),
    PrimaryKeyConstraint("tenant_id"),
    **_MYSQL_TABLE,
)

#: The key that allows one week per client, which a store tells from other clashes.
instance_key: Final = next(
    constraint for constraint in instances.constraints if isinstance(constraint, UniqueConstraint)
)

#: One row per client whose weeks or ruleset were ever written: the row that a
#: write of a week and a change of the ruleset assignment both lock first, so
#: the two never interleave (see ``SqlRulesetRepository.lock_client``). It is
#: a table of its own because the assignment row may not exist yet, and a row
#: that does not exist cannot be locked.
client_locks: Final = Table(
    "weekplan_client_locks",
    metadata,
    Column("tenant_id", _key(ID_MAX), nullable=False),
    Column("client_ref", _key(CLIENT_REF_MAX), nullable=False),
    PrimaryKeyConstraint("tenant_id", "client_ref"),
    **_MYSQL_TABLE,
)

# For the other table modules on this metadata (e.g. ._workflow_schema): the same rules.
key_type: Final = _key
document_type: Final = _document
MYSQL_TABLE_OPTIONS: Final = _MYSQL_TABLE

# Registers the tables of the optional capabilities on ``metadata``: the workflow
# tables (change log, slot locks, drafts) and the schedules table. Imported for
# that effect (F401), and last (E402): those modules add to ``metadata`` above.
from weekplan.adapters.sqlalchemy import _schedule_schema, _workflow_schema  # noqa: E402, F401
