"""Read serializers for `/api/v1/`. Every field is named explicitly and described in plain
English (the descriptions become the OpenAPI documentation)."""

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from services.hsds.serialise import absolute_url
from services.links import site_url
from services.models import WEEKDAY_SLUGS, Area, Location, Organisation, Schedule, Service

NEXT_SESSIONS = 3


def api_url(name: str, pk) -> str:
    return site_url() + reverse(f"api:{name}-detail", kwargs={"pk": pk})


class TermSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="The value to use in search parameters.")
    name = serializers.CharField(help_text="The name to show people.")

    def to_representation(self, instance) -> dict:
        # Two plain attributes: skipping the generic field loop matters at ~250 terms a page.
        return {"slug": instance.slug, "name": instance.name}


AREA_KIND_HELP = '"council-area", "health-board" or "hscp" (health and social care partnership).'


class AreaBriefSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text=AREA_KIND_HELP)

    class Meta:
        model = Area
        fields = ["slug", "name", "kind"]
        extra_kwargs = {
            "slug": {"help_text": "The value to use in the area search parameter."},
            "name": {"help_text": "The official name."},
        }

    def to_representation(self, area) -> dict:
        return {"slug": area.slug, "name": area.name, "kind": area.kind}


class AreaSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text=AREA_KIND_HELP)
    gss_code = serializers.CharField(help_text="The official GSS statistical code.")
    health_board: "serializers.SlugRelatedField[Area]" = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="For a council area, the slug of its health board; null otherwise.",
    )
    partnership: "serializers.SlugRelatedField[Area]" = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="For a council area, the slug of its health and social care partnership; "
        "null otherwise.",
    )
    council_areas = serializers.ListField(
        child=serializers.SlugField(),
        source="covered_council_areas",
        read_only=True,
        help_text="For a health board or partnership, the slugs of the council areas it is "
        "made of; empty for a council area.",
    )

    class Meta:
        model = Area
        fields = [
            "slug",
            "name",
            "kind",
            "gss_code",
            "health_board",
            "partnership",
            "council_areas",
        ]
        extra_kwargs = {
            "slug": {"help_text": "The value to use in the area search parameter."},
            "name": {"help_text": "The official name."},
        }


class OrganisationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "slug", "name"]
        extra_kwargs = {
            "id": {"help_text": "The organisation's permanent identifier."},
            "slug": {"help_text": "Short name used in web addresses."},
            "name": {"help_text": "The name people know it by."},
        }


class LocationSerializer(serializers.ModelSerializer):
    council_area = AreaBriefSerializer(help_text="The council area the building is in.")
    accessibility = TermSerializer(many=True, help_text="Accessibility features of the building.")

    class Meta:
        model = Location
        fields = [
            "id", "name", "address_1", "address_2", "town", "postcode",
            "latitude", "longitude", "council_area", "accessibility", "directions",
        ]  # fmt: skip
        extra_kwargs = {
            "id": {"help_text": "The location's permanent identifier."},
            "latitude": {"help_text": "Latitude of the building (WGS84)."},
            "longitude": {"help_text": "Longitude of the building (WGS84)."},
            "directions": {"help_text": "How to find the door: buses, parking, entrance."},
        }


class LocationBriefSerializer(LocationSerializer):
    class Meta(LocationSerializer.Meta):
        fields = [
            "id", "name", "address_1", "address_2", "town", "postcode",
            "latitude", "longitude", "council_area",
        ]  # fmt: skip

    def to_representation(self, location: Location) -> dict:
        # Plain values written out (one or more per search result; see ServiceListSerializer).
        area = location.council_area
        return {
            "id": str(location.id),
            "name": location.name,
            "address_1": location.address_1,
            "address_2": location.address_2,
            "town": location.town,
            "postcode": location.postcode,
            "latitude": float(location.latitude),
            "longitude": float(location.longitude),
            "council_area": {"slug": area.slug, "name": area.name, "kind": area.kind},
        }


class SessionSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(help_text="When the session starts (UK time).")
    ends_at = serializers.DateTimeField(help_text="When the session ends (UK time).")
    location_id = serializers.UUIDField(
        allow_null=True, help_text="Where it happens; null for online or phone sessions."
    )


