"""The organisation dashboard: each listing with its review state, open problem reports and
referrals waiting, in a fixed number of queries whatever the number of listings."""

from typing import cast

from django import forms
from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from services.models import Organisation, Service

from .models import ProblemReport, Referral
from .reminders import not_checked_for


def _count(queryset) -> Coalesce:
    counted = (
        queryset.filter(service=OuterRef("pk"))
        .order_by()
        .values("service")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _flag(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def dashboard_services(organisation_ids):
    overdue = not_checked_for(30 * getattr(settings, "REVIEW_OVERDUE_MONTHS", 6))
    stale = not_checked_for(30 * getattr(settings, "STALE_LISTING_MONTHS", 12))
    return (
        Service.objects.filter(organisation_id__in=organisation_ids)
        .select_related("organisation", "last_checked_by")
        .annotate(
            is_overdue=_flag(overdue),
            is_stale=_flag(stale),
            open_problems=_count(ProblemReport.objects.open()),
            new_referrals=_count(Referral.objects.filter(status=Referral.Status.SENT)),
            open_referrals=_count(Referral.objects.open()),
        )
        .order_by("organisation__name", "name")
    )


class OrganisationChoiceForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label="Choose an organisation",
        label="Organisation",
        error_messages={"invalid_choice": "Choose an organisation from the list."},
    )

    def __init__(self, *args, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
