"""Keeping listings up to date: the one-click "still correct" link from reminder emails."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .reminders import InvalidLink, confirm_still_correct, link_max_age, resolve_token


def still_correct(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what will happen (mail scanners follow links, so GET changes nothing);
    POST marks the listing as checked by the member the email was sent to."""
    try:
        service, user = resolve_token(token)
    except InvalidLink:
        context = {"days": link_max_age().days}
        return render(request, "engagement/still_correct_invalid.html", context, status=400)
    done = request.method == "POST"
    if done:
        confirm_still_correct(service=service, user=user)
    context = {"service": service, "done": done}
    return render(request, "engagement/still_correct.html", context)
