"""Ranked match lists of the site search, shared by every searcher and narrowed per reader in Python.

Ranking every match of a common word ("gemeente": 5,800 of 20,000 posts) is most of a search's cost,
and it does not depend on who searches: ts_rank and BM25 score each document on its own, so the
ranked list of what one reader may see is the ranked list of every match with the rest left out.
So each list (posts, answers, communities, frameworks, case stories) is ranked once for a query
over *all* rows, as bare ids with the columns the access policy decides on, and kept in the shared
cache. Each request then:

- narrows the list by the reader's access with the policy's own rule in Python
  (``policies.post_access``: the same inputs as ``visible_posts_filter``; communities through
  ``visible_community_ids`` and the catalogue), and by the page's filters (type, community,
  status; a theme by the ids of its posts, read per request);
- counts from the same narrowed list (per-community totals plus the hidden posts one by one), so a
  count never includes a match the list would not show;
- loads only the rows the page shows (home/search.py).

A list is stored with the **search generation** it was built under (site/generations.py) and used
only while that is current. The generation is renewed, at once and after the commit, by everything
a list holds or that decides what matches (home/receivers.py): a post, an answer (or the comment
under it) saved or deleted, an answer accepted, any page saved, published, unpublished, moved or
deleted, a view restriction changed, and a search index update finishing (the index is updated by
a background task, possibly after the commit). Who may read which community is not in the lists
at all: it is asked of the policy on every request.

The lists live in the ``fragments`` cache, which stores nothing without a cache every process
shares (production without REDIS_URL): then, and on search backends that rank elsewhere
(Elasticsearch, OpenSearch), the search runs the policy-filtered queries of home/search.py.
"""

from __future__ import annotations

import hashlib
import time
from array import array
from dataclasses import dataclass
from typing import NamedTuple

from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.utils.translation import get_language
from wagtail.models import Page, Site

from community import catalogue, policies
from community.models import CommunityPage, Post, SearchableAnswer
from koffietafel import generations

GENERATION_KEY = "find:search-generation"
LIST_KEY = "find:matches:{name}:{digest}"
LIST_SECONDS = 600  # a safety net only: the generation makes a list stale the moment it is

QUESTION, HIDDEN, SOLVED = 1, 2, 4  # bits of PostMatches.flags
# This process's copies of recently used lists, by key: (generation, list, until). Used only while the
# shared generation (read on every search) is still theirs, like a copy from the shared cache.
_kept: dict = {}
KEPT_MAX = 32


def _cache():
    cache = caches["fragments"]  # stores nothing without a cache every process shares (settings)
    return None if isinstance(cache, DummyCache) else cache


def usable(backend) -> bool:
    """Whether lists can be shared: a shared cache, and a backend that ranks with the database's own SQL."""
    return _cache() is not None and type(backend).__module__.startswith("modelsearch.backends.database")


def forget() -> None:
    """Every cached match list is outdated: now and after the commit (site/generations.py)."""
    cache = _cache()
    if cache is not None:
        generations.renew(GENERATION_KEY, cache=cache)


# -- the lists as stored ---------------------------------------------------------------------


@dataclass
class PostMatches:
    """Every post matching a query, best first, as columns (compact to store and quick to load)."""

    ids: array
    communities: array
    authors: array  # 0: no author
    flags: bytes  # QUESTION | HIDDEN | SOLVED per post
    # Matches that are not hidden, per community: [solved questions, other questions, stories].
    totals: dict
    hidden: tuple  # positions of the hidden posts

    @classmethod
    def from_rows(cls, rows) -> PostMatches:
        ids, communities, authors, flags, totals, hidden = array("q"), array("q"), array("q"), bytearray(), {}, []
        for position, (pk, community_id, kind, is_hidden, author_id, accepted_answer_id) in enumerate(rows):
            question = kind == Post.Kind.QUESTION
            flag = (QUESTION if question else 0) | (HIDDEN if is_hidden else 0) | (
                SOLVED if question and accepted_answer_id is not None else 0)
            ids.append(pk)
            communities.append(community_id)
            authors.append(author_id or 0)
            flags.append(flag)
            if is_hidden:
                hidden.append(position)
            else:
                totals.setdefault(community_id, [0, 0, 0])[0 if flag & SOLVED else 1 if question else 2] += 1
        return cls(ids, communities, authors, bytes(flags), totals, tuple(hidden))


