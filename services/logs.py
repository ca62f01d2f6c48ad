"""Request ids and the request log.

Every request gets an id: the proxy's `X-Request-ID` when it is a plain hexadecimal or UUID
token (nginx's `$request_id`), so one id follows a request through the proxy's log and
ours; otherwise, or when it could carry anything else, a new one. It is sent back in
`X-Request-ID` and added to every log record made while the request runs
(`RequestIdFilter`).

With `LOG_FORMAT=json` each log record is one JSON line, and `RequestLogMiddleware` writes
one per request (method, path without the query string or tokens, status, duration in ms),
replacing gunicorn's access log. Nothing people typed is logged: searches and forms carry postcodes,
places and health details in the query string and the body, and neither is read here.
"""

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("recovery_directory.requests")

SAFE_REQUEST_ID = re.compile(r"^[0-9A-Fa-f][0-9A-Fa-f-]{15,63}$")
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# Attributes of a log record that never go into a log line: Django attaches the request
# (whose text form includes the query string) to its error records.
PRIVATE_RECORD_ATTRIBUTES = ("request",)


def loggable_path(request: HttpRequest) -> str:
    """The path without its query string, and without the secrets some addresses carry
    (shared-list, review and password-reset tokens: any URL argument named like a token)."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    for name, value in match.kwargs.items() if match else ():
        if "token" in name and isinstance(value, str) and value:
            path = path.replace(value, "…")
    return path


def incoming_or_new_id(request: HttpRequest) -> str:
    incoming = request.headers.get("X-Request-ID", "")
    if SAFE_REQUEST_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record and drops attributes that may hold personal data."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        for name in PRIVATE_RECORD_ATTRIBUTES:
            record.__dict__.pop(name, None)
        return True


class RequestLogMiddleware:
    """First in the middleware list, so static files and health checks are counted too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        self.log_requests = settings.LOG_FORMAT == "json"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        # Not reset afterwards: Django logs a failed request's status after the middleware
        # has returned, and that line should carry the id too. The next request sets its own.
        request_id.set(incoming_or_new_id(request))
        response = self.get_response(request)
        response["X-Request-ID"] = request_id.get()
        if self.log_requests:
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": loggable_path(request),
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        return response
