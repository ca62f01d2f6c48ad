"""The one notion of a client's address, used by every rate limit, sign-in protection and
API throttle.

`REMOTE_ADDR` is the address that connected to us. Behind proxies, each trusted proxy appends
the address it saw to `X-Forwarded-For`, so the client is the entry `TRUSTED_PROXIES` places
from the right (Django REST framework's `NUM_PROXIES` rule). Anything further left was written
by the client and proves nothing; with no trusted proxy the header is ignored altogether.
"""

from ipaddress import ip_address

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from services.cache import DatabaseCache, add_then_incr, redis_hit


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
    """Count one event under `key` and return the count in this window (1 for the first, then
    2, 3, …; a new window starts at 1 once the last has expired).

    One atomic statement or round trip in the shared cache (services/cache.py), so concurrent
    workers and servers never lose a count: an upsert in the database cache, a MULTI/EXEC
    pipeline in Redis; `add` then `incr` elsewhere (the test suite's local-memory cache)."""
    backend = caches["default"]
    if isinstance(backend, DatabaseCache):
        return backend.hit(key, window_seconds)
    if isinstance(backend, RedisCache):
        return redis_hit(backend, key, window_seconds)
    return add_then_incr(backend, key, window_seconds)
