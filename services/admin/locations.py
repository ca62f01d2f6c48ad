"""Places (buildings) in the admin: the map position and council area come from the
postcode (services/geo/resolve.py: locate_address), shown for the editor to check; typing
coordinates is an advanced option."""

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db import models
from django.utils.html import format_html

from services.geo.postcodes import normalise_postcode
from services.geo.resolve import locate_address
from services.models import Area, Location, Service
from services.permissions import is_moderator

from .base import OrganisationScopedAdmin
from .conflicts import VersionedForm
from .listings import CHECKBOXES

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec  # django-stubs' name for fieldsets

LOCATION_FIELDSETS: "_FieldsetSpec" = [
    (None, {"fields": ["organisation", "name"]}),
    ("Address", {"fields": ["address_1", "address_2", "town", "postcode"]}),
    (
        "Position on the map (advanced)",
        {
            "classes": ["collapse"],
            "fields": ["latitude", "longitude", "council_area"],
            "description": "Filled in from the postcode when you save. Change these only "
            "if the postcode's position is wrong for this building, for example on a large "
            "rural postcode. On openstreetmap.org, right-click the door and choose “Show "
            "address”: the two numbers shown are the latitude and the longitude.",
        },
    ),
    ("Getting there and getting in", {"fields": ["accessibility", "directions"]}),
]
POSITION_FIELDS = ("latitude", "longitude")


class LocationForm(VersionedForm):
    class Meta:
        model = Location
        fields = flatten_fieldsets(LOCATION_FIELDSETS)
        help_texts = {
            "organisation": "The organisation that uses this place.",
            "address_1": "Building and street.",
            "address_2": "Optional.",
            "town": "Town or city.",
            "postcode": "For example PA5 8AA. The map position and council area come from it.",
            "council_area": "The council area the building is in.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in (*POSITION_FIELDS, "council_area"):
            if name in self.fields:
                self.fields[name].required = False
        self.position_source = ""

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"]
        return normalise_postcode(value) or value

    def clean(self):
        cleaned = super().clean()
        if self.errors.get("postcode") or not cleaned.get("postcode"):
            return cleaned
        typed = all(cleaned.get(name) is not None for name in POSITION_FIELDS) and any(
            name in self.changed_data for name in POSITION_FIELDS
        )
        moved = self.instance.pk is None or {"postcode", "town"} & set(self.changed_data)
        if moved or cleaned.get("latitude") is None or cleaned.get("longitude") is None:
            self._place_from_postcode(cleaned, typed=typed)
        if cleaned.get("council_area") is None and not self.has_error("postcode"):
            self.add_error(
                "council_area",
                "We could not tell the council area from the postcode: choose it here.",
            )
        return cleaned

    def _place_from_postcode(self, cleaned: dict, *, typed: bool) -> None:
        position = locate_address(cleaned["postcode"], cleaned.get("town", ""))
        if position.problem:
            self.add_error("postcode", position.problem)
            return
        if not typed:
            cleaned["latitude"], cleaned["longitude"] = position.lat, position.lon
            self.position_source = position.source
        area = Area.objects.council_areas().filter(slug=position.council_area).first()
        if area and (not typed or cleaned.get("council_area") is None):
            cleaned["council_area"] = area

    def clean_organisation(self):
        organisation = self.cleaned_data["organisation"]
        if self.instance.pk is None or organisation.pk == self.instance.organisation_id:
            return organisation
        used = Service.objects.filter(
            models.Q(service_locations__location=self.instance)
            | models.Q(schedules__location=self.instance)
        ).exclude(organisation=organisation)
        if used.exists():
            raise forms.ValidationError(
                "Services of another organisation use this place. Take it off those "
                "services first, or add a new place for this organisation."
            )
        return organisation


def map_position_text(location: Location) -> str:
    if location.pk is None or location.latitude is None:
        return "Not known yet: it is worked out from the postcode when you save."
    area = location.council_area.name if location.council_area_id else "an unknown council area"
    lat, lon = f"{location.latitude:.5f}", f"{location.longitude:.5f}"
    url = f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    return format_html(
        '{}, {} in {}. <a href="{}">See it on OpenStreetMap</a> (opens the map site).',
        lat,
        lon,
        area,
        url,
    )


@admin.register(Location)
class LocationAdmin(OrganisationScopedAdmin):
    form = LocationForm
    formfield_overrides = CHECKBOXES
    list_display = ["name", "town", "postcode", "organisation", "council_area"]
    list_select_related = ["organisation", "council_area"]
    search_fields = ["name", "town", "postcode", "address_1"]
    fieldsets = LOCATION_FIELDSETS
    readonly_fields = ["map_position"]

    @admin.display(description="Position on the map")
    def map_position(self, obj) -> str:
        return map_position_text(obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        name, options = fieldsets[1]
        address = (name, {**options, "fields": [*options["fields"], "map_position"]})
        return [fieldsets[0], address, *fieldsets[2:]]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.position_source:
            area = obj.council_area.name if obj.council_area_id else "no council area"
            self.message_user(
                request,
                f"The position on the map ({obj.latitude:.5f}, {obj.longitude:.5f}) and the "
                f"council area ({area}) come from {form.position_source}. Check them on "
                "this page.",
                messages.INFO,
            )

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" not in request.POST and "_popup" not in request.POST:
            # Stay on the new place's page, so the position worked out can be checked.
            request.POST = request.POST.copy()
            request.POST["_continue"] = "1"
        return super().response_add(request, obj, post_url_continue)

    def get_list_filter(self, request):
        filters = [("council_area", admin.RelatedOnlyFieldListFilter)]
        if is_moderator(request.user):
            filters.append("organisation")
        return filters
