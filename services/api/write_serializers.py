"""Write serializers for organisation API tokens. Input is checked with the models' own
`full_clean()`, so the API accepts exactly what the admin accepts, with the same messages."""

import copy

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from rest_framework import serializers
from rest_framework.settings import api_settings

from services.geo.resolve import locate_address
from services.models import (
    WEEKDAY_SLUGS,
    AccessibilityFeature,
    AccessRoute,
    Area,
    Audience,
    DeliveryMode,
    Language,
    LivedExperienceInvolvement,
    Location,
    Schedule,
    Service,
    ServiceType,
)
from services.slugs import unique_slug

from . import actions
from .serializers import LocationSerializer, ScheduleSerializer, ServiceDetailSerializer


def slugs(model, help_text: str, *, required: bool = False, queryset=None):
    return serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        queryset=queryset if queryset is not None else model.objects.all(),
        required=required,
        allow_empty=not required,
        help_text=help_text + " A list of slugs (see /api/v1/vocabularies/).",
    )


def drf_errors(error: DjangoValidationError) -> dict:
    errors = error.message_dict
    if NON_FIELD_ERRORS in errors:
        errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
    return errors


class ModelCleanSerializer(serializers.ModelSerializer):
    """Validates by applying the input to a copy of the record and calling `full_clean()`."""

    relation_fields: tuple[str, ...] = ()

    @property
    def organisation(self):
        return self.context["organisation"]

    def prepare(self, candidate, attrs: dict) -> None:
        """Set what the client does not send (e.g. the organisation) on a new record."""

    def validate(self, attrs: dict) -> dict:
        model: type[Model] = self.Meta.model
        candidate = copy.copy(self.instance) if self.instance else model()
        if self.instance is None:
            self.prepare(candidate, attrs)
        for name, value in attrs.items():
            if name not in self.relation_fields:
                setattr(candidate, name, value)
        try:
            candidate.full_clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(drf_errors(error)) from None
        # Keep what the model normalised while cleaning (e.g. "pa11aa" -> "PA1 1AA").
        return {
            name: value if name in self.relation_fields else getattr(candidate, name)
            for name, value in attrs.items()
        }

    def split(self, attrs: dict) -> tuple[dict, dict]:
        relations = {name: attrs.pop(name) for name in self.relation_fields if name in attrs}
        return attrs, relations


