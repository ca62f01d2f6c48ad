"""Whole-directory exports that stream: the published directory as an HSDS 3.0 dataset (a
JSON array of fully nested services) and as a flat CSV for spreadsheets.

Services are read in chunks in primary-key order (keyset pagination), each chunk with its
own prefetching, and written as they are read, so memory stays bounded however large the
directory is."""

import csv
import json
from collections.abc import Iterator
from typing import TextIO

from services.models import Service
from services.querysets import ServiceQuerySet

from .serialise import absolute_url, hsds_queryset, service_to_hsds

CHUNK_SIZE = 500
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def published_in_chunks(
    queryset: ServiceQuerySet | None = None, size: int = CHUNK_SIZE
) -> Iterator:
    """Every published service with its HSDS data prefetched, `size` at a time, by id."""
    base = queryset if queryset is not None else Service.objects.published()
    last = None
    while True:
        page = base.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        chunk = list(hsds_queryset(page)[:size])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].pk


def write_hsds(stream: TextIO, queryset: ServiceQuerySet | None = None) -> int:
    """Write the dataset as JSON to `stream`; returns the number of services."""
    count = 0
    stream.write("[")
    for service in published_in_chunks(queryset):
        stream.write(",\n" if count else "\n")
        stream.write(json.dumps(service_to_hsds(service), ensure_ascii=False, sort_keys=True))
        count += 1
    stream.write("\n]\n")
    return count


CSV_COLUMNS = [
    "id", "name", "organisation", "organisation_id", "summary", "types", "access_routes",
    "lived_experience", "audiences", "delivery_modes", "languages", "taking_new_people",
    "cost", "cost_description", "min_age", "max_age", "available_across_scotland", "areas",
    "locations", "postcodes", "sessions", "website", "email", "phone", "last_checked_at",
    "updated_at", "page",
]  # fmt: skip


def _safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _names(related) -> str:
    return "; ".join(row.name for row in related.all())


def csv_row(service: Service) -> list[str]:
    locations = [link.location for link in service.service_locations.all()]
    row = [
        service.pk, service.name, service.organisation.name, service.organisation_id,
        service.summary, _names(service.types), _names(service.access_routes),
        _names(service.lived_experience), _names(service.audiences),
        _names(service.delivery_modes), _names(service.languages),
        service.current_intake_label, service.get_cost_display(), service.cost_description,
        service.min_age, service.max_age, "yes" if service.is_national else "no",
        _names(service.areas),
        "; ".join(f"{place.name}, {', '.join(place.address_lines)}" for place in locations),
        "; ".join(location.postcode for location in locations),
        "; ".join(str(schedule) for schedule in service.schedules.all()),
        service.website, service.email, service.phone,
        service.last_checked_at.isoformat() if service.last_checked_at else "",
        service.updated_at.isoformat(), absolute_url(service),
    ]  # fmt: skip
    return [_safe(value) for value in row]


def write_csv(stream: TextIO, queryset: ServiceQuerySet | None = None) -> int:
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for service in published_in_chunks(queryset):
        writer.writerow(csv_row(service))
        count += 1
    return count
