from typing import TYPE_CHECKING, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from engagement import invitations
from services.models import Organisation, OrganisationMembership
from services.models.organisations import normalise_charity_number
from services.permissions import is_moderator, managed_organisation_ids, managed_organisations

from .base import OrganisationScopedAdmin
from .conflicts import VersionedForm

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec  # django-stubs' name for fieldsets

ORGANISATION_FIELDSETS: "_FieldsetSpec" = [
    (None, {"fields": ["name", "slug", "description"]}),
    (
        "Contact details",
        {
            "fields": ["website", "email", "phone"],
            "description": "Shown on your organisation's page in the directory.",
        },
    ),
    ("Charity", {"fields": ["charity_number"]}),
    ("In the directory", {"fields": ["is_active", "is_verified"]}),
]


class OrganisationForm(VersionedForm):
    # Wider than the model's 8 characters so "sc 012 345" can be tidied up, not refused.
    charity_number = forms.CharField(
        label="Scottish charity number",
        max_length=20,
        required=False,
        help_text=Organisation._meta.get_field("charity_number").help_text,
    )

    class Meta:
        model = Organisation
        fields = flatten_fieldsets(ORGANISATION_FIELDSETS)
        help_texts = {
            "website": "Your main web address, starting https://",
            "phone": "A number the public can ring, for example 0141 123 4567.",
        }

    def clean_charity_number(self) -> str:
        return normalise_charity_number(self.cleaned_data["charity_number"])


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin):
    organisation_lookup = "pk"
    form = OrganisationForm
    list_display = ["name", "is_active", "is_verified", "charity_number"]
    search_fields = ["name", "charity_number"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = ORGANISATION_FIELDSETS

    def get_list_filter(self, request):
        return ["is_verified", "is_active"] if is_moderator(request.user) else []

    def get_readonly_fields(self, request, obj=None):
        return [] if is_moderator(request.user) else ["is_verified"]

    def has_add_permission(self, request) -> bool:
        return is_moderator(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_moderator(request.user)

    def save_model(self, request, obj, form, change):
        if change and not is_moderator(request.user):
            # A member reverting to an old version must not bring back an old verification.
            obj.is_verified = (
                Organisation.objects.filter(pk=obj.pk).values_list("is_verified", flat=True).get()
            )
        super().save_model(request, obj, form, change)


class InvitationForm(forms.Form):
    """Invite someone by email. Whether the address has an account is never looked up here:
    the person chooses a password, or signs in to their own account, when they accept."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        help_text="The organisation whose listings they will keep up to date.",
    )
    role = forms.ChoiceField(
        choices=OrganisationMembership.Role.choices,
        help_text="Editors change listings. Managers can also invite and remove editors.",
    )
    email = forms.EmailField(
        label="Their email address",
        help_text="We email them a link to accept. It works for a limited number of days.",
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        organisation = cast(forms.ModelChoiceField, self.fields["organisation"])
        organisation.queryset = managed_organisations(user)
        if not is_moderator(user):
            role = cast(forms.ChoiceField, self.fields["role"])
            role.choices = [(OrganisationMembership.Role.EDITOR, "Editor")]
        if organisation.queryset.count() == 1:
            organisation.initial = organisation.queryset.get()


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(OrganisationScopedAdmin):
    """Managers add and remove editors of the organisations they manage; everyone else
    in the organisation can see who its members are."""

    list_display = ["member", "organisation", "role", "created_at"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    fieldsets = [(None, {"fields": ["user", "organisation", "role", "created_at"]})]

    @admin.display(description="member", ordering="user__username")
    def member(self, obj) -> str:
        user = obj.user
        name = user.get_full_name() or user.username
        return f"{name} ({user.email})" if user.email else name

    def get_list_filter(self, request):
        return ["role", "organisation"] if is_moderator(request.user) else ["role"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "organisation", "created_at"]

    def add_view(self, request, form_url="", extra_context=None):
        """The add page sends an invitation (engagement.invitations): the membership is made
        only when the person accepts, from their own account."""
        if not self.has_add_permission(request):
            raise PermissionDenied("Only managers can invite people.")
        form = InvitationForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            invitations.send(**form.cleaned_data, invited_by=request.user, request=request)
            days = settings.INVITATION_DAYS
            self.message_user(
                request,
                f"We have emailed an invitation to {form.cleaned_data['email']}. It works for "
                f"{days} days. They will appear here once they accept.",
                messages.SUCCESS,
            )
            return redirect("admin:services_organisationmembership_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Invite someone to an organisation",
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/services/invite.html", context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = managed_organisations(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not is_moderator(request.user):
            kwargs["choices"] = [(OrganisationMembership.Role.EDITOR, "Editor")]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def manages(self, request, obj) -> bool:
        if is_moderator(request.user):
            return True
        managed = managed_organisation_ids(request.user)
        if obj is None:
            return bool(managed)
        return (
            obj.organisation_id in managed
            and obj.role == OrganisationMembership.Role.EDITOR
            and obj.user_id != request.user.pk
        )

    def has_add_permission(self, request) -> bool:
        return self.manages(request, None)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_moderator(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.manages(request, obj)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        obj.save()