class IntakeSerializer(serializers.Serializer):
    slug = serializers.CharField(
        help_text="Whether it is taking new people today: "
        + ", ".join(Service.Intake.values)
        + " (see the intake vocabulary)."
    )
    # DRF's serializer metaclass moves declared fields off the class, so this does not replace
    # Field.label as django-stubs' class view of it says.
    label = serializers.CharField(help_text="The status in words.")  # type: ignore[assignment]
    until = serializers.DateField(
        allow_null=True, help_text="The date the status applies until, if it has one."
    )


def nested(parent: serializers.Serializer, serializer_class, items) -> list:
    """`items` as `serializer_class(items, many=True).data` would give, with the nested
    serializer built once per parent serializer rather than once per row, because building a
    ModelSerializer's fields is slow (README, Performance)."""
    built = parent.__dict__.setdefault("_nested_serializers", {})
    serializer = built.get(serializer_class)
    if serializer is None:
        serializer = built[serializer_class] = serializer_class(many=True, context=parent.context)
    return serializer.to_representation(items)


def next_sessions(service: Service, now: datetime.datetime | None = None) -> list[dict]:
    now = now or timezone.now()
    found: list[dict[str, Any]] = [
        {"starts_at": start, "ends_at": end, "location_id": schedule.location_id}
        for schedule in service.schedules.all()
        for start, end in schedule.next_occurrences(now, count=NEXT_SESSIONS)
    ]
    return sorted(found, key=lambda session: session["starts_at"])[:NEXT_SESSIONS]


class ServiceListSerializer(serializers.ModelSerializer):
    organisation = OrganisationBriefSerializer(help_text="Who runs it.")
    types = TermSerializer(many=True, help_text="Types of support.")
    access_routes = TermSerializer(many=True, help_text="Ways to get support.")
    lived_experience = TermSerializer(
        many=True, help_text="How people with lived experience run or shape it."
    )
    delivery_modes = TermSerializer(many=True, help_text="In person, online or by phone.")
    intake = serializers.SerializerMethodField(help_text="Whether it is taking new people.")
    cost = serializers.ChoiceField(
        choices=Service.Cost.choices, help_text="free, donation (free, donations welcome) or paid."
    )
    areas = AreaBriefSerializer(
        many=True, help_text="Council areas, health boards and partnerships it serves."
    )
    locations = serializers.SerializerMethodField(help_text="Where it happens.")
    distance_km = serializers.SerializerMethodField(
        help_text="Distance in km as the crow flies (a straight line, not by road or "
        "across water) from the searched place to its nearest location, or null."
    )
    next_sessions = serializers.SerializerMethodField(
        help_text=f"The next {NEXT_SESSIONS} sessions, soonest first."
    )
    html_url = serializers.SerializerMethodField(help_text="The public web page for it.")
    api_url = serializers.SerializerMethodField(help_text="Its full record in this API.")

    class Meta:
        model = Service
        fields = [
            "id", "slug", "name", "summary", "organisation", "types", "access_routes",
            "lived_experience", "delivery_modes", "intake", "cost", "cost_description",
            "min_age", "max_age", "is_national", "areas", "locations", "distance_km",
            "next_sessions", "last_checked_at", "updated_at", "html_url", "api_url",
        ]  # fmt: skip
        extra_kwargs = {
            "id": {"help_text": "The service's permanent identifier."},
            "slug": {"help_text": "Short name used in its web address."},
            "name": {"help_text": "What it is called."},
            "summary": {"help_text": "One or two sentences about it."},
            "cost_description": {"help_text": "What it costs, in words."},
            "min_age": {"help_text": "Youngest age it is for, or null."},
            "max_age": {"help_text": "Oldest age it is for, or null."},
            "is_national": {"help_text": "True if anyone in Scotland can use it."},
            "last_checked_at": {"help_text": "When its organisation last confirmed the details."},
            "updated_at": {"help_text": "When the listing last changed."},
        }

    def to_representation(self, service: Service) -> dict:
        if type(self) is not ServiceListSerializer:
            return super().to_representation(service)
        # The list's fields written out, as DRF's generic loop over every field of every
        # result is slow (README, Performance). Dates and times still go through their DRF
        # fields so formats stay the same (tests compare whole payloads), and the schema
        # still comes from the declared fields.
        fields = self.fields
        organisation = service.organisation

        def moment(name: str):
            value = getattr(service, name)
            return None if value is None else fields[name].to_representation(value)

        def terms(name: str) -> list:
            return fields[name].to_representation(getattr(service, name).all())

        return {
            "id": str(service.id),
            "slug": service.slug,
            "name": service.name,
            "summary": service.summary,
            "organisation": {
                "id": str(organisation.id),
                "slug": organisation.slug,
                "name": organisation.name,
            },
            "types": terms("types"),
            "access_routes": terms("access_routes"),
            "lived_experience": terms("lived_experience"),
            "delivery_modes": terms("delivery_modes"),
            "intake": self.get_intake(service),
            "cost": fields["cost"].to_representation(service.cost),
            "cost_description": service.cost_description,
            "min_age": service.min_age,
            "max_age": service.max_age,
            "is_national": service.is_national,
            "areas": terms("areas"),
            "locations": self.get_locations(service),
            "distance_km": self.get_distance_km(service),
            "next_sessions": self.get_next_sessions(service),
            "last_checked_at": moment("last_checked_at"),
            "updated_at": moment("updated_at"),
            "html_url": self.get_html_url(service),
            "api_url": self.get_api_url(service),
        }

    @extend_schema_field(IntakeSerializer)
    def get_intake(self, service: Service) -> dict:
        status = service.current_intake_status()
        until = service.intake_status_until if status == service.intake_status else None
        return {"slug": status, "label": Service.Intake(status).label, "until": until}

    @extend_schema_field(LocationBriefSerializer(many=True))
    def get_locations(self, service: Service) -> list:
        locations = [link.location for link in service.service_locations.all()]
        return nested(self, LocationBriefSerializer, locations)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_km(self, service: Service) -> float | None:
        distance = getattr(service, "distance_km", None)
        return None if distance is None else round(float(distance), 2)

    @extend_schema_field(SessionSerializer(many=True))
    def get_next_sessions(self, service: Service) -> list:
        return nested(self, SessionSerializer, next_sessions(service))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_html_url(self, service: Service) -> str | None:
        return absolute_url(service)

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, service: Service) -> str:
        return api_url("service", service.pk)


