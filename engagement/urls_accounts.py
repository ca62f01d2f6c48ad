"""Sign in, sign out and passwords at /accounts/. Not namespaced: Django's auth views reverse
these names ("login", "password_reset_done"…) without a namespace."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import two_factor, views_invitations
from .accounts import ChangePasswordForm, NewPasswordForm, ResetPasswordView, SignInView

urlpatterns = [
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-step/", two_factor.verify, name="two_factor_verify"),
    path("two-step/setup/", two_factor.setup, name="two_factor_setup"),
    path("invitation/<str:token>/", views_invitations.invitation, name="invitation"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(form_class=ChangePasswordForm),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password_reset/", ResetPasswordView.as_view(), name="password_reset"),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=NewPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
