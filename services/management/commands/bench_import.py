"""manage.py bench_import FILE [--copies N] [--search URL] [--twice] [--one-at-a-time] — import
an HSDS file into the configured database and print services/s and queries per service,
optionally while timing a search over and over (README, Import and export)."""

import json
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from services.hsds.benchmark import ImportTiming, timed_import, while_searching, write_copies
from services.hsds.importer import CHUNK_SIZE


class Command(BaseCommand):
    help = (
        "Import an HSDS file into the configured database (it changes it: use a copy) and "
        "print services a second, queries per service and, with --search, search times."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="An HSDS JSON file (a list of services).")
        parser.add_argument(
            "--copies", type=int, default=0, help="Import N copies of it under new ids instead."
        )
        parser.add_argument(
            "--search",
            metavar="URL",
            help="Time this page over and over while importing: a path (the test client, in "
            "another process) or a full URL of a running server.",
        )
        parser.add_argument(
            "--twice", action="store_true", help="Import it again (nothing should change)."
        )
        parser.add_argument(
            "--one-at-a-time",
            action="store_true",
            help="Save one record at a time, as before batching (for comparison).",
        )
        parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE)

    def handle(self, *args, file: str, copies: int, search: str | None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file {file}.")
        with tempfile.TemporaryDirectory() as folder:
            if copies > 0:
                feed = Path(folder) / "copies.json"
                with path.open(encoding="utf-8") as source, feed.open("w") as out:
                    count = write_copies(json.load(source), copies, out)
                self.stdout.write(f"{count} services in {copies} copies of {file}.")
                path = feed
            settings = {"batched": not options["one_at_a_time"],
                        "chunk_size": options["chunk_size"]}  # fmt: skip
            for run in ("first", "again") if options["twice"] else ("first",):
                if search:
                    timing, searches = while_searching(
                        search, lambda: timed_import(path, **settings)
                    )
                    self.show(run, timing)
                    self.stdout.write(f"  while importing, {search}: {searches.summary()}")
                    self.stdout.write(f"  slowest: {searches.slowest()}")
                else:
                    self.show(run, timed_import(path, **settings))

    def show(self, run: str, timing: ImportTiming) -> None:
        report = timing.report
        self.stdout.write(
            f"Import ({run}): {timing.services} services ({report.created} created, "
            f"{report.updated} updated, {report.unchanged} unchanged, {len(report.errors)} "
            f"errors) in {timing.seconds:.1f} s ({timing.cpu_seconds:.1f} s CPU): "
            f"{timing.per_second:.0f} services/s; {timing.queries} queries, "
            f"{timing.queries / max(timing.services, 1):.1f} per service."
        )