class ScheduleSerializer(serializers.ModelSerializer):
    day = serializers.SerializerMethodField(help_text="Day of the week: mon, tue, … sun.")
    frequency = serializers.ChoiceField(
        choices=Schedule.Frequency.choices, help_text="weekly, fortnightly or monthly."
    )
    week_of_month = serializers.IntegerField(
        allow_null=True, help_text="For monthly sessions: 1 to 4, or -1 for the last."
    )

    class Meta:
        model = Schedule
        fields = [
            "id", "day", "opens_at", "closes_at", "frequency", "week_of_month",
            "valid_from", "valid_to", "description", "location",
        ]  # fmt: skip
        extra_kwargs = {
            "opens_at": {"help_text": "Start time, UK local time."},
            "closes_at": {"help_text": "Finish time, UK local time."},
            "valid_from": {"help_text": "First date it runs, or null."},
            "valid_to": {"help_text": "Last date it runs, or null."},
            "location": {"help_text": "Id of the location; null for online or phone sessions."},
        }

    @extend_schema_field(serializers.ChoiceField(choices=WEEKDAY_SLUGS))
    def get_day(self, schedule: Schedule) -> str:
        return WEEKDAY_SLUGS[schedule.weekday]


class CourseRunSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The course run's identifier.")
    name = serializers.CharField(help_text='For example "Spring 2027".')
    start_date = serializers.DateField(help_text="First day of the course.")
    end_date = serializers.DateField(help_text="Last day of the course.")
    enrolment_status = serializers.CharField(help_text="open, waiting-list or closed.")
    how_to_enrol = serializers.CharField(help_text="How to sign up.")


class ContactSerializer(serializers.Serializer):
    website = serializers.CharField(help_text="Web address, or empty.")
    email = serializers.CharField(help_text="Email address, or empty.")
    phone = serializers.CharField(help_text="Phone number, or empty.")
    referral_url = serializers.CharField(help_text="A web form for referrals, or empty.")