@dataclass
class AnswerMatches:
    """Every public answer matching a query, newest first, with what its post's visibility depends on."""

    ids: array
    post_ids: array
    communities: array
    authors: array  # the post's author (0: none)
    flags: bytes  # HIDDEN: the post is hidden
    totals: dict  # answers on posts that are not hidden, per community
    hidden: tuple

    @classmethod
    def from_rows(cls, rows) -> AnswerMatches:
        ids, post_ids, communities, authors, flags, totals, hidden = (
            array("q"), array("q"), array("q"), array("q"), bytearray(), {}, [])
        for position, (pk, post_id, community_id, is_hidden, author_id) in enumerate(rows):
            ids.append(pk)
            post_ids.append(post_id)
            communities.append(community_id)
            authors.append(author_id or 0)
            flags.append(HIDDEN if is_hidden else 0)
            if is_hidden:
                hidden.append(position)
            else:
                totals[community_id] = totals.get(community_id, 0) + 1
        return cls(ids, post_ids, communities, authors, bytes(flags), totals, tuple(hidden))


def _ranked(backend, query, queryset, *, relevance=True):
    """The backend's own ranked queryset (database backends), to select bare columns from."""
    return backend.search(query, queryset, operator="and", order_by_relevance=relevance).get_queryset()


def _build_posts(backend, query):
    rows = _ranked(backend, query, Post.objects.all()).values_list(
        "pk", "community_id", "kind", "is_hidden", "author_id", "accepted_answer_id")
    return PostMatches.from_rows(rows)


def _build_answers(backend, query):
    # Hidden answers are left out for everyone (community/search.py); newest first, not by relevance.
    answers = SearchableAnswer.objects.filter(is_public=True, is_removed=False, post__isnull=False).order_by("-id")
    rows = _ranked(backend, query, answers, relevance=False).values_list(
        "pk", "post_id", "post__community_id", "post__is_hidden", "post__author_id")
    return AnswerMatches.from_rows(rows)


class PageMatch(NamedTuple):
    """A community, framework or case story as its result shows it (pages are few; no load per page)."""

    pk: int
    title: str
    url: str
    text: str  # what the snippet quotes, as plain text
    community_id: int | None = None  # a framework's community (its context line and who may see it)
    date: object = None


def _page_url(page, root_paths) -> str:
    page._wagtail_cached_site_root_paths = root_paths  # Wagtail's get_url without a query per page
    return page.get_url()


def _build_communities(backend, query):
    """Every matching community, live or not: who may know which is asked per request (the catalogue)."""
    from home.search import strip_tags

    pages = list(_ranked(backend, query, CommunityPage.objects.all()))
    root_paths = Site.get_site_root_paths() if pages else []
    return tuple(PageMatch(page.pk, page.title, _page_url(page, root_paths),
                           f"{page.summary} {strip_tags(page.description)}") for page in pages)


def _build_frameworks(backend, query):
    """Live, unrestricted frameworks, each with the id of the community it is the child of (or None)."""
    from home.search import _framework_model, _stream_text

    model = _framework_model()
    public = model.objects.live().filter(policies.not_view_restricted()).values("pk")
    parent = CommunityPage.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen)
    ).values("pk")[:1]
    ranked = _ranked(backend, query, model.objects.filter(pk__in=public))
    pages = list(ranked.annotate(_parent_community=Subquery(parent)))
    root_paths = Site.get_site_root_paths() if pages else []
    return tuple(PageMatch(page.pk, page.title, _page_url(page, root_paths), _stream_text(page.body),
                           page._parent_community) for page in pages)


def _build_case_stories(backend, query):
    from home.search import _case_story_model, _stream_text

    model = _case_story_model()
    public = model.objects.live().filter(policies.not_view_restricted()).values("pk")
    pages = list(_ranked(backend, query, model.objects.filter(pk__in=public)))
    root_paths = Site.get_site_root_paths() if pages else []
    return tuple(PageMatch(page.pk, page.title, _page_url(page, root_paths),
                           f"{getattr(page, 'summary', '')} {_stream_text(getattr(page, 'body', ''))}",
                           date=page.first_published_at) for page in pages)


BUILDERS = {
    "posts": _build_posts,
    "answers": _build_answers,
    "communities": _build_communities,
    "frameworks": _build_frameworks,
    "case_stories": _build_case_stories,
}


