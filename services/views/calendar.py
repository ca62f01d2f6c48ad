"""A service's sessions as an iCalendar file, for "Add to calendar" on its page."""

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from services import ical
from services.models import CourseRun, Service

from .display import current_schedules


@require_safe
def service_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    service = get_object_or_404(
        Service.objects.published().prefetch_related(
            Prefetch("schedules", queryset=current_schedules(), to_attr="current_schedules"),
            Prefetch(
                "course_runs", queryset=CourseRun.objects.upcoming(), to_attr="upcoming_course_runs"
            ),
        ),
        slug=slug,
    )
    url = request.build_absolute_uri(service.get_absolute_url())
    calendar = ical.service_calendar(
        service, service.current_schedules, service.upcoming_course_runs, url=url
    )
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{service.slug}.ics"'
    return response
