"""Turn what someone typed in the "near" box (or their device's position) into a point.

Order: a full postcode (imported table, then the optional HTTP lookup), a postcode district
(imported table, then the places file), a Scottish place name (places file), coordinates.
Searches are personal: nothing here logs the text or the coordinates."""

import difflib
import math
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Avg, Count

from services.geo.postcodes import normalise_postcode, postcode_district
from services.models import Area, Postcode

from .lookup import lookup_postcode
from .placenames import Place, normalise_name, place_index

MAX_NEAR_LENGTH = 100
MAX_SUGGESTIONS = 5


class LocationKind(StrEnum):
    POSTCODE = "postcode"
    DISTRICT = "district"
    PLACE = "place"
    COORDINATES = "coordinates"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"
    INVALID = "invalid"


@dataclass(frozen=True)
class PlaceChoice:
    """One of several places with the same name. `value` is what to search for to pick it."""

    name: str
    council_area: str  # council area name, "" if unknown
    value: str


@dataclass(frozen=True)
class LocationResult:
    kind: LocationKind
    label: str = ""
    lat: float | None = None
    lon: float | None = None
    council_area: str | None = None  # council area slug
    choices: tuple[PlaceChoice, ...] = ()
    suggestions: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return self.lat is not None and self.lon is not None


def _area_names() -> dict[str, str]:
    """Council area names by slug, from the cached vocabulary registry (no query)."""
    from services.vocabulary_loader import registry

    return {
        slug: area.name
        for slug, area in registry().areas.items()
        if area.kind == Area.Kind.COUNCIL_AREA
    }


def _place_label(place: Place, area_names: dict[str, str]) -> str:
    area = area_names.get(place.council_area, "")
    return f"{place.name}, {area}" if area else place.name


def _place_result(place: Place, area_names: dict[str, str], kind=LocationKind.PLACE, label=""):
    return LocationResult(
        kind=kind,
        label=label or _place_label(place, area_names),
        lat=place.latitude,
        lon=place.longitude,
        council_area=place.council_area or None,
    )


def _from_postcode_table(postcode: str) -> LocationResult | None:
    row = (
        Postcode.objects.filter(postcode=postcode)
        .values("latitude", "longitude", "council_area__slug")
        .first()
    )
    if row is None:
        return None
    return LocationResult(
        kind=LocationKind.POSTCODE,
        label=postcode,
        lat=row["latitude"],
        lon=row["longitude"],
        council_area=row["council_area__slug"],
    )


def _from_lookup(postcode: str) -> LocationResult | None:
    found = lookup_postcode(postcode)
    if found is None:
        return None
    slug = (
        Area.objects.council_areas()
        .filter(gss_code=found.council_gss_code)
        .values_list("slug", flat=True)
        .first()
        if found.council_gss_code
        else None
    )
    return LocationResult(
        kind=LocationKind.POSTCODE,
        label=postcode,
        lat=found.latitude,
        lon=found.longitude,
        council_area=slug,
    )


def _from_district(district: str) -> LocationResult | None:
    postcodes = Postcode.objects.filter(district=district)
    centre = postcodes.aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    if centre["lat"] is not None:
        # The council area most of the district's postcodes lie in.
        commonest = (
            postcodes.exclude(council_area=None)
            .values("council_area__slug")
            .annotate(n=Count("pk"))
            .order_by("-n", "council_area__slug")
            .first()
        )
        return LocationResult(
            kind=LocationKind.DISTRICT,
            label=district,
            lat=centre["lat"],
            lon=centre["lon"],
            council_area=commonest["council_area__slug"] if commonest else None,
        )
    places = place_index().by_district.get(district)
    if places:
        # The most populous place in the district stands for it.
        return _place_result(places[0], {}, kind=LocationKind.DISTRICT, label=district)
    return None


def _from_place_name(text: str) -> LocationResult:
    index = place_index()
    key = normalise_name(text)
    places = index.by_name.get(key, ())
    if not places and "," in text:
        # "Newton, South Lanarkshire": the value of a "Which one did you mean?" choice.
        name, _, area = text.rpartition(",")
        places = _in_area(index.by_name.get(normalise_name(name), ()), area)
    if not places:
        return LocationResult(kind=LocationKind.NOT_FOUND, suggestions=_suggestions(key))
    area_names = _area_names()
    if len(places) == 1:
        return _place_result(places[0], area_names)
    return LocationResult(
        kind=LocationKind.AMBIGUOUS,
        choices=tuple(
            PlaceChoice(
                name=place.name,
                council_area=area_names.get(place.council_area, ""),
                value=_place_label(place, area_names),
            )
            for place in places
        ),
    )


def _in_area(places: tuple[Place, ...], area_text: str) -> tuple[Place, ...]:
    wanted = normalise_name(area_text)
    if not wanted:
        return ()
    names = {slug: normalise_name(name) for slug, name in _area_names().items()}
    return tuple(
        place
        for place in places
        if wanted in (names.get(place.council_area), normalise_name(place.council_area))
    )


def _suggestions(key: str) -> tuple[str, ...]:
    if not key:
        return ()
    by_name = place_index().by_name
    close = difflib.get_close_matches(key, by_name.keys(), n=MAX_SUGGESTIONS, cutoff=0.75)
    return tuple(by_name[match][0].name for match in close)


def _from_text(text: str) -> LocationResult:
    postcode = normalise_postcode(text)
    if postcode:
        found = _from_postcode_table(postcode) or _from_lookup(postcode)
        if found:
            return found
    district = postcode_district(text)
    if district:
        found = _from_district(district)
        if found:
            return found
        if postcode:
            return LocationResult(kind=LocationKind.NOT_FOUND)
    return _from_place_name(text)


def _coordinate(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def resolve_coordinates(lat, lon) -> LocationResult:
    """Validate a latitude/longitude pair (numbers or strings) from "Use my location"."""
    latitude, longitude = _coordinate(lat), _coordinate(lon)
    if (
        latitude is None
        or longitude is None
        or not -90 <= latitude <= 90
        or not -180 <= longitude <= 180
    ):
        return LocationResult(kind=LocationKind.INVALID)
    return LocationResult(
        kind=LocationKind.COORDINATES, label="your location", lat=latitude, lon=longitude
    )


def resolve_location(near: str = "", lat=None, lon=None) -> LocationResult | None:
    """Where to search from, or None when no location was given at all.

    Typed text wins over coordinates. Text longer than MAX_NEAR_LENGTH is not a place."""
    text = " ".join((near or "").split())
    if text:
        if len(text) > MAX_NEAR_LENGTH:
            return LocationResult(kind=LocationKind.NOT_FOUND)
        return _from_text(text)
    if lat in (None, "") and lon in (None, ""):
        return None
    return resolve_coordinates(lat, lon)
