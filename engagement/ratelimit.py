"""Per-IP rate limits kept in the cache only. The address is hashed with the secret key, so
neither the cache nor the database ever holds an IP address."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _client_key(request, scope: str) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"engagement:ratelimit:{scope}:{digest}"


def allow(request, scope: str, *, limit: int, window_seconds: int = 3600) -> bool:
    """Count one attempt; False once this client has made more than `limit` in the window."""
    key = _client_key(request, scope)
    if cache.add(key, 1, timeout=window_seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window_seconds)
        return True
    return count <= limit
