"""Signing in for link workers and organisation members (Django's auth views, our pages)."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.generic import FormView

from services.permissions import edits_listings, is_link_worker

from . import emails, ratelimit


def home_for(user) -> str:
    """Where someone lands after signing in without a `next` address: link workers on the
    referrals they made, organisation members and moderators on their dashboard."""
    if is_link_worker(user):
        return reverse("engagement:referral_list")
    if edits_listings(user):
        return reverse("engagement:dashboard")
    return reverse("services:home")


class RefusableMixin:
    """A form that fails with `refusal` (before any password is checked) when `refused`."""

    refusal = ""

    def __init__(self, *args, refused: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.refused = refused

    def clean(self):
        if self.refused:
            raise forms.ValidationError(self.refusal, code="rate_limited")
        return super().clean()


class SignInForm(RefusableMixin, AuthenticationForm):
    refusal = "You have tried to sign in too many times. Wait an hour and try again."
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your organisation's administrator.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username."
        self.fields["password"].error_messages["required"] = "Enter your password."


class ResetForm(RefusableMixin, PasswordResetForm):
    refusal = "You have asked for too many links. Wait an hour and try again."

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages = {
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.org.",
        }

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, **kw
    ):
        """Through the outbox, like every email the site sends (plain text only)."""
        emails.password_reset(
            subject=loader.render_to_string(subject_template_name, context),
            body=loader.render_to_string(email_template_name, context),
            to=to_email,
        )


class RateLimitedMixin(FormView):
    """Counts each POST from a client; over `limit` an hour the form is refused (status 429)."""

    scope = ""
    limit_setting = ""
    default_limit = 0

    def post(self, request, *args, **kwargs):
        limit = getattr(settings, self.limit_setting, self.default_limit)
        self.refused = not ratelimit.allow(request, self.scope, limit=limit)
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "refused": getattr(self, "refused", False)}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.refused:
            response.status_code = 429
        return response


class SignInView(RateLimitedMixin, auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True
    scope = "sign-in"
    limit_setting = "SIGN_IN_ATTEMPTS_PER_HOUR"
    default_limit = 20

    def get_default_redirect_url(self) -> str:
        return home_for(self.request.user)


class ResetPasswordView(RateLimitedMixin, auth_views.PasswordResetView):
    """Sends the reset link (or nothing, for an unknown address: the next page says the same)."""

    form_class = ResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    scope = "password-reset"
    limit_setting = "PUBLIC_FORMS_PER_HOUR"
    default_limit = 5


def _plain_password_help(form) -> None:
    """The validators' help as one sentence list (Django's is an HTML list, which cannot sit
    inside the design system's hint paragraph)."""
    form.fields["new_password1"].help_text = " ".join(
        password_validation.password_validators_help_texts()
    )


class ChangePasswordForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _plain_password_help(self)
        self.fields["old_password"].label = "Current password"
        self.fields["new_password2"].label = "New password again"


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _plain_password_help(self)
        self.fields["new_password2"].label = "New password again"


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes' answer while a username and address are cooling off. It reads the same
    whether or not the account exists, and whether or not the password was right."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request, "registration/locked_out.html", {"wait": f"{minutes} minutes"}, status=429
    )


def admin_sign_in(request: HttpRequest) -> HttpResponse:
    """The admin's own sign-in page, under the same per-address limit as /accounts/login/
    (one budget for both, counted before any password is checked)."""
    if request.method == "POST":
        limit = getattr(settings, "SIGN_IN_ATTEMPTS_PER_HOUR", 20)
        if not ratelimit.allow(request, SignInView.scope, limit=limit):
            return render(request, "registration/locked_out.html", {"wait": "an hour"}, status=429)
    return admin.site.login(request)
