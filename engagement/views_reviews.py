"""Keeping listings up to date: the one-click "still correct" link from reminder emails and
the organisation dashboard."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from services.models import Service
from services.permissions import (
    can_edit_organisation,
    edits_listings,
    is_moderator,
    organisation_ids_for,
    visible_organisations,
)

from .dashboard import OrganisationChoiceForm, dashboard_services
from .reminders import InvalidLink, confirm_still_correct, link_max_age, resolve_token


def still_correct(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what will happen (mail scanners follow links, so GET changes nothing);
    POST marks the listing as checked by the member the email was sent to."""
    try:
        service, user = resolve_token(token)
    except InvalidLink:
        invalid = {"days": link_max_age().days}
        return render(request, "engagement/still_correct_invalid.html", invalid, status=400)
    done = request.method == "POST"
    if done:
        confirm_still_correct(service=service, user=user)
    context = {"service": service, "done": done}
    return render(request, "engagement/still_correct.html", context)


def _review_months() -> dict:
    stale = getattr(settings, "STALE_LISTING_MONTHS", 12)
    return {
        "overdue_months": getattr(settings, "REVIEW_OVERDUE_MONTHS", 6),
        "stale_months": stale,
        "stale_label": f"{stale} months",
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    moderator = is_moderator(request.user)
    if not edits_listings(request.user):
        raise PermissionDenied("The dashboard is for members of organisations.")
    organisations = visible_organisations(request.user)
    form = OrganisationChoiceForm(request.GET or None, organisations=organisations)
    chosen = form.cleaned_data["organisation"] if form.is_valid() else None
    if chosen is not None:
        services = dashboard_services([chosen.pk])
    elif moderator:  # every listing would be too many: moderators pick an organisation
        services = Service.objects.none()
    else:
        services = dashboard_services(organisation_ids_for(request.user))
    picker = moderator or len(organisation_ids_for(request.user)) > 1
    context = {"form": form, "services": services, "chosen": chosen, "picker": picker}
    context["moderator"] = moderator
    return render(request, "engagement/dashboard.html", {**context, **_review_months()})


@login_required
@require_POST
def dashboard_mark_checked(request: HttpRequest, pk) -> HttpResponse:
    service = get_object_or_404(Service, pk=pk)
    if not can_edit_organisation(request.user, service.organisation_id):
        raise PermissionDenied("You cannot change this listing.")
    service.mark_checked(request.user)
    messages.success(request, f"{service.name} is marked as checked today.")
    back = reverse("engagement:dashboard")
    if request.POST.get("organisation"):
        back += "?" + urlencode({"organisation": request.POST["organisation"]})
    return redirect(back)
