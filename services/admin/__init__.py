"""Django admin for the directory, scoped to the signed-in member's organisations."""

from services.api import admin as api_tokens

from . import listings, locations, organisations, reference, schedules

__all__ = ["api_tokens", "listings", "locations", "organisations", "reference", "schedules"]
