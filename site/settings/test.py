"""Test settings: fast hasher, locmem e-mail and cache, immediate tasks, no manifest for static files."""

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "test-only-not-secret-koffietafel"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "dutch"}}
# No collectstatic before tests: whitenoise serves static files straight from the finders (as with
# DEBUG on) instead of scanning a STATIC_ROOT that does not exist, which it would warn about.
# Autorefresh looks files up per request, so no test client pays for a scan of every static file.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
