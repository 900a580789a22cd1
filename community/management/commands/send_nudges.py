"""Nudges that keep questions from getting lost: ``manage.py send_nudges`` (cron, daily).

Facilitators hear about questions unanswered after their community's number of days; an asker
whose question has answers but none accepted gets one reminder. Each at most once per question.
"""

from django.core.management.base import BaseCommand

from community import mailings, services_notify


class Command(BaseCommand):
    help = "Tell facilitators about unanswered questions and remind askers to accept an answer (once each)."

    def handle(self, *args, **options):
        to_email = services_notify.deliver_nudges()
        mailings.email_notifications(to_email)
        self.stdout.write(f"{len(to_email)} nudge(s) to e-mail now.")
