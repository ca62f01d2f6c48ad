"""Scottish place names from services/data/scottish_places.csv, matched the way people type
them: "St Andrews" = "St. Andrews" = "saint andrews" = "ST ANDREWS"."""

import csv
import functools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

PLACES_FILE = Path(__file__).resolve().parent.parent / "data" / "scottish_places.csv"

_APOSTROPHES = re.compile(r"['’‘`]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_WORD_ALIASES = {"saint": "st"}


@dataclass(frozen=True)
class Place:
    name: str
    council_area: str  # council area slug, "" if unknown
    latitude: float
    longitude: float
    postcode_district: str  # "" if the place spans several districts
    population: int


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


def _parse(row: dict[str, str]) -> Place | None:
    try:
        return Place(
            name=row["name"].strip(),
            council_area=(row.get("council_area") or "").strip(),
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            postcode_district=(row.get("postcode_district") or "").strip().upper(),
            population=int(row.get("population") or 0),
        )
    except (KeyError, TypeError, ValueError):
        return None


@functools.cache
def _index_for(path: Path) -> PlaceIndex:
    by_name: dict[str, list[Place]] = defaultdict(list)
    by_district: dict[str, list[Place]] = defaultdict(list)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            places = [place for row in csv.DictReader(handle) if (place := _parse(row))]
    except OSError:
        places = []
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
    return _index_for(PLACES_FILE)


def clear_cache() -> None:
    _index_for.cache_clear()
