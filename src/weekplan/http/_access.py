"""Who an HTTP request acts as: a tenant and one of three roles, decided by the host.

The host's authentication answers the question; weekplan never reads a tenant
or a client from the request body, the query string or a header by itself.

>>> RequestAccess("tenant-a").role, RequestAccess.viewer("tenant-a").role
(<Role.WORKER: 'worker'>, <Role.VIEWER: 'viewer'>)
>>> RequestAccess.client("tenant-a", "client-42").role
<Role.CLIENT: 'client'>
"""

from __future__ import annotations

import enum

import attrs

__all__ = ["RequestAccess", "Role"]


class Role(enum.Enum):
    """The three roles of the HTTP API; each route says which of them it serves."""

    #: Reads and writes everything of its tenant through the worker routes.
    WORKER = "worker"
    #: A read-only worker: every worker route that only reads, ``read_only`` on the others.
    VIEWER = "viewer"
    #: One client of the tenant: the client routes, showing only its own weeks.
    CLIENT = "client"


@attrs.frozen
class RequestAccess:
    """Who the current request acts as, decided by the host's authentication.

    ``client_ref`` is set for a client, who reaches only the client routes and
    sees only its own weeks there, whatever ``read_only`` says; ``None`` for a
    worker, who may only read when ``read_only`` is true.
    """

    tenant_id: str
    read_only: bool = False
    client_ref: str | None = None

    @classmethod
    def worker(cls, tenant_id: str) -> RequestAccess:
        """A worker who reads and writes in ``tenant_id``."""
        return cls(tenant_id)

    @classmethod
    def viewer(cls, tenant_id: str) -> RequestAccess:
        """A worker who may only read in ``tenant_id``."""
        return cls(tenant_id, read_only=True)

    @classmethod
    def client(cls, tenant_id: str, client_ref: str) -> RequestAccess:
        """The client ``client_ref`` of ``tenant_id``."""
        return cls(tenant_id, read_only=True, client_ref=client_ref)

    @property
    def role(self) -> Role:
        """The role this access has on the HTTP API."""
        if self.client_ref is not None:
            return Role.CLIENT
        return Role.VIEWER if self.read_only else Role.WORKER
