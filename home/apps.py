from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """Home page, site chrome, static pages and the demo-content command."""

    name = "home"
    verbose_name = _("Start")
    default_auto_field = "django.db.models.BigAutoField"
