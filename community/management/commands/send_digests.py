"""Send the e-mail digests due now: ``manage.py send_digests --frequency daily|weekly``.

Run from cron (see docs/find-and-follow.md), e.g. daily at 07:00 and weekly on Monday at 07:00.
Safe to run more than once: a digest goes out at most once per person per period (DigestLog).
"""

from django.core.management.base import BaseCommand

from community import mailings
from community.models import DigestFrequency


class Command(BaseCommand):
    help = "Send the daily or weekly e-mail digests that are due (at most one per person per period)."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=[DigestFrequency.DAILY, DigestFrequency.WEEKLY], required=True)

    def handle(self, *args, frequency, **options):
        sent = mailings.send_due_digests(frequency=frequency)
        self.stdout.write(f"{sent} {frequency} digest(s) queued for sending.")
