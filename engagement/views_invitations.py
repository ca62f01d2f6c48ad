"""The page an invitation link opens (see engagement/invitations.py)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, password_validation
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from . import invitations
from .forms import limits


class NewAccountForm(forms.Form):
    first_name = forms.CharField(label="First name", **limits(get_user_model(), "first_name"))
    last_name = forms.CharField(label="Last name", **limits(get_user_model(), "last_name"))
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=" ".join(password_validation.password_validators_help_texts()),
    )
    password2 = forms.CharField(
        label="The same password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        for name, message in [
            ("first_name", "Enter your first name."),
            ("last_name", "Enter your last name."),
            ("password1", "Choose a password."),
            ("password2", "Enter the password again."),
        ]:
            self.fields[name].error_messages["required"] = message

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords are different.")
        elif password1:
            person = get_user_model()(
                username=self.email,
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, person)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = invitations.read(token)
    if found is None:
        days = {"days": settings.INVITATION_DAYS}
        return render(request, "registration/invitation_invalid.html", days, status=404)
    context = {"invitation": found, "path": request.path}
    if request.user.is_authenticated:
        matches = request.user.email.strip().lower() == found.email
        if request.method == "POST" and matches:
            invitations.accept(invitation=found, user=request.user)
            messages.success(request, f"You have joined {found.organisation.name}.")
            return redirect("admin:index")
        return render(request, "registration/invitation.html", {**context, "matches": matches})
    if invitations.account_exists(found.email):
        return render(request, "registration/invitation.html", {**context, "sign_in": True})
    data = request.POST if request.method == "POST" else None
    form = NewAccountForm(data, email=found.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.create_account_and_accept(
                invitation=found,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except IntegrityError:  # the account was made a moment ago, by another tab
            return render(request, "registration/invitation.html", {**context, "sign_in": True})
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, f"Your account is ready and you have joined {found.organisation.name}."
        )
        return redirect(reverse("admin:index"))
    status = 400 if form.errors else 200
    return render(request, "registration/invitation.html", {**context, "form": form}, status=status)
