"""manage.py import_hsds FILE [--organisation SLUG] [--dry-run] — import an Open Referral
HSDS 3.0 dataset. All or nothing: if any record is invalid, nothing is saved."""

import json

from django.core.management.base import BaseCommand, CommandError

from services.hsds.importer import DatasetError, import_dataset
from services.models import Organisation


class Command(BaseCommand):
    help = "Import an HSDS 3.0 JSON dataset (services, organizations or a package)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON file to import.")
        parser.add_argument(
            "--organisation", help="Slug of the organisation every service belongs to."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything, then save nothing."
        )

    def handle(self, *args, file: str, organisation: str | None, dry_run: bool, **options):
        forced = None
        if organisation:
            forced = Organisation.objects.filter(slug=organisation).first()
            if forced is None:
                raise CommandError(f"There is no organisation with the slug {organisation!r}.")
        try:
            with open(file, encoding="utf-8") as stream:
                data = json.load(stream)
            report = import_dataset(data, organisation=forced, dry_run=dry_run)
        except (OSError, json.JSONDecodeError, DatasetError) as error:
            raise CommandError(f"Could not read {file}: {error}") from None
        self.print_report(report)
        if not report.ok:
            raise CommandError(f"{len(report.errors)} records have errors: nothing was imported.")

    def print_report(self, report) -> None:
        for label, message in report.errors:
            self.stderr.write(f"{label}: {message}")
        for term, count in sorted(report.unknown_terms.items()):
            self.stdout.write(f"Not recognised (left out): {term} ({count} records)")
        verb = "Would import" if report.dry_run else "Imported"
        if report.ok:
            self.stdout.write(
                f"{verb}: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged."
            )
