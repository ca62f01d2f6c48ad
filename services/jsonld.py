"""schema.org JSON-LD for a service page, so search engines can show the service's name,
provider, places and opening hours. Built from an already-prefetched service: no queries."""

import json

from django.utils.safestring import SafeString, mark_safe

from services.models import Schedule, Service, Weekday
from services.models.listings import FREE_COSTS

# What json_script escapes: "</script>" or "<!--" in a listing cannot end the block early.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _compact(data):
    """Leave out empty values, so the markup only says what the listing says."""
    if isinstance(data, dict):
        pairs = ((key, _compact(value)) for key, value in data.items())
        return {key: value for key, value in pairs if value not in (None, "", [], {})}
    if isinstance(data, list):
        return [item for item in (_compact(value) for value in data) if item not in ({}, None)]
    return data


def _place(service_location) -> dict:
    location = service_location.location
    return {
        "@type": "Place",
        "name": location.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": ", ".join(filter(None, [location.address_1, location.address_2])),
            "addressLocality": location.town,
            "postalCode": location.postcode,
            "addressRegion": location.council_area.name,
            "addressCountry": "GB",
        },
        "geo": {
            "@type": "GeoCoordinates",
            "latitude": round(location.latitude, 5),
            "longitude": round(location.longitude, 5),
        },
    }


def _hours(schedule: Schedule) -> dict:
    return {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": f"https://schema.org/{Weekday(schedule.weekday).label}",
        "opens": schedule.opens_at.strftime("%H:%M"),
        "closes": schedule.closes_at.strftime("%H:%M"),
        "validFrom": schedule.valid_from.isoformat() if schedule.valid_from else None,
        "validThrough": schedule.valid_to.isoformat() if schedule.valid_to else None,
    }


def _channels(service: Service, places: list[dict]) -> list[dict]:
    channels: list[dict] = [
        {"@type": "ServiceChannel", "serviceLocation": place} for place in places
    ]
    if service.phone or service.website:
        channels.append(
            {
                "@type": "ServiceChannel",
                "servicePhone": {"@type": "ContactPoint", "telephone": service.phone}
                if service.phone
                else None,
                "serviceUrl": service.website,
            }
        )
    return channels


def service_data(service: Service, url: str, organisation_url: str) -> dict:
    """The schema.org `Service`. Only weekly sessions become opening hours: schema.org has no
    way to say "every other week" or "first Monday of the month"."""
    places = [_place(service_location) for service_location in service.service_locations.all()]
    areas = (
        [{"@type": "AdministrativeArea", "name": "Scotland"}]
        if service.is_national
        else [{"@type": "AdministrativeArea", "name": area.name} for area in service.areas.all()]
    )
    return _compact(
        {
            "@context": "https://schema.org",
            "@type": "Service",
            "name": service.name,
            "description": service.summary,
            "url": url,
            "serviceType": [service_type.name for service_type in service.types.all()],
            "provider": {
                "@type": "Organization",
                "name": service.organisation.name,
                "url": organisation_url,
                "sameAs": service.organisation.website,
            },
            "areaServed": areas,
            "audience": [
                {"@type": "Audience", "audienceType": audience.name}
                for audience in service.audiences.all()
            ],
            "availableLanguage": [language.name for language in service.languages.all()],
            "isAccessibleForFree": service.cost in FREE_COSTS,
            "availableChannel": _channels(service, places),
            "hoursAvailable": [
                _hours(schedule)
                for schedule in service.current_schedules
                if schedule.frequency == Schedule.Frequency.WEEKLY
                and schedule.course_run_id is None
            ],
        }
    )


def as_script_content(data: dict) -> SafeString:
    """JSON safe to place between <script type="application/ld+json"> tags."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))  # noqa: S308
