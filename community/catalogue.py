"""The community catalogue: what the access policy needs to know about every community, cached.

For each CommunityPage: its id, whether it is live, its visibility, and whether it or an ancestor
carries a Wagtail view restriction. With the user's memberships (loaded once per request,
policies.memberships) this answers "which communities may this user know / read?" in Python, so
every post query filters on a short ``community_id IN (...)`` list instead of two subqueries
(a view-restriction NOT EXISTS by path prefix and a membership EXISTS) that cost milliseconds
of query building and planning each time.

The catalogue is shared by everyone (it holds no per-user data) and lives in the default cache,
stored with the generation it was built under; it is rebuilt with one query when missing or
when the generation moved on. Every change that can alter an entry starts a new generation,
immediately and again after the transaction commits (community/signals.py:
forget_catalogue), so an entry built from rows another transaction was about to change is never
used once that change is committed:

- a CommunityPage saved, published, unpublished, deleted or moved (or any page moved: its
  descendants' paths change);
- a PageViewRestriction saved or deleted, or its groups changed;
- any other page saved or deleted, or a Site saved or deleted: the same generation also validates
  the route memo (koffietafel.routing), which keeps the pages and sites routing reads.

Within one request the catalogue is kept on the user object (like the memberships); a change
made in this process drops that copy too (a process-local counter). Each process also keeps the
entries of the current generation, so a request that finds the generation unchanged (one read,
shared with the route memo, koffietafel.routing) does not fetch the catalogue itself.

Across requests it is kept only in a cache every worker shares (COMMUNITY_CATALOGUE_CACHE: the
default cache, unset by production without REDIS_URL): with a per-process local cache, a change
made through one worker would not reach the others, which would go on granting access from their
old copy. Without one, the catalogue is built once per request (still one query).
"""

from __future__ import annotations

import itertools
import uuid
from typing import NamedTuple

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Left, Length

from koffietafel import generations

GENERATION_KEY = "community:catalogue-generation"
CATALOGUE_KEY = "community:catalogue"
# A safety net only: every change that matters starts a new generation (above).
CATALOGUE_SECONDS = 3600
_USER_ATTR = "_koffietafel_catalogue"
# Bumped by forget(): a copy kept on a user object in this process is dropped at once.
_local_changes = itertools.count()
_local_generation = 0
# (generation, entries): this process's copy, used while the shared generation is the same (the
# generation is read once per request anyway: koffietafel.generations.request_scope).
_process_copy: tuple[str, dict] | None = None


class Entry(NamedTuple):
    live: bool
    visibility: str
    view_restricted: bool  # a Wagtail view restriction on the page or an ancestor


def view_restricted():
    """The community or an ancestor has a Wagtail view restriction (any kind), as one SQL condition.

    Wagtail's PageQuerySet.public() asks the same but runs a separate query every time it is used.
    """
    from wagtail.models import PageViewRestriction

    restricted = PageViewRestriction.objects.annotate(
        prefix=Left(OuterRef("path"), Length("page__path"))
    ).filter(page__path=F("prefix"))
    return Exists(restricted)


def build() -> dict[int, Entry]:
    """Every community from the database, in one query."""
    from .models import CommunityPage

    rows = (
        CommunityPage.objects.annotate(view_restricted=view_restricted())
        .order_by("pk")
        .values_list("pk", "live", "visibility", "view_restricted")
    )
    return {pk: Entry(live, visibility, bool(restricted)) for pk, live, visibility, restricted in rows}


def catalogue(user=None) -> dict[int, Entry]:
    """The catalogue by community id: from the user object, this process's copy of the current
    generation, else the cache, else built."""
    global _process_copy
    if user is not None:
        kept = getattr(user, _USER_ATTR, None)
        if kept is not None and kept[0] == _local_generation:
            return kept[1]
    local = _local_generation
    cache = shared_cache()
    if cache is None:
        entries = build()
        if user is not None:
            setattr(user, _USER_ATTR, (local, entries))
        return entries
    found = generations.get_many([GENERATION_KEY], cache=cache)
    generation = generations.current(GENERATION_KEY, cache=cache, found=found.get(GENERATION_KEY))
    kept = _process_copy
    if kept is not None and kept[0] == generation:
        entries = kept[1]
    else:
        stored = cache.get(CATALOGUE_KEY)
        if stored is not None and stored[0] == generation:
            entries = stored[1]
        else:
            # The generation was read before the rows: if it moves on meanwhile, this entry is never used.
            entries = build()
            cache.set(CATALOGUE_KEY, (generation, entries), CATALOGUE_SECONDS)
        _process_copy = (generation, entries)
    if user is not None:
        setattr(user, _USER_ATTR, (local, entries))
    return entries


def shared_cache():
    """The cache every worker shares for access data (COMMUNITY_CATALOGUE_CACHE), or None: then
    nothing that decides access may outlive a request (this catalogue, koffietafel.routing)."""
    alias = getattr(settings, "COMMUNITY_CATALOGUE_CACHE", "default")
    return caches[alias] if alias else None



def _new_generation() -> None:
    global _local_generation
    _local_generation = next(_local_changes) + 1
    cache = shared_cache()
    if cache is not None:
        generations.store(GENERATION_KEY, uuid.uuid4().hex, None, cache=cache)


def forget() -> None:
    """A community or a view restriction changed: the next reader rebuilds the catalogue."""
    # Now (later reads in this transaction) and after the commit (a request that rebuilt it
    # meanwhile saw the old rows), as selectors.forget_people.
    _new_generation()
    transaction.on_commit(_new_generation)


def forget_on_user(user) -> None:
    if user is not None and hasattr(user, _USER_ATTR):
        delattr(user, _USER_ATTR)
