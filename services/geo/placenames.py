"""Scottish place names from the places file (read by `services.geo.places.load_places`),
matched the way people type them: "St Andrews" = "St. Andrews" = "saint andrews"."""

import functools
import logging
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from services.geo.places import Place, PlacesFileError, load_places, places_path

logger = logging.getLogger(__name__)
# Tests point this at a small sample file.
PLACES_FILE: Path | None = None

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


__all__ = ["Place", "PlaceIndex", "clear_cache", "normalise_name", "place_index"]
