"""Two-step sign-in: a six-digit code from an authenticator app (TOTP, django-otp).

Everyone who can see referral personal details (link workers, organisation members, referral
auditors) and everyone who can enter the admin may set it up. When REQUIRE_TWO_FACTOR is on,
they must enter a code after their password before reaching the admin, the dashboard, the
referral pages or insight (engagement.middleware.TwoFactorMiddleware). Wrong codes are slowed
down by django-otp's own throttling, kept in the database so it holds across workers.
"""

from base64 import b32encode
from urllib.parse import quote

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from services.permissions import edits_listings, is_link_worker

from .accounts import home_for
from .models.referrals import PERSONAL_PERMISSION


def may_use_two_factor(user) -> bool:
    """Accounts that can see personal details or enter the admin."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        user.is_staff
        or edits_listings(user)
        or is_link_worker(user)
        or user.has_perm(PERSONAL_PERMISSION)
    )


def must_verify(user) -> bool:
    """Whether this signed-in person still has to enter a code (REQUIRE_TWO_FACTOR on)."""
    return (
        getattr(settings, "REQUIRE_TWO_FACTOR", False)
        and may_use_two_factor(user)
        and not user.is_verified()
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="Six digits, for example 123456.",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the code from your authenticator app."},
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the six digits from your authenticator app.")
        return code


WRONG_CODE = (
    "That code is not right. Enter the newest code; if it still fails, check that the "
    "time on your phone is set automatically."
)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return home_for(request.user)


def step_url(name: str, next_url: str) -> str:
    return f"{reverse(name)}?next={quote(next_url, safe='/')}"


def _pending_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Shows a new secret (QR code and text) and turns it on once a code from it matches."""
    if not may_use_two_factor(request.user):
        raise PermissionDenied("Two-step sign-in is for accounts that see personal details.")
    if user_has_device(request.user) and must_verify(request.user):
        return redirect(step_url("two_factor_verify", _next(request)))
    device = _pending_device(request.user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
            otp_login(request, device)
            messages.success(request, "Two-step sign-in is on. You will need a code each time.")
            return redirect(_next(request))
        form.add_error("code", WRONG_CODE)
    context = {
        "form": form,
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=5, title="QR code"),
        "secret": " ".join(_chunks(b32encode(device.bin_key).decode(), 4)),
        "already_on": user_has_device(request.user),
        "next": _next(request),
    }
    return render(request, "registration/two_factor_setup.html", context, status=_status(form))


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the app set up on /accounts/two-step/setup/."""
    if not user_has_device(request.user):
        return redirect(step_url("two_factor_setup", _next(request)))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", WRONG_CODE)
    context = {"form": form, "next": _next(request)}
    return render(request, "registration/two_factor_verify.html", context, status=_status(form))


def _status(form) -> int:
    return 400 if form.errors else 200


def _chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]
