"""Search on partner sites: `/embed/` is a light search box and results page that GP
practices, libraries and charities can put in an iframe, optionally fixed to an area
(`?area=fife`) or types of support (`?type=drop-in`); `/embed/help/` gives them the snippet.

Only `/embed/` may be framed, and only by EMBED_ALLOWED_ORIGINS (CSP `frame-ancestors`; no
X-Frame-Options): every other page keeps `frame-ancestors 'none'` and X-Frame-Options DENY.
Results open on the main site, in the whole window, where the full listing, quick exit and
everything else are."""

from functools import wraps
from urllib.parse import urlencode

from csp.decorators import csp_replace
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from services.geo.resolve import LocationKind
from services.links import site_url
from services.search.filterset import ServiceFilterSet
from services.vocabulary_loader import registry

from .display import stale_period
from .search import results

EMBED_RESULTS = 10
PINNED = ("area", "type")


def frameable(view):
    """Let EMBED_ALLOWED_ORIGINS (read on each request) frame this view's pages."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        ancestors = ["'self'", *settings.EMBED_ALLOWED_ORIGINS]
        allowed = csp_replace({"frame-ancestors": ancestors})(xframe_options_exempt(view))
        return allowed(request, *args, **kwargs)

    return wrapped


def _pinned(params) -> list[tuple[str, str]]:
    """The area and types a partner fixed in the iframe's address, kept on every search."""
    return [(name, value) for name in PINNED for value in params.getlist(name)]


def _place_message(filterset: ServiceFilterSet, near: str) -> str:
    location = filterset.location
    if location is None or location.understood:
        return ""
    if location.kind == LocationKind.AMBIGUOUS:
        names = ", ".join(choice.value for choice in location.choices[:4])
        return f"There is more than one {near}. Try one of: {names}."
    if location.suggestions:
        return f"We could not find “{near}”. Did you mean {' or '.join(location.suggestions[:3])}?"
    return f"We could not find “{near}”. Try a town or a postcode such as PA1 1AA."


def _heading(params) -> str:
    area = registry().areas.get(params.get("area", ""))
    return f"Find support in {area.name}" if area else "Find mental health recovery support"


@require_safe
@frameable
def embed(request: HttpRequest) -> HttpResponse:
    filterset = ServiceFilterSet(request.GET)
    filterset.is_valid()
    near = (filterset.form.cleaned_data.get("near") or "").strip()
    message = _place_message(filterset, near) if near else ""
    asked = near or any(request.GET.get(name) for name in PINNED)
    found = results(filterset, 1) if asked and not (filterset.errors or message) else None
    full_search = f"{site_url(request)}{reverse('services:search')}?{request.GET.urlencode()}"
    context = {
        "heading": _heading(request.GET),
        "near": near,
        "pinned": _pinned(request.GET),
        "message": message,
        "errors": [m for messages in filterset.errors.values() for m in messages],
        "results": found,
        "cards": (found.local_cards + found.national_cards)[:EMBED_RESULTS] if found else [],
        "full_search": full_search,
        "site": site_url(request),
        "stale_period": stale_period(),
    }
    return render(request, "services/embed/embed.html", context)


def _origins_in_words(origins: list[str]) -> str:
    if origins == ["https:"]:
        return "any website served over HTTPS"
    return "these websites only: " + ", ".join(origin.rstrip(":") for origin in origins)


@require_safe
def embed_help(request: HttpRequest) -> HttpResponse:
    """The copy-and-paste snippet, for an area and types chosen on the page (a GET form)."""
    areas = registry().areas
    types = registry().terms["type"]
    area = areas.get(request.GET.get("area", ""))
    chosen_types = [slug for slug in request.GET.getlist("type") if slug in types]
    query = ([("area", area.slug)] if area else []) + [("type", slug) for slug in chosen_types]
    src = f"{site_url(request)}{reverse('services:embed')}"
    src += f"?{urlencode(query)}" if query else ""
    title = f"Find mental health recovery support in {area.name}" if area else _heading({})
    context = {
        "areas": list(areas.values()),
        "types": list(types.values()),
        "chosen_area": area.slug if area else "",
        "chosen_types": chosen_types,
        "src": src,
        "preview": reverse("services:embed") + (f"?{urlencode(query)}" if query else ""),
        "frame_title": title,
        "allowed_origins": _origins_in_words(settings.EMBED_ALLOWED_ORIGINS),
    }
    return render(request, "services/embed/help.html", context)
