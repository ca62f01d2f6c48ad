"""manage.py seed_demo. The demo is seeded once for the module inside a transaction that is
rolled back at the end, so other test modules still start from an empty directory."""

import datetime
import io
import re

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory, override_settings
from django.utils import timezone

from services.demo import DEMO_USERS
from services.demo.plan import AreaInfo, DemoDataError, build_plan, towns_by_area
from services.demo.seed import _council_areas
from services.geo.places import Place, load_places
from services.geo.postcodes import normalise_postcode
from services.models import (
    VOCABULARIES,
    AccessibilityFeature,
    Area,
    CourseRun,
    Location,
    Organisation,
    OrganisationMembership,
    Schedule,
    Service,
    ServiceAtLocation,
)

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DRAMA_PHONE = re.compile(r"^(0141 496 0\d{3}|0131 496 0\d{3}|01632 960\d{3}|07700 900\d{3})$")
EXAMPLE_ADDRESS = re.compile(r"(^|[@.])example\.(org|com)$")


def _seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEMO_MODE=True, PASSWORD_HASHERS=FAST_HASHER):
            output = _seed()
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db, settings):
    settings.DEMO_MODE = True
    return seeded


def _snapshot() -> dict:
    counts = {
        model.__name__: model.objects.count()
        for model in (Organisation, Location, Service, ServiceAtLocation, CourseRun, Schedule)
    }
    for name in ("types", "areas", "languages", "audiences"):
        counts[name] = getattr(Service, name).through.objects.count()
    counts["accessibility"] = Location.accessibility.through.objects.count()
    counts["memberships"] = OrganisationMembership.objects.count()
    fields = ("id", "slug", "name", "summary", "last_checked_at", "intake_status", "updated_at")
    return {"counts": counts, "services": list(Service.objects.order_by("id").values(*fields))}


def test_there_are_at_least_40_organisations_all_clearly_demo(demo):
    names = list(Organisation.objects.values_list("name", flat=True))
    assert len(names) >= 40
    assert all("Demo" in name for name in names)


def test_there_are_at_least_300_services(demo):
    assert Service.objects.count() >= 300


def test_every_council_area_has_a_service_located_in_it(demo):
    located = set(ServiceAtLocation.objects.values_list("location__council_area__slug", flat=True))
    assert located == set(Area.objects.council_areas().values_list("slug", flat=True))


def test_every_vocabulary_value_is_used(demo):
    for vocabulary in VOCABULARIES:
        related = "locations" if vocabulary is AccessibilityFeature else "services"
        unused = vocabulary.objects.exclude(**{f"{related}__isnull": False}).distinct()
        assert list(unused.values_list("slug", flat=True)) == [], vocabulary.__name__


def test_bsl_and_gaelic_are_offered(demo):
    assert Service.objects.filter(languages__slug="bsl").exists()
    assert Service.objects.filter(languages__slug="gd").exists()


def test_national_services_are_online_or_by_phone_with_no_locations(demo):
    national = Service.objects.filter(is_national=True)
    assert national.count() >= 5
    assert not national.filter(service_locations__isnull=False).exists()
    assert not national.filter(delivery_modes__slug="in-person").exists()


def test_some_services_are_full_or_have_a_waiting_list(demo):
    intake = set(Service.objects.values_list("intake_status", flat=True))
    assert {"full", "waiting-list", "paused", "welcoming"} <= intake
    assert Service.objects.filter(intake_status_until__gt=timezone.localdate()).exists()


def test_some_listings_are_overdue_for_review_and_others_fresh(demo):
    assert Service.objects.needs_review(180).exists()
    assert Service.objects.needs_review(365).filter(last_checked_at__isnull=False).exists()
    assert Service.objects.count() > Service.objects.needs_review(30).count()


def test_every_text_is_written_in_and_fits_its_field(demo):
    services = Service.objects.all()
    for service in services:
        service.full_clean(validate_unique=False, validate_constraints=False)
    assert all("{" not in s.description + s.how_to_get_support for s in services)


def test_contacts_are_fictional(demo):
    for row in [*Organisation.objects.all(), *Service.objects.all()]:
        assert EXAMPLE_ADDRESS.search(row.email), row.email
        assert DRAMA_PHONE.match(row.phone), row.phone
        assert not row.website or "://www.example.org/" in row.website
    referrals = Service.objects.filter(accepts_referrals=True)
    assert referrals.exists()
    assert all(EXAMPLE_ADDRESS.search(s.referral_email) for s in referrals)


