"""Public pages. Search, listings and browsing pages live in their own modules; the error
handlers are referenced as services.views.<name> from the root URLconf."""

from .calendar import service_calendar
from .embed import embed, embed_help
from .listings import area, areas, organisation, service
from .pages import (
    about,
    accessibility,
    bad_request,
    crisis,
    home,
    page_not_found,
    permission_denied,
    privacy,
    server_error,
)
from .search import search

__all__ = [
    "about",
    "accessibility",
    "area",
    "areas",
    "bad_request",
    "crisis",
    "embed",
    "embed_help",
    "home",
    "organisation",
    "page_not_found",
    "permission_denied",
    "privacy",
    "search",
    "server_error",
    "service",
    "service_calendar",
]
