import datetime

from django.core.management.base import BaseCommand, CommandError

from engagement.reminders import send_review_reminders


class Command(BaseCommand):
    help = (
        "Email organisations the listings they have not checked for REVIEW_OVERDUE_MONTHS, "
        "with one-click 'still correct' links, and send moderators one digest of listings "
        "unchecked for STALE_LISTING_MONTHS. Each listing is mentioned at most once a week, "
        "so it is safe to run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Run as if today were this date (YYYY-MM-DD), for catching up a missed run.",
        )

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be a date like 2026-06-01.") from None
        result = send_review_reminders(today)
        self.stdout.write(
            f"Reminded about {result.reminded_services} listings in "
            f"{result.reminder_emails} emails; escalated {result.escalated_services} "
            f"listings to moderators in {result.digest_emails} digest."
        )
