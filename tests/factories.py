"""factory_boy factories with deterministic values, shared by every test module."""

import datetime

import factory
from django.conf import settings
from django.contrib.auth.models import Group, User

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
    ServiceAtLocation,
    ServiceType,
)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")
    is_staff = True

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ModeratorFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def groups(obj, create, extracted, **kwargs):
        if create:
            group, _ = Group.objects.get_or_create(name=settings.MODERATORS_GROUP)
            obj.groups.add(group)


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test Organisation {n}")
    slug = factory.Sequence(lambda n: f"test-organisation-{n}")
    description = "A test organisation."


class MembershipFactory(factory.django.DjangoModelFactory[OrganisationMembership]):
    class Meta:
        model = OrganisationMembership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = OrganisationMembership.Role.EDITOR


def council_area(slug: str = "renfrewshire") -> Area:
    return Area.objects.get(slug=slug)


class LocationFactory(factory.django.DjangoModelFactory[Location]):
    class Meta:
        model = Location

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Community Hub {n}")
    address_1 = "1 High Street"
    town = "Paisley"
    postcode = "PA1 1AA"
    latitude = 55.8456
    longitude = -4.4239
    council_area = factory.LazyFunction(council_area)


class ServiceFactory(factory.django.DjangoModelFactory[Service]):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Test Service {n}")
    slug = factory.Sequence(lambda n: f"test-service-{n}")
    summary = "A friendly test group."
    description = "A longer description of the test group."

    @factory.post_generation
    def types(obj, create, extracted, **kwargs):
        if create:
            obj.types.set(extracted or ServiceType.objects.filter(slug="peer-support-group"))

    @factory.post_generation
    def access_routes(obj, create, extracted, **kwargs):
        if create:
            obj.access_routes.set(extracted or AccessRoute.objects.filter(slug="self-referral"))

    @factory.post_generation
    def delivery_modes(obj, create, extracted, **kwargs):
        if create:
            obj.delivery_modes.set(extracted or DeliveryMode.objects.filter(slug="in-person"))


class ServiceAtLocationFactory(factory.django.DjangoModelFactory[ServiceAtLocation]):
    class Meta:
        model = ServiceAtLocation

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(
        LocationFactory, organisation=factory.SelfAttribute("..service.organisation")
    )


class ScheduleFactory(factory.django.DjangoModelFactory[Schedule]):
    class Meta:
        model = Schedule

    service = factory.SubFactory(ServiceFactory)
    weekday = 1
    opens_at = datetime.time(18, 0)
    closes_at = datetime.time(20, 0)
    frequency = Schedule.Frequency.WEEKLY


class CourseRunFactory(factory.django.DjangoModelFactory[CourseRun]):
    class Meta:
        model = CourseRun

    service = factory.SubFactory(ServiceFactory)
    start_date = datetime.date(2026, 1, 12)
    end_date = datetime.date(2026, 3, 16)
