"""manage.py export_csv [OUTPUT] — the published directory as a flat CSV for spreadsheets
(one row per service; standard output if no file is given)."""

import sys

from django.core.management.base import BaseCommand

from services.hsds.export import write_csv


class Command(BaseCommand):
    help = "Write the published directory as a CSV file, one row per service."

    def add_arguments(self, parser):
        parser.add_argument("output", nargs="?", default="-", help='File, or "-" (default).')

    def handle(self, *args, output: str, **options):
        if output == "-":
            count = write_csv(sys.stdout)
        else:
            # utf-8-sig so spreadsheet programs read accented names correctly.
            with open(output, "w", encoding="utf-8-sig", newline="") as stream:
                count = write_csv(stream)
        self.stderr.write(f"Wrote {count} services.")
