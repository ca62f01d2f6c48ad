"""Information pages of the directory and the error handlers."""

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_safe

from services import faults
from services.models import ServiceType
from services.views.rendering import render_page


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    service_types = ServiceType.objects.in_order().only("slug", "name", "description")
    return render_page(request, "services/home.html", {"service_types": service_types})


@require_safe
def crisis(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/crisis.html")


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/about.html")


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html", _contact_context())


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html", _contact_context())


def _contact_context() -> dict[str, str]:
    return {"contact_email": getattr(settings, "CONTACT_EMAIL", "")}


# Error handlers (wired up as handler400/403/404/500 in recovery_directory/urls.py). They
# touch neither the database nor the session, and answer JSON under /api/ (services/faults.py).


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        if faults.is_api(request):
            return JsonResponse({"detail": "The request is too large."}, status=413)
        return render(request, "413.html", status=413)
    if faults.is_api(request):
        return JsonResponse({"detail": "The request could not be understood."}, status=400)
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if faults.is_api(request):
        return JsonResponse(
            {"detail": "You do not have permission to perform this action."}, status=403
        )
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if faults.is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Called while the exception is being handled, from whichever view or middleware raised it.
    if faults.is_unavailable(sys.exc_info()[1]):
        return faults.unavailable_response(request)
    if faults.is_api(request):
        return JsonResponse({"detail": "Sorry, something went wrong on our side."}, status=500)
    # No request context: something may be broken (the database, sessions), so 500.html is a
    # standalone template that needs nothing but itself.
    return HttpResponseServerError(loader.get_template("500.html").render())
