"""weekplan's Alembic migrations, shipped in the package.

The revisions live in :data:`VERSIONS` on their own branch, labelled
``weekplan``, with no parent: Alembic's "multiple bases". A host that runs
Alembic for its own tables adds weekplan's beside them in ``alembic.ini``::

    version_locations = %(here)s/versions weekplan.adapters.sqlalchemy.migrations:versions

passes ``target_metadata=[host_metadata, weekplan.adapters.sqlalchemy.metadata]``
in its ``env.py``, and runs ``alembic upgrade heads``.

A host without Alembic of its own calls :func:`upgrade`, which keeps weekplan's
revision in a table of its own, ``weekplan_alembic_version``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

__all__ = ["BRANCH", "SCRIPT_LOCATION", "VERSIONS", "VERSION_TABLE", "upgrade"]

#: The folder holding ``env.py`` for :func:`upgrade`.
SCRIPT_LOCATION: Final = Path(__file__).parent
#: The folder of weekplan's revisions, for a host's ``version_locations``.
VERSIONS: Final = SCRIPT_LOCATION / "versions"
#: The branch label of weekplan's revisions: ``alembic upgrade weekplan@head``.
BRANCH: Final = "weekplan"
#: Where :func:`upgrade` records the revision reached.
VERSION_TABLE: Final = "weekplan_alembic_version"


def upgrade(bind: Engine | Connection, revision: str = "heads") -> None:
    """Bring weekplan's tables to ``revision`` (the newest by default).

    With an ``Engine`` the upgrade commits on its own; with a ``Connection`` it
    runs in that connection's transaction, which the caller commits.
    """
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if isinstance(bind, Engine):
        with bind.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    else:
        config.attributes["connection"] = bind
        command.upgrade(config, revision)
