"""The one notion of a client's address, used by every rate limit, sign-in protection and
API throttle.

`REMOTE_ADDR` is the address that connected to us. Behind proxies, each trusted proxy appends
the address it saw to `X-Forwarded-For`, so the client is the entry `TRUSTED_PROXIES` places
from the right (Django REST framework's `NUM_PROXIES` rule). Anything further left was written
by the client and proves nothing; with no trusted proxy the header is ignored altogether.
"""

from ipaddress import ip_address

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    candidate = hops[-min(proxies, len(hops))]
    try:
        return str(ip_address(candidate))
    except ValueError:  # a mangled header: fall back to the proxy itself, never to garbage
        return remote


def hit(key: str, window_seconds: int) -> int:
    """Count one event under `key` and return the count in this window (1 for the first).

    Only `add` (create if absent, atomic) and `incr` (atomic in Redis and in
    services.cache.DatabaseCache, keeping the expiry) are used, so concurrent workers and
    servers never lose a count; get-then-set would."""
    if cache.add(key, 1, timeout=window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr(): a new window
        return 1 if cache.add(key, 1, timeout=window_seconds) else cache.incr(key)
