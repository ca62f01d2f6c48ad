"""Query parameters of `GET /api/v1/services/`: the search page's own parameters (validated
by `services.filters.ServiceFilterSet`, unchanged) plus the API's extras, documented in
plain English for the OpenAPI schema."""

from dataclasses import asdict

from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from services.geo.resolve import LocationKind
from services.models import Service
from services.search.filterset import (
    MAX_RADIUS_KM,
    MIN_RADIUS_KM,
    ServiceFilterSet,
    StrictBooleanField,
    UTCDateTimeField,
)

ISO_MESSAGE = "Enter a date and time in ISO 8601 format, for example 2026-01-31T09:00:00Z."


class ExtraParametersForm(forms.Form):
    modified_after = UTCDateTimeField(required=False, error_messages={"invalid": ISO_MESSAGE})
    facets = StrictBooleanField(required=False)


def _errors(form) -> dict:
    return {name: list(messages) for name, messages in form.errors.items()}


def service_search(query_params) -> tuple[ServiceFilterSet, bool]:
    """The search for these parameters, or a 400 naming every bad parameter.
    Returns the FilterSet and whether facet counts were asked for."""
    extra = ExtraParametersForm(query_params)
    extra_valid = extra.is_valid()
    queryset = None  # the search page's: every published service
    if extra_valid and extra.cleaned_data["modified_after"]:
        queryset = Service.objects.published().filter(
            updated_at__gte=extra.cleaned_data["modified_after"]
        )
    filterset = ServiceFilterSet(query_params, queryset=queryset)
    errors = {**(_errors(filterset.form) if not filterset.is_valid() else {}), **_errors(extra)}
    if errors:
        raise ValidationError(errors)
    place_error = _place_error(filterset, query_params.get("near", ""))
    if place_error:
        raise ValidationError({"near": [place_error]})
    return filterset, bool(extra.cleaned_data["facets"])


def _place_error(filterset: ServiceFilterSet, near: str) -> str:
    """Like the search page, a place we cannot find, or that names several places, is an
    error rather than a search of everywhere."""
    place = filterset.location
    if place is None or place.kind not in (LocationKind.NOT_FOUND, LocationKind.AMBIGUOUS):
        return ""
    near = " ".join(near.split())[:100]
    if place.kind == LocationKind.AMBIGUOUS:
        options = "; ".join(choice.value for choice in place.choices)
        return f"“{near}” is the name of several places. Search again for one of: {options}."
    return f"We could not find “{near}” in Scotland. Try a postcode or a town name."


def facet_data(filterset: ServiceFilterSet) -> dict:
    return {
        parameter: [asdict(option) for option in options]
        for parameter, options in filterset.facets().items()
    }


def location_data(filterset: ServiceFilterSet) -> dict | None:
    place = filterset.location
    if place is None:
        return None
    return {
        "kind": str(place.kind),
        "label": place.label,
        "latitude": place.lat,
        "longitude": place.lon,
        "council_area": place.council_area,
        "area": place.area,
        "radius_km": place.radius_km,
        "description": place.description,
        "choices": [
            {"name": c.name, "council_area": c.council_area, "value": c.value}
            for c in place.choices
        ],
    }


def _param(name: str, description: str, type_=OpenApiTypes.STR, many=False, enum=None):
    return OpenApiParameter(
        name, type_, OpenApiParameter.QUERY, description=description, many=many, enum=enum,
        explode=True if many else None,
    )  # fmt: skip


def _vocabulary(name: str, what: str) -> OpenApiParameter:
    return _param(
        name,
        f"{what}. One or more slugs from the '{name}' vocabulary of /api/v1/vocabularies/; "
        "repeat the parameter for several (a service matching any of them is included).",
        many=True,
    )


BOOLEAN = "true or false."
SERVICE_LIST_PARAMETERS = [
    _param(
        "q",
        "Words to search for in the name, summary, description and organisation's name; every "
        "word must match. Word forms match (support, supports, supporting) and a word of five or "
        "more letters may be misspelt by a letter (two from eight letters). With words, results "
        "are in best-match order unless sort says otherwise.",
    ),
    _param(
        "near",
        "A place to search near: a Scottish postcode (EH1 1AB), postcode district (EH1), "
        "town, island or island group (Skye, the Uists), or a council area, health board or "
        "health and social care partnership (Renfrewshire, NHS Lothian, Renfrewshire HSCP). "
        "Near a point, results are grouped: local first (by distance), then national; an "
        "island's search radius covers it unless radius_km is given. An area is searched as "
        "the area filter. /api/v1/places/ suggests names.",
    ),
    _param(
        "lat", "Latitude of the point to search near, -90 to 90 (with lon).", OpenApiTypes.DOUBLE
    ),
    _param(
        "lon", "Longitude of the point to search near, -180 to 180 (with lat).", OpenApiTypes.DOUBLE
    ),
    _param(
        "radius_km",
        f"How far from the place to look, in km as the crow flies, {MIN_RADIUS_KM} to "
        f"{MAX_RADIUS_KM} (default 10).",
        OpenApiTypes.DOUBLE,
    ),
    _vocabulary("type", "Type of support"),
    _vocabulary("access_route", "How people can get support"),
    _vocabulary("lived_experience", "How people with lived experience are involved"),
    _vocabulary("audience", "Who it is for"),
    _vocabulary("accessibility", "Accessibility features of a location it uses"),
    _vocabulary("language", "Language it is offered in"),
    _vocabulary("delivery", "In person, online or by phone"),
    _param(
        "area",
        "Council area, health board or health and social care partnership slugs from "
        "/api/v1/areas/ (national services included); repeat for several.",
        many=True,
    ),
    _param(
        "free", "Only free services (including donations welcome): " + BOOLEAN, OpenApiTypes.BOOL
    ),
    _param("age", "Only services for someone of this age in years, 0 to 120.", OpenApiTypes.INT),
    _param(
        "day",
        "Only services with a session on this day; repeat for several.",
        many=True,
        enum=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    ),
    _param("open_now", "Only services with a session on right now: " + BOOLEAN, OpenApiTypes.BOOL),
    _param("accepting", "Only services taking new people: " + BOOLEAN, OpenApiTypes.BOOL),
    _param(
        "takes_referrals",
        "Only services link workers can refer people to through the directory: " + BOOLEAN,
        OpenApiTypes.BOOL,
    ),
    _param(
        "include_national",
        "Include services available across Scotland (default true): " + BOOLEAN,
        OpenApiTypes.BOOL,
    ),
    _param(
        "sort",
        "Order of results: relevance (with q: matches in the name first, then the summary, the "
        "description and the organisation; near a place, nearer services rank higher), "
        "distance (when searching near a place), name, or recently_checked. The default is "
        "relevance with q, else distance near a place, else name.",
        enum=["relevance", "distance", "name", "recently_checked"],
    ),
    _param(
        "modified_after",
        "Only services changed at or after this ISO 8601 date and time.",
        OpenApiTypes.DATETIME,
    ),
    _param(
        "facets", "Add counts for each filter option to the response: " + BOOLEAN, OpenApiTypes.BOOL
    ),
]
