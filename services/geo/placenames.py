"""Scottish place names, matched the way people type them ("St Andrews" = "St. Andrews" =
"saint andrews"), from three data files in services/data/:

- the places file (towns and villages, read by `services.geo.places.load_places`);
- `islands.csv`: the main islands with their English and Gaelic names, island group,
  council area, an approximate centre and a search radius that covers most of the island;
- `place_alternatives.csv`: well-known other names ("Glesga", "the Uists", "Western
  Isles") and the name each stands for.

The files ship with the code and never change while it runs, so each is read once per
process. Council areas, health boards and partnerships are names too, but they live in the
database (see `services.geo.resolve`)."""

import csv
import functools
import logging
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from services.geo.places import Place, PlacesFileError, load_places, places_path

logger = logging.getLogger(__name__)
# Tests point this at a small sample file.
PLACES_FILE: Path | None = None
ISLANDS_FILE = Path("services/data/islands.csv")
ALTERNATIVES_FILE = Path("services/data/place_alternatives.csv")

_APOSTROPHES = re.compile(r"['’‘`]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_WORD_ALIASES = {"saint": "st"}


def normalise_name(text: str) -> str:
    """Lower case, accents, apostrophes and punctuation removed, "saint" spelt "st"."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = _APOSTROPHES.sub("", text.replace("&", " and "))
    words = _NOT_WORD.sub(" ", text).split()
    return " ".join(_WORD_ALIASES.get(word, word) for word in words)


@dataclass(frozen=True)
class PlaceIndex:
    by_name: dict[str, tuple[Place, ...]]
    by_district: dict[str, tuple[Place, ...]]


@functools.cache
def _index_for(path: Path) -> PlaceIndex:
    by_name: dict[str, list[Place]] = defaultdict(list)
    by_district: dict[str, list[Place]] = defaultdict(list)
    try:
        places = load_places(path)
    except PlacesFileError as exc:
        # A deployment fault, not the searcher's: search carries on without place names.
        logger.error("Place-name search is off: %s", exc)
        places = ()
    for place in sorted(places, key=lambda p: (-p.population, p.name)):
        if place.name:
            by_name[normalise_name(place.name)].append(place)
        if place.postcode_district:
            by_district[place.postcode_district].append(place)
    return PlaceIndex(
        by_name={key: tuple(value) for key, value in by_name.items()},
        by_district={key: tuple(value) for key, value in by_district.items()},
    )


def place_index() -> PlaceIndex:
    """The places file, read once per process (most populous place first in each list)."""
    return _index_for(PLACES_FILE or places_path())


def clear_cache() -> None:
    _index_for.cache_clear()
    for cached in (islands, islands_by_name, island_groups, alternatives):
        cached.cache_clear()


# Islands -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Island:
    name: str
    alternative_names: tuple[str, ...]
    group: str  # "Inner Hebrides", "Orkney", …
    council_area_gss: str
    latitude: float
    longitude: float
    radius_km: float

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.alternative_names)


def _rows(relative: Path) -> list[dict[str, str]]:
    path = Path(settings.BASE_DIR) / relative
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    except FileNotFoundError:
        logger.error("Place-name search is missing %s", path)
        return []


@functools.cache
def islands() -> tuple[Island, ...]:
    """Every island in the islands file, in file order."""
    return tuple(
        Island(
            name=row["name"].strip(),
            alternative_names=tuple(
                name.strip() for name in row["alternative_names"].split(";") if name.strip()
            ),
            group=row["group"].strip(),
            council_area_gss=row["council_area_gss"].strip(),
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            radius_km=float(row["radius_km"]),
        )
        for row in _rows(ISLANDS_FILE)
    )


@functools.cache
def islands_by_name() -> dict[str, Island]:
    """Each island under its normalised names, each also with "Isle of" before it."""
    found: dict[str, Island] = {}
    for island in islands():
        for name in island.names:
            key = normalise_name(name)
            found.setdefault(key, island)
            found.setdefault(f"isle of {key.removeprefix('isle of ')}", island)
    return found


@functools.cache
def island_groups() -> dict[str, tuple[Island, ...]]:
    """The islands of each group ("Inner Hebrides"), under the group's normalised name."""
    groups: dict[str, list[Island]] = defaultdict(list)
    for island in islands():
        groups[normalise_name(island.group)].append(island)
    return {key: tuple(members) for key, members in groups.items()}


# Alternative names ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Alternative:
    name: str  # what people type: "Glesga"
    means: tuple[str, ...]  # the name(s) it stands for: ("Glasgow",), or several islands


@functools.cache
def alternatives() -> dict[str, Alternative]:
    """Alternative names by normalised name."""
    found = {}
    for row in _rows(ALTERNATIVES_FILE):
        means = tuple(name.strip() for name in row["means"].split(";") if name.strip())
        found[normalise_name(row["name"])] = Alternative(row["name"].strip(), means)
    return found


__all__ = [
    "Alternative",
    "Island",
    "Place",
    "PlaceIndex",
    "alternatives",
    "clear_cache",
    "island_groups",
    "islands",
    "islands_by_name",
    "normalise_name",
    "place_index",
]
