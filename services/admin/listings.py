from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, quote
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from services.models import (
    CourseRun,
    DeliveryMode,
    Schedule,
    Service,
    ServiceAtLocation,
)
from services.permissions import is_moderator
from services.slugs import unique_slug

from .base import OrganisationScopedAdmin, ScopedInlineMixin
from .conflicts import VERSION_FIELD, VersionedForm
from .schedules import ScheduleForm

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec  # django-stubs' name for fieldsets

CHECKBOXES = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
CHANGED_AND_CHECKED_REASON = "Changed and marked as checked"
# The name of the "Save and mark as checked today" button on a service's page.
MARK_CHECKED = "_mark_checked"


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


class ServiceAtLocationForm(VersionedForm):
    class Meta:
        model = ServiceAtLocation
        fields = ["location", "description"]
        labels = {"location": "Place", "description": "Room or other details"}


class ServiceAtLocationInline(ScopedInlineMixin, admin.StackedInline):
    model = ServiceAtLocation
    form = ServiceAtLocationForm
    formset = ServiceChildFormSet
    fields = ["location", "description", VERSION_FIELD]
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
    verbose_name_plural = "when it happens (regular sessions)"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("weekday", "opens_at", "closes_at"),
                    ("frequency", "week_of_month"),
                    "location",
                    VERSION_FIELD,
                ]
            },
        ),
        (
            "More about this session",
            {
                "classes": ["collapse"],
                "fields": [("valid_from", "valid_to"), "course_run", "description"],
            },
        ),
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


SERVICE_FIELDSETS: "_FieldsetSpec" = [
    (
        "About the service",
        {
            "fields": [
                "organisation",
                "name",
                "summary",
                "description",
                "how_to_get_support",
            ],
            "description": "Write for someone who may be anxious or unwell: short "
            "sentences, everyday words, no abbreviations.",
        },
    ),
    (
        "What kind of support",
        {
            "fields": ["types", "access_routes", "lived_experience"],
            "description": "These choices decide which searches the service appears in.",
        },
    ),
    ("Taking new people?", {"fields": ["intake_status"]}),
    ("Contact details", {"fields": ["phone", "email", "website"]}),
    ("Where", {"fields": ["is_national"]}),
    (
        "More details",
        {
            "classes": ["collapse"],
            "fields": [
                "first_visit",
                "status",
                "intake_status_until",
                "delivery_modes",
                "audiences",
                "languages",
                "areas",
                "min_age",
                "max_age",
                "cost",
                "cost_description",
                "referral_url",
                "accepts_referrals",
                "referral_email",
            ],
            "description": "Optional, except how it is delivered. Tick council areas and "
            "health boards for services without a building, such as phone or home visits.",
        },
    ),
]

# Ways in that say "just come": they contradict a waiting list, a full or paused service.
TURN_UP_ROUTES = {"drop-in"}
TURN_UP_WORDS = ("just turn up", "just come along", "drop in", "drop-in", "no need to book")
CLOSED_INTAKE = {Service.Intake.WAITING_LIST, Service.Intake.FULL, Service.Intake.PAUSED}


def intake_contradiction(service: Service) -> str:
    """A plain warning when "taking new people?" and the ways in disagree, else ""."""
    if service.pk is None or service.intake_status not in CLOSED_INTAKE:
        return ""
    routes = [r.name for r in service.access_routes.all() if r.slug in TURN_UP_ROUTES]
    text = service.how_to_get_support.lower()
    said = routes or [word for word in TURN_UP_WORDS if word in text][:1]
    if not said:
        return ""
    intake = Service.Intake(service.intake_status).label
    where = (
        f"“Ways in” includes “{routes[0]}”" if routes else f"“How to get support” says “{said[0]}”"
    )
    return (
        f"“Taking new people?” is “{intake}”, but {where}. People may turn up and be "
        "turned away: change one of them so they agree."
    )


class ServiceForm(VersionedForm):
    class Meta:
        model = Service
        fields = flatten_fieldsets(SERVICE_FIELDSETS)
        labels = {
            "description": "What happens",
            "how_to_get_support": "How to get support",
            "types": "Types of support",
            "access_routes": "Ways in",
            "delivery_modes": "How it is delivered",
            "lived_experience": "Lived experience involvement",
            "intake_status": "Taking new people?",
            "first_visit": "What to expect at a first visit",
            "areas": "Council areas and health boards",
        }
        help_texts = {
            "organisation": "The organisation that runs it.",
            "name": 'What people call it, for example "Tuesday Night Recovery Café".',
            "status": "Inactive and defunct services are hidden from the public directory.",
            "intake_status": "Whether new people can start now. Under “More details” you can "
            "set a date when this ends.",
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
    actions = ["mark_checked_today"]
    fieldsets = SERVICE_FIELDSETS

    @admin.display(description="last checked", ordering="last_checked_at")
    def last_checked(self, obj) -> str:
        return last_checked_text(obj)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("delivery_modes", DeliveryMode.objects.filter(slug="in-person"))
        return initial

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["last_checked"] = last_checked_text(obj)
            if request.method == "GET":
                context["intake_warning"] = intake_contradiction(obj)
        context["mark_checked_refused"] = MARK_CHECKED in request.POST
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_list_filter(self, request):
        filters = ["status", "intake_status", ReviewOverdueFilter]
        if is_moderator(request.user):
            filters.append("organisation")
        return filters

    def save_model(self, request, obj, form, change):
        if not change:
            obj.slug = unique_slug(Service, obj.name)
        if change and MARK_CHECKED in request.POST:
            obj.note_checked(request.user, CHANGED_AND_CHECKED_REASON)
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        self._warn_about_intake(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._warn_about_intake(request, obj)
        if MARK_CHECKED in request.POST:
            self.message_user(
                request,
                f"Your changes to “{obj}” are saved and it is marked as checked today.",
                messages.SUCCESS,
            )
            url = reverse("admin:services_service_change", args=[quote(obj.pk)])
            return HttpResponseRedirect(url)
        return super().response_change(request, obj)

    def _warn_about_intake(self, request, obj) -> None:
        warning = intake_contradiction(obj)
        if warning:
            self.message_user(request, warning, messages.WARNING)

    @admin.action(description="Mark selected services as checked today", permissions=["change"])
    def mark_checked_today(self, request, queryset):
        with transaction.atomic():
            services = list(queryset)
            for service in services:
                service.mark_checked(request.user)
                self.log_change(request, service, Service.CHECKED_REASON)
        self.message_user(request, f"{len(services)} marked as checked today.", messages.SUCCESS)
