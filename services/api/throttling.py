"""Rate limits. API_ANON_THROTTLE_RATE and API_TOKEN_THROTTLE_RATE (settings, e.g.
"120/minute") override the defaults."""

import logging

from django.conf import settings
from django.db import DatabaseError
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from services import faults
from services.clients import client_ip, hit

logger = logging.getLogger(__name__)

DEFAULT_ANON_RATE = "120/minute"
DEFAULT_TOKEN_RATE = "600/minute"


class SharedCounterMixin(SimpleRateThrottle):
    """DRF's throttles keep a list of request times with get-then-set, which loses counts
    when workers answer at once. Here each client has one counter per fixed window, counted
    atomically in the shared cache (services.clients.hit), under the one client address the
    whole site uses (TRUSTED_PROXIES)."""

    # Set by SimpleRateThrottle.__init__ from the rate; django-stubs leaves them undeclared.
    num_requests: int
    duration: int

    def get_ident(self, request) -> str:
        return client_ip(request)

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        window = int(self.timer() // self.duration)
        self.window_ends_at = (window + 1) * self.duration
        if faults.writes_refused():
            return True  # as below: the database refused a write earlier in this request
        try:
            count = hit(f"{key}:{window}", self.duration)
        except (DatabaseError, ValueError) as exc:
            faults.mark_writes_refused()
            # The database cache refused the write (disk full, locked, read-only), raising,
            # or silently so that the count it then increments is missing (ValueError): a
            # read never depends on a write, so it goes on uncounted. A database that is
            # down fails the read itself a moment later (services/faults.py).
            logger.warning("API read not counted: the cache refused the write (%s).",
                           type(exc).__name__)  # fmt: skip
            return True
        return count <= self.num_requests

    def wait(self) -> float:
        return max(0.0, self.window_ends_at - self.timer())


class AnonymousReadThrottle(SharedCounterMixin, AnonRateThrottle):
    scope = "api_anon"

    def get_rate(self) -> str | None:
        return getattr(settings, "API_ANON_THROTTLE_RATE", DEFAULT_ANON_RATE)


class TokenThrottle(SharedCounterMixin, UserRateThrottle):
    """Requests made with an organisation's token. Anonymous requests are counted once, by
    AnonymousReadThrottle, not a second time here."""

    scope = "api_token"

    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)

    def get_rate(self) -> str | None:
        return getattr(settings, "API_TOKEN_THROTTLE_RATE", DEFAULT_TOKEN_RATE)
