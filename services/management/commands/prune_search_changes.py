from django.core.management.base import BaseCommand

from services.search import live


class Command(BaseCommand):
    help = (
        "Delete search change-log rows older than SEARCH_CHANGES_KEPT_MINUTES, a batch at a "
        "time. Run it hourly from the scheduler."
    )

    def handle(self, *args, **options):
        deleted = live.prune()
        self.stdout.write(f"Deleted {deleted} search change-log rows.")
