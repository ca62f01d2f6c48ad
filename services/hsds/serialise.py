"""Our records as Open Referral HSDS 3.0 objects.

Optional HSDS fields are left out when we have nothing for them (HSDS types them as
strings or numbers, never null). Lists are in a fixed order so that the same data always
gives the same document.
"""

import datetime
import uuid
from zoneinfo import ZoneInfo

from django.urls import NoReverseMatch

from services.links import site_url
from services.models import Area, Location, Organisation, Service, ServiceAtLocation
from services.querysets import ServiceQuerySet

from .schedules import schedule_to_hsds
from .taxonomy import (
    BY_KEY,
    SERVICE_ATTRIBUTE_TAXONOMIES,
    Taxonomy,
    Term,
    TextField,
    derived_id,
    term_to_hsds,
    vocabulary_term,
)

LONDON = ZoneInfo("Europe/London")
HSDS_VERSION = "3.0"
SCOTLAND_GSS = "S92000003"
GSS_URI = "http://statistics.data.gov.uk/id/statistical-geography/"
CHARITY_SCHEME = "GB-SC"
# HSDS language codes are ISO 639-1 or 639-3; British Sign Language is ISO 639-3 "bfi".
LANGUAGE_CODES = {"bsl": "bfi"}


def absolute_url(obj) -> str | None:
    """The public page of a record, or None while that page does not exist."""
    try:
        return site_url() + obj.get_absolute_url()
    except NoReverseMatch:
        return None


def hsds_queryset(queryset: ServiceQuerySet | None = None) -> ServiceQuerySet:
    """Services with everything a full HSDS record needs, in a fixed number of queries."""
    queryset = queryset if queryset is not None else Service.objects.published()
    return queryset.with_listing_data().prefetch_related(
        "service_locations__location__accessibility"
    )


def _drop_empty(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in (None, "")}


def organisation_to_hsds(organisation: Organisation) -> dict:
    org_id = str(organisation.id)
    data = _drop_empty(
        {
            "id": org_id,
            "name": organisation.name,
            "description": organisation.description,
            "email": organisation.email,
            "website": organisation.website,
            "uri": absolute_url(organisation),
        }
    )
    data["description"] = organisation.description
    data["phones"] = (
        [
            {
                "id": derived_id(org_id, "phone"),
                "organization_id": org_id,
                "number": organisation.phone,
            }
        ]
        if organisation.phone
        else []
    )
    data["organization_identifiers"] = (
        [
            {
                "id": derived_id(org_id, "charity-number"),
                "organization_id": org_id,
                "identifier_scheme": CHARITY_SCHEME,
                "identifier_type": "Scottish charity number (OSCR)",
                "identifier": organisation.charity_number,
            }
        ]
        if organisation.charity_number
        else []
    )
    return data


def _attribute(link_id: str, link_entity: str, term: Term, value: str = "") -> dict:
    data = {
        "id": derived_id(link_id, term.id),
        "link_id": link_id,
        "link_type": term.taxonomy.key,
        "link_entity": link_entity,
        "taxonomy_term_id": term.id,
        "taxonomy_term": term_to_hsds(term),
    }
    if value:
        data["value"] = value
    return data


def _choice_term(taxonomy: Taxonomy, value: str) -> Term:
    assert taxonomy.choices is not None, "a taxonomy of choices"
    return Term(taxonomy, value, str(taxonomy.choices(value).label), "")


def service_attributes(service: Service) -> list[dict]:
    service_id = str(service.id)
    attributes = []
    for taxonomy in SERVICE_ATTRIBUTE_TAXONOMIES:
        rows = getattr(service, taxonomy.service_field).all()
        for row in sorted(rows, key=lambda row: row.slug):
            attributes.append(_attribute(service_id, "service", vocabulary_term(taxonomy, row)))
    intake = _choice_term(BY_KEY["intake_status"], service.intake_status)
    until = service.intake_status_until.isoformat() if service.intake_status_until else ""
    attributes.append(_attribute(service_id, "service", intake, until))
    text = BY_KEY["text"]
    for field, value in (
        (TextField.SUMMARY, service.summary),
        (TextField.FIRST_VISIT, service.first_visit),
        (TextField.SLUG, service.slug),
    ):
        if value:
            attributes.append(_attribute(service_id, "service", _choice_term(text, field), value))
    return attributes


