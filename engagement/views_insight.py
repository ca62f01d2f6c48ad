"""The service-gap insight page for moderators, with CSV downloads of its two tables."""

import csv

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from services.permissions import is_moderator

from .gaps import COLUMNS, area_table, bar_chart, national_services, period_start, type_table

PERIODS = [("30", "Last 30 days"), ("90", "Last 90 days"), ("365", "Last 365 days")]
DEFAULT_DAYS = 90
TABLES = {"areas": ("Council area", area_table), "types": ("Type of support", type_table)}


class PeriodForm(forms.Form):
    days = forms.TypedChoiceField(
        label="Period",
        choices=PERIODS,
        coerce=int,
        initial=str(DEFAULT_DAYS),
        error_messages={
            "required": "Choose the last 30, 90 or 365 days.",
            "invalid_choice": "Choose the last 30, 90 or 365 days.",
        },
    )


def _days(request: HttpRequest) -> tuple[PeriodForm, int]:
    form = PeriodForm(request.GET or None)
    if form.is_valid():
        return form, form.cleaned_data["days"]
    return form, DEFAULT_DAYS


def _require_moderator(user) -> None:
    if not (user.is_staff and is_moderator(user)):
        raise PermissionDenied("The insight pages are for directory moderators.")


@login_required
def insight(request: HttpRequest) -> HttpResponse:
    _require_moderator(request.user)
    form, days = _days(request)
    tables = []
    for kind, (heading, build) in TABLES.items():
        table = build(days)
        charts = [
            {**bar_chart(table, column), "id": f"{kind}-{column}", "by": heading.lower()}
            for column in ("zero_results", "services")
        ]
        tables.append({"kind": kind, "heading": heading, "table": table, "charts": charts})
    context = {
        "form": form,
        "days": days,
        "since": period_start(days),
        "tables": tables,
        "columns": COLUMNS.values(),
        "national": national_services(),
    }
    return render(request, "engagement/insight.html", context)


def _cell(value) -> str | int:
    """Spreadsheets run cells starting with = + - @ as formulas: quote them."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


@login_required
def insight_csv(request: HttpRequest, kind: str) -> HttpResponse:
    _require_moderator(request.user)
    _form, days = _days(request)
    heading, build = TABLES[kind]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"insight-{kind}-{period_start(days):%Y-%m-%d}-{days}-days.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([heading, "Slug", *COLUMNS.values()])
    for row in build(days).rows:
        writer.writerow([_cell(row.name), row.slug, *row.values()])
    return response
