"""Compressing pages (gzip) without opening them to BREACH.

BREACH: when a page holds a secret and also reflects something an attacker chose (a search
term, say), an attacker who can watch the size of compressed responses can guess the secret
a character at a time. So only responses that hold no secret are compressed:

- the CSRF token in forms is safe: Django masks it afresh for every response;
- pages that show a secret that is the same on every response are never compressed: any
  address with a `token` or `uidb64` in it (shared lists, "still correct?" review links,
  email alert confirm and unsubscribe links, invitations, password reset links, and whatever
  such links are added later), "My list" (it shows the list's share link), everything under
  /accounts/ (sign-in, two-step set-up shows its secret) and /admin/ (it shows a new API
  token once), and the signed-in pages holding people's referral details or the review
  dashboard;
- a view can opt out with `@never_compressed`.

Static files are not handled here: WhiteNoise serves them precompressed."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware

# Smaller responses gain too little to be worth compressing (about one TCP packet).
MIN_COMPRESSED_LENGTH = 1024
# URL arguments that carry a secret: any page addressed by one is not compressed.
SECRET_ARGUMENTS = frozenset({"token", "uidb64"})
# Sign-in, two-step and password pages, and the admin (it shows a new API token once).
UNCOMPRESSED_ROUTES = ("accounts/", "admin/")
# url names (namespace:name) of pages showing a share link, people's referral details or the
# review dashboard.
UNCOMPRESSED_VIEWS = frozenset(
    {
        "engagement:shortlist",
        "engagement:shortlist_share",
        "engagement:refer_consent",
        "engagement:refer_details",
        "engagement:referral_list",
        "engagement:referral_inbox",
        "engagement:referral_detail",
        "engagement:referral_update",
        "engagement:dashboard",
        "engagement:insight",
    }
)


def never_compressed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Marks a view's responses as holding a secret: they are sent uncompressed."""

    @wraps(view)
    def wrapped(*args, **kwargs) -> HttpResponse:
        response = view(*args, **kwargs)
        vars(response)["holds_secret"] = True  # read back with getattr() below
        return response

    return wrapped


def holds_secret(request: HttpRequest, response: HttpResponseBase) -> bool:
    if getattr(response, "holds_secret", False):
        return True
    match = request.resolver_match
    if match is None:  # not routed (a 404 before any view): nothing secret in it
        return False
    return (
        not SECRET_ARGUMENTS.isdisjoint(match.kwargs)
        or match.view_name in UNCOMPRESSED_VIEWS
        or match.route.startswith(UNCOMPRESSED_ROUTES)
    )


class CompressionMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (which also pads each response with random bytes, making
    BREACH slower still), for responses of at least MIN_COMPRESSED_LENGTH bytes that hold
    no secret (see the module's docstring)."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if isinstance(response, HttpResponse) and len(response.content) < MIN_COMPRESSED_LENGTH:
            return response
        if holds_secret(request, response):
            return response
        return super().process_response(request, response)
