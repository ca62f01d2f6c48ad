"""Per-client rate limits kept in the shared cache (settings.CACHES), so a limit holds across
every worker and server. The address (services.clients.client_ip) is hashed with the secret
key, so neither the cache nor the database ever holds an IP address."""

import hashlib

from django.conf import settings

from services.clients import client_ip, hit


def _client_key(request, scope: str) -> str:
    address = client_ip(request)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"engagement:ratelimit:{scope}:{digest}"


def allow(request, scope: str, *, limit: int, window_seconds: int = 3600) -> bool:
    """Count one attempt; False once this client has made more than `limit` in the window."""
    return hit(_client_key(request, scope), window_seconds) <= limit
