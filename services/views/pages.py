"""Information pages of the directory and the error handlers."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_safe

from services.models import ServiceType


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    service_types = ServiceType.objects.in_order().only("slug", "name", "description")
    return render(request, "services/home.html", {"service_types": service_types})


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


# Error handlers (wired up as handler400/403/404/500 in recovery_directory/urls.py).


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: something may be broken (the database, sessions), so 500.html is a
    # standalone template that needs nothing but itself.
    return HttpResponseServerError(loader.get_template("500.html").render())
