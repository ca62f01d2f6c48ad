from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db.models import Q

from services import actions
from services.models import Organisation, OrganisationMembership
from services.models.organisations import normalise_charity_number
from services.permissions import is_moderator

from .base import OrganisationScopedAdmin, managed_ids
from .conflicts import VersionedForm

ORGANISATION_FIELDSETS = [
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


class MembershipAddForm(forms.ModelForm):
    """Add a person to an organisation: an existing account, or a new one made here."""

    account = forms.CharField(
        label="Username or email address",
        required=False,
        help_text="If they already have an account for this admin site.",
    )
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="This becomes their username for signing in.",
    )
    password1 = forms.CharField(
        label="First password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="First password again",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    new_account: actions.NewAccount | None = None

    class Meta:
        model = OrganisationMembership
        fields = ["organisation", "role"]
        help_texts = {
            "organisation": "The organisation whose listings they will keep up to date.",
            "role": "Editors change listings. Managers can also add and remove editors.",
        }

    def clean(self):
        cleaned = super().clean()
        account, email = cleaned.get("account", "").strip(), cleaned.get("email", "")
        if account and email:
            raise ValidationError(
                "Either give an existing account or fill in a new account, not both."
            )
        if account:
            self.instance.user = self._existing_user(account)
        elif email:
            self.new_account = self._new_account(cleaned)
        elif not self.has_error("email"):
            raise ValidationError(
                "Give the username or email address of an existing account, "
                "or fill in the details for a new account."
            )
        organisation = cleaned.get("organisation")
        user = getattr(self.instance, "user", None) if account else None
        if user and organisation and user.memberships.filter(organisation=organisation).exists():
            self.add_error("account", f"They are already a member of {organisation}.")
        return cleaned

    def _existing_user(self, account: str):
        lookup = Q(username__iexact=account) | Q(email__iexact=account)
        users = get_user_model().objects.filter(lookup)
        matches = list(users[:2])
        if not matches:
            raise ValidationError(
                {
                    "account": "No account has that username or email address. Check the "
                    "spelling, or fill in the details below to create a new account."
                }
            )
        if len(matches) > 1:
            raise ValidationError(
                {"account": "More than one account has that email address. Enter the username."}
            )
        return matches[0]

    def _new_account(self, cleaned) -> actions.NewAccount | None:
        email = cleaned["email"].strip().lower()
        taken = get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email))
        if taken.exists():
            self.add_error(
                "email",
                "There is already an account with this email address. "
                "Enter it under “Username or email address” instead.",
            )
        for name in ("first_name", "last_name", "password1"):
            if not cleaned.get(name):
                self.add_error(name, "Enter this to create a new account.")
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password1 != password2:
            self.add_error("password2", "The two passwords are different.")
        elif password1:
            person = get_user_model()(
                username=email,
                email=email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, person)
            except ValidationError as error:
                self.add_error("password1", error)
        if self.errors:
            return None
        return actions.NewAccount(
            email=email,
            first_name=cleaned["first_name"],
            last_name=cleaned["last_name"],
            password=password1,
        )


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(OrganisationScopedAdmin):
    """Managers add and remove editors of the organisations they manage; everyone else
    in the organisation can see who its members are."""

    list_display = ["member", "organisation", "role", "created_at"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    add_fieldsets = [
        (None, {"fields": ["organisation", "role"]}),
        ("Someone with an account", {"fields": ["account"]}),
        (
            "Or create an account for them",
            {
                "fields": ["first_name", "last_name", "email", "password1", "password2"],
                "description": "Give them the first password in person or by phone, not by "
                "email. They can change it once they have signed in.",
            },
        ),
    ]
    fieldsets = [(None, {"fields": ["user", "organisation", "role", "created_at"]})]

    @admin.display(description="member", ordering="user__username")
    def member(self, obj) -> str:
        user = obj.user
        name = user.get_full_name() or user.username
        return f"{name} ({user.email})" if user.email else name

    def get_list_filter(self, request):
        return ["role", "organisation"] if is_moderator(request.user) else ["role"]

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["user", "organisation", "created_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = MembershipAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not is_moderator(request.user):
            kwargs["queryset"] = Organisation.objects.filter(pk__in=managed_ids(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not is_moderator(request.user):
            kwargs["choices"] = [(OrganisationMembership.Role.EDITOR, "Editor")]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def manages(self, request, obj) -> bool:
        if is_moderator(request.user):
            return True
        managed = managed_ids(request.user)
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
        if change:
            obj.save()
        else:
            actions.add_member(membership=obj, new_account=form.new_account)
