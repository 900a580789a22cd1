from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    """Communities, people and their roles, posts and answers, and the one access policy."""

    name = "community"
    verbose_name = _("Gemeenschappen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers_lists, receivers_notify, receivers_post_page, signals

        signals.connect()
        receivers_notify.connect()
        receivers_lists.connect()
        receivers_post_page.connect()
