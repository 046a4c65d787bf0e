"""Alembic environment for :func:`weekplan.adapters.sqlalchemy.migrations.upgrade`.

It only runs on a connection handed over in ``config.attributes``; a host with
its own Alembic setup uses its own ``env.py`` and just the ``versions`` folder.
"""

from __future__ import annotations

from alembic import context

from weekplan.adapters.sqlalchemy._schema import metadata
from weekplan.adapters.sqlalchemy.migrations import VERSION_TABLE

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run weekplan's migrations through migrations.upgrade(engine)")
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
)
with context.begin_transaction():
    context.run_migrations()
