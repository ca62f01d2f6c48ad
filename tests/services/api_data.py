"""Test data for the API, HSDS and import/export tests: a service with every optional part
filled in, and one with none."""

import datetime

from services.models import (
    AccessibilityFeature,
    Area,
    Audience,
    DeliveryMode,
    Language,
    LivedExperienceInvolvement,
    Schedule,
    Service,
)
from tests.factories import (
    LocationFactory,
    OrganisationFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)

CHECKED_AT = datetime.datetime(2026, 3, 2, 10, 30, tzinfo=datetime.UTC)


def full_service() -> Service:
    organisation = OrganisationFactory(
        name="Renfrewshire Peer Network",
        slug="renfrewshire-peer-network",
        website="https://peers.example.org",
        email="hello@peers.example.org",
        phone="0141 000 0000",
        charity_number="SC012345",
    )
    service = ServiceFactory.create(
        organisation=organisation,
        name="Tuesday Recovery Café",
        slug="tuesday-recovery-cafe",
        first_visit="Someone will meet you at the door.",
        how_to_get_support="Just turn up.",
        intake_status=Service.Intake.WAITING_LIST,
        intake_status_until=datetime.date(2099, 1, 31),
        website="https://cafe.example.org",
        email="cafe@example.org",
        phone="0141 111 1111",
        cost=Service.Cost.PAID,
        cost_description="£2 a session",
        min_age=16,
        max_age=65,
        is_national=True,
        delivery_modes=DeliveryMode.objects.filter(slug__in=["in-person", "online"]),
    )
    service.lived_experience.set(LivedExperienceInvolvement.objects.filter(slug="peer-led"))
    service.audiences.set(Audience.objects.filter(slug__in=["everyone", "carers"]))
    service.languages.set(Language.objects.filter(slug__in=["en", "bsl"]))
    service.areas.set(
        Area.objects.filter(slug__in=["renfrewshire", "nhs-greater-glasgow-and-clyde"])
    )
    location = LocationFactory.create(
        organisation=organisation,
        name="Paisley Hub",
        address_2="Second floor",
        directions="Bus 9 to the Cross.",
    )
    location.accessibility.set(AccessibilityFeature.objects.all()[:2])
    ServiceAtLocationFactory(service=service, location=location, description="Room 2")
    ScheduleFactory(service=service, location=location, weekday=1, description="Term time")
    ScheduleFactory(
        service=service,
        weekday=3,
        frequency=Schedule.Frequency.FORTNIGHTLY,
        valid_from=datetime.date(2026, 1, 8),
        valid_to=datetime.date(2099, 12, 31),
    )
    ScheduleFactory(
        service=service, weekday=4, frequency=Schedule.Frequency.MONTHLY, week_of_month=-1
    )
    Service.objects.filter(pk=service.pk).update(last_checked_at=CHECKED_AT)
    service.refresh_from_db()
    return service


def bare_service() -> Service:
    """Only what the model requires."""
    service = ServiceFactory.create(organisation=OrganisationFactory(description=""))
    return service
