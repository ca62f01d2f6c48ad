"""Writes made through the API, each in one transaction. Validation has already run the
models' own `full_clean()` (the admin's rules); these functions only save."""

from collections.abc import Iterable, Mapping

from django.db import transaction

from services.models import Location, Schedule, Service, ServiceAtLocation


def _apply(instance, fields: Mapping) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


def _set_locations(service: Service, locations: Iterable[Location]) -> None:
    wanted = {location.pk: location for location in locations}
    service.service_locations.exclude(location_id__in=wanted).delete()
    existing = set(service.service_locations.values_list("location_id", flat=True))
    for pk, location in wanted.items():
        if pk not in existing:
            link = ServiceAtLocation(service=service, location=location)
            link.full_clean()
            link.save()


@transaction.atomic
def save_service(
    *,
    service: Service,
    fields: Mapping,
    relations: Mapping[str, Iterable],
    locations: Iterable[Location] | None = None,
) -> Service:
    """Create or update a service with its vocabularies, areas and locations."""
    _apply(service, fields)
    service.save()
    for name, values in relations.items():
        getattr(service, name).set(values)
    if locations is not None:
        _set_locations(service, locations)
    return service


@transaction.atomic
def archive_service(*, service: Service) -> Service:
    """Take a service out of the directory for good (status "defunct"), keeping its record."""
    service.status = Service.Status.DEFUNCT
    service.save(update_fields=["status", "updated_at"])
    return service


@transaction.atomic
def save_location(*, location: Location, fields: Mapping, accessibility=None) -> Location:
    _apply(location, fields)
    location.save()
    if accessibility is not None:
        location.accessibility.set(accessibility)
    return location


@transaction.atomic
def save_schedule(*, schedule: Schedule, fields: Mapping) -> Schedule:
    _apply(schedule, fields)
    schedule.save()
    return schedule
