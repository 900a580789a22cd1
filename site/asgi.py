"""ASGI entry point: ``uvicorn koffietafel.asgi:application`` (see koffietafel.py for the name)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koffietafel.settings.production")

application = get_asgi_application()
