from django.core.management.base import BaseCommand

from engagement.alerts import send_alerts


class Command(BaseCommand):
    help = (
        "Email alerts, once a day: delete unconfirmed sign-ups whose link has run out and "
        "alerts not renewed for ALERT_RETENTION_MONTHS, then queue each confirmed alert a "
        "digest of services published near it since its last one (none when nothing is new)."
    )

    def handle(self, *args, **options):
        result = send_alerts()
        self.stdout.write(
            f"Deleted {result.purged} expired alerts; queued {result.sent} digests; "
            f"{result.nothing_new} alerts had nothing new; {result.reminded} reminded that "
            "they end soon."
        )
