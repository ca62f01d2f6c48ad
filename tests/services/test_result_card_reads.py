"""A results page reads its services in two fixed statements (services.views.display
.card_services), not through the ORM: the cards must say exactly what the ORM-read cards say,
on SQLite and PostgreSQL alike, and showing them must not read anything more."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from services.models import LivedExperienceInvolvement, Service
from services.views.display import card_services, cards, with_card_data
from services.vocabulary_loader import fill_prefetch_cache
from tests.factories import CourseRunFactory, OrganisationFactory, ScheduleFactory, ServiceFactory

pytestmark = pytest.mark.django_db

MONDAY_NOON = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)


def _listings() -> list[Service]:
    organisation = OrganisationFactory(name="Paisley & District <Recovery>")
    weekly = ServiceFactory.create(
        organisation=organisation,
        name="Tuesday café",
        summary="Tea & a chat",
        accepts_referrals=True,
        referral_email="refer@example.org",
        intake_status=Service.Intake.WAITING_LIST,
        intake_status_until=datetime.date(2026, 3, 1),  # lapsed: welcoming again
        last_checked_at=datetime.datetime(2026, 1, 5, 9, 30, tzinfo=datetime.UTC),
    )
    weekly.lived_experience.set(LivedExperienceInvolvement.objects.all()[:2])
    ScheduleFactory(service=weekly, weekday=1)
    ScheduleFactory(service=weekly, weekday=3, valid_to=datetime.date(2026, 2, 1))  # ended
    course = ServiceFactory.create(
        organisation=organisation, name="Spring course", is_national=True
    )
    spring = CourseRunFactory(
        service=course, start_date=datetime.date(2026, 3, 9), end_date=datetime.date(2026, 5, 4)
    )
    winter = CourseRunFactory(
        service=course, start_date=datetime.date(2026, 1, 5), end_date=datetime.date(2026, 2, 2)
    )
    ScheduleFactory(service=course, course_run=spring, weekday=0)
    ScheduleFactory(service=course, course_run=winter, weekday=4)  # its run has ended
    never_checked = ServiceFactory.create(name="Walk and talk", intake_status=Service.Intake.FULL)
    return [weekly, course, never_checked]


def _as_shown(card) -> tuple:
    service = card.service
    return (
        service.pk,
        service.name,
        service.slug,
        service.summary,
        service.organisation.name,
        service.is_national,
        service.takes_referrals,
        service.current_intake_label,
        service.last_checked_at,
        card.next_session.label if card.next_session else None,
        card.is_on_now,
        card.is_stale,
        [term.slug for term in card.lived_experience],
    )


@time_machine.travel(MONDAY_NOON, tick=False)
def test_cards_read_in_two_statements_say_what_the_orm_read_cards_say():
    listings = _listings()
    ids = [service.pk for service in listings]
    expected = {
        card.service.pk: _as_shown(card)
        for card in cards(with_card_data(Service.objects.filter(pk__in=ids)))
    }

    read = card_services(ids)
    for service in read:  # the search index fills these in (no query)
        fill_prefetch_cache(
            service,
            {
                relation: list(getattr(Service.objects.get(pk=service.pk), relation).all())
                for relation in ("types", "access_routes", "lived_experience")
            },
        )

    assert {card.service.pk: _as_shown(card) for card in cards(read)} == expected
    by_name = {card.service.name: card for card in cards(read)}
    assert by_name["Spring course"].next_session.label == "Mon 9 Mar, 6–8pm"
    assert by_name["Tuesday café"].next_session.label == "Tue 3 Mar, 6–8pm"
    assert by_name["Tuesday café"].service.current_intake_label == "Welcoming new people"
    assert by_name["Walk and talk"].next_session is None


@time_machine.travel(MONDAY_NOON, tick=False)
def test_reading_cards_takes_two_statements_and_showing_them_none_more():
    listings = _listings() + [ServiceFactory.create() for _ in range(12)]
    ids = [service.pk for service in listings]

    with CaptureQueriesContext(connection) as reads:
        read = card_services(ids)
    for service in read:
        fill_prefetch_cache(service, {"types": [], "access_routes": [], "lived_experience": []})
    with CaptureQueriesContext(connection) as shown:
        for card in cards(read, now=timezone.now()):
            _as_shown(card)

    assert len(reads.captured_queries) == 2
    assert len(shown.captured_queries) == 0
    assert sorted(service.pk for service in read) == sorted(ids)


def test_no_ids_read_nothing():
    with CaptureQueriesContext(connection) as reads:
        assert card_services([]) == []
    assert not reads.captured_queries
