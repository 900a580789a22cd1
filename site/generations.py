"""Generation values: the one way cached copies here are made fresh.

A cached copy (a page, a fragment, a count, the community catalogue) is stored with, or under a key
holding, a *generation*: a random value kept in the cache without expiry. Whatever changes the
content renews the generation, so every copy made before is never used again. ``current`` reads it
and, when it is missing (first use, an eviction, a flush), adds a new random one, never an old value
and never overwriting a value another process has just added. Copies must be built from data read
after the generation was read, so a change that commits meanwhile renews it past them.

Within one request (RequestScopeMiddleware) what is read through ``get_many`` and ``current`` is
remembered, so the generations and small entries a page needs cost one round trip together
(``prefetch``, see koffietafel.routing) instead of one each. The rule that keeps this right: a key
read through this module is only ever written through it too (``renew``, ``store``, ``delete``),
which updates what the request remembers.
"""

from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager

from django.core.cache import cache as default_cache

_MISSING = object()
_ABSENT = object()  # read within this request and not in the cache

# Values read from the cache during one page request (request_scope), by their full cache key, so
# the generations and small entries a page needs come from one ``get_many`` (prefetch) instead of
# one round trip each. Every write through this module (renew, store, delete) updates it.
_scope: contextvars.ContextVar[dict | None] = contextvars.ContextVar("koffietafel_generations", default=None)


@contextmanager
def request_scope():
    """Remember what is read through ``get_many``/``current`` until the block ends (one request).

    Safe for generations: one read early in the request stands for later ones, and a copy built
    from rows read after it is still never used once a change made meanwhile commits (its renewal
    after the commit moves the generation on). Writes made in this request go through ``renew``,
    ``store`` or ``delete``, which update what is remembered.
    """
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


class RequestScopeMiddleware:
    """Each request in its own ``request_scope``, its response rendered inside it (settings.MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope():
            return self.get_response(request)


def _cache(cache):
    return cache if cache is not None else default_cache


def get_many(keys, *, cache=None) -> dict:
    """``cache.get_many(keys)``, answered from this request's earlier reads where it can."""
    cache = _cache(cache)
    scope = _scope.get()
    if scope is None:
        return cache.get_many(keys)
    full = {key: cache.make_key(key) for key in keys}
    missing = [key for key in keys if full[key] not in scope]
    if missing:
        found = cache.get_many(missing)
        for key in missing:
            scope[full[key]] = found.get(key, _ABSENT)
    values = {key: scope[full[key]] for key in keys}
    return {key: value for key, value in values.items() if value is not _ABSENT}


def prefetch(keys, *, cache=None) -> None:
    """Read these keys in one round trip now; later reads in this request are answered from it."""
    if _scope.get() is not None and keys:
        get_many(keys, cache=cache)


def _remember(cache, key, value) -> None:
    scope = _scope.get()
    if scope is not None:
        scope[cache.make_key(key)] = value


def current(key: str, *, cache=None, found=_MISSING) -> str:
    """The generation under ``key``; ``found`` is its value from an earlier get_many (None: missing)."""
    cache = _cache(cache)
    generation = get_many([key], cache=cache).get(key) if found is _MISSING else found
    if generation is None:
        generation = uuid.uuid4().hex
        if not cache.add(key, generation, None):
            generation = cache.get(key, generation)
        _remember(cache, key, generation)
    return generation


def store(key: str, value, timeout, *, cache=None) -> None:
    """``cache.set``, also for later reads in this request."""
    cache = _cache(cache)
    cache.set(key, value, timeout)
    _remember(cache, key, value)


def delete(key: str, *, cache=None) -> None:
    """``cache.delete``, also for later reads in this request."""
    cache = _cache(cache)
    cache.delete(key)
    _remember(cache, key, _ABSENT)


def renew(key: str, *, cache=None) -> None:
    """Start a new generation under ``key``: now (later reads in this transaction) and after the commit
    (a request that read the old rows meanwhile may have stored a copy under the first new value)."""
    from django.db import transaction

    cache = _cache(cache)
    store(key, uuid.uuid4().hex, None, cache=cache)
    transaction.on_commit(lambda: store(key, uuid.uuid4().hex, None, cache=cache))
