from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, quote
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from services.geo.postcodes import normalise_postcode
from services.models import CourseRun, Location, Schedule, Service, ServiceAtLocation
from services.permissions import is_moderator

from .base import OrganisationScopedAdmin, ScopedInlineMixin
from .schedules import ScheduleForm

CHECKBOXES = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
CHECKED_REASON = "Marked as checked"


class ReviewOverdueFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        months = settings.REVIEW_OVERDUE_MONTHS
        return [("overdue", f"Review overdue (> {months} months)")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.needs_review(settings.REVIEW_OVERDUE_MONTHS * 30)
        return queryset


class ServiceChildFormSet(BaseInlineFormSet):
    """Gives each row its (possibly unsaved) service, so row validation can compare
    organisations before anything is saved."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.service = self.instance
        return form


class ServiceAtLocationInline(ScopedInlineMixin, admin.TabularInline):
    model = ServiceAtLocation
    formset = ServiceChildFormSet
    fields = ["location", "description"]
    extra = 1
    verbose_name = "place where it happens"
    verbose_name_plural = "places where it happens"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:
            field = formset.form.base_fields["location"]
            field.queryset = field.queryset.filter(organisation_id=obj.organisation_id)
        return formset


class ScheduleInline(ScopedInlineMixin, admin.StackedInline):
    model = Schedule
    form = ScheduleForm
    formset = ServiceChildFormSet
    extra = 1
    verbose_name = "regular session"
    verbose_name_plural = "regular sessions (when it happens)"
    fields = [
        ("weekday", "opens_at", "closes_at"),
        ("frequency", "week_of_month"),
        ("valid_from", "valid_to"),
        "location",
        "course_run",
        "description",
    ]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        fields = formset.form.base_fields
        if obj is None:
            fields["course_run"].queryset = CourseRun.objects.none()
        else:
            fields["location"].queryset = fields["location"].queryset.filter(
                organisation_id=obj.organisation_id
            )
            fields["course_run"].queryset = fields["course_run"].queryset.filter(service=obj)
        return formset


SERVICE_FIELDSETS = [
    (
        "About the service",
        {
            "fields": [
                "organisation",
                "name",
                "slug",
                "summary",
                "description",
                "first_visit",
                "how_to_get_support",
            ],
            "description": "Write for someone who may be anxious or unwell: short "
            "sentences, everyday words, no abbreviations.",
        },
    ),
    (
        "Running now?",
        {"fields": ["status", "intake_status", "intake_status_until"]},
    ),
    (
        "What kind of support",
        {
            "fields": [
                "types",
                "access_routes",
                "delivery_modes",
                "lived_experience",
                "audiences",
                "languages",
            ],
            "description": "These choices decide which searches the service appears in.",
        },
    ),
    (
        "Where",
        {
            "fields": ["is_national", "areas"],
            "description": "Add the places where it happens at the bottom of this page. "
            "Tick areas for services without a building, such as phone or home visits.",
        },
    ),
    (
        "Who can come and what it costs",
        {"fields": ["min_age", "max_age", "cost", "cost_description"]},
    ),
    ("Contact details", {"fields": ["website", "email", "phone", "referral_url"]}),
    (
        "Referrals from link workers",
        {"fields": ["accepts_referrals", "referral_email"]},
    ),
]


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = flatten_fieldsets(SERVICE_FIELDSETS)
        labels = {
            "types": "Types of support",
            "delivery_modes": "How it is delivered",
            "lived_experience": "Lived experience involvement",
            "areas": "Council areas and health boards",
        }
        help_texts = {
            "organisation": "The organisation that runs it.",
            "name": 'What people call it, for example "Tuesday Night Recovery Café".',
            "status": "Inactive and defunct services are hidden from the public directory.",
            "intake_status": "Whether new people can start now. Set a date below if this "
            "is only for a while.",
            "website": "A page about this service, starting https://",
            "email": "An address the public can write to about this service.",
            "phone": "A number the public can ring about this service.",
            "cost": "Whether people have to pay.",
            "min_age": "Leave empty if there is no lower age limit.",
            "max_age": "Leave empty if there is no upper age limit.",
            "types": "Tick every kind of support it offers.",
            "access_routes": "Tick every way people can start coming.",
            "lived_experience": "How people with lived experience are involved in running it.",
            "audiences": "Leave empty if it is open to everyone.",
            "delivery_modes": "Tick every way it is delivered.",
            "languages": "Languages other than English that support is offered in.",
        }


def last_checked_text(service: Service) -> str:
    if service.last_checked_at is None:
        return "Never"
    when = date_format(timezone.localtime(service.last_checked_at), "j F Y")
    user = service.last_checked_by
    if user is None:
        return when
    return f"{when} by {user.get_full_name() or user.username}"


@admin.register(Service)
class ServiceAdmin(OrganisationScopedAdmin):
    form = ServiceForm
    inlines = [ServiceAtLocationInline, ScheduleInline]
    formfield_overrides = CHECKBOXES
    list_display = ["name", "organisation", "status", "intake_status", "last_checked"]
    list_select_related = ["organisation", "last_checked_by"]
    search_fields = ["name", "summary", "organisation__name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["mark_checked_today"]
    fieldsets = SERVICE_FIELDSETS

    @admin.display(description="last checked", ordering="last_checked_at")
    def last_checked(self, obj) -> str:
        return last_checked_text(obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["last_checked"] = last_checked_text(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_list_filter(self, request):
        filters = ["status", "intake_status"]
        if is_moderator(request.user):
            filters += [ReviewOverdueFilter, "organisation"]
        return filters

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.mark_checked_view))
        name = f"{self.opts.app_label}_{self.opts.model_name}_mark_checked"
        return [path("<path:object_id>/mark-checked/", view, name=name), *super().get_urls()]

    def mark_checked_view(self, request, object_id):
        service = self.get_object_or_404(request, object_id)
        if not self.has_change_permission(request, service):
            raise PermissionDenied("You cannot change this service.")
        self._mark_checked(request, service)
        self.message_user(request, f"“{service}” is marked as checked today.", messages.SUCCESS)
        url = reverse("admin:services_service_change", args=[quote(service.pk)])
        return HttpResponseRedirect(url)

    @admin.action(description="Mark selected services as checked today", permissions=["change"])
    def mark_checked_today(self, request, queryset):
        with transaction.atomic():
            services = list(queryset)
            for service in services:
                self._mark_checked(request, service)
        self.message_user(request, f"{len(services)} marked as checked today.", messages.SUCCESS)

    def _mark_checked(self, request, service: Service) -> None:
        service._history_user = request.user
        service._change_reason = CHECKED_REASON
        service.mark_checked(request.user)
        self.log_change(request, service, CHECKED_REASON)


LOCATION_FIELDSETS = [
    (None, {"fields": ["organisation", "name"]}),
    ("Address", {"fields": ["address_1", "address_2", "town", "postcode", "council_area"]}),
    (
        "Position on the map",
        {
            "fields": ["latitude", "longitude"],
            "description": "Used to find services near someone. On openstreetmap.org, "
            "right-click the door and choose “Show address”: the two numbers shown are "
            "the latitude and the longitude.",
        },
    ),
    ("Getting there and getting in", {"fields": ["accessibility", "directions"]}),
]


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = flatten_fieldsets(LOCATION_FIELDSETS)
        help_texts = {
            "organisation": "The organisation that uses this place.",
            "address_1": "Building and street.",
            "address_2": "Optional.",
            "town": "Town or city.",
            "council_area": "The council area the building is in.",
        }

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"]
        return normalise_postcode(value) or value

    def clean_organisation(self):
        organisation = self.cleaned_data["organisation"]
        if self.instance.pk is None or organisation.pk == self.instance.organisation_id:
            return organisation
        used = Service.objects.filter(
            models.Q(service_locations__location=self.instance)
            | models.Q(schedules__location=self.instance)
        ).exclude(organisation=organisation)
        if used.exists():
            raise forms.ValidationError(
                "Services of another organisation use this place. Take it off those "
                "services first, or add a new place for this organisation."
            )
        return organisation


@admin.register(Location)
class LocationAdmin(OrganisationScopedAdmin):
    form = LocationForm
    formfield_overrides = CHECKBOXES
    list_display = ["name", "town", "postcode", "organisation", "council_area"]
    list_select_related = ["organisation", "council_area"]
    search_fields = ["name", "town", "postcode", "address_1"]
    fieldsets = LOCATION_FIELDSETS

    def get_list_filter(self, request):
        filters = [("council_area", admin.RelatedOnlyFieldListFilter)]
        if is_moderator(request.user):
            filters.append("organisation")
        return filters
