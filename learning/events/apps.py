from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Train je Collega (colleagues teach colleagues), meetups, and the benchmark dashboards.

    A sub-app of learning with its own models and migrations, so its schema evolves apart from the
    frameworks and case stories of ``learning`` itself.
    """

    name = "learning.events"
    label = "events"
    verbose_name = _("Train je Collega en bijeenkomsten")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers

        receivers.connect()
