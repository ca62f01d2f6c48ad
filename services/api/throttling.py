"""Rate limits. API_ANON_THROTTLE_RATE and API_TOKEN_THROTTLE_RATE (settings, e.g.
"120/minute") override the defaults."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

DEFAULT_ANON_RATE = "120/minute"
DEFAULT_TOKEN_RATE = "600/minute"


class AnonymousReadThrottle(AnonRateThrottle):
    scope = "api_anon"

    def get_rate(self) -> str | None:
        return getattr(settings, "API_ANON_THROTTLE_RATE", DEFAULT_ANON_RATE)


class TokenThrottle(UserRateThrottle):
    scope = "api_token"

    def get_rate(self) -> str | None:
        return getattr(settings, "API_TOKEN_THROTTLE_RATE", DEFAULT_TOKEN_RATE)