class ServiceDetailSerializer(ServiceListSerializer):
    audiences = TermSerializer(many=True, help_text="Who it is for.")
    languages = TermSerializer(many=True, help_text="Languages it is offered in.")
    status = serializers.ChoiceField(
        choices=Service.Status.choices, help_text="active, inactive (paused) or defunct."
    )
    contact = serializers.SerializerMethodField(help_text="How to get in touch.")
    locations = serializers.SerializerMethodField(
        help_text="Where it happens, with each building's accessibility features."
    )
    schedules = ScheduleSerializer(many=True, help_text="Regular sessions.")
    course_runs = serializers.SerializerMethodField(help_text="Upcoming runs of a course.")

    class Meta(ServiceListSerializer.Meta):
        fields = [
            *ServiceListSerializer.Meta.fields, "status", "description", "first_visit",
            "how_to_get_support", "audiences", "languages", "contact", "accepts_referrals",
            "schedules", "course_runs",
        ]  # fmt: skip
        extra_kwargs = {
            **ServiceListSerializer.Meta.extra_kwargs,
            "description": {"help_text": "What happens, who runs it, what people get from it."},
            "first_visit": {"help_text": "What to expect at a first visit."},
            "how_to_get_support": {"help_text": "Plain steps to get support."},
            "accepts_referrals": {"help_text": "Whether link workers can refer people here."},
        }

    @extend_schema_field(ContactSerializer)
    def get_contact(self, service: Service) -> dict:
        return {
            "website": service.website,
            "email": service.email,
            "phone": service.phone,
            "referral_url": service.referral_url,
        }

    @extend_schema_field(LocationSerializer(many=True))
    def get_locations(self, service: Service) -> list:
        locations = [link.location for link in service.service_locations.all()]
        return nested(self, LocationSerializer, locations)

    @extend_schema_field(CourseRunSerializer(many=True))
    def get_course_runs(self, service: Service) -> list:
        return nested(self, CourseRunSerializer, service.upcoming_course_runs)


class OrganisationSerializer(serializers.ModelSerializer):
    html_url = serializers.SerializerMethodField(help_text="The public web page for it.")
    api_url = serializers.SerializerMethodField(help_text="Its full record in this API.")

    class Meta:
        model = Organisation
        fields = [
            "id", "slug", "name", "description", "website", "email", "phone",
            "charity_number", "is_verified", "html_url", "api_url",
        ]  # fmt: skip
        extra_kwargs = {
            "id": {"help_text": "The organisation's permanent identifier."},
            "slug": {"help_text": "Short name used in web addresses."},
            "description": {"help_text": "What the organisation does."},
            "charity_number": {"help_text": "Scottish charity number (OSCR), or empty."},
            "is_verified": {"help_text": "True once directory moderators have checked it."},
        }

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_html_url(self, organisation: Organisation) -> str | None:
        return absolute_url(organisation)

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, organisation: Organisation) -> str:
        return api_url("organisation", organisation.pk)


class ServiceLinkSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The service's identifier.")
    slug = serializers.SlugField(help_text="Short name used in its web address.")
    name = serializers.CharField(help_text="What it is called.")
    api_url = serializers.SerializerMethodField(help_text="Its full record in this API.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, service: Service) -> str:
        return api_url("service", service.pk)


class OrganisationDetailSerializer(OrganisationSerializer):
    services = serializers.SerializerMethodField(help_text="Its services in the directory.")

    class Meta(OrganisationSerializer.Meta):
        fields = [*OrganisationSerializer.Meta.fields, "services"]

    @extend_schema_field(ServiceLinkSerializer(many=True))
    def get_services(self, organisation: Organisation) -> list:
        return nested(self, ServiceLinkSerializer, organisation.published_services)


class TermDetailSerializer(TermSerializer):
    description = serializers.CharField(help_text="A plain-English explanation, or empty.")

    to_representation = serializers.Serializer.to_representation  # every declared field


class VocabularySerializer(serializers.Serializer):
    parameter = serializers.CharField(help_text="The search parameter that takes these values.")
    name = serializers.CharField(help_text="What the vocabulary is.")
    description = serializers.CharField(help_text="What it is used for.")
    terms = TermDetailSerializer(many=True, help_text="Every value, in display order.")
