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
from django.utils.html import format_html

from services.api.actions import unique_service_slug
from services.geo.postcodes import normalise_postcode
from services.geo.resolve import locate_address
from services.models import (
    Area,
    CourseRun,
    DeliveryMode,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
)
from services.permissions import is_moderator

from .base import OrganisationScopedAdmin, ScopedInlineMixin
from .conflicts import VERSION_FIELD, VersionedForm
from .schedules import ScheduleForm

CHECKBOXES = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
CHECKED_REASON = "Marked as checked"
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


SERVICE_FIELDSETS = [
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
            obj.slug = unique_service_slug(obj.name)
        if change and MARK_CHECKED in request.POST:
            obj.last_checked_at = timezone.now()
            obj.last_checked_by = request.user
            obj._change_reason = CHANGED_AND_CHECKED_REASON
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
                service._history_user = request.user
                service._change_reason = CHECKED_REASON
                service.mark_checked(request.user)
                self.log_change(request, service, CHECKED_REASON)
        self.message_user(request, f"{len(services)} marked as checked today.", messages.SUCCESS)


LOCATION_FIELDSETS = [
    (None, {"fields": ["organisation", "name"]}),
    ("Address", {"fields": ["address_1", "address_2", "town", "postcode"]}),
    (
        "Position on the map (advanced)",
        {
            "classes": ["collapse"],
            "fields": ["latitude", "longitude", "council_area"],
            "description": "Filled in from the postcode when you save. Change these only "
            "if the postcode's position is wrong for this building, for example on a large "
            "rural postcode. On openstreetmap.org, right-click the door and choose “Show "
            "address”: the two numbers shown are the latitude and the longitude.",
        },
    ),
    ("Getting there and getting in", {"fields": ["accessibility", "directions"]}),
]
POSITION_FIELDS = ("latitude", "longitude")


class LocationForm(VersionedForm):
    class Meta:
        model = Location
        fields = flatten_fieldsets(LOCATION_FIELDSETS)
        help_texts = {
            "organisation": "The organisation that uses this place.",
            "address_1": "Building and street.",
            "address_2": "Optional.",
            "town": "Town or city.",
            "postcode": "For example PA5 8AA. The map position and council area come from it.",
            "council_area": "The council area the building is in.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in (*POSITION_FIELDS, "council_area"):
            if name in self.fields:
                self.fields[name].required = False
        self.position_source = ""

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"]
        return normalise_postcode(value) or value

    def clean(self):
        cleaned = super().clean()
        if self.errors.get("postcode") or not cleaned.get("postcode"):
            return cleaned
        typed = all(cleaned.get(name) is not None for name in POSITION_FIELDS) and any(
            name in self.changed_data for name in POSITION_FIELDS
        )
        moved = self.instance.pk is None or {"postcode", "town"} & set(self.changed_data)
        if moved or cleaned.get("latitude") is None or cleaned.get("longitude") is None:
            self._place_from_postcode(cleaned, typed=typed)
        if cleaned.get("council_area") is None and not self.has_error("postcode"):
            self.add_error(
                "council_area",
                "We could not tell the council area from the postcode: choose it here.",
            )
        return cleaned

    def _place_from_postcode(self, cleaned: dict, *, typed: bool) -> None:
        position = locate_address(cleaned["postcode"], cleaned.get("town", ""))
        if position.problem:
            self.add_error("postcode", position.problem)
            return
        if not typed:
            cleaned["latitude"], cleaned["longitude"] = position.lat, position.lon
            self.position_source = position.source
        area = Area.objects.council_areas().filter(slug=position.council_area).first()
        if area and (not typed or cleaned.get("council_area") is None):
            cleaned["council_area"] = area

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


def map_position_text(location: Location) -> str:
    if location.pk is None or location.latitude is None:
        return "Not known yet: it is worked out from the postcode when you save."
    area = location.council_area.name if location.council_area_id else "an unknown council area"
    lat, lon = f"{location.latitude:.5f}", f"{location.longitude:.5f}"
    url = f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    return format_html(
        '{}, {} in {}. <a href="{}">See it on OpenStreetMap</a> (opens the map site).',
        lat,
        lon,
        area,
        url,
    )


@admin.register(Location)
class LocationAdmin(OrganisationScopedAdmin):
    form = LocationForm
    formfield_overrides = CHECKBOXES
    list_display = ["name", "town", "postcode", "organisation", "council_area"]
    list_select_related = ["organisation", "council_area"]
    search_fields = ["name", "town", "postcode", "address_1"]
    fieldsets = LOCATION_FIELDSETS
    readonly_fields = ["map_position"]

    @admin.display(description="Position on the map")
    def map_position(self, obj) -> str:
        return map_position_text(obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        name, options = fieldsets[1]
        address = (name, {**options, "fields": [*options["fields"], "map_position"]})
        return [fieldsets[0], address, *fieldsets[2:]]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.position_source:
            area = obj.council_area.name if obj.council_area_id else "no council area"
            self.message_user(
                request,
                f"The position on the map ({obj.latitude:.5f}, {obj.longitude:.5f}) and the "
                f"council area ({area}) come from {form.position_source}. Check them on "
                "this page.",
                messages.INFO,
            )

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" not in request.POST and "_popup" not in request.POST:
            # Stay on the new place's page, so the position worked out can be checked.
            request.POST = request.POST.copy()
            request.POST["_continue"] = "1"
        return super().response_add(request, obj, post_url_continue)

    def get_list_filter(self, request):
        filters = [("council_area", admin.RelatedOnlyFieldListFilter)]
        if is_moderator(request.user):
            filters.append("organisation")
        return filters
