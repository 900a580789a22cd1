"""Local development: DEBUG on, e-mail printed to the console, SQLite unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F401,F403

DEBUG = True
SECRET_KEY = "dev-only-not-secret-koffietafel"  # noqa: S105 - never used outside DEBUG
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
