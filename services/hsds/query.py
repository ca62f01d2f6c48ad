"""The HSDS API's query parameters (search, taxonomy_term_id, taxonomy_id, organization_id,
modified_after, postcode, proximity) applied to published services.

`search` is the search page's keyword search; `postcode` and `proximity` use the search
page's place resolution and distance filter."""

from django import forms
from django.db.models import Q, QuerySet

from services.geo.resolve import resolve_location
from services.models import Area, Service, ServiceAtLocation
from services.search import sql as search
from services.search.filterset import UTCDateTimeField

from .taxonomy import BY_ID, TAXONOMIES, Taxonomy

ISO_MESSAGE = "Enter a date and time in ISO 8601 format, for example 2026-01-31T09:00:00Z."
MAX_PROXIMITY_M = 200_000
TERMS_BY_ID = {
    taxonomy.term_id(code): (taxonomy, code)
    for taxonomy in TAXONOMIES
    if taxonomy.choices is not None
    for code in taxonomy.choices.values
}


class HSDSQueryForm(forms.Form):
    search = forms.CharField(required=False, max_length=200)
    taxonomy_term_id = forms.UUIDField(
        required=False, error_messages={"invalid": "Enter a taxonomy term id (a UUID)."}
    )
    taxonomy_id = forms.UUIDField(
        required=False, error_messages={"invalid": "Enter a taxonomy id (a UUID)."}
    )
    organization_id = forms.UUIDField(
        required=False, error_messages={"invalid": "Enter an organization id (a UUID)."}
    )
    modified_after = UTCDateTimeField(required=False, error_messages={"invalid": ISO_MESSAGE})
    postcode = forms.CharField(required=False, max_length=100)
    proximity = forms.FloatField(
        required=False,
        min_value=1,
        max_value=MAX_PROXIMITY_M,
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"),
            f"Enter a distance in metres between 1 and {MAX_PROXIMITY_M}.",
        ),
    )

    def clean_taxonomy_term_id(self):
        value = self.cleaned_data["taxonomy_term_id"]
        if value and term_lookup(str(value)) is None:
            raise forms.ValidationError(
                "No taxonomy term has this id; see /api/hsds/taxonomy_terms."
            )
        return value

    def clean_taxonomy_id(self):
        value = self.cleaned_data["taxonomy_id"]
        if value and str(value) not in BY_ID:
            raise forms.ValidationError("No taxonomy has this id; see /api/hsds/taxonomies.")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("proximity") and not cleaned.get("postcode"):
            self.add_error("proximity", "Give a postcode to measure the distance from.")
        postcode = cleaned.get("postcode")
        if postcode:
            place = resolve_location(near=postcode)
            if place is None or not place.found:
                self.add_error("postcode", "We could not find that postcode or place in Scotland.")
            cleaned["place"] = place
        return cleaned


def term_lookup(term_id: str) -> tuple[Taxonomy, str] | None:
    """(taxonomy, code) for a term id, checking vocabulary terms against the database."""
    if term_id in TERMS_BY_ID:
        return TERMS_BY_ID[term_id]
    for taxonomy in TAXONOMIES:
        if taxonomy.vocabulary is None:
            continue
        for slug in taxonomy.vocabulary.objects.values_list("slug", flat=True):
            if taxonomy.term_id(slug) == term_id:
                return taxonomy, slug
    return None


def _term_q(taxonomy: Taxonomy, codes: list[str] | None) -> Q:
    """Services with the taxonomy's term `codes` (any term at all when None)."""
    if taxonomy.key == "accessibility":
        lookup = (
            {"location__accessibility__slug__in": codes}
            if codes
            else {"location__accessibility__isnull": False}
        )
        return Q(pk__in=ServiceAtLocation.objects.filter(**lookup).values("service_id"))
    if taxonomy.key == "language":
        field = "languages"
    elif taxonomy.key == "intake_status":
        return Q(intake_status__in=codes) if codes else Q()
    elif taxonomy.key == "text":
        return Q()
    else:
        field = taxonomy.service_field
    lookup = {f"{field}__slug__in": codes} if codes else {f"{field}__isnull": False}
    return Q(pk__in=Service.objects.filter(**lookup).values("pk"))


def _near(queryset: QuerySet, place, proximity_m: float | None) -> QuerySet:
    if proximity_m:
        return search.near_filter(queryset, place.lat, place.lon, proximity_m / 1000)
    area = Area.objects.filter(slug=place.council_area).first() if place.council_area else None
    if area is None:
        return search.near_filter(queryset, place.lat, place.lon, 10)
    return queryset.filter(search.in_areas_q([area]))


def filter_services(queryset: QuerySet, cleaned: dict) -> QuerySet:
    if cleaned.get("search"):
        queryset = search.keyword_filter(queryset, cleaned["search"])
    if cleaned.get("taxonomy_term_id"):
        taxonomy, code = term_lookup(str(cleaned["taxonomy_term_id"]))
        queryset = queryset.filter(_term_q(taxonomy, [code]))
    if cleaned.get("taxonomy_id"):
        queryset = queryset.filter(_term_q(BY_ID[str(cleaned["taxonomy_id"])], None))
    if cleaned.get("organization_id"):
        queryset = queryset.filter(organisation_id=cleaned["organization_id"])
    if cleaned.get("modified_after"):
        queryset = queryset.filter(updated_at__gte=cleaned["modified_after"])
    if cleaned.get("place"):
        queryset = _near(queryset, cleaned["place"], cleaned.get("proximity"))
    return queryset
