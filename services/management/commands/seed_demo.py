"""manage.py seed_demo: add the fictional demo organisations, services and sign-ins."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from services.demo import DemoDataError, seed_demo
from services.geo.places import PlacesFileError


class Command(BaseCommand):
    help = (
        "Add clearly fictional demo data: organisations, services, schedules and four demo "
        "sign-ins. Safe to run again: existing demo rows are left as they are. "
        "Only runs with DEBUG=true or DEMO_MODE=true."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any organisation already exists.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = seed_demo(if_empty=options["if_empty"])
        except (DemoDataError, PlacesFileError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("\n".join(result.lines()))
