"""Turn what someone typed in the "near" box (or their device's position) into where to
search: a point (with, for islands, a radius that covers the island), or an area.

Order: a full postcode (imported table, then the optional HTTP lookup), a postcode district
(imported table, then the places file), then a name: an island (islands file: its English or
Gaelic names), a town or village (places file; "Newton, South Lanarkshire" picks one of
several), a well-known alternative name (`place_alternatives.csv`: "Glesga", "the Uists"),
a council area, health and social care partnership or health board (database: official
names, and short names such as "Lothian" or "Renfrewshire HSCP"; where one name is several
of these, the council area, then the partnership), an island group ("Inner Hebrides").

What each kind resolves to, and why:

- postcodes, districts, towns: a point; the search radius is the person's choice;
- islands and island groups: the island's approximate centre and a radius covering most of
  it (a group: a circle round its islands), since "Skye" means all of Skye, not 10 km of it;
- council areas, health boards and partnerships: the area itself. An area is not a circle,
  and the directory knows which council area every location lies in, so the search is the
  `area` filter (`services.search.in_areas_q`): services there or covering it.

Searches are personal: nothing here logs the text or the coordinates."""

import difflib
import math
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Avg, Count

from services.geo.postcodes import normalise_postcode, postcode_district
from services.models import Area, Postcode

from .areanames import areas_by_name, council_names, council_slug
from .distance import haversine_km
from .lookup import lookup_postcode
from .placenames import (
    Island,
    Place,
    alternatives,
    island_groups,
    islands_by_name,
    normalise_name,
    place_index,
)

MAX_NEAR_LENGTH = 100
MAX_SUGGESTIONS = 5
MAX_RADIUS_KM = 200  # the search's largest radius (services.filters.MAX_RADIUS_KM)


class LocationKind(StrEnum):
    POSTCODE = "postcode"
    DISTRICT = "district"
    PLACE = "place"
    ISLAND = "island"  # an island or island group: a centre and a radius covering it
    AREA = "area"  # a council area, health board or partnership: searched as an area filter
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
    area: str | None = None  # AREA: the slug of the area to search in
    radius_km: float | None = None  # ISLAND: a radius covering it, unless one is chosen
    description: str = ""  # what the name was understood as: "island in Highland"

    @property
    def found(self) -> bool:
        """A point to search near."""
        return self.lat is not None and self.lon is not None

    @property
    def is_area(self) -> bool:
        return self.area is not None

    @property
    def understood(self) -> bool:
        """A point or an area: what was typed is being searched."""
        return self.found or self.is_area


def _area_names() -> dict[str, str]:
    """Council area names by slug."""
    return council_names()


def _area_result(area) -> LocationResult:
    return LocationResult(
        kind=LocationKind.AREA,
        label=area.name,
        area=area.slug,
        council_area=area.slug if area.is_council_area else None,
        description=area.get_kind_display().lower(),
    )


def _circle(members: tuple) -> tuple[float, float, float]:
    """(lat, lon, radius km) of a circle round islands (each with its own radius) and
    places (a point each), capped at the largest search radius."""
    lat = sum(member.latitude for member in members) / len(members)
    lon = sum(member.longitude for member in members) / len(members)
    radius = max(
        haversine_km(lat, lon, member.latitude, member.longitude) + getattr(member, "radius_km", 0)
        for member in members
    )
    return lat, lon, min(MAX_RADIUS_KM, round(radius))


def _islands_result(members: tuple[Island, ...], label: str) -> LocationResult:
    councils = {council_slug(island.council_area_gss) for island in members}
    council = councils.pop() if len(councils) == 1 else None
    where = _area_names().get(council or "", "")
    if len(members) == 1:
        lat, lon, radius = members[0].latitude, members[0].longitude, members[0].radius_km
        description = f"island in {where}" if where else "island"
    else:
        lat, lon, radius = _circle(members)
        description = f"islands in {where}" if where else "islands"
    return LocationResult(
        kind=LocationKind.ISLAND,
        label=label,
        lat=lat,
        lon=lon,
        radius_km=radius,
        council_area=council,
        description=description,
    )


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
    key = normalise_name(text)
    found = _from_name(text, key)
    if found is None and key.startswith("the "):
        found = _from_name(text.split(maxsplit=1)[-1], key.removeprefix("the "))
    return found or LocationResult(kind=LocationKind.NOT_FOUND, suggestions=_suggestions(key))


def _from_name(text: str, key: str) -> LocationResult | None:
    island = islands_by_name().get(key)
    if island is not None:
        return _islands_result((island,), island.name)
    found = _from_places(text, key)
    if found is None and key in alternatives():
        found = _from_alternative(alternatives()[key].means)
    if found is None and key in areas_by_name():
        found = _area_result(areas_by_name()[key])
    if found is None and key in island_groups():
        members = island_groups()[key]
        found = _islands_result(members, members[0].group)
    return found


