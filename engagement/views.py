from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from services.models import Service

from . import submissions
from .actions import IllegalTransition, create_referral, transition
from .forms import ConsentForm, ReferralForm, TransitionForm, consent_wording
from .models import LinkWorkerProfile, Referral
from .permissions import link_worker_required, receives

CONSENT_SESSION_KEY = "engagement:referral-consent"


def _data(request: HttpRequest):
    """POST data for a bound form (even when empty), None for an unbound one."""
    return request.POST if request.method == "POST" else None


def _referrable(slug: str) -> Service:
    queryset = Service.objects.published().taking_referrals()
    return get_object_or_404(queryset.select_related("organisation"), slug=slug)


@link_worker_required
def refer_consent(request: HttpRequest, slug: str) -> HttpResponse:
    service = _referrable(slug)
    form = ConsentForm(_data(request), service=service)
    if request.method == "POST" and form.is_valid():
        consent = {"service": str(service.pk), "at": timezone.now().isoformat()}
        request.session[CONSENT_SESSION_KEY] = consent
        return redirect("engagement:refer_details", slug=service.slug)
    return render(request, "engagement/refer_consent.html", {"service": service, "form": form})


@link_worker_required
def refer_details(request: HttpRequest, slug: str) -> HttpResponse:
    service = _referrable(slug)
    if request.method == "POST" and (done := submissions.previous(request.POST)):
        messages.success(request, f"Referral sent to {service.name}.")
        return redirect(done)  # sent already (a retry or double click): the same success page
    consent = request.session.get(CONSENT_SESSION_KEY) or {}
    if consent.get("service") != str(service.pk):
        return redirect("engagement:refer_consent", slug=service.slug)
    profile = LinkWorkerProfile.objects.filter(user=request.user).first()
    initial = {"organisation_name": profile.organisation_name if profile else ""}
    form = ReferralForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        done = submissions.once(
            request.POST,
            scope="referral",
            create=lambda: create_referral(
                service=service,
                referrer=request.user,
                organisation_name=form.cleaned_data.pop("organisation_name"),
                consent_given_at=parse_datetime(consent["at"]),
                consent_wording=consent_wording(service),
                details=form.cleaned_data,
            ),
            success_url=lambda referral: reverse("engagement:referral_detail", args=[referral.pk]),
        )
        del request.session[CONSENT_SESSION_KEY]
        messages.success(request, f"Referral sent to {service.name}.")
        return redirect(done)
    return render(request, "engagement/refer_details.html", {"service": service, "form": form})


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    referrals = Referral.objects.filter(referrer=request.user).select_related("service")
    return render(request, "engagement/referral_list.html", {"referrals": referrals})


@login_required
def referral_inbox(request: HttpRequest) -> HttpResponse:
    referrals = Referral.objects.received_by(request.user).select_related("service")
    return render(request, "engagement/referral_inbox.html", {"referrals": referrals})


def _visible_referral(request: HttpRequest, pk) -> Referral:
    queryset = Referral.objects.visible_to(request.user).select_related("service__organisation")
    return get_object_or_404(queryset, pk=pk)


@login_required
def referral_detail(request: HttpRequest, pk) -> HttpResponse:
    referral = _visible_referral(request, pk)
    can_act = receives(request.user, referral)
    if can_act and referral.status == Referral.Status.SENT:
        referral = transition(referral, Referral.Status.OPENED, by=request.user)
    context = {
        "referral": referral,
        "can_act": can_act,
        "events": referral.events.select_related("by"),
        "form": TransitionForm(referral=referral),
    }
    return render(request, "engagement/referral_detail.html", context)


@login_required
@require_POST
def referral_update(request: HttpRequest, pk) -> HttpResponse:
    referral = _visible_referral(request, pk)
    if not receives(request.user, referral):
        raise PermissionDenied("Only the organisation that received a referral can update it.")
    form = TransitionForm(request.POST, referral=referral)
    if form.is_valid():
        try:
            transition(
                referral,
                form.cleaned_data["to"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except IllegalTransition as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Referral updated.")
        return redirect("engagement:referral_detail", pk=referral.pk)
    context = {
        "referral": referral,
        "can_act": True,
        "form": form,
        "events": referral.events.select_related("by"),
    }
    return render(request, "engagement/referral_detail.html", context, status=400)
