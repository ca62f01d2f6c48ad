import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template import Context, Template
from django.utils import timezone

from services.geo.postcodes import normalise_postcode, postcode_district
from services.models import (
    VOCABULARIES,
    AccessibilityFeature,
    AccessRoute,
    Area,
    Audience,
    CourseRun,
    DeliveryMode,
    Language,
    LivedExperienceInvolvement,
    Organisation,
    Schedule,
    Service,
    ServiceType,
)
from tests.factories import (
    CourseRunFactory,
    LocationFactory,
    OrganisationFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    UserFactory,
)

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    return excinfo.value.message_dict


# Vocabulary and area seeding ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "slugs"),
    [
        (
            ServiceType,
            {
                "peer-support-group",
                "online-peer-support",
                "drop-in",
                "link-worker",
                "recovery-college",
                "wellbeing-hub",
                "self-management",
                "activity-group",
                "helpline",
                "carers-support",
                "crisis-support",
            },
        ),
        (AccessRoute, {"self-referral", "drop-in", "link-worker", "gp", "professional", "enrol"}),
        (
            LivedExperienceInvolvement,
            {
                "peer-led",
                "peer-workers",
                "co-produced",
                "lived-experience-governance",
                "none-stated",
            },
        ),
        (DeliveryMode, {"in-person", "online", "phone"}),
    ],
)
def test_vocabularies_are_seeded_with_their_public_slugs(model, slugs):
    assert set(model.objects.values_list("slug", flat=True)) == slugs


def test_every_vocabulary_value_has_a_plain_english_description():
    for model in VOCABULARIES:
        if model is Language:
            continue  # a language's name says what it is
        assert not model.objects.filter(description="").exists(), model.__name__


def test_audiences_accessibility_and_languages_include_the_required_values():
    audiences = set(Audience.objects.values_list("slug", flat=True))
    assert {"everyone", "young-people", "older-people", "lgbtq", "veterans", "carers"} <= audiences
    assert len(audiences) == 12
    features = set(AccessibilityFeature.objects.values_list("slug", flat=True))
    assert {"step-free-access", "hearing-loop", "quiet-space"} <= features
    assert {"en", "bsl", "gd"} <= set(Language.objects.values_list("slug", flat=True))


def test_all_council_areas_and_health_boards_are_seeded_with_gss_codes():
    assert Area.objects.council_areas().count() == 32
    assert Area.objects.health_boards().count() == 14
    edinburgh = Area.objects.get(slug="city-of-edinburgh")
    assert edinburgh.gss_code == "S12000036"
    assert edinburgh.health_board.slug == "nhs-lothian"
    assert Area.objects.get(slug="na-h-eileanan-siar").health_board.slug == "nhs-western-isles"
    assert Area.objects.filter(slug="nhs-greater-glasgow-and-clyde").exists()
    assert not Area.objects.council_areas().filter(health_board__isnull=True).exists()


# Validation: clear messages from clean() and constraints in the database -------------------


def test_a_location_with_an_impossible_latitude_is_rejected():
    location = LocationFactory.build(
        organisation=OrganisationFactory(), latitude=91, council_area=Area.objects.first()
    )
    assert "Latitude must be between -90 and 90." in str(errors_of(location))


def test_the_database_refuses_an_impossible_longitude():
    location = LocationFactory()
    location.longitude = -181
    with pytest.raises(IntegrityError), transaction.atomic():
        location.save()


def test_a_bad_postcode_is_rejected_and_a_good_one_normalised():
    location = LocationFactory.build(
        organisation=OrganisationFactory(),
        postcode="NOT A CODE",
        council_area=Area.objects.first(),
    )
    assert "Enter a full UK postcode, for example EH1 1AB." in errors_of(location)["postcode"]
    location.postcode = "pa11aa"
    location.full_clean()
    assert location.postcode == "PA1 1AA"


def test_postcode_helpers_normalise_and_find_the_district():
    assert normalise_postcode(" eh1  1ab ") == "EH1 1AB"
    assert normalise_postcode("G2 3BZ") == "G2 3BZ"
    assert normalise_postcode("EH1 1CB") is None  # C is never used in the inward code
    assert postcode_district("ab10 1xg") == "AB10"
    assert postcode_district("pa1") == "PA1"
    assert postcode_district("Paisley") is None


def test_a_bad_scottish_charity_number_is_rejected_and_a_good_one_normalised():
    organisation = Organisation(name="Example", slug="example", charity_number="SC12345")
    assert "SC followed by 6 digits" in errors_of(organisation)["charity_number"][0]
    organisation.charity_number = "sc 012345"
    organisation.full_clean()
    assert organisation.charity_number == "SC012345"


def test_a_session_that_closes_before_it_opens_is_rejected():
    schedule = ScheduleFactory.build(
        service=ServiceFactory(), opens_at=datetime.time(20), closes_at=datetime.time(18)
    )
    assert errors_of(schedule)["closes_at"] == ["The finish time must be after the start time."]


