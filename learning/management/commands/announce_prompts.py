"""Cron entry point: tell communities about prompts (gerichte prikkels) that start today.

A prompt published while it already runs is announced at once, when its framework is published;
one published ahead of its start date waits for this command. Run it daily, e.g.
``0 7 * * * manage.py announce_prompts``. Each prompt is announced once, however often it runs.
"""

from django.core.management.base import BaseCommand

from learning import services


class Command(BaseCommand):
    help = "Announce prompts that have started and were not announced yet."

    def handle(self, *args, **options):
        count = services.prompts_announce_due()
        self.stdout.write(f"{count} prikkel(s) aangekondigd.")
