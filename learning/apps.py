from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    """Frameworks (kaders), learning goals, prompts, case stories, sessions and the benchmark."""

    name = "learning"
    verbose_name = _("Leren")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers

        receivers.connect()
