"""The Redis cache backend (koffietafel.cache) behaves as Django's and builds one client per pool.

No Redis server is needed: fakeredis stands in for the server behind redis-py's own connection
pool, so the calls go through redis-py, Django's serializer and the backend exactly as in production.
"""

from __future__ import annotations

import fakeredis
import pytest

from koffietafel.cache import ReusingRedisCache


@pytest.fixture
def cache():
    return ReusingRedisCache(
        "redis://fake",
        {"KEY_PREFIX": "test", "OPTIONS": {"connection_class": fakeredis.FakeRedisConnection, "server": fakeredis.FakeServer()}},
    )


def test_values_make_the_round_trip_through_redis(cache):
    cache.set("answer", {"n": 42, "words": ["koffie"]})
    cache.set("count", 7)
    assert cache.get("answer") == {"n": 42, "words": ["koffie"]}
    assert cache.get_many(["answer", "count", "missing"]) == {"answer": {"n": 42, "words": ["koffie"]}, "count": 7}
    assert cache.incr("count") == 8
    assert cache.add("count", 1) is False
    cache.delete("answer")
    assert cache.get("answer", "gone") == "gone"
    cache.set_many({"a": 1, "b": 2}, timeout=60)
    assert cache.get_many(["a", "b"]) == {"a": 1, "b": 2}


def test_every_operation_shares_one_client(cache):
    first = cache._cache.get_client("k")
    cache.set("k", 1)
    assert cache._cache.get_client("k", write=True) is first
    assert cache._cache.get_client(None) is first


def test_a_second_pool_gets_its_own_client():
    # Reads go to the other servers when there are several (Django's rule); each pool has one client.
    cache = ReusingRedisCache(
        "redis://primary,redis://replica",
        {"OPTIONS": {"connection_class": fakeredis.FakeRedisConnection, "server": fakeredis.FakeServer()}},
    )
    writer = cache._cache.get_client(write=True)
    reader = cache._cache.get_client()
    assert writer is not reader
    assert writer.connection_pool is not reader.connection_pool
    assert cache._cache.get_client() is reader
