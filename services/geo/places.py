"""Reads services/data/scottish_places.csv: Scottish towns and villages from GeoNames with
their council area and main postcode district (see services/geo/places_build.py for how the
file is made). Used for place-name search and for placing demo data."""

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

PLACES_FILE = Path("services/data/scottish_places.csv")
COLUMNS = (
    "name",
    "council_area",
    "latitude",
    "longitude",
    "postcode_district",
    "population",
    "geonames_id",
)


class PlacesFileError(ValueError):
    """The places file is missing, has the wrong columns or holds a value that is not valid."""


@dataclass(frozen=True)
class Place:
    name: str
    council_area: str  # a council-area slug, or "" where nobody checked which one
    latitude: float
    longitude: float
    postcode_district: str  # for example "PA1", or "" where the place spans several
    population: int
    geonames_id: int

    @property
    def is_fully_known(self) -> bool:
        return bool(self.council_area and self.postcode_district)

    def as_row(self) -> dict[str, str]:
        """The row as written to the places file (see services/geo/places_build.py)."""
        return {
            "name": self.name,
            "council_area": self.council_area,
            "latitude": f"{self.latitude:.5f}",
            "longitude": f"{self.longitude:.5f}",
            "postcode_district": self.postcode_district,
            "population": str(self.population),
            "geonames_id": str(self.geonames_id),
        }


def places_path() -> Path:
    return Path(settings.BASE_DIR) / PLACES_FILE


def load_places(path: Path | None = None) -> tuple[Place, ...]:
    """Every row of the places file, in file order. Read once per path, then cached."""
    return _read_places(Path(path or places_path()))


@functools.cache
def _read_places(path: Path) -> tuple[Place, ...]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != COLUMNS:
                raise PlacesFileError(
                    f"{path}: expected the columns {', '.join(COLUMNS)}, "
                    f"found {', '.join(reader.fieldnames or ()) or 'none'}."
                )
            return tuple(_to_place(row, path, reader.line_num) for row in reader)
    except FileNotFoundError:
        raise PlacesFileError(f"The places file {path} does not exist.") from None


def _to_place(row: dict[str, str], path: Path, line: int) -> Place:
    try:
        return Place(
            name=row["name"].strip(),
            council_area=row["council_area"].strip(),
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            postcode_district=row["postcode_district"].strip().upper(),
            population=int(row["population"]),
            geonames_id=int(row["geonames_id"]),
        )
    except (AttributeError, TypeError, ValueError) as exc:
        raise PlacesFileError(f"{path}, line {line}: {exc}") from None