class ServiceWriteSerializer(ModelCleanSerializer):
    relation_fields = (
        "types", "access_routes", "lived_experience", "audiences", "delivery_modes",
        "languages", "areas", "locations",
    )  # fmt: skip
    slug = serializers.SlugField(
        max_length=Service._meta.get_field("slug").max_length,
        required=False,
        help_text="Web address name; made from the name if left out.",
    )
    types = slugs(ServiceType, "Types of support.", required=True)
    access_routes = slugs(AccessRoute, "Ways to get support.", required=True)
    lived_experience = slugs(LivedExperienceInvolvement, "Lived experience involvement.")
    audiences = slugs(Audience, "Who it is for.")
    delivery_modes = slugs(DeliveryMode, "In person, online, by phone.", required=True)
    languages = slugs(Language, "Languages it is offered in.")
    areas = slugs(Area, "Council areas or health boards it serves (see /api/v1/areas/).")
    locations = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=Location.objects.none(),
        help_text="Ids of your organisation's locations where it happens.",
    )

    class Meta:
        model = Service
        fields = [
            "name", "slug", "summary", "description", "first_visit", "how_to_get_support",
            "status", "intake_status", "intake_status_until", "website", "email", "phone",
            "referral_url", "cost", "cost_description", "min_age", "max_age", "is_national",
            "accepts_referrals", "referral_email", "types", "access_routes", "lived_experience",
            "audiences", "delivery_modes", "languages", "areas", "locations",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = self.context.get("organisation")
        if organisation is not None:
            locations = Location.objects.filter(organisation=organisation)
            self.fields["locations"].child_relation.queryset = locations

    def prepare(self, candidate, attrs: dict) -> None:
        candidate.organisation = self.organisation
        if not attrs.get("slug") and attrs.get("name"):
            attrs["slug"] = unique_slug(Service, attrs["name"])

    def save_service(self, service: Service, attrs: dict) -> Service:
        fields, relations = self.split(attrs)
        locations = relations.pop("locations", None)
        return actions.save_service(
            service=service, fields=fields, relations=relations, locations=locations
        )

    def create(self, validated_data: dict) -> Service:
        service = Service(organisation=self.organisation)
        return self.save_service(service, validated_data)

    def update(self, instance: Service, validated_data: dict) -> Service:
        return self.save_service(instance, validated_data)

    def to_representation(self, instance: Service) -> dict:
        fresh = Service.objects.with_listing_data().prefetch_related(
            "service_locations__location__accessibility"
        )
        return ServiceDetailSerializer(fresh.get(pk=instance.pk), context=self.context).data


class LocationWriteSerializer(ModelCleanSerializer):
    relation_fields = ("accessibility",)
    council_area = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Area.objects.council_areas(),
        required=False,
        help_text="Slug of the council area the building is in (see /api/v1/areas/). "
        "Optional: it comes from the postcode when left out.",
    )
    accessibility = slugs(AccessibilityFeature, "Accessibility features of the building.")

    class Meta:
        model = Location
        extra_kwargs = {
            "latitude": {
                "required": False,
                "help_text": "Optional: it comes from the postcode (or town) when left out.",
            },
            "longitude": {
                "required": False,
                "help_text": "Optional: it comes from the postcode (or town) when left out.",
            },
        }
        fields = [
            "name", "address_1", "address_2", "town", "postcode", "latitude", "longitude",
            "council_area", "accessibility", "directions",
        ]  # fmt: skip

    def prepare(self, candidate, attrs: dict) -> None:
        candidate.organisation = self.organisation

    def validate(self, attrs: dict) -> dict:
        """As in the admin: position and council area come from the postcode (or town)
        unless given; a postcode outside Scotland or far from the town is refused."""
        instance = self.instance
        postcode = attrs.get("postcode", instance.postcode if instance else "")
        town = attrs.get("town", instance.town if instance else "")
        moved = instance is None or {"postcode", "town"} & set(attrs)
        typed = "latitude" in attrs and "longitude" in attrs
        if moved and postcode:
            position = locate_address(postcode, town)
            if position.problem:
                raise serializers.ValidationError({"postcode": [position.problem]})
            if not typed:
                attrs["latitude"], attrs["longitude"] = position.lat, position.lon
            area = Area.objects.council_areas().filter(slug=position.council_area).first()
            if area is not None and "council_area" not in attrs:
                attrs["council_area"] = area
        return super().validate(attrs)

    def create(self, validated_data: dict) -> Location:
        fields, relations = self.split(validated_data)
        location = Location(organisation=self.organisation)
        return actions.save_location(location=location, fields=fields, **relations)

    def update(self, instance: Location, validated_data: dict) -> Location:
        fields, relations = self.split(validated_data)
        return actions.save_location(location=instance, fields=fields, **relations)

    def to_representation(self, instance: Location) -> dict:
        return LocationSerializer(instance).data


class ScheduleWriteSerializer(ModelCleanSerializer):
    service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.none(), help_text="Id of your organisation's service."
    )
    location = serializers.PrimaryKeyRelatedField(
        queryset=Location.objects.none(),
        required=False,
        allow_null=True,
        help_text="Id of your organisation's location; null for online or phone sessions.",
    )
    day = serializers.ChoiceField(
        choices=WEEKDAY_SLUGS, source="weekday", help_text="Day of the week: mon, tue, … sun."
    )

    class Meta:
        model = Schedule
        fields = [
            "service", "location", "day", "opens_at", "closes_at", "frequency",
            "week_of_month", "valid_from", "valid_to", "description",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = self.context.get("organisation")
        if organisation is not None:
            self.fields["service"].queryset = Service.objects.filter(organisation=organisation)
            self.fields["location"].queryset = Location.objects.filter(organisation=organisation)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if "weekday" in values:
            values["weekday"] = WEEKDAY_SLUGS.index(values["weekday"])
        return values

    def create(self, validated_data: dict) -> Schedule:
        return actions.save_schedule(schedule=Schedule(), fields=validated_data)

    def update(self, instance: Schedule, validated_data: dict) -> Schedule:
        return actions.save_schedule(schedule=instance, fields=validated_data)

    def to_representation(self, instance: Schedule) -> dict:
        return {"service": str(instance.service_id), **ScheduleSerializer(instance).data}