def location_to_hsds(location: Location) -> dict:
    location_id = str(location.id)
    accessibility = BY_KEY["accessibility"]
    features = sorted(location.accessibility.all(), key=lambda row: row.slug)
    address = _drop_empty(
        {
            "id": derived_id(location_id, "address"),
            "location_id": location_id,
            "address_1": location.address_1,
            "address_2": location.address_2,
            "city": location.town,
            "region": location.council_area.name,
            "state_province": "Scotland",
            "postal_code": location.postcode,
            "country": "GB",
            "address_type": "physical",
        }
    )
    data = _drop_empty(
        {
            "id": location_id,
            "location_type": "physical",
            "organization_id": str(location.organisation_id),
            "name": location.name,
            "transportation": location.directions,
            "external_identifier": location.council_area.gss_code,
            "external_identifier_type": "GSS code of the council area",
        }
    )
    data.update(
        latitude=location.latitude,
        longitude=location.longitude,
        addresses=[address],
        accessibility=[
            {
                "id": derived_id(location_id, "accessibility", row.slug),
                "location_id": location_id,
                "description": row.name,
                "details": row.description,
            }
            for row in features
        ],
        attributes=[
            _attribute(location_id, "location", vocabulary_term(accessibility, row))
            for row in features
        ],
    )
    return data


def _area(service_id: str, name: str, gss_code: str) -> dict:
    return {
        "id": derived_id(service_id, "service-area", gss_code),
        "service_id": service_id,
        "name": name,
        "extent": gss_code,
        "extent_type": "text",
        "uri": GSS_URI + gss_code,
    }


# Service areas from the widest to the narrowest: boards, partnerships, council areas.
AREA_ORDER: dict[str, int] = {
    Area.Kind.HEALTH_BOARD: 0,
    Area.Kind.PARTNERSHIP: 1,
    Area.Kind.COUNCIL_AREA: 2,
}


def service_areas(service: Service) -> list[dict]:
    service_id = str(service.id)
    areas = [_area(service_id, "Scotland", SCOTLAND_GSS)] if service.is_national else []
    ordered = sorted(service.areas.all(), key=lambda area: (AREA_ORDER[area.kind], area.name))
    return areas + [_area(service_id, area.name, area.gss_code) for area in ordered]


def _languages(service: Service) -> list[dict]:
    service_id = str(service.id)
    return [
        {
            "id": derived_id(service_id, "language", row.slug),
            "service_id": service_id,
            "name": row.name,
            "code": LANGUAGE_CODES.get(row.slug, row.slug),
        }
        for row in service.languages.all()
    ]


def _cost_options(service: Service) -> list[dict]:
    service_id = str(service.id)
    option: dict[str, object] = {
        "id": derived_id(service_id, "cost"),
        "service_id": service_id,
        "option": service.get_cost_display(),
        "currency": "GBP",
    }
    if service.cost != Service.Cost.PAID:
        option["amount"] = 0
    if service.cost_description:
        option["amount_description"] = service.cost_description
    return [option]


def _assured_date(service: Service) -> str | None:
    if service.last_checked_at is None:
        return None
    return service.last_checked_at.astimezone(LONDON).date().isoformat()


def _modified(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def service_basic_to_hsds(service: Service) -> dict:
    """The one-to-one fields of a service (the HSDS `service_list` shape)."""
    return _drop_empty(
        {
            "id": str(service.id),
            "organization_id": str(service.organisation_id),
            "name": service.name,
            "description": service.description,
            "url": service.website,
            "email": service.email,
            "status": service.status,
            "application_process": service.how_to_get_support,
            "fees_description": service.cost_description,
            "minimum_age": service.min_age,
            "maximum_age": service.max_age,
            "assured_date": _assured_date(service),
            "last_modified": _modified(service.updated_at),
        }
    )


def service_at_location_to_hsds(link: ServiceAtLocation, schedules: list | None = None) -> dict:
    data: dict[str, object] = {
        "id": str(link.id),
        "service_id": str(link.service_id),
        "location_id": str(link.location_id),
    }
    if link.description:
        data["description"] = link.description
    data["location"] = location_to_hsds(link.location)
    if schedules is not None:
        data["schedules"] = schedules
    return data


def _schedules(service: Service) -> list[dict]:
    links: dict[uuid.UUID | None, str] = {
        link.location_id: str(link.id) for link in service.service_locations.all()
    }
    ordered = sorted(
        service.schedules.all(), key=lambda s: (s.weekday, s.opens_at, s.closes_at, str(s.id))
    )
    return [schedule_to_hsds(s, links.get(s.location_id)) for s in ordered]


def service_to_hsds(service: Service) -> dict:
    """A full HSDS service (compiled `service.json`), from a `hsds_queryset()` row."""
    service_id = str(service.id)
    data = service_basic_to_hsds(service)
    links = sorted(
        service.service_locations.all(), key=lambda link: (link.location.name, str(link.id))
    )
    data.update(
        phones=(
            [
                {
                    "id": derived_id(service_id, "phone"),
                    "service_id": service_id,
                    "number": service.phone,
                }
            ]
            if service.phone
            else []
        ),
        schedules=_schedules(service),
        service_areas=service_areas(service),
        service_at_locations=[service_at_location_to_hsds(link) for link in links],
        languages=_languages(service),
        organization=organisation_to_hsds(service.organisation),
        cost_options=_cost_options(service),
        attributes=service_attributes(service),
    )
    return data
