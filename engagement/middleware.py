"""Middleware for signed-in work: pages with personal data are never stored by browsers or
proxies, and two-step sign-in is enforced where REQUIRE_TWO_FACTOR says."""

import re

from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers

from .two_factor import must_verify, step_url

# Pages that can show personal data or account details, signed in or not (invitations and
# password resets carry an email address or a secret link).
PRIVATE_PATHS = re.compile(
    r"^/(admin|accounts|referrals|dashboard|insight)/|^/services/[^/]+/refer/"
)
# Where a person who must use two-step sign-in needs a code first.
TWO_FACTOR_PATHS = re.compile(r"^/(admin|referrals|dashboard|insight)/|^/services/[^/]+/refer/")
TWO_FACTOR_EXEMPT = {"/admin/logout/"}


class PrivatePagesMiddleware:
    """`Cache-Control: no-store` (Django's never-cache headers) on private pages and on
    every page shown to someone signed in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A page that never read the session cannot show who is signed in; not reading it
        # here either keeps /help-now/ and the error pages off the database (services/faults).
        if PRIVATE_PATHS.match(request.path_info) or (
            request.session.accessed and request.user.is_authenticated
        ):
            add_never_cache_headers(response)
        return response


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if (
            TWO_FACTOR_PATHS.match(path)
            and path not in TWO_FACTOR_EXEMPT
            and must_verify(request.user)
        ):
            return redirect(step_url("two_factor_verify", request.get_full_path()))
        return self.get_response(request)
