"""WSGI entry point: ``gunicorn koffietafel.wsgi:application`` (see koffietafel.py for the name)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koffietafel.settings.production")

application = get_wsgi_application()
