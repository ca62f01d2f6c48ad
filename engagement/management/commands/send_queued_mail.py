from django.core.management.base import BaseCommand

from engagement.outbox import send_due


class Command(BaseCommand):
    help = (
        "Send the queued emails that are due (new ones, and retries of failed tries), then "
        "forget old submission keys and long-failed emails. Run every few minutes; safe to "
        "run twice at once, on one server or several."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=1000, help="At most this many emails in one run."
        )

    def handle(self, *args, **options):
        result = send_due(limit=options["limit"])
        self.stdout.write(
            f"Sent {result.sent}, failed {result.failed} (will retry or marked failed), "
            f"left to another sender {result.skipped}."
        )
