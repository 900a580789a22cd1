"""Generation values: the one way cached copies here are made fresh.

A cached copy (a page, a fragment, a count, the community catalogue) is stored with, or under a key
holding, a *generation*: a random value kept in the cache without expiry. Whatever changes the
content renews the generation, so every copy made before is never used again. ``current`` reads it
and, when it is missing (first use, an eviction, a flush), adds a new random one, never an old value
and never overwriting a value another process has just added. Copies must be built from data read
after the generation was read, so a change that commits meanwhile renews it past them.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache as default_cache

_MISSING = object()


def current(key: str, *, cache=None, found=_MISSING) -> str:
    """The generation under ``key``; ``found`` is its value from an earlier get_many (None: missing)."""
    cache = cache if cache is not None else default_cache
    generation = cache.get(key) if found is _MISSING else found
    if generation is None:
        generation = uuid.uuid4().hex
        if not cache.add(key, generation, None):
            generation = cache.get(key, generation)
    return generation


def renew(key: str, *, cache=None) -> None:
    """Start a new generation under ``key``: now (later reads in this transaction) and after the commit
    (a request that read the old rows meanwhile may have stored a copy under the first new value)."""
    from django.db import transaction

    cache = cache if cache is not None else default_cache
    cache.set(key, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex, None))
