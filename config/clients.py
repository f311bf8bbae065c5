"""Which client sent a request, for the throttles (django-axes and ours)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """Return the address of the client that sent ``request``.

    With ``PHC_TRUSTED_PROXIES`` = 0 it is the connection's address (``REMOTE_ADDR``): X-Forwarded-For is
    ignored, because anyone can write it. With N trusted proxies in front, each of which appends the address
    it received the request from, the client is the Nth address from the right of X-Forwarded-For: the
    entries further left were written by the client itself and prove nothing.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = getattr(settings, "PHC_TRUSTED_PROXIES", 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        # Fewer hops than configured: the request did not come through every proxy, so trust only the socket.
        return remote
    return forwarded[-proxies]
