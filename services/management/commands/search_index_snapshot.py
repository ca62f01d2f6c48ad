import contextlib
import os
from pathlib import Path

from django.core.management.base import BaseCommand

from services.search import snapshot


class Command(BaseCommand):
    help = (
        "Build the whole search index and write it into a new folder, for the server's "
        "workers to map (run by them through services.search.snapshot, not by hand)."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="A folder that does not exist yet.")
        parser.add_argument(
            "--lowest-priority",
            action="store_true",
            help="Run at the lowest CPU priority (a rebuild while the server is busy).",
        )

    def handle(self, *args, folder: Path, lowest_priority: bool, **options):
        if lowest_priority:
            with contextlib.suppress(AttributeError, OSError):
                os.nice(19)
        snapshot.write(folder)
