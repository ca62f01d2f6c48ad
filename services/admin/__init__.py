"""Django admin for the directory, scoped to the signed-in member's organisations."""

from . import listings, organisations, reference, schedules

__all__ = ["listings", "organisations", "reference", "schedules"]
