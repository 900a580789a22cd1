"""Settings shared by every environment; environment files override only what differs.

Everything that differs between machines comes from environment variables, so one image runs
anywhere (the twelve-factor way, as in wagtail/bakerydemo).
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


INSTALLED_APPS = [
    "home",
    "learning",
    "learning.events",
    "community",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_comments_xtd",
    "django_comments",
    "django_tasks",
    "django_tasks_db",
    "wagtail.api.v2",
    "allauth",
    "allauth.account",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.sites",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "koffietafel.generations.RequestScopeMiddleware",  # cache generations read once per request
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "community.ratelimits.ApiRateLimitMiddleware",  # before sessions: an API caller over its limit costs little
    "django.contrib.sessions.middleware.SessionMiddleware",
    "home.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "koffietafel.urls"
WSGI_APPLICATION = "koffietafel.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "community.context_processors.notifications",
            ],
        },
    },
]

# Database: DATABASE_URL selects it; an SQLite file in the project root is the zero-set-up default.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Dutch first, English selectable (language switcher sets a cookie; URLs stay Dutch).
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SITE_ID = 1

# Wagtail
WAGTAIL_SITE_NAME = "Koffietafel"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Search (Wagtail's search framework; docs/find-and-follow.md). The database backend by default: SQLite
# FTS5 in the embedded set-up, PostgreSQL full-text search with the Dutch configuration (stemming, so
# "gemeenten" finds "gemeente") on PostgreSQL; SQLite ignores SEARCH_CONFIG. Large sites select
# SEARCH_BACKEND=elasticsearch8|elasticsearch9|opensearch2|opensearch3 with SEARCH_URLS, then run
# `manage.py update_index`.
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "database")
if SEARCH_BACKEND == "database":
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "dutch"}}
else:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": f"wagtail.search.backends.{SEARCH_BACKEND}",
            "URLS": env_list("SEARCH_URLS", "http://localhost:9200"),
            "INDEX": os.environ.get("SEARCH_INDEX", "koffietafel"),
            "TIMEOUT": 5,
            "OPTIONS": {},
            "INDEX_SETTINGS": {"settings": {"analysis": {"analyzer": {"default": {"type": "dutch"}}}}},
        }
    }
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Documents always go through Wagtail's serve view, where home/wagtail_hooks.py asks the access
# policy (also with object storage, which would otherwise hand out public bucket URLs).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Accounts (django-allauth): e-mail is the login; the username doubles as the @handle.
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "community.forms.SignupProfileForm"
ACCOUNT_FORMS = {"login": "community.account_forms.LoginForm"}
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Koffietafel] "
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Koffietafel <noreply@koffietafel.example>")

# Answers are threaded comments (django-comments-xtd) on posts.
# Only the model and threading of comments-xtd are used; its HTTP endpoints are not mounted
# (they load targets without any permission check). Our own views go through the policy.
COMMENTS_APP = "django_comments_xtd"
COMMENTS_XTD_MODEL = "community.models.Answer"
COMMENTS_XTD_MAX_THREAD_LEVEL = 2  # answer → reply → reply: three levels, then flat
COMMENTS_XTD_CONFIRM_EMAIL = False
ANSWER_EDIT_WINDOW_MINUTES = 30
DUPLICATE_POST_WINDOW_SECONDS = 30

# Background work: django-tasks. Immediate (inside the process, after commit) unless
# TASKS_BACKEND=database selects django-tasks-db, whose worker runs `manage.py db_worker`;
# production defaults to the database backend (docs/find-and-follow.md: worker and cron lines).
TASKS_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[os.environ.get("TASKS_BACKEND", "immediate")]}}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Content-Security-Policy (django-csp): no inline scripts or styles on the public site. The Wagtail
# admin under /beheer/ still needs inline styles and scripts of its own, so it is left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/beheer/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Abuse limits (django-ratelimit) per signed-in user (or IP), as "count/period". Counted in the
# "ratelimit" cache: set REDIS_URL in production so all app servers share the counters; the
# locmem default counts per process, which is right for the embedded single-process set-up.
KOFFIETAFEL_RATE_LIMITS = {
    "post": "10/h",
    "answer": "30/h",
    "vote": "120/h",
    "flag": "20/h",
    "join": "20/h",
    "invite": "30/h",
    "api": "300/m",  # per personal token, or per address without one (community.ratelimits)
}
RATELIMIT_USE_CACHE = "ratelimit"
CACHES["ratelimit"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}
# Rendered fragments shared between readers (question threads, post lists, home page parts). They
# are kept fresh by generations renewed in the process that made a change, so they must live where
# every process reads: production without REDIS_URL (several workers) stores none (scale_out.py).
CACHES["fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"}
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Login throttling against credential stuffing: allauth's own rate limits (per IP and per
# account) on failed logins, sign-ups and password resets, stricter than its defaults.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