def _from_alternative(means: tuple[str, ...]) -> LocationResult | None:
    """What an alternative name stands for: one name, or several islands (a circle round
    them all: "the Uists")."""
    if len(means) == 1:
        return _from_name(means[0], normalise_name(means[0]))
    by_name = islands_by_name()
    members = tuple(by_name[key] for key in map(normalise_name, means) if key in by_name)
    if len(members) < len(means):
        return None
    return _islands_result(members, ", ".join(means[:-1]) + " and " + means[-1])


def _from_places(text: str, key: str) -> LocationResult | None:
    index = place_index()
    places = index.by_name.get(key, ())
    if not places and "," in text:
        # "Newton, South Lanarkshire": the value of a "Which one did you mean?" choice.
        name, _, area = text.rpartition(",")
        places = _in_area(index.by_name.get(normalise_name(name), ()), area)
    if not places:
        return None
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


def _known_names() -> dict[str, str]:
    """Every name the search knows, normalised, with how to show it."""
    names = {key: places[0].name for key, places in place_index().by_name.items()}
    for key, island in islands_by_name().items():
        names.setdefault(key, island.name)
    for key, alternative in alternatives().items():
        names.setdefault(key, alternative.name)
    for key, area in areas_by_name().items():
        names.setdefault(key, area.name)
    for key, members in island_groups().items():
        names.setdefault(key, members[0].group)
    return names


def _suggestions(key: str) -> tuple[str, ...]:
    if not key:
        return ()
    names = _known_names()
    close = difflib.get_close_matches(key, names.keys(), n=MAX_SUGGESTIONS, cutoff=0.75)
    return tuple(dict.fromkeys(names[match] for match in close))


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


# Postcode areas with Scottish postcodes (TD and DG also reach into England: the postcode
# table or the lookup service decides those).
SCOTTISH_POSTCODE_AREAS = frozenset("AB DD DG EH FK G HS IV KA KW KY ML PA PH TD ZE".split())
# A postcode further than this from the town given is probably a typing mistake.
FAR_FROM_TOWN_KM = 30


@dataclass(frozen=True)
class AddressPosition:
    """Where an address is, for a location's map position: from its postcode (the imported
    table, then the lookup service, then its postcode district), else from its town in the
    places file. `problem` is a plain sentence for the editor when it cannot be used."""

    lat: float | None = None
    lon: float | None = None
    council_area: str | None = None  # council area slug
    source: str = ""  # what it came from, for example "the postcode PA5 8AA"
    problem: str = ""

    @property
    def found(self) -> bool:
        return self.lat is not None and not self.problem


def _postcode_area(postcode: str) -> str:
    return "".join(ch for ch in postcode.split(" ")[0] if ch.isalpha())


def _from_address_postcode(postcode: str) -> AddressPosition | None:
    found = _from_postcode_table(postcode)
    if found is None:
        looked_up = lookup_postcode(postcode)
        if looked_up and looked_up.council_gss_code[:1] not in ("", "S"):
            return AddressPosition(
                problem=f"{postcode} is outside Scotland ({looked_up.council_name}). "
                "The directory lists places in Scotland only: check the postcode."
            )
        found = _from_lookup(postcode)
    if found is None:
        found = _from_district(postcode.split(" ")[0])
        source = f"the postcode district {postcode.split(' ')[0]}"
    else:
        source = f"the postcode {postcode}"
    if found is None:
        return None
    return AddressPosition(
        lat=found.lat, lon=found.lon, council_area=found.council_area, source=source
    )


def _town_places(town: str) -> tuple[Place, ...]:
    return place_index().by_name.get(normalise_name(town), ())


def locate_address(postcode: str, town: str) -> AddressPosition:
    """The map position and council area of an address in Scotland, or why not."""
    from .distance import haversine_km

    normalised = normalise_postcode(postcode or "")
    if normalised and _postcode_area(normalised) not in SCOTTISH_POSTCODE_AREAS:
        return AddressPosition(
            problem=f"{normalised} is not a Scottish postcode. The directory lists places "
            "in Scotland only: check the postcode."
        )
    places = _town_places(town or "")
    found = _from_address_postcode(normalised) if normalised else None
    if found is None:
        if places:
            place = places[0]
            return AddressPosition(
                lat=place.latitude,
                lon=place.longitude,
                council_area=place.council_area or None,
                source=f"the town {place.name} (the postcode was not found)",
            )
        return AddressPosition(
            problem=f"We could not find where {normalised or postcode} is. Check the "
            "postcode, or give the position yourself under “Position on the map”."
        )
    if found.problem or not places or found.lat is None or found.lon is None:
        return found
    distance = min(haversine_km(found.lat, found.lon, p.latitude, p.longitude) for p in places)
    if distance > FAR_FROM_TOWN_KM:
        return AddressPosition(
            problem=f"{normalised} is about {distance:.0f} km from {places[0].name}. Check "
            "the postcode and the town: one of them is probably mistyped."
        )
    return found