def test_the_database_refuses_a_session_that_opens_and_closes_at_the_same_time():
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduleFactory(opens_at=datetime.time(18), closes_at=datetime.time(18))


def test_a_minimum_age_above_the_maximum_is_rejected():
    service = ServiceFactory()
    service.min_age, service.max_age = 30, 18
    assert "maximum age must be the same as or more" in errors_of(service)["max_age"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.filter(pk=service.pk).update(min_age=30, max_age=18)


def test_monthly_and_fortnightly_sessions_need_the_dates_that_define_them():
    service = ServiceFactory()
    monthly = ScheduleFactory.build(service=service, frequency="monthly")
    assert "week_of_month" in errors_of(monthly)
    fortnightly = ScheduleFactory.build(service=service, frequency="fortnightly")
    assert "valid_from" in errors_of(fortnightly)


def test_a_course_run_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseRunFactory(start_date=datetime.date(2026, 5, 1), end_date=datetime.date(2026, 4, 1))


def test_a_service_taking_referrals_needs_a_referral_email():
    service = ServiceFactory()
    service.accepts_referrals = True
    assert "referral_email" in errors_of(service)


# Schedules: next occurrences in Scottish local time, across clock changes ------------------


def test_next_occurrence_keeps_local_time_across_the_october_clock_change():
    # Tuesday 6pm group; clocks go back on Sunday 25 October 2026.
    schedule = ScheduleFactory(weekday=1, opens_at=datetime.time(18), closes_at=datetime.time(20))
    after = datetime.datetime(2026, 10, 21, 12, 0, tzinfo=LONDON)
    sessions = schedule.next_occurrences(after, count=2)
    starts = [start for start, _ in sessions]
    assert [s.date() for s in starts] == [datetime.date(2026, 10, 27), datetime.date(2026, 11, 3)]
    assert all(s.hour == 18 for s in starts)
    # Same local time, different UTC offset: BST ended between the two weeks.
    assert starts[0].utcoffset() == datetime.timedelta(0)
    before_change = schedule.next_occurrence(datetime.datetime(2026, 10, 19, tzinfo=LONDON))[0]
    assert before_change.utcoffset() == datetime.timedelta(hours=1)
    assert before_change.astimezone(datetime.UTC).hour == 17
    assert starts[0].astimezone(datetime.UTC).hour == 18


def test_next_occurrence_across_the_march_clock_change_on_the_day_itself():
    # Sunday 10am–noon; clocks go forward at 1am on Sunday 29 March 2026.
    schedule = ScheduleFactory(weekday=6, opens_at=datetime.time(10), closes_at=datetime.time(12))
    after = datetime.datetime(2026, 3, 29, 0, 30, tzinfo=datetime.UTC)
    start, end = schedule.next_occurrence(after)
    assert start == datetime.datetime(2026, 3, 29, 9, 0, tzinfo=datetime.UTC)
    assert end == datetime.datetime(2026, 3, 29, 11, 0, tzinfo=datetime.UTC)


def test_a_session_in_progress_is_still_the_next_one_until_it_finishes():
    schedule = ScheduleFactory(weekday=1, opens_at=datetime.time(18), closes_at=datetime.time(20))
    during = datetime.datetime(2026, 12, 1, 19, 0, tzinfo=LONDON)  # a Tuesday
    assert schedule.next_occurrence(during)[0].date() == datetime.date(2026, 12, 1)


def test_fortnightly_sessions_follow_their_first_date():
    schedule = ScheduleFactory(
        weekday=2, frequency="fortnightly", valid_from=datetime.date(2026, 11, 4)
    )
    sessions = schedule.next_occurrences(datetime.datetime(2026, 11, 1, tzinfo=LONDON), count=3)
    assert [s.date() for s, _ in sessions] == [
        datetime.date(2026, 11, 4),
        datetime.date(2026, 11, 18),
        datetime.date(2026, 12, 2),
    ]


def test_monthly_sessions_on_the_first_and_last_weekday():
    first_tuesday = ScheduleFactory(weekday=1, frequency="monthly", week_of_month=1)
    last_friday = ScheduleFactory(weekday=4, frequency="monthly", week_of_month=-1)
    after = datetime.datetime(2026, 11, 24, tzinfo=LONDON)
    assert [s.date() for s, _ in first_tuesday.next_occurrences(after, 2)] == [
        datetime.date(2026, 12, 1),
        datetime.date(2027, 1, 5),
    ]
    assert [s.date() for s, _ in last_friday.next_occurrences(after, 2)] == [
        datetime.date(2026, 11, 27),
        datetime.date(2026, 12, 25),
    ]


def test_sessions_stop_after_their_last_date():
    schedule = ScheduleFactory(weekday=0, valid_to=datetime.date(2026, 12, 7))
    sessions = schedule.next_occurrences(datetime.datetime(2026, 11, 24, tzinfo=LONDON), count=5)
    assert [s.date() for s, _ in sessions] == [
        datetime.date(2026, 11, 30),
        datetime.date(2026, 12, 7),
    ]


# QuerySets ----------------------------------------------------------------------------------


def test_published_hides_inactive_services_and_unlisted_organisations():
    visible = ServiceFactory()
    ServiceFactory(status=Service.Status.DEFUNCT)
    ServiceFactory(organisation=OrganisationFactory(is_active=False))
    assert list(Service.objects.published()) == [visible]


def test_a_service_knows_it_is_published_by_the_same_rule_as_the_queryset():
    hidden = OrganisationFactory(is_active=False)
    services = [
        ServiceFactory(status=status, organisation=organisation)
        for status in Service.Status.values
        for organisation in (OrganisationFactory(), hidden)
    ]
    published = set(Service.objects.published())
    assert {service for service in services if service.is_published()} == published
    assert published  # some of each kind
    assert len(published) < len(services)


def test_needs_review_finds_never_checked_and_long_unchecked_services():
    now = timezone.now()
    fresh = ServiceFactory(last_checked_at=now - datetime.timedelta(days=10))
    old = ServiceFactory(last_checked_at=now - datetime.timedelta(days=200))
    never = ServiceFactory(last_checked_at=None)
    assert set(Service.objects.needs_review(180)) == {old, never}
    assert fresh.is_stale() is False
    assert never.is_stale() is True


def test_a_dated_intake_restriction_lapses_back_to_welcoming():
    today = timezone.localdate()
    lapsed = ServiceFactory(intake_status="full", intake_status_until=today - datetime.timedelta(1))
    full = ServiceFactory(intake_status="full")
    paused = ServiceFactory(intake_status="paused", intake_status_until=today)
    waiting = ServiceFactory(intake_status="waiting-list")
    assert lapsed.current_intake_status() == "welcoming"
    assert full.current_intake_status() == "full"
    accepting = {s for s in (lapsed, full, paused, waiting) if s.is_accepting}
    assert accepting == {lapsed, waiting}


def test_upcoming_course_runs_drop_past_runs():
    service = ServiceFactory()
    today = timezone.localdate()
    CourseRunFactory(
        service=service,
        start_date=today - datetime.timedelta(60),
        end_date=today - datetime.timedelta(1),
    )
    upcoming = CourseRunFactory(
        service=service, start_date=today, end_date=today + datetime.timedelta(70)
    )
    assert list(CourseRun.objects.upcoming()) == [upcoming]


LISTING_TEMPLATE = Template(
    "{% for s in services %}{{ s.name }} {{ s.organisation.name }}"
    "{% for t in s.types.all %}{{ t.name }}{% endfor %}"
    "{% for a in s.access_routes.all %}{{ a.name }}{% endfor %}"
    "{% for l in s.lived_experience.all %}{{ l.name }}{% endfor %}"
    "{% for d in s.delivery_modes.all %}{{ d.name }}{% endfor %}"
    "{% for a in s.audiences.all %}{{ a.name }}{% endfor %}"
    "{% for a in s.areas.all %}{{ a.name }}{% endfor %}"
    "{% for g in s.languages.all %}{{ g.name }}{% endfor %}"
    "{% for sl in s.service_locations.all %}{{ sl.location.town }}"
    "{{ sl.location.council_area.name }}{% endfor %}"
    "{% for sc in s.schedules.all %}{{ sc }}{{ sc.location.name }}{% endfor %}"
    "{% for r in s.upcoming_course_runs %}{{ r.start_date }}{% endfor %}{% endfor %}"
)


def make_listed_services(count: int) -> None:
    for _ in range(count):
        link = ServiceAtLocationFactory()
        ScheduleFactory(service=link.service, location=link.location)
        CourseRunFactory(service=link.service, end_date=datetime.date(2099, 1, 1))


@pytest.mark.parametrize("count", [5, 100])
def test_with_listing_data_renders_any_number_of_services_in_eleven_queries(
    count, django_assert_num_queries
):
    make_listed_services(count)
    # services, six vocabularies, areas, places, schedules, course runs
    with django_assert_num_queries(11):
        services = list(Service.objects.published().with_listing_data())
        html = LISTING_TEMPLATE.render(Context({"services": services}))
    assert len(services) == count
    assert html.count("Community Hub") == count
    assert html.count("Peer support group") == count
    assert html.count("Self-referral") == count


def test_schedule_weekday_choices_cover_the_week():
    assert [label for _, label in Schedule._meta.get_field("weekday").choices][0] == "Monday"


def test_marking_a_listing_checked_records_who_when_and_why_in_its_history():
    service = ServiceFactory(last_checked_at=None)
    checker = UserFactory()
    before = timezone.now()

    service.mark_checked(checker, "Checked on the phone")

    service.refresh_from_db()
    assert service.last_checked_by == checker
    assert service.last_checked_at >= before
    assert not service.is_stale()
    latest = service.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (checker, "Checked on the phone")
    assert latest.last_checked_by == checker


def test_a_listing_marked_checked_without_a_reason_says_marked_as_checked():
    service = ServiceFactory()

    service.mark_checked(UserFactory())

    assert service.history.latest().history_change_reason == "Marked as checked"
