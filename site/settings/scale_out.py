"""Scale-out switches: each one is off until its environment variable is set (docs/deployment.md).

Imported at the end of production.py. Only the names a switch actually sets are exported
(``__all__``), so an unset switch leaves production's own values alone.

- REDIS_URL: every cache alias (page cache, rate-limit counters) in one shared Redis, and
  sessions in cache + database (``cached_db``), so any app server behind the load balancer serves
  any visitor. Only then does what decides access outlive a request (COMMUNITY_CATALOGUE_CACHE): the
  community catalogue (community/catalogue.py, who may read what), each user's memberships
  (community/policies.py) and the route memo (koffietafel.routing: sites, pages, view restrictions).
- DATABASE_REPLICA_URL: a read replica; safe requests read from it, writes and the requests right
  after a visitor's own write go to the primary (koffietafel.db_router).
- MEDIA_S3_BUCKET: uploaded media (images, documents) on S3-compatible object storage through
  django-storages (requirements-objectstorage.txt; not installed by default).
- ANONYMOUS_PAGE_CACHE_SECONDS: whole pages for anonymous visitors from the cache
  (koffietafel.page_cache); 60 by default with REDIS_URL, off without (the per-process local
  cache cannot tell other workers that content changed).
- Search (SEARCH_BACKEND / SEARCH_URLS) and background work (TASKS_BACKEND) are switched in base.py.
"""

import os

import dj_database_url

from .base import CACHES, DATABASES, MIDDLEWARE, STORAGES, env_bool

__all__: list[str] = []

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        alias: {
            # Django's RedisCache, reusing one redis-py client per pool (site/cache.py).
            "BACKEND": "koffietafel.cache.ReusingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"koffietafel:{alias}",
            "TIMEOUT": int(os.environ.get("CACHE_TIMEOUT", "300")),
        }
        for alias in CACHES
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    __all__ += ["CACHES", "SESSION_ENGINE"]
else:
    # Each gunicorn worker has its own local memory: a post hidden in one worker would stay in the
    # others' cached threads and lists. Without a cache they all share, fragments are rendered anew.
    CACHES = {**CACHES, "fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    __all__ += ["CACHES"]

DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES = {
        **DATABASES,
        "replica": dj_database_url.parse(
            DATABASE_REPLICA_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0"))
        ),
    }
    # Tests against a replica alias read the primary's test database (no second copy to migrate).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["koffietafel.db_router.PrimaryReplicaRouter"]
    REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "10"))
    # Right after the session middleware: it decides per request whether reads may use the replica.
    MIDDLEWARE = [*MIDDLEWARE]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
        "koffietafel.db_router.ReplicaRoutingMiddleware",
    )
    __all__ += ["DATABASES", "DATABASE_ROUTERS", "REPLICA_PIN_SECONDS", "MIDDLEWARE"]


ANONYMOUS_PAGE_CACHE_SECONDS = int(os.environ.get("ANONYMOUS_PAGE_CACHE_SECONDS", "60" if REDIS_URL else "0"))
if ANONYMOUS_PAGE_CACHE_SECONDS > 0:
    # Inside CsrfViewMiddleware (it sets the CSRF cookie of a visitor served from the cache) and
    # LocaleMiddleware (the language is part of the key); outside authentication and messages.
    MIDDLEWARE = [*MIDDLEWARE]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware") + 1,
        "koffietafel.page_cache.AnonymousPageCacheMiddleware",
    )
    __all__ += ["ANONYMOUS_PAGE_CACHE_SECONDS", "MIDDLEWARE"]

# The community catalogue (community/catalogue.py), users' memberships and the route memo
# (koffietafel.routing) grant access, so they are kept across requests only with a cache every worker
# shares; with per-process local caches a worker would go on granting access from its own old copy
# after a community was made private through another one.
COMMUNITY_CATALOGUE_CACHE = "default" if REDIS_URL else ""
__all__ += ["COMMUNITY_CATALOGUE_CACHE"]

MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    STORAGES = {
        **STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": MEDIA_S3_BUCKET,
                "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
                "region_name": os.environ.get("MEDIA_S3_REGION") or None,
                "custom_domain": os.environ.get("MEDIA_S3_CUSTOM_DOMAIN") or None,
                "default_acl": None,
                "querystring_auth": env_bool("MEDIA_S3_SIGNED_URLS", False),
                "file_overwrite": False,
            },
        },
    }
    __all__ += ["STORAGES"]
