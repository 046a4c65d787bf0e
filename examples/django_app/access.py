"""Who a request is: the example's one piece of code besides its settings.

Authentication here is a fixed table of bearer tokens, standing in for whatever
the host really uses (``request.user``, a verified JWT); what matters is that
the tenant and the role come from the authenticated caller, never from the request.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.http import HttpRequest

from weekplan.http import AccessRefused, RequestAccess

__all__ = ["DEMO_TOKENS", "access_from_token"]

#: Bearer token -> who it authenticates. A real host looks these up in its user store.
DEMO_TOKENS: Mapping[str, RequestAccess] = {
    "worker-token": RequestAccess.worker("practice-1"),
    "viewer-token": RequestAccess.viewer("practice-1"),
    "client-token": RequestAccess.client("practice-1", "client-42"),
    "other-practice-token": RequestAccess.worker("practice-2"),
}


def access_from_token(request: HttpRequest) -> RequestAccess:
    """The caller's tenant and role, from the ``Authorization`` header."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    tokens: Mapping[str, RequestAccess] = getattr(settings, "EXAMPLE_TOKENS", DEMO_TOKENS)
    access = tokens.get(token) if scheme == "Bearer" else None
    if access is None:
        # Answered 401 {"detail": "unauthorized"}, as by every framework adapter.
        raise AccessRefused(401, {"WWW-Authenticate": "Bearer"})
    return access