def lists(backend, query: str, names) -> tuple[dict, dict, tuple]:
    """The named match lists of ``query``, and the results already worked out for it in this language (``shown``).

    One round trip when they are current; a list missing or of another generation is built and
    stored. ``shown`` (``{(type, pk): hit fields}``, see store_shown) comes with the place to
    store more: ``(key, generation)``.
    """
    cache = _cache()
    digest = hashlib.sha256(query.encode()).hexdigest()
    keys = {name: LIST_KEY.format(name=name, digest=digest) for name in names}
    shown_key = SHOWN_KEY.format(language=get_language(), digest=digest)
    found = cache.get_many([GENERATION_KEY, shown_key])
    # Read before any row: a change committed meanwhile renews it past what is built below.
    generation = generations.current(GENERATION_KEY, cache=cache, found=found.get(GENERATION_KEY))
    result = {}
    for name, key in keys.items():
        kept = _kept.get(key)  # this process's copy: no transfer of a long list when still current
        if kept is not None and kept[0] == generation and kept[2] > time.monotonic():
            result[name] = kept[1]
    wanted = [name for name in keys if name not in result]
    if wanted:
        stored_lists = cache.get_many([keys[name] for name in wanted])
        missing = {}
        for name in wanted:
            stored = stored_lists.get(keys[name])
            if stored is not None and stored[0] == generation:
                result[name] = stored[1]
            else:
                result[name] = BUILDERS[name](backend, query)
                missing[keys[name]] = (generation, result[name])
        if missing:
            cache.set_many(missing, LIST_SECONDS)
        if len(_kept) + len(wanted) > KEPT_MAX:
            _kept.clear()
        until = time.monotonic() + LIST_SECONDS  # as the shared copies (an index rebuild renews nothing)
        _kept.update({keys[name]: (generation, result[name], until) for name in wanted})
    stored = found.get(shown_key)
    shown = stored[1] if stored is not None and stored[0] == generation else {}
    return result, shown, (shown_key, generation)


# What a result shows (title, URL, snippet, context line, date, solved; drawn as its list item) is the
# same for every reader who may see it: worked out once per query and language and kept with the
# lists, under the same generation. A reader is only ever given the results of their own narrowed list.
SHOWN_KEY = "find:shown:{language}:{digest}"  # drawn as list items in the reader's language
SHOWN_MAX = 1000  # results kept per query (every page anyone looked at), beyond which it starts anew


def store_shown(place: tuple, shown: dict, new: dict) -> None:
    """Add the results worked out for this page to the query's ``shown`` (built from rows read after
    the generation in ``place``: a change committed meanwhile makes them unused)."""
    cache = _cache()
    if cache is None or not new:
        return
    key, generation = place
    merged = {**shown, **new} if len(shown) + len(new) <= SHOWN_MAX else dict(new)
    cache.set(key, (generation, merged), LIST_SECONDS)


# -- one reader's view of the lists ----------------------------------------------------------


class Match:
    """A post or answer of a narrowed list: its id, and for posts its kind, for answers its post."""

    __slots__ = ("pk", "kind", "post_id")

    def __init__(self, pk, *, kind=None, post_id=None):
        self.pk, self.kind, self.post_id = pk, kind, post_id


def _same(row):
    return row


class _Narrowed:
    """A list as one reader sees it, with the interface of home.search._Ranked (types, counts, rows)."""

    def __init__(self, types, counts, positions, make):
        self.types, self.counts = types, counts
        self._positions, self._make, self._taken = positions, make, []

    def type_of(self, obj) -> str:
        if len(self.types) == 1:
            return self.types[0]
        return "vragen" if obj.kind == Post.Kind.QUESTION else "verhalen"

    def rows(self, start, stop) -> list:
        taken = self._taken
        if len(taken) < stop:
            for position in self._positions:  # an iterator: resumes where the last call stopped
                taken.append(position)
                if len(taken) >= stop:
                    break
        return [self._make(position) for position in taken[start:stop]]


def _post_rows(matches: PostMatches, *, access, types, community_id, solved, theme_posts):
    """(counts, generator of positions) of the posts a reader may read, with the page's filters."""
    ids, communities, authors, flags = matches.ids, matches.communities, matches.authors, matches.flags
    allows = access.allows
    want_questions, want_stories = "vragen" in types, "verhalen" in types

    def passes(position) -> bool:
        flag = flags[position]
        if flag & QUESTION:
            if not want_questions or (solved is not None and bool(flag & SOLVED) != solved):
                return False
        elif not want_stories:
            return False
        community = communities[position]
        if community_id is not None and community != community_id:
            return False
        if theme_posts is not None and ids[position] not in theme_posts:
            return False
        return allows(community, flag & HIDDEN, authors[position])

    counts = {t: 0 for t in types}
    if theme_posts is None:
        for community, (n_solved, n_open, n_stories) in matches.totals.items():
            if community in access.communities and (community_id is None or community == community_id):
                if want_questions:
                    counts["vragen"] += n_solved if solved is True else n_open if solved is False else n_solved + n_open
                if want_stories:
                    counts["verhalen"] += n_stories
        counted = (position for position in matches.hidden if passes(position))
    else:
        counted = (position for position in range(len(ids)) if passes(position))
    for position in counted:
        counts["vragen" if flags[position] & QUESTION else "verhalen"] += 1
    return counts, (position for position in range(len(ids)) if passes(position))


