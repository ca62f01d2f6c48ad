"""manage.py import_hsds FILE [--organisation SLUG] [--dry-run] [--atomic]
[--update-organisations] — import an Open Referral HSDS 3.0 dataset, read as a stream and
committed in chunks (or all or nothing with --atomic)."""

from django.core.management.base import BaseCommand, CommandError

from services.hsds.importer import CHUNK_SIZE, ImportReport, import_records
from services.hsds.reader import DatasetError, read_services
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
        parser.add_argument(
            "--atomic",
            action="store_true",
            help="All or nothing: save nothing if any record has an error (for small files).",
        )
        parser.add_argument(
            "--update-organisations",
            action="store_true",
            help="Change organisations already in the directory to match the file "
            "(otherwise they are left as they are).",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=CHUNK_SIZE,
            help=f"Services committed together without --atomic (default {CHUNK_SIZE}).",
        )

    def handle(self, *args, file: str, organisation: str | None, **options):
        forced = None
        if organisation:
            forced = Organisation.objects.filter(slug=organisation).first()
            if forced is None:
                raise CommandError(f"There is no organisation with the slug {organisation!r}.")
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1.")
        try:
            with open(file, "rb") as stream:
                report = import_records(
                    read_services(stream),
                    organisation=forced,
                    dry_run=options["dry_run"],
                    atomic=options["atomic"],
                    update_organisations=options["update_organisations"],
                    chunk_size=options["chunk_size"],
                )
        except (OSError, DatasetError) as error:
            raise CommandError(f"Could not read {file}: {_plain(error)}") from None
        self.print_report(report)
        if report.file_error:
            raise CommandError(f"Could not read all of {file}: {report.file_error}")
        if report.errors:
            what = "nothing was imported" if not report.saved else "the others were imported"
            raise CommandError(f"{len(report.errors)} records have errors: {what}.")

    def print_report(self, report: ImportReport) -> None:
        for label, message in report.errors:
            self.stderr.write(f"{label}: {message}")
        for term, count in sorted(report.unknown_terms.items()):
            self.stdout.write(f"Not recognised (left out): {term} ({count} records)")
        for name in sorted(report.organisations_left_unchanged.values()):
            self.stdout.write(
                f"Organisation already in the directory, left unchanged: {name} "
                "(--update-organisations changes it)"
            )
        if report.dry_run:
            verb = "Would import"
        elif report.saved:
            verb = "Imported"
        else:
            verb = "Checked (nothing saved)"
        self.stdout.write(
            f"{verb}: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged."
        )


def _plain(error: Exception) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)
