import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from services.models import Service
from services.permissions import is_link_worker

from . import shortlists, submissions
from .actions import IllegalTransition, create_referral, transition
from .forms import ConsentForm, ReferralCheckForm, ReferralForm, TransitionForm, consent_wording
from .models import Referral, SavedShortlist
from .permissions import AuthenticatedHttpRequest, link_worker_required, receives
from .referral_steps import answers, intake_warning, remembered_organisation, status_message

CONSENT_SESSION_KEY = "engagement:referral-consent"
# The details given, until "Check your answers" sends them (then they leave the session).
DETAILS_SESSION_KEY = "engagement:referral-details"


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
        request.session.pop(DETAILS_SESSION_KEY, None)  # a new journey starts empty
        return redirect("engagement:refer_details", slug=service.slug)
    context = {"service": service, "form": form, "warning": intake_warning(service)}
    return render(request, "engagement/refer_consent.html", context)


def _journey(request: HttpRequest, service: Service) -> tuple[dict, dict]:
    """(consent, details so far) of this referral journey, kept in the session until sent."""
    consent = request.session.get(CONSENT_SESSION_KEY) or {}
    details = request.session.get(DETAILS_SESSION_KEY) or {}
    if consent.get("service") != str(service.pk):
        return {}, {}
    return consent, details.get("data", {}) if details.get("service") == str(service.pk) else {}


@link_worker_required
def refer_details(request: HttpRequest, slug: str) -> HttpResponse:
    service = _referrable(slug)
    consent, given = _journey(request, service)
    if not consent:
        return redirect("engagement:refer_consent", slug=service.slug)
    initial = given or {"organisation_name": remembered_organisation(request.user)}
    form = ReferralForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        request.session[DETAILS_SESSION_KEY] = {
            "service": str(service.pk),
            "data": form.cleaned_data,
        }
        return redirect("engagement:refer_check", slug=service.slug)
    context = {"service": service, "form": form, "warning": intake_warning(service)}
    return render(request, "engagement/refer_details.html", context)


@link_worker_required
def refer_check(request: HttpRequest, slug: str) -> HttpResponse:
    """Check your answers, then the final submit (with its one-time key)."""
    service = _referrable(slug)
    if request.method == "POST" and (done := submissions.previous(request.POST)):
        messages.success(request, f"Referral sent to {service.name}.")
        return redirect(done)  # sent already (a retry or double click): the same success page
    consent, given = _journey(request, service)
    if not given:
        return redirect("engagement:refer_details", slug=service.slug)
    form = ReferralCheckForm(_data(request))
    if request.method == "POST" and form.is_valid():
        done = submissions.once(
            request.POST,
            scope="referral",
            create=lambda: create_referral(
                service=service,
                referrer=request.user,
                organisation_name=given["organisation_name"],
                consent_given_at=datetime.datetime.fromisoformat(consent["at"]),
                consent_wording=consent_wording(service),
                details=given,
            ),
            success_url=lambda referral: reverse("engagement:referral_detail", args=[referral.pk]),
        )
        for key in (CONSENT_SESSION_KEY, DETAILS_SESSION_KEY):
            request.session.pop(key, None)
        messages.success(request, f"Referral sent to {service.name}.")
        return redirect(done)
    context = {"service": service, "form": form, "answers": answers(given)}
    return render(
        request, "engagement/refer_check.html", {**context, "warning": intake_warning(service)}
    )


@login_required
def referral_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where link workers land after signing in: search, their lists, their referrals (with
    what to do first while there are none)."""
    referrals = Referral.objects.filter(referrer=request.user).select_related("service")
    link_worker = is_link_worker(request.user)
    context = {
        "referrals": referrals,
        "is_link_worker": link_worker,
        "saved_lists": SavedShortlist.objects.filter(user=request.user) if link_worker else [],
        "list_count": len(shortlists.ids_in(request.session)),
    }
    return render(request, "engagement/referral_list.html", context)


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
    return render(request, "engagement/referral_detail.html", _detail_context(referral, can_act))


def _detail_context(referral: Referral, can_act: bool, form: TransitionForm | None = None) -> dict:
    """The page of one referral. The move buttons and "Decline" are separate forms (each
    with its own note): a form sent back with errors is shown in its own place."""
    declining = form is not None and form.data.get("to") == Referral.Status.DECLINED
    return {
        "referral": referral,
        "can_act": can_act,
        "events": referral.events.select_related("by"),
        "moves": [s for s in referral.allowed_transitions() if s != Referral.Status.DECLINED],
        "form": form if form is not None and not declining else TransitionForm(referral=referral),
        "decline_form": form
        if declining
        else TransitionForm(referral=referral, auto_id="decline_%s"),
    }


@login_required
@require_POST
def referral_update(request: HttpRequest, pk) -> HttpResponse:
    referral = _visible_referral(request, pk)
    if not receives(request.user, referral):
        raise PermissionDenied("Only the organisation that received a referral can update it.")
    declining = request.POST.get("to") == Referral.Status.DECLINED
    auto_id = "decline_%s" if declining else "id_%s"
    form = TransitionForm(request.POST, referral=referral, auto_id=auto_id)
    if form.is_valid():
        try:
            data = form.cleaned_data
            transition(
                referral, data["to"], by=request.user, reason=data["reason"], note=data["note"]
            )
        except IllegalTransition as error:
            messages.error(request, str(error))
        else:
            messages.success(request, status_message(referral, data["to"], note=data["note"]))
        return redirect("engagement:referral_detail", pk=referral.pk)
    context = _detail_context(referral, True, form)
    return render(request, "engagement/referral_detail.html", context, status=400)
