"""weekplan in a SQL database, through SQLAlchemy 2 (the ``sqlalchemy`` extra).

SQLite works out of the box; PostgreSQL (``postgresql`` extra, psycopg 3) and
MariaDB (``mysql`` extra, PyMySQL) are the production databases.

>>> from weekplan import Planner
>>> from weekplan.adapters.sqlalchemy import SqlAlchemyStore
>>> store = SqlAlchemyStore("sqlite://")
>>> store.create_all()
>>> worker = Planner(store).worker("tenant-a")
>>> worker.create_template("Bulk, week 2").name
'Bulk, week 2'

``metadata`` holds weekplan's tables, for a host's Alembic autogenerate.
"""

from weekplan.adapters.sqlalchemy._schema import metadata
from weekplan.adapters.sqlalchemy._store import SqlAlchemyStore, SqlAlchemyUnitOfWork

__all__ = ["SqlAlchemyStore", "SqlAlchemyUnitOfWork", "metadata"]