def test_locations_have_valid_postcodes_from_their_towns(demo):
    districts = {p.postcode_district for p in load_places() if p.is_fully_known}
    for location in Location.objects.all():
        location.full_clean(validate_unique=False, validate_constraints=False)
        assert normalise_postcode(location.postcode) == location.postcode
        assert location.postcode.split()[0] in districts
        assert 54.6 < location.latitude < 60.9
        assert -8.7 < location.longitude < -0.7


def test_timetables_include_fortnightly_monthly_and_term_time_sessions(demo):
    assert Schedule.objects.filter(frequency="fortnightly", valid_from__isnull=False).exists()
    assert Schedule.objects.filter(frequency="monthly", week_of_month=1).exists()
    assert Schedule.objects.filter(frequency="monthly", week_of_month=-1).exists()
    assert Schedule.objects.filter(description__startswith="Term time").exists()


def test_recovery_college_courses_have_past_and_upcoming_runs(demo):
    today = timezone.localdate()
    runs = CourseRun.objects.filter(service__types__slug="recovery-college")
    assert runs.filter(end_date__lt=today).exists()
    assert runs.filter(start_date__gt=today).exists()
    assert Schedule.objects.filter(course_run__isnull=False).exists()


def test_age_ranges_costs_and_areas_are_set(demo):
    assert Service.objects.filter(min_age=16, max_age=25).exists()
    assert Service.objects.filter(min_age=60, max_age__isnull=True).exists()
    assert set(Service.objects.values_list("cost", flat=True)) == {"free", "donation", "paid"}
    assert not Service.objects.filter(cost="paid", cost_description="").exists()
    local = Service.objects.filter(is_national=False)
    assert not local.filter(areas__isnull=True).exists()
    assert local.filter(areas__kind=Area.Kind.HEALTH_BOARD).exists()


def sign_in(username: str, password: str):
    """As the sign-in pages do: django-axes' backend needs the request (it counts failures
    by username and address)."""
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request, username=username, password=password)


def test_demo_users_sign_in_with_their_documented_passwords(demo):
    for spec in DEMO_USERS:
        user = sign_in(spec.username, spec.password)
        assert user is not None, spec.username
        assert user.is_staff == spec.is_staff
        assert not user.is_superuser
        assert spec.password in demo


def test_demo_users_have_their_groups_and_memberships(demo):
    moderator = sign_in("moderator", "demo-moderator-2026")
    link_worker = sign_in("linkworker", "demo-linkworker-2026")
    assert list(moderator.groups.values_list("name", flat=True)) == [settings.MODERATORS_GROUP]
    assert list(link_worker.groups.values_list("name", flat=True)) == [settings.LINK_WORKERS_GROUP]
    memberships = OrganisationMembership.objects.filter(user__username__in=["editor", "manager"])
    assert {(m.user.username, m.role) for m in memberships} == {
        ("editor", "editor"),
        ("manager", "manager"),
    }
    assert len({m.organisation_id for m in memberships}) == 1


def test_running_the_seed_again_changes_nothing(demo):
    before = _snapshot()
    output = _seed()
    assert _snapshot() == before
    assert "nothing was added or changed" in output


def test_if_empty_skips_when_organisations_exist(demo):
    before = _snapshot()
    assert "no demo data was added" in _seed("--if-empty")
    assert _snapshot() == before


def test_names_slugs_and_ids_do_not_depend_on_the_date(demo):
    areas = _council_areas()
    now = timezone.now()
    plans = [
        build_plan(places=load_places(), areas=areas, now=moment, checked_by_id=None)
        for moment in (now, now + datetime.timedelta(days=200))
    ]
    keys = [[(s.id, s.slug, s.name, s.phone) for s in plan.services] for plan in plans]
    assert keys[0] == keys[1]
    schedules = [[s.id for s in plan.schedules] for plan in plans]
    assert schedules[0] == schedules[1]
    assert set(keys[0]) == set(Service.objects.values_list("id", "slug", "name", "phone"))


def test_seed_refuses_to_run_outside_debug_or_demo_mode(demo, settings):
    settings.DEBUG = False
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DEMO_MODE=true"):
        _seed("--if-empty")


def test_a_places_file_missing_a_council_area_gives_a_clear_message():
    areas = {"fife": AreaInfo(1, "Fife", "nhs-fife"), "moray": AreaInfo(2, "Moray", "nhs-x")}
    places = (Place("Kirkcaldy", "fife", 56.11, -3.16, "KY1", 49460, 1),)
    with pytest.raises(DemoDataError, match="no town with a postcode district in: moray"):
        towns_by_area(places, areas)
