"""Email alerts about new support: sign up, confirm (or renew) from the emailed link, and
unsubscribe from any email, including the one-click POST mail programs send (RFC 8058)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import alerts, submissions
from .forms_alerts import AlertForm
from .views_feedback import accept_public_form


def _initial(request: HttpRequest) -> dict:
    """Starting values from a link such as /alerts/?near=Kirkcaldy&radius_km=10&type=drop-in."""
    initial: dict[str, object] = {
        "near": request.GET.get("near", "")[:100],
        "types": request.GET.getlist("type"),
    }
    if request.GET.get("radius_km", "").isdigit():
        initial["radius_km"] = int(request.GET["radius_km"])
    return initial


def _subscribe(form: AlertForm):
    data, location = form.cleaned_data, form.location
    assert location.lat is not None, "clean_near found a place"
    assert location.lon is not None, "clean_near found a place"
    return alerts.subscribe(
        email=data["email"],
        place=location.label,
        lat=location.lat,
        lon=location.lon,
        radius_km=data["radius_km"],
        types=data["types"],
    )


@require_http_methods(["GET", "HEAD", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = AlertForm(initial=_initial(request))
        return render(request, "engagement/alerts/sign_up.html", {"form": form})
    form = AlertForm(request.POST)
    outcome = accept_public_form(request, form, scope="alert")
    if outcome == "ok":
        submissions.once(form.data, scope="alert", create=lambda: _subscribe(form))
    if outcome != "invalid":
        return redirect("engagement:alert_check_email")
    status = 429 if form.errors.get("__all__") else 200
    return render(request, "engagement/alerts/sign_up.html", {"form": form}, status=status)


def check_email(request: HttpRequest) -> HttpResponse:
    context = {"confirm_days": settings.ALERT_CONFIRM_DAYS}
    return render(request, "engagement/alerts/check_email.html", context)


def _invalid(request: HttpRequest) -> HttpResponse:
    context = {"confirm_days": settings.ALERT_CONFIRM_DAYS}
    return render(request, "engagement/alerts/link_invalid.html", context, status=404)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str, purpose: str) -> HttpResponse:
    """The emailed confirmation (or renewal) link shows a button; pressing it confirms, so a
    mail scanner that opens links does not sign anyone up."""
    alert = alerts.alert_from_token(token, purpose)
    if alert is None:
        return _invalid(request)
    if request.method == "POST":
        alerts.confirm(alert)
        return redirect(f"{request.path}?done=1")
    context = {
        "alert": alert,
        "purpose": purpose,
        "done": request.GET.get("done") == "1" and alert.confirmed_at is not None,
        "ends_on": alerts.ends_on(alert) if alert.confirmed_at else None,
        "unsubscribe_url": reverse(
            "engagement:alert_unsubscribe", args=[alerts.token(alert, "unsubscribe")]
        ),
    }
    return render(request, "engagement/alerts/confirm.html", context)


@csrf_exempt  # The signed token is the proof; mail programs POST without a CSRF token.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (a button); POST deletes the alert at once: the button, or a mail program's
    one-click "List-Unsubscribe=One-Click" POST."""
    if not alerts.is_signed(token, "unsubscribe"):
        return _invalid(request)
    alert = alerts.alert_from_token(token, "unsubscribe")
    if request.method == "POST":
        if alert is not None:
            alerts.unsubscribe(alert)
        return render(request, "engagement/alerts/unsubscribed.html")
    if alert is None:
        return render(request, "engagement/alerts/unsubscribed.html")
    return render(request, "engagement/alerts/unsubscribe.html", {"alert": alert})
