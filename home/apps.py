from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """Home page, site chrome, static pages and the demo-content command."""

    name = "home"
    verbose_name = _("Start")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers

        receivers.connect()  # the site search's shared match lists (home/search_matches.py)

        # The anonymous page cache must hear of every change, also from processes that never build
        # its middleware (db_worker, cron and management commands, a shell), or their changes stay
        # invisible to anonymous visitors until the cached pages expire.
        from django.conf import settings

        if int(getattr(settings, "ANONYMOUS_PAGE_CACHE_SECONDS", 0) or 0) > 0:
            from koffietafel import page_cache

            page_cache.connect_signals()