def _answer_rows(matches: AnswerMatches, *, access, community_id, theme_posts):
    post_ids, communities, authors, flags = matches.post_ids, matches.communities, matches.authors, matches.flags
    allows = access.allows

    def passes(position) -> bool:
        community = communities[position]
        if community_id is not None and community != community_id:
            return False
        if theme_posts is not None and post_ids[position] not in theme_posts:
            return False
        return allows(community, flags[position] & HIDDEN, authors[position])

    if theme_posts is None:
        count = sum(n for community, n in matches.totals.items()
                    if community in access.communities and (community_id is None or community == community_id))
        count += sum(1 for position in matches.hidden if passes(position))
    else:
        count = sum(1 for position in range(len(post_ids)) if passes(position))
    return count, (position for position in range(len(post_ids)) if passes(position))


@dataclass
class Narrowed:
    """The lists in play as one reader sees them, and the results already worked out for the query."""

    ranked: list  # of _Narrowed
    shown: dict
    place: tuple  # where to store more of ``shown`` (store_shown)


def narrowed(*, backend, query, user, kind_filter, community_id, theme, solved) -> Narrowed:
    """The lists the filters leave in play (as home.search._sources), each as this user may see it."""

    def wanted(kind):
        return not kind_filter or kind_filter == kind

    from home.search import _case_story_model

    post_types = tuple(t for t in ("vragen", "verhalen") if wanted(t) and (t == "vragen" or solved is None))
    names = ["posts"] if post_types else []
    if solved is None and wanted("antwoorden"):
        names.append("answers")
    if theme is None and solved is None:
        names += [name for name, kind in (("communities", "gemeenschappen"), ("frameworks", "kaders")) if wanted(kind)]
        if _case_story_model() is not None and community_id is None and wanted("casusverhalen"):
            names.append("case_stories")
    if not names:
        return Narrowed([], {}, ("", ""))
    found, shown, place = lists(backend, query, names)
    theme_posts = None
    if theme is not None and ("posts" in found or "answers" in found):
        theme_posts = frozenset(Post.themes.through.objects.filter(theme_id=theme.pk).values_list("post_id", flat=True))
    access = policies.post_access(user) if ("posts" in found or "answers" in found) else None

    result = []
    if "posts" in found:
        matches = found["posts"]
        counts, positions = _post_rows(matches, access=access, types=post_types, community_id=community_id,
                                       solved=solved, theme_posts=theme_posts)
        result.append(_Narrowed(post_types, counts, positions, lambda position, m=matches: Match(
            m.ids[position], kind=Post.Kind.QUESTION if m.flags[position] & QUESTION else Post.Kind.STORY)))
    if "answers" in found:
        matches = found["answers"]
        count, positions = _answer_rows(matches, access=access, community_id=community_id, theme_posts=theme_posts)
        result.append(_Narrowed(("antwoorden",), {"antwoorden": count}, positions, lambda position, m=matches: Match(
            m.ids[position], post_id=m.post_ids[position])))
    if {"communities", "frameworks"} & found.keys():
        # As home.search._visible_communities: live, no view restriction, and known to the user.
        entries = catalogue.catalogue(user)
        known = {pk for pk in policies.visible_community_ids(user) if not entries[pk].view_restricted}
        if community_id is not None:
            known &= {community_id}
        if "communities" in found:
            pages = [page for page in found["communities"] if page.pk in known]
            result.append(_Narrowed(("gemeenschappen",), {"gemeenschappen": len(pages)}, iter(pages), _same))
        if "frameworks" in found:
            pages = [page for page in found["frameworks"] if page.community_id in known]
            result.append(_Narrowed(("kaders",), {"kaders": len(pages)}, iter(pages), _same))
    if "case_stories" in found:
        pages = found["case_stories"]
        result.append(_Narrowed(("casusverhalen",), {"casusverhalen": len(pages)}, iter(pages), _same))
    return Narrowed(result, shown, place)
