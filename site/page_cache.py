"""Whole-page cache for anonymous visitors (on when ANONYMOUS_PAGE_CACHE_SECONDS > 0; production).

Safe by construction, never one person's page to another:

- Only requests that carry no session cookie, no messages cookie and no ``Authorization`` header
  (the JSON API's personal tokens) are looked up or stored: such a visitor is anonymous without
  asking the database, and has nothing personal to show.
- Only a 200 HTML or JSON response (the API as an anonymous visitor reads it) to GET/HEAD that set
  no cookie of its own and did not say ``Cache-Control: private/no-store`` is stored; /beheer/,
  /account/ and the other prefixes in ANONYMOUS_PAGE_CACHE_SKIP never are.
- The key holds scheme, host, full path with query string and the active language.
- CSRF tokens in stored HTML are replaced by a placeholder; each hit gets a fresh token for its own
  visitor (CsrfViewMiddleware, which runs outside this one, then sets that visitor's cookie). The
  placeholder is random per stored page, so text someone wrote (a link in a post) can never turn
  into a visitor's token.

Freshness: every cached page carries the site's content generation. Any model saved or deleted
(after commit) and any unsafe request (a form post) starts a new generation, so the next visitor
sees the change; ANONYMOUS_PAGE_CACHE_SECONDS bounds the age of anything else. The generation lives
in the default cache, which must be shared by all workers (REDIS_URL) for this to hold across
processes; that is why production turns the page cache on by default only with REDIS_URL.

Each worker also keeps the most recent pages in its own memory (ANONYMOUS_PAGE_CACHE_LOCAL_ENTRIES),
checked against the shared generation on every request: a hit then fetches one short value from
Redis instead of a whole page.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers

from koffietafel import generations

GENERATION_KEY = "anonymous-page-cache:generation"
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
DEFAULT_SKIP = ("/beheer/", "/account/", "/_bench/", "/static/", "/media/", "/documenten/", "/uitnodiging/",
                "/taal/", "/profiel/", "/mijn-activiteit/")
# Writes that change nothing an anonymous visitor sees (sessions, task bookkeeping).
QUIET_APPS = {"sessions", "django_tasks_db", "django_tasks"}


def _cache():
    return caches[getattr(settings, "ANONYMOUS_PAGE_CACHE_ALIAS", "default")]


def new_generation(**_kwargs) -> None:
    generations.store(GENERATION_KEY, uuid.uuid4().hex, None, cache=_cache())


def _on_model_change(sender, **kwargs):
    if sender._meta.app_label in QUIET_APPS:
        return
    transaction.on_commit(new_generation)


def connect_signals():
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_model_change, dispatch_uid=f"anonymous_page_cache_{signal!r}")


class AnonymousPageCacheMiddleware:
    """Serve anonymous visitors a stored copy of the page (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.seconds = int(getattr(settings, "ANONYMOUS_PAGE_CACHE_SECONDS", 0))
        self.skip = tuple(getattr(settings, "ANONYMOUS_PAGE_CACHE_SKIP", DEFAULT_SKIP))
        self.local_entries = int(getattr(settings, "ANONYMOUS_PAGE_CACHE_LOCAL_ENTRIES", 200))
        self.local: OrderedDict[str, dict] = OrderedDict()
        self.local_lock = threading.Lock()
        connect_signals()

    def __call__(self, request):
        if not self.seconds or not self._may_use_cache(request):
            response = self.get_response(request)
            if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
                new_generation()
            return response
        cache = _cache()
        key = self._key(request)
        generation = generations.current(GENERATION_KEY, cache=cache)
        entry = self._local_get(key, generation)
        if entry is None:
            entry = cache.get(key)
            if entry is not None and entry["generation"] == generation:
                self._local_put(key, entry)
        if entry is not None and entry["generation"] == generation:
            return self._replay(request, entry)
        response = self.get_response(request)
        if self._may_store(response):
            entry = self._entry(response, generation, time.time() + self.seconds)
            cache.set(key, entry, self.seconds)
            self._local_put(key, entry)
        return response

    def _local_get(self, key, generation):
        with self.local_lock:
            entry = self.local.get(key)
            if entry is None:
                return None
            if entry["generation"] != generation or entry["expires"] < time.time():
                del self.local[key]
                return None
            self.local.move_to_end(key)
            return entry

    def _local_put(self, key, entry):
        if not self.local_entries:
            return
        with self.local_lock:
            self.local[key] = entry
            self.local.move_to_end(key)
            while len(self.local) > self.local_entries:
                self.local.popitem(last=False)

    def _may_use_cache(self, request) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
            and not request.path.startswith(self.skip)
        )

    def _key(self, request) -> str:
        raw = "|".join([request.scheme, request.get_host(), getattr(request, "LANGUAGE_CODE", ""),
                        request.get_full_path()])
        return "anonymous-page:v2:" + hashlib.sha256(raw.encode()).hexdigest()  # v1 kept a fixed placeholder

    @staticmethod
    def _may_store(response) -> bool:
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and response.get("Content-Type", "").startswith(("text/html", "application/json"))
            and "private" not in cache_control
            and "no-store" not in cache_control
        )

    @staticmethod
    def _entry(response, generation, expires) -> dict:
        placeholder = b"csrf-" + uuid.uuid4().hex.encode()
        return {
            "generation": generation,
            "expires": expires,
            "placeholder": placeholder,
            "content": CSRF_INPUT.sub(rb"\g<1>" + placeholder + rb"\g<2>", response.content),
            "headers": [(k, v) for k, v in response.items() if k.lower() not in ("set-cookie", "content-length")],
        }

    @staticmethod
    def _replay(request, entry) -> HttpResponse:
        content, placeholder = entry["content"], entry["placeholder"]
        if placeholder in content:
            content = content.replace(placeholder, get_token(request).encode())
        response = HttpResponse(content)
        for header, value in entry["headers"]:
            response[header] = value
        patch_vary_headers(response, ["Cookie"])
        return response
