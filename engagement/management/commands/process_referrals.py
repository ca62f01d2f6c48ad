from django.core.management.base import BaseCommand

from engagement.referrals import process_referrals


class Command(BaseCommand):
    help = (
        "Send referral reminders, decline referrals nobody answered, and purge personal "
        "details of old referrals. Run once a day."
    )

    def handle(self, *args, **options):
        result = process_referrals()
        self.stdout.write(
            f"Reminded {result.reminded}, declined {result.declined}, purged {result.purged}."
        )
