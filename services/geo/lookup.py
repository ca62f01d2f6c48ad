"""Optional lookup of postcodes missing from the imported table, from a
postcodes.io-compatible service (setting POSTCODE_LOOKUP_URL; empty = off, the default).

What people search for is personal: nothing here logs the postcode, and failures are
swallowed without it."""

import http.client
import json
import math
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

TIMEOUT_SECONDS = 2
FOUND_CACHE_SECONDS = 7 * 24 * 3600
NOT_FOUND_CACHE_SECONDS = 3600
_MAX_RESPONSE_BYTES = 64 * 1024


@dataclass(frozen=True)
class LookedUpPostcode:
    latitude: float
    longitude: float
    council_gss_code: str
    council_name: str


def _cache_key(postcode: str) -> str:
    return "geo:postcode-lookup:" + postcode.replace(" ", "")


def _fetch(base_url: str, postcode: str) -> LookedUpPostcode | None:
    url = f"{base_url.rstrip('/')}/postcodes/{urllib.parse.quote(postcode)}"
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            payload = json.loads(response.read(_MAX_RESPONSE_BYTES))
        result = payload["result"]
        latitude, longitude = float(result["latitude"]), float(result["longitude"])
    except (OSError, http.client.HTTPException, ValueError, TypeError, KeyError):
        # HTTP errors (404 for unknown postcodes), timeouts, bad JSON, null coordinates.
        return None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    codes = result.get("codes") if isinstance(result.get("codes"), dict) else {}
    return LookedUpPostcode(
        latitude=latitude,
        longitude=longitude,
        council_gss_code=str(codes.get("admin_district") or ""),
        council_name=str(result.get("admin_district") or ""),
    )


def lookup_postcode(postcode: str) -> LookedUpPostcode | None:
    """Coordinates for a normalised full postcode, or None (also when the lookup is off)."""
    base_url = getattr(settings, "POSTCODE_LOOKUP_URL", "")
    if not base_url:
        return None
    key = _cache_key(postcode)
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    found = _fetch(base_url, postcode)
    cache.set(key, found or False, FOUND_CACHE_SECONDS if found else NOT_FOUND_CACHE_SECONDS)
    return found
