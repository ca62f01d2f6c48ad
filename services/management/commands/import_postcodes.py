"""manage.py import_postcodes FILE: load Scottish postcodes for location search."""

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from services.geo.importer import (
    DEFAULT_BATCH_SIZE,
    ImportSummary,
    PostcodeFileError,
    import_postcodes,
)

HELP = """Load Scottish postcode centroids used by the search's "near" box.

Accepts either file, detected from its first row:

  ONS Postcode Directory (ONSPD) CSV, with a header row. Columns used: pcds (or pcd) the
  postcode; lat, long its WGS84 centroid (lat 99.999999 = no grid reference, skipped);
  oslaua (or ladNNcd) the council area GSS code; doterm the date it was terminated
  (terminated postcodes are skipped, and removed if imported before).

  OS Code-Point Open CSV, no header row. Columns used: 0 postcode; 2 eastings and
  3 northings (OSGB36 National Grid metres, converted to WGS84; 0 = no coordinates,
  skipped); 8 admin district code (council area GSS code).

Only Scottish postcodes (council code starting S12) are kept; the rest are counted as
skipped. Rows are upserted in batches, so re-running is safe. If a run stops part way,
re-run with --start-row set to the last committed row count it printed."""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The ONSPD or Code-Point Open CSV file.")
        parser.add_argument(
            "--start-row",
            type=int,
            default=0,
            help="Skip this many data rows (not counting a header row) before importing.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Rows per committed batch (default {DEFAULT_BATCH_SIZE}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["start_row"] < 0 or options["batch_size"] < 1:
            raise CommandError("--start-row must be 0 or more and --batch-size 1 or more.")
        try:
            with options["file"].open(newline="", encoding="utf-8-sig") as handle:
                summary = import_postcodes(
                    handle,
                    start_row=options["start_row"],
                    batch_size=options["batch_size"],
                    progress=self._progress,
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}") from exc
        except (PostcodeFileError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot import {options['file']}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(_summary_text(summary)))

    def _progress(self, summary: ImportSummary) -> None:
        self.stdout.write(
            f"Committed {summary.committed_rows:,} rows ({summary.imported:,} postcodes imported)"
        )


def _summary_text(summary: ImportSummary) -> str:
    lines = [
        f"Format: {summary.format}",
        f"Rows read: {summary.read:,}",
        f"Postcodes imported or updated: {summary.imported:,}",
        f"Skipped, not in Scotland: {summary.skipped_non_scottish:,}",
        f"Skipped, terminated: {summary.skipped_terminated:,}",
        f"Skipped, unreadable or without coordinates: {summary.skipped_bad:,}",
    ]
    if summary.removed_terminated:
        lines.append(f"Removed, now terminated: {summary.removed_terminated:,}")
    if summary.skipped_before_start:
        lines.append(f"Skipped before --start-row: {summary.skipped_before_start:,}")
    return "\n".join(lines)
