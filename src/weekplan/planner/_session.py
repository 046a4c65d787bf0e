"""One planner session (its store, tenant, access mode and options) and its units of work.

A :class:`Session` is the context every use case runs in. The use cases come in
small groups, one module each (dishes, templates, instances, ...); a group is a
:class:`UseCases` bound to a session, and the steps the groups share are plain
functions their modules import (:mod:`weekplan.planner._history`,
:mod:`weekplan.planner._catalog`, the ``load_*``/``save_*`` steps of
:mod:`weekplan.planner._templates` and :mod:`weekplan.planner._instances`).
:class:`~weekplan.WorkerPlanner` holds one of each group and delegates to it.

Why groups of methods over a session, and not one function per use case taking
the session: a use case reads the session's tenant, options and units of work on
nearly every line, and as attributes of its group they read as they always did;
what a group needs from another group is never reached through ``self`` but
imported by name, so the dependencies between use cases show in the imports.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from weekplan.planner._access import ReadOnlyUnitOfWork
from weekplan.planner._capabilities import (
    Capability,
    open_read_unit_of_work,
    open_unit_of_work,
    require,
    require_client_lock,
)
from weekplan.planner._options import PlannerOptions
from weekplan.ports import CoreStore, UnitOfWork

__all__ = ["Session", "UseCases"]


class Session:
    """The store, tenant, access mode and options of one planner session."""

    __slots__ = ("actor", "options", "read_only", "store", "tenant_id")

    def __init__(
        self,
        store: CoreStore,
        options: PlannerOptions,
        tenant_id: str,
        *,
        read_only: bool,
        actor: str | None = None,
    ) -> None:
        self.store: CoreStore = store
        self.options: PlannerOptions = options
        self.tenant_id: str = tenant_id
        """The tenant every call of this session reads and writes."""
        self.read_only: bool = read_only
        """Whether this session refuses every write with ``ReadOnlyAccess``."""
        self.actor: str | None = actor
        """Who the change log records for this session's writes (given by the host)."""

    @contextmanager
    def transaction(self) -> Iterator[UnitOfWork]:
        """A unit of work; a read-only session's refuses ``commit``."""
        with open_unit_of_work(self.store, self.options.capabilities) as uow:
            yield ReadOnlyUnitOfWork(uow) if self.read_only else uow

    @contextmanager
    def reading(self, *, single_statement: bool) -> Iterator[UnitOfWork]:
        """A unit of work for a call that never writes (see :class:`~weekplan.ports.SnapshotReads`).

        ``single_statement`` is a promise that the call runs exactly one statement.
        """
        uow = open_read_unit_of_work(
            self.store, self.options.capabilities, single_statement=single_statement
        )
        with uow:
            yield ReadOnlyUnitOfWork(uow)

    @contextmanager
    def client_transaction(self, client_ref: str) -> Iterator[UnitOfWork]:
        """A unit of work that holds ``client_ref`` from its first statement on.

        For every write of a client's week and every change of the ruleset the
        client is on: holding the client first serializes the two, so a week is
        never checked against a ruleset that another call is replacing at the
        same moment (see ``RulesetRepository.lock_client``).
        """
        with self.transaction() as uow:
            require_client_lock(uow.rulesets)(self.tenant_id, client_ref)
            yield uow

    def require(self, *capabilities: Capability) -> None:
        """:class:`~weekplan.NotSupportedByStore` naming each of ``capabilities`` the store lacks.

        Asked before a use case opens its unit of work: the store's capabilities
        were found once, when the planner was built, so a call the store cannot
        serve never reaches it.
        """
        require(self.options.capabilities, *capabilities)


class UseCases:
    """A group of use cases bound to one :class:`Session`.

    It only hands the session on: a group reaches another group's steps through
    the functions it imports, never through a base class.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._store = session.store
        self._options = session.options
        self.tenant_id = session.tenant_id
        self.actor = session.actor

    @property
    def read_only(self) -> bool:
        """Whether the session refuses every write with ``ReadOnlyAccess``."""
        return self._session.read_only

    def _transaction(self) -> AbstractContextManager[UnitOfWork]:
        return self._session.transaction()

    def _reading(self, *, single_statement: bool) -> AbstractContextManager[UnitOfWork]:
        return self._session.reading(single_statement=single_statement)

    def _client_transaction(self, client_ref: str) -> AbstractContextManager[UnitOfWork]:
        return self._session.client_transaction(client_ref)

    def _require(self, *capabilities: Capability) -> None:
        self._session.require(*capabilities)
