from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets

from services.models import CourseRun, Schedule
from services.permissions import is_moderator
from services.views.display import time_range

from .base import OrganisationScopedAdmin
from .conflicts import VersionedForm
from .times import PlainTimeField

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec  # django-stubs' name for fieldsets

SCHEDULE_FIELDSETS: "_FieldsetSpec" = [
    (None, {"fields": ["service", "description"]}),
    (
        "When",
        {
            "fields": [
                "weekday",
                "opens_at",
                "closes_at",
                "frequency",
                "week_of_month",
                "valid_from",
                "valid_to",
            ],
            "description": "Times are Scottish local time.",
        },
    ),
    ("Where", {"fields": ["location", "course_run"]}),
]


class ScheduleForm(VersionedForm):
    opens_at = PlainTimeField(label="Starts at", help_text='For example "6:30pm" or "18:30".')
    closes_at = PlainTimeField(label="Finishes at", help_text='For example "8pm" or "20:00".')

    class Meta:
        model = Schedule
        fields = flatten_fieldsets(SCHEDULE_FIELDSETS)
        labels = {
            "weekday": "Day",
            "week_of_month": "Which week of the month",
            "valid_from": "Date of first session",
            "valid_to": "Date of last session",
            "course_run": "Course dates",
            "location": "Where",
        }
        help_texts = {
            "service": "The service this session belongs to.",
            "weekday": "The day of the week it happens.",
            "frequency": "How often it happens on that day.",
            "valid_from": "Leave empty if it has been running a while. Needed for "
            "every-other-week sessions, so we know which weeks.",
            "valid_to": "Leave empty if there is no end date.",
            "course_run": "Only for sessions that belong to one set of course dates.",
        }

    def clean(self):
        cleaned = super().clean()
        # On a service's page the service is not a field: the inline formset sets it.
        service = cleaned.get("service") or getattr(self.instance, "service", None)
        location, course_run = cleaned.get("location"), cleaned.get("course_run")
        if service is None:
            return cleaned
        organisation_id = service.organisation_id
        if location and organisation_id and location.organisation_id != organisation_id:
            self.add_error("location", "Choose one of the service's own organisation's places.")
        if course_run and course_run.service_id != service.pk:
            self.add_error("course_run", "Choose a run of this same service.")
        return cleaned


@admin.register(Schedule)
class ScheduleAdmin(OrganisationScopedAdmin):
    organisation_lookup = "service__organisation"
    form = ScheduleForm
    list_display = ["when", "service", "frequency", "location", "first_session", "last_session"]
    list_select_related = ["service", "location"]
    search_fields = ["service__name", "location__name", "description"]
    fieldsets = SCHEDULE_FIELDSETS

    @admin.display(description="when", ordering="weekday")
    def when(self, obj) -> str:
        return f"{obj.get_weekday_display()} {time_range(obj.opens_at, obj.closes_at)}"

    @admin.display(description="date of first session", ordering="valid_from")
    def first_session(self, obj):
        return obj.valid_from

    @admin.display(description="date of last session", ordering="valid_to")
    def last_session(self, obj):
        return obj.valid_to

    def get_list_filter(self, request):
        filters = ["weekday", "frequency"]
        if is_moderator(request.user):
            filters.append("service__organisation")
        return filters


class CourseRunForm(VersionedForm):
    class Meta:
        model = CourseRun
        fields = ["service", "name", "start_date", "end_date", "enrolment_status", "places"]
        fields += ["how_to_enrol"]
        labels = {
            "start_date": "Date of first session",
            "end_date": "Date of last session",
            "how_to_enrol": "How to sign up",
        }


@admin.register(CourseRun)
class CourseRunAdmin(OrganisationScopedAdmin):
    form = CourseRunForm
    organisation_lookup = "service__organisation"
    list_display = ["__str__", "service", "start_date", "end_date", "enrolment_status"]
    list_select_related = ["service"]
    search_fields = ["name", "service__name"]
    fieldsets = [
        (None, {"fields": ["service", "name"]}),
        ("Dates", {"fields": ["start_date", "end_date"]}),
        ("Enrolment", {"fields": ["enrolment_status", "places", "how_to_enrol"]}),
    ]

    def get_list_filter(self, request):
        filters = ["enrolment_status"]
        if is_moderator(request.user):
            filters.append("service__organisation")
        return filters

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs.setdefault(
            "help_texts",
            {
                "service": "The service this is a run of, for example a recovery college course.",
                "start_date": "The date of the first session.",
                "end_date": "The date of the last session.",
                "enrolment_status": "Whether people can still sign up.",
                "how_to_enrol": "Plain steps, for example “Fill in the form on our website”.",
            },
        )
        return super().get_form(request, obj, change=change, **kwargs)
