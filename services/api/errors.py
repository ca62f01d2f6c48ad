"""DRF's exception handler, plus the errors DRF leaves to Django: a database or cache that
cannot be reached answers 503 in JSON like every other API error (services/faults.py), and
a request body over `DATA_UPLOAD_MAX_MEMORY_SIZE` answers 413."""

from django.core.exceptions import RequestDataTooBig
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from services import faults


def exception_handler(exc: Exception, context: dict) -> Response | None:
    # Errors are JSON even from views that render something else (the docs page's HTML, the
    # schema's YAML).
    request = context.get("request")
    if request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    if faults.is_unavailable(exc):
        return Response(
            {"detail": faults.UNAVAILABLE_DETAIL},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(faults.RETRY_AFTER_SECONDS), "Cache-Control": "no-store"},
        )
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": "The request is too large."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    return None
