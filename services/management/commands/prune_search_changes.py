from django.core.management.base import BaseCommand

from services.search import live


class Command(BaseCommand):
    help = (
        "Delete search change-log rows older than SEARCH_CHANGES_KEPT_MINUTES. The web "
        "processes also do this now and then; run it from cron where they may be idle."
    )

    def handle(self, *args, **options):
        deleted = live.prune()
        self.stdout.write(f"Deleted {deleted} search change-log rows.")
