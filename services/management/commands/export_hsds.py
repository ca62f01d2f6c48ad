"""manage.py export_hsds OUTPUT — the published directory as an Open Referral HSDS 3.0
dataset: a JSON array of fully nested services ("-" writes to standard output)."""

import sys

from django.core.management.base import BaseCommand

from services.hsds.export import write_hsds


class Command(BaseCommand):
    help = "Write the published directory as an Open Referral HSDS 3.0 JSON dataset."

    def add_arguments(self, parser):
        parser.add_argument("output", help='File to write, or "-" for standard output.')

    def handle(self, *args, output: str, **options):
        if output == "-":
            count = write_hsds(sys.stdout)
        else:
            with open(output, "w", encoding="utf-8") as stream:
                count = write_hsds(stream)
        self.stderr.write(f"Wrote {count} services.")
