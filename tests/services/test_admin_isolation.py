"""A member of one organisation can neither see nor touch another organisation's records
in the admin, whichever model and whichever admin URL they try."""

import pytest
from django.core import mail
from django.urls import reverse

from services.models import (
    AccessRoute,
    Area,
    CourseRun,
    DeliveryMode,
    Location,
    Organisation,
    OrganisationMembership,
    Schedule,
    Service,
    ServiceType,
)
from tests.factories import (
    CourseRunFactory,
    LocationFactory,
    MembershipFactory,
    OrganisationFactory,
    ScheduleFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

MAKERS = {
    "organisation": lambda org: org,
    "service": lambda org: ServiceFactory(organisation=org),
    "location": lambda org: LocationFactory(organisation=org),
    "schedule": lambda org: ScheduleFactory(service__organisation=org),
    "courserun": lambda org: CourseRunFactory(service__organisation=org),
    "organisationmembership": lambda org: MembershipFactory(organisation=org),
}
MODELS = list(MAKERS)


def admin_url(obj, view: str, *extra) -> str:
    return reverse(f"admin:services_{obj._meta.model_name}_{view}", args=[obj.pk, *extra])


@pytest.fixture
def world():
    """Two organisations, each with one of everything; `member` manages the first."""
    ours, theirs = OrganisationFactory(name="Ours"), OrganisationFactory(name="Theirs")
    member = MembershipFactory(organisation=ours, role=OrganisationMembership.Role.MANAGER).user
    return {
        "member": member,
        "ours": ours,
        "theirs": theirs,
        "own": {name: make(ours) for name, make in MAKERS.items()},
        "other": {name: make(theirs) for name, make in MAKERS.items()},
    }


@pytest.fixture
def member_client(client, world):
    client.force_login(world["member"])
    return client


@pytest.mark.parametrize("model", MODELS)
def test_member_changelist_lists_own_records_and_not_other_organisations(
    member_client, world, model
):
    own, other = world["own"][model], world["other"][model]

    response = member_client.get(reverse(f"admin:services_{model}_changelist"))

    assert response.status_code == 200
    page = response.content.decode()
    assert admin_url(own, "change") in page
    assert admin_url(other, "change") not in page


@pytest.mark.parametrize("model", MODELS)
def test_member_can_open_own_record(member_client, world, model):
    response = member_client.get(admin_url(world["own"][model], "change"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_member_gets_404_for_another_organisations_record(member_client, world, model, view):
    response = member_client.get(admin_url(world["other"][model], view))

    assert response.status_code == 404


@pytest.mark.parametrize("model", MODELS)
def test_member_cannot_open_a_revert_form_for_another_organisations_record(
    member_client, world, model
):
    other = world["other"][model]
    version = other.history.earliest()

    response = member_client.get(admin_url(other, "simple_history", version.history_id))

    assert response.status_code == 404


@pytest.mark.parametrize("model", MODELS)
def test_member_cannot_delete_another_organisations_record(member_client, world, model):
    other = world["other"][model]

    response = member_client.post(admin_url(other, "delete"), {"post": "yes"})

    assert response.status_code == 404
    assert type(other).objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("model", MODELS)
def test_member_cannot_change_another_organisations_record_by_post(member_client, world, model):
    other = world["other"][model]
    before = other.history.count()

    response = member_client.post(admin_url(other, "change"), {"name": "Taken over"})

    assert response.status_code == 404
    assert other.history.count() == before


def test_bulk_delete_ignores_another_organisations_services(member_client, world):
    own, other = world["own"]["service"], world["other"]["service"]

    member_client.post(
        reverse("admin:services_service_changelist"),
        {"action": "delete_selected", "_selected_action": [own.pk, other.pk], "post": "yes"},
    )

    assert not Service.objects.filter(pk=own.pk).exists()
    assert Service.objects.filter(pk=other.pk).exists()


# Adding records that point at another organisation ----------------------------------------


def inline_management(prefix: str) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def service_data(organisation, slug="new-group") -> dict:
    return {
        "organisation": organisation.pk,
        "name": "New Group",
        "slug": slug,
        "summary": "A new group.",
        "description": "What happens at the new group.",
        "status": Service.Status.ACTIVE,
        "intake_status": Service.Intake.WELCOMING,
        "cost": Service.Cost.FREE,
        "types": [ServiceType.objects.get(slug="peer-support-group").pk],
        "access_routes": [AccessRoute.objects.get(slug="self-referral").pk],
        "delivery_modes": [DeliveryMode.objects.get(slug="in-person").pk],
        **inline_management("service_locations"),
        **inline_management("schedules"),
    }


def location_data(organisation) -> dict:
    return {
        "organisation": organisation.pk,
        "name": "New Hub",
        "address_1": "2 Causeyside Street",
        "town": "Paisley",
        "postcode": "PA1 1UJ",
        "latitude": "55.8440",
        "longitude": "-4.4240",
        "council_area": Area.objects.get(slug="renfrewshire").pk,
    }


def schedule_data(service) -> dict:
    return {
        "service": service.pk,
        "weekday": "2",
        "opens_at": "10:00",
        "closes_at": "12:00",
        "frequency": Schedule.Frequency.WEEKLY,
    }


def course_run_data(service) -> dict:
    return {
        "service": service.pk,
        "name": "Autumn",
        "start_date": "2026-09-01",
        "end_date": "2026-11-01",
        "enrolment_status": CourseRun.Enrolment.OPEN,
    }


def add_data(model: str, world, owner: str) -> dict:
    """Valid add-form data for a record belonging to "own" or "other" organisation."""
    organisation = world["ours"] if owner == "own" else world["theirs"]
    service = world[owner]["service"]
    return {
        "service": lambda: service_data(organisation),
        "location": lambda: location_data(organisation),
        "schedule": lambda: schedule_data(service),
        "courserun": lambda: course_run_data(service),
        "organisationmembership": lambda: {
            "organisation": organisation.pk,
            "role": OrganisationMembership.Role.EDITOR,
            "email": "new.editor@example.org",
        },
    }[model]()


ADDABLE = ["service", "location", "schedule", "courserun", "organisationmembership"]
MODEL_CLASSES = {
    "service": Service,
    "location": Location,
    "schedule": Schedule,
    "courserun": CourseRun,
    "organisationmembership": OrganisationMembership,
}


@pytest.mark.parametrize("model", [m for m in ADDABLE if m != "organisationmembership"])
def test_member_can_add_a_record_for_own_organisation(member_client, world, model):
    count = MODEL_CLASSES[model].objects.count()

    response = member_client.post(
        reverse(f"admin:services_{model}_add"), add_data(model, world, "own")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert MODEL_CLASSES[model].objects.count() == count + 1


def test_manager_adding_a_member_of_own_organisation_sends_an_invitation(
    member_client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            reverse("admin:services_organisationmembership_add"),
            add_data("organisationmembership", world, "own"),
        )

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["new.editor@example.org"]]


@pytest.mark.parametrize("model", ADDABLE)
def test_member_adding_a_record_for_another_organisation_gets_a_form_error(
    member_client, world, model
):
    count = MODEL_CLASSES[model].objects.count()

    response = member_client.post(
        reverse(f"admin:services_{model}_add"), add_data(model, world, "other")
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert MODEL_CLASSES[model].objects.count() == count


def test_member_cannot_add_an_organisation(member_client):
    count = Organisation.objects.count()

    get = member_client.get(reverse("admin:services_organisation_add"))
    post = member_client.post(
        reverse("admin:services_organisation_add"), {"name": "Mine", "slug": "mine"}
    )

    assert (get.status_code, post.status_code) == (403, 403)
    assert Organisation.objects.count() == count


@pytest.mark.parametrize(
    ("model", "field", "owner"),
    [
        ("service", "organisation", "ours"),
        ("location", "organisation", "ours"),
        ("schedule", "service", "service"),
        ("courserun", "service", "service"),
        ("schedule", "location", "location"),
        ("schedule", "course_run", "courserun"),
    ],
)
def test_add_form_offers_only_own_organisations_choices(member_client, world, model, field, owner):
    response = member_client.get(reverse(f"admin:services_{model}_add"))

    choices = response.context["adminform"].form.fields[field].queryset
    own = world["ours"] if owner == "ours" else world["own"][owner]
    other = world["theirs"] if owner == "ours" else world["other"][owner]
    assert own in choices
    assert other not in choices


def test_service_inlines_offer_only_the_services_own_locations(member_client, world):
    service = world["own"]["service"]

    response = member_client.get(admin_url(service, "change"))

    formsets = {f.formset.prefix: f.formset for f in response.context["inline_admin_formsets"]}
    for prefix in ("service_locations", "schedules"):
        choices = formsets[prefix].form.base_fields["location"].queryset
        assert world["own"]["location"] in choices
        assert world["other"]["location"] not in choices


def test_service_inline_rejects_another_organisations_location(member_client, world):
    data = service_data(world["ours"])
    data.update(
        {
            "service_locations-TOTAL_FORMS": "1",
            "service_locations-0-location": world["other"]["location"].pk,
        }
    )

    response = member_client.post(reverse("admin:services_service_add"), data)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Service.objects.filter(slug="new-group").exists()
