"""Production settings switch each scale-out service on by one environment variable (docs/deployment.md).

Each case loads koffietafel.settings.production in a fresh subprocess with one switch set and
checks the setting it produces; nothing connects to the services named.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

ROOT = Path(__file__).resolve().parent.parent

PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "CACHES": settings.CACHES,
    "SESSION_ENGINE": settings.SESSION_ENGINE,
    "DATABASES": {alias: {k: db.get(k) for k in ("ENGINE", "HOST", "NAME", "TEST")}
                  for alias, db in settings.DATABASES.items()},
    "DATABASE_ROUTERS": settings.DATABASE_ROUTERS,
    "MIDDLEWARE": settings.MIDDLEWARE,
    "STORAGES": settings.STORAGES,
    "WAGTAILSEARCH_BACKENDS": settings.WAGTAILSEARCH_BACKENDS,
    "TASKS": settings.TASKS,
    "COMMUNITY_CATALOGUE_CACHE": getattr(settings, "COMMUNITY_CATALOGUE_CACHE", "default"),
    "has_search_switch": hasattr(settings, "SEARCH_BACKEND"),
    "has_tasks_switch": hasattr(settings, "TASKS_BACKENDS"),
}, default=str))
"""

SWITCHES = ("REDIS_URL", "DATABASE_REPLICA_URL", "MEDIA_S3_BUCKET", "SEARCH_BACKEND", "SEARCH_URLS", "TASKS_BACKEND")


def production_settings(**switches: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in SWITCHES and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="koffietafel.settings.production",
        SECRET_KEY="switch-test-" + "x" * 60,
        DATABASE_URL="postgres://koffietafel@primary.internal:5432/koffietafel",
        PYTHONPATH=str(ROOT),
        **switches,
    )
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def defaults() -> dict:
    return production_settings()


def test_without_switches_production_uses_one_database_local_cache_and_local_media(defaults):
    assert set(defaults["DATABASES"]) == {"default"}
    assert defaults["DATABASE_ROUTERS"] == []
    caches = {alias: c["BACKEND"] for alias, c in defaults["CACHES"].items()}
    # Fragments shared between readers are kept fresh through the cache, which each worker here has
    # its own of: none is stored (another worker would keep showing what was hidden).
    assert caches.pop("fragments") == "django.core.cache.backends.dummy.DummyCache"
    assert set(caches.values()) == {"django.core.cache.backends.locmem.LocMemCache"}
    assert defaults["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert defaults["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_redis_url_puts_every_cache_and_the_sessions_in_redis(defaults):
    settings = production_settings(REDIS_URL="redis://cache.internal:6379/1")
    assert set(settings["CACHES"]) == set(defaults["CACHES"])  # every alias, e.g. the rate-limit counters too
    for alias, cache in settings["CACHES"].items():
        assert cache["BACKEND"] == "koffietafel.cache.ReusingRedisCache", alias  # Django's, client reused
        assert cache["LOCATION"] == "redis://cache.internal:6379/1"
    assert len({c["KEY_PREFIX"] for c in settings["CACHES"].values()}) == len(settings["CACHES"])
    assert settings["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


def test_access_catalogue_outlives_a_request_only_in_a_cache_all_workers_share(defaults):
    assert defaults["COMMUNITY_CATALOGUE_CACHE"] == ""  # local memory: one worker's copy would go stale
    assert production_settings(REDIS_URL="redis://cache.internal:6379/1")["COMMUNITY_CATALOGUE_CACHE"] == "default"


def test_replica_url_adds_a_replica_the_router_and_its_middleware():
    settings = production_settings(DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/koffietafel")
    assert settings["DATABASES"]["default"]["HOST"] == "primary.internal"
    assert settings["DATABASES"]["replica"]["HOST"] == "replica.internal"
    assert settings["DATABASES"]["replica"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings["DATABASES"]["replica"]["TEST"] == {"MIRROR": "default"}
    assert settings["DATABASE_ROUTERS"] == ["koffietafel.db_router.PrimaryReplicaRouter"]
    middleware = settings["MIDDLEWARE"]
    assert middleware.index("koffietafel.db_router.ReplicaRoutingMiddleware") == (
        middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1
    )


def test_s3_bucket_moves_media_to_object_storage_and_keeps_static_files_local():
    settings = production_settings(MEDIA_S3_BUCKET="koffietafel-media")
    media = settings["STORAGES"]["default"]
    assert media["BACKEND"] == "storages.backends.s3.S3Storage"
    assert media["OPTIONS"]["bucket_name"] == "koffietafel-media"
    assert settings["STORAGES"]["staticfiles"]["BACKEND"].startswith("whitenoise.")


def test_search_backend_switches_wagtail_search_to_opensearch(defaults):
    if not defaults["has_search_switch"]:
        pytest.skip("SEARCH_BACKEND switch not in the settings yet")
    settings = production_settings(SEARCH_BACKEND="opensearch2", SEARCH_URLS="https://search.internal:9200")
    backend = settings["WAGTAILSEARCH_BACKENDS"]["default"]
    assert backend["BACKEND"] == "wagtail.search.backends.opensearch2"
    assert backend["URLS"] == ["https://search.internal:9200"]


def test_production_runs_background_work_in_the_database_task_worker(defaults):
    if not defaults["has_tasks_switch"]:
        pytest.skip("TASKS_BACKEND switch not in the settings yet")
    assert defaults["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


# -- the replica router itself (in-process) ----------------------------------------------------


def _route_inside(method: str, cookies: dict | None = None):
    from koffietafel.db_router import PrimaryReplicaRouter, ReplicaRoutingMiddleware

    seen = {}

    def view(request):
        seen["read"] = PrimaryReplicaRouter().db_for_read(None)
        seen["write"] = PrimaryReplicaRouter().db_for_write(None)
        return HttpResponse("ok")

    request = RequestFactory().generic(method, "/")
    request.COOKIES.update(cookies or {})
    response = ReplicaRoutingMiddleware(view)(request)
    return seen, response


def test_router_reads_from_the_replica_only_inside_a_safe_request():
    from koffietafel.db_router import PrimaryReplicaRouter

    assert PrimaryReplicaRouter().db_for_read(None) == "default"  # commands, tasks, tests
    seen, _response = _route_inside("GET")
    assert seen == {"read": "replica", "write": "default"}
    assert PrimaryReplicaRouter().db_for_read(None) == "default"  # reset after the request


def test_router_pins_a_visitor_to_the_primary_after_a_write():
    from koffietafel.db_router import PIN_COOKIE

    seen, response = _route_inside("POST")
    assert seen["read"] == "default"
    assert response.cookies[PIN_COOKIE]["max-age"]
    seen, _response = _route_inside("GET", cookies={PIN_COOKIE: "1"})
    assert seen["read"] == "default"
