"""Cron entry point: reminders for tomorrow's sessions, thank-yous (with the feedback question) after.

Run it hourly, e.g. ``15 * * * * manage.py send_session_reminders``. It is idempotent: each session
is marked when its mail is queued, so every participant hears once however often it runs.
"""

from django.core.management.base import BaseCommand

from learning.events import services


class Command(BaseCommand):
    help = "Queue reminders for sessions that start tomorrow, and thank-yous for sessions that ended."

    def handle(self, *args, **options):
        reminders = services.reminders_send_due()
        thank_yous = services.thank_yous_send_due()
        self.stdout.write(f"{reminders} herinnering(en) en {thank_yous} bedankje(s) in de wachtrij gezet.")
