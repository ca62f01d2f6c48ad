from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# Browser features the directory never needs; geolocation stays allowed for "Use my location".
PERMISSIONS_POLICY = "camera=(), microphone=(), payment=(), usb=(), interest-cohort=()"


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
