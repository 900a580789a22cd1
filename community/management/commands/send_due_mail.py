"""Send due e-mail from the outbox: first attempts that were missed and retries after back-off.

Run from cron every few minutes (see docs/find-and-follow.md). It also e-mails notifications a task
wrote but did not e-mail (the worker died in between; community.mailings.email_left_behind).
``--retry-failed`` gives e-mails that failed for good a fresh set of attempts, e.g. after the mail
server was fixed.
"""

from django.core.management.base import BaseCommand

from community import mailings, outbox
from community.models import OutboxEmail


class Command(BaseCommand):
    help = "Send due e-mails from the outbox (with retries and back-off); report what failed."

    def add_arguments(self, parser):
        parser.add_argument("--retry-failed", action="store_true", help="Retry e-mails that failed for good.")

    def handle(self, *args, retry_failed=False, **options):
        if retry_failed:
            self.stdout.write(f"{outbox.retry_failed()} failed e-mail(s) will be retried.")
        left_behind = mailings.email_left_behind()
        if left_behind:
            self.stdout.write(f"{left_behind} notification e-mail(s) a task left unsent were queued.")
        counts = outbox.send_due()
        failed = OutboxEmail.objects.filter(status=OutboxEmail.Status.FAILED).count()
        self.stdout.write(
            f"sent {counts.get('sent', 0)}, retry later {counts.get('pending', 0)}, "
            f"failed now {counts.get('failed', 0)}, withdrawn (no longer visible to the recipient) "
            f"{counts.get(outbox.WITHDRAWN, 0)}; failed in total {failed}."
        )
