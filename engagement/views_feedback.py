from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from services.models import Service

from . import ratelimit, submissions
from .actions import submit_problem_report
from .forms import ProblemReportForm, RateLimitedForm, SuggestionForm


def accept_public_form(request: HttpRequest, form: RateLimitedForm, *, scope: str) -> str:
    """ "spam" (pretend it worked), "repeat" (stored already under this form's submission
    key: show success again), "ok" (save it) or "invalid" (show the errors again).
    Only well-formed, non-spam, new submissions count towards this client's hourly limit."""
    if form.is_spam:
        return "spam"
    if submissions.previous(form.data) is not None:
        return "repeat"
    if not form.is_valid():
        return "invalid"
    limit = getattr(settings, "PUBLIC_FORMS_PER_HOUR", 5)
    if not ratelimit.allow(request, scope, limit=limit):
        form.refuse_rate_limited()
        return "invalid"
    return "ok"


def report_problem(request: HttpRequest, slug: str) -> HttpResponse:
    service = get_object_or_404(
        Service.objects.published().select_related("organisation"), slug=slug
    )
    form = ProblemReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        outcome = accept_public_form(request, form, scope="problem-report")
        if outcome == "ok":
            data = {k: form.cleaned_data[k] for k in ("reason", "details", "reporter_email")}
            submissions.once(
                form.data,
                scope="problem-report",
                create=lambda: submit_problem_report(service=service, **data),
            )
        if outcome != "invalid":
            return redirect("engagement:report_problem_sent", slug=service.slug)
    status = 429 if form.errors.get("__all__") else 200
    context = {"service": service, "form": form}
    return render(request, "engagement/report_problem.html", context, status=status)


def report_problem_sent(request: HttpRequest, slug: str) -> HttpResponse:
    service = get_object_or_404(Service.objects.published(), slug=slug)
    return render(request, "engagement/report_problem_sent.html", {"service": service})


def suggest_service(request: HttpRequest) -> HttpResponse:
    form = SuggestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        outcome = accept_public_form(request, form, scope="suggestion")
        if outcome == "ok":
            submissions.once(form.data, scope="suggestion", create=form.save_suggestion)
        if outcome != "invalid":
            return redirect("engagement:suggest_sent")
    status = 429 if form.errors.get("__all__") else 200
    return render(request, "engagement/suggest.html", {"form": form}, status=status)


def suggest_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "engagement/suggest_sent.html")
