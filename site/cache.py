"""Django's Redis cache backend, with one redis-py client per connection pool instead of one per call.

Django 5.2's ``RedisCacheClient.get_client()`` builds a new ``redis.Redis`` object for every cache
operation, and redis-py 8's ``Redis.__init__`` builds its response-callback table each time:
about 0.26 ms per call, several milliseconds on a member's page (sessions through ``cached_db``,
the page-cache generation, badges, fragments). Django's main branch (6.1) still does this; no
ticket about it was found in Django's tracker. django-redis keeps its clients for the same reason.

``redis.Redis`` is safe to share between threads (each command checks a connection out of the
pool), and Django keeps one backend, hence one ``RedisCacheClient``, per thread anyway, so the
client is made once per pool and reused. Nothing else changes: same pools, options, serializer,
key handling and failure behaviour as ``django.core.cache.backends.redis.RedisCache``.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # id(pool) -> redis.Redis over that pool

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    """``RedisCache`` whose operations share one redis-py client per pool (module docstring)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
