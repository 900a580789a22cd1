"""Reads for community templates: querysets that already carry what the template needs."""

from __future__ import annotations

import uuid

from django.core.cache import cache, caches
from django.db import transaction
from django.db.models import Count
from wagtail.models import Page, Site

from koffietafel import generations

from .models import CommunityPage, Membership
from .models.pages import VISIBILITY_SHORT_LABELS

MEMBER_COUNTS_KEY = "community:active-member-counts"
MEMBER_COUNTS_SECONDS = 120


def member_counts() -> dict[int, int]:
    """Active members per community id, from the cache; recounted after any membership change.

    Counting in the card query itself (JOIN + GROUP BY over every membership) cost more than the
    rest of the home page together at 5,000 members; the numbers change only when someone joins
    or leaves (community/signals.py forgets them then).
    """
    # Through koffietafel.generations (reads and writes): the home page fetches it together with its
    # generations in one round trip (home/selectors.py).
    counts = generations.get_many([MEMBER_COUNTS_KEY]).get(MEMBER_COUNTS_KEY)
    if counts is None:
        counts = dict(
            Membership.objects.filter(status=Membership.Status.ACTIVE)
            .order_by()
            .values_list("community_id")
            .annotate(n=Count("pk"))
        )
        generations.store(MEMBER_COUNTS_KEY, counts, MEMBER_COUNTS_SECONDS)
    return counts


def forget_member_counts() -> None:
    # Now (later reads in this transaction) and after the commit (a request that recounted
    # meanwhile saw the old rows).
    generations.delete(MEMBER_COUNTS_KEY)
    transaction.on_commit(lambda: generations.delete(MEMBER_COUNTS_KEY))


class CommunityCard:
    """What a community card shows (includes/community_card.html), without a Wagtail page object.

    Building fifty CommunityPage objects (every Page field, modelcluster's set-up) cost more than
    the rest of the home page. A card needs five columns and its URL, all from card_rows().
    """

    live = True  # community_cards lists live communities only (policies.can_read_posts asks)

    def __init__(self, pk, title, summary, visibility, url, *, member_count):
        self.pk = self.id = pk
        self.title, self.summary, self.visibility, self.url = title, summary, visibility, url
        self.member_count = member_count

    @property
    def visibility_label(self):
        return VISIBILITY_SHORT_LABELS[self.visibility]

    def key(self) -> tuple:
        """Everything the card shows: the cached card lists are keyed on it (home_page.html)."""
        return (self.pk, self.title, self.summary, self.visibility, self.url, self.member_count)


class _PageUrl:
    """Wagtail's own URL of a page (borrowed below) from its ``url_path``, with the site root paths
    read once per list instead of once per page."""

    get_url = Page.get_url
    get_url_parts = Page.get_url_parts
    _get_site_root_paths = Page._get_site_root_paths
    _get_relevant_site_root_paths = Page._get_relevant_site_root_paths

    def __init__(self, url_path, root_paths):
        self.url_path = url_path
        self._wagtail_cached_site_root_paths = root_paths


# What Wagtail pages show of one another (titles, URLs, which pages are live) changes only when a
# page or a site changes. The community catalogue's generation is renewed then (community/signals.py:
# any page or site saved, deleted, published, unpublished or moved; the route memo, site/routing.py,
# relies on it too), and every page request has already read it: copies of what pages show are kept
# under it, at no extra round trip.
CARD_ROWS_KEY = "community:card-rows"
CARD_ROWS_SECONDS = 3600  # a safety net only: every change that matters renews the generation
_card_rows_copy: tuple[str, list] | None = None


def pages_generation() -> str:
    """The generation copies of what pages show are kept under. Without a cache every worker shares
    (catalogue.shared_cache) a new value each time: then no copy outlives a request."""
    from . import catalogue

    cache = catalogue.shared_cache()
    if cache is None:
        return uuid.uuid4().hex
    return generations.current(catalogue.GENERATION_KEY, cache=cache)


def forget_pages() -> None:
    """Copies of what pages show are outdated (also the catalogue and the route memo: one generation)."""
    from . import catalogue

    catalogue.forget()


def card_rows() -> list[tuple]:
    """``(pk, title, summary, visibility, path, depth, url)`` of every live community, in title order.

    The same for everyone (the policy decides per reader which to show: community_cards), so it
    is read once and shared, in the fragments cache under the pages generation: no query on a
    warm page. Without a cache every worker shares each request reads the rows again (one query),
    so no worker shows another's outdated titles.
    """
    from . import catalogue

    global _card_rows_copy
    cache = caches["fragments"] if catalogue.shared_cache() is not None else None
    generation = pages_generation()
    if cache is not None:
        kept = _card_rows_copy  # this process's copy of the current generation: no round trip
        if kept is not None and kept[0] == generation:
            return kept[1]
        stored = cache.get(CARD_ROWS_KEY)
        if stored is not None and stored[0] == generation:
            _card_rows_copy = stored
            return stored[1]
    # The generation was read before the rows: if it moves on meanwhile, this copy is never used.
    rows = (
        CommunityPage.objects.live().order_by("title", "pk")
        .values_list("pk", "title", "summary", "visibility", "path", "depth", "url_path")
    )
    root_paths = None
    built = []
    for pk, title, summary, visibility, path, depth, url_path in rows:
        if root_paths is None:
            root_paths = Site.get_site_root_paths()
        built.append((pk, title, summary, visibility, path, depth, _PageUrl(url_path, root_paths).get_url()))
    if cache is not None:
        cache.set(CARD_ROWS_KEY, (generation, built), CARD_ROWS_SECONDS)
        _card_rows_copy = (generation, built)
    return built


def community_cards(*, user, parent=None) -> list[CommunityCard]:
    """Live communities the user may know exist, each with its active ``member_count``, in title order.

    No query on a warm page: the rows are shared (card_rows), who may know which community comes
    from the community catalogue (policies.visible_community_ids).
    """
    visible = set(policies.visible_community_ids(user))
    rows = card_rows()
    if parent is not None:
        rows = [row for row in rows if row[5] == parent.depth + 1 and row[4].startswith(parent.path)]
    counts = member_counts()
    return [
        CommunityCard(pk, title, summary, visibility, url, member_count=counts.get(pk, 0))
        for pk, title, summary, visibility, _path, _depth, url in rows if pk in visible
    ]


FOLLOWED_KEY = "community:followed:{user_id}"
FOLLOWED_GENERATION_KEY = "community:followed-generation:{user_id}"
FOLLOWED_SECONDS = 3600  # a safety net only: every change of the user's follows renews their generation


def followed_ids(user) -> dict[str, set[int]]:
    """What the user follows (services_notify.followed_ids), kept per user in the cache every worker
    shares, so the community page's follow button runs no query. Stored with the user's follows
    generation, which any Follow of the user saved or deleted renews (receivers_lists.forget_followed);
    without a shared cache it is read each time."""
    from . import catalogue, services_notify

    cache = catalogue.shared_cache()
    if cache is None or not user.is_authenticated:
        return services_notify.followed_ids(user)
    keys = [FOLLOWED_GENERATION_KEY.format(user_id=user.pk), FOLLOWED_KEY.format(user_id=user.pk)]
    found = generations.get_many(keys, cache=cache)
    generation = generations.current(keys[0], cache=cache, found=found.get(keys[0]))
    stored = found.get(keys[1])
    if stored is not None and stored[0] == generation:
        return stored[1]
    # The generation was read before the rows: a follow committed meanwhile renews it past this copy
    # (a plain delete would not stop a request that read the old rows from storing them afterwards).
    followed = services_notify.followed_ids(user)
    generations.store(keys[1], (generation, followed), FOLLOWED_SECONDS, cache=cache)
    return followed


def forget_followed(user_id: int) -> None:
    """The user's follows changed: now and after the commit (site/generations.py)."""
    from . import catalogue

    cache = catalogue.shared_cache()
    if cache is not None:
        generations.renew(FOLLOWED_GENERATION_KEY.format(user_id=user_id), cache=cache)


PEOPLE_GENERATION_KEY = "community:people-generation"


def people_generation() -> str:
    """A value that changes whenever a membership, profile, organisation or account changes.

    Part of the key of cached fragments that show people (the community page's facilitators), so
    a cached fragment is never shown after the people in it changed (community/signals.py).
    """
    return generations.current(PEOPLE_GENERATION_KEY)


def forget_people() -> None:
    # Now and after the commit, as forget_member_counts.
    generations.renew(PEOPLE_GENERATION_KEY)


def framework_of(community):
    """The community's framework page (its one live child), or None. Generic Page: no learning import."""
    if not community.numchild:
        return None  # what treebeard's get_children() decides too, without building a queryset (~1 ms)
    return community.get_children().live().first()


def facilitators_of(community):
    return (
        Membership.objects.filter(
            community=community, role=Membership.Role.FACILITATOR, status=Membership.Status.ACTIVE
        )
        .select_related("user__profile__organisation")
        .order_by("user__profile__display_name", "user__username")
    )


# -- posts -----------------------------------------------------------------------------------

from django.core.paginator import Paginator  # noqa: E402
from django.db.models import BigIntegerField, Value, Window, prefetch_related_objects  # noqa: E402
from django.db.models import BooleanField, F  # noqa: E402
from django.db.models.expressions import RawSQL  # noqa: E402

from . import policies  # noqa: E402
from .models import Answer, AnswerFlag, HelpfulVote, Post, Theme  # noqa: E402

POSTS_PER_PAGE = 20

FILTERS = {
    "onbeantwoord": {"answer_count": 0, "kind": Post.Kind.QUESTION},
    "opgelost": {"accepted_answer__isnull": False},
    "vragen": {"kind": Post.Kind.QUESTION},
    "verhalen": {"kind": Post.Kind.STORY},
}


POSTS_GENERATION_KEY = "community:posts-generation:{community_id}"
ALL_POSTS_GENERATION_KEY = "community:posts-generation:all"
LATEST_GENERATION_KEY = "community:latest-generation"


def _new_posts_generation(community_id: int) -> tuple[str, frozenset[int]]:
    hidden_authors = Post.objects.filter(community_id=community_id, is_hidden=True).values_list("author_id", flat=True)
    return uuid.uuid4().hex, frozenset(hidden_authors.order_by().distinct())


def posts_generation(community_id: int) -> tuple[str, frozenset[int]]:
    """(generation, ids of authors of hidden posts) of a community's post lists, from the cache.

    The generation is part of the key of the cached post list (community_page.html) and changes
    whenever anything a post card shows changes (community/receivers_lists.py): a post, its
    themes or answers, a theme, the community page, a view restriction. The authors of hidden
    posts see those in the list (policies.visible_posts), so they get a copy of their own.
    """
    keys = [POSTS_GENERATION_KEY.format(community_id=community_id), ALL_POSTS_GENERATION_KEY]
    found = cache.get_many(keys)
    value, everything = found.get(keys[0]), generations.current(keys[1], found=found.get(keys[1]))
    if value is None:
        value = _new_posts_generation(community_id)
        if not cache.add(keys[0], value, None):
            value = cache.get(keys[0], value)
    return f"{value[0]}.{everything}", value[1]


def latest_generation() -> str:
    """Changes whenever any community's post lists change (forget_posts): the home page's cached
    latest activity, which spans communities, is keyed on it."""
    return generations.current(LATEST_GENERATION_KEY)


def forget_posts(community_id: int | None) -> None:
    """Cached post lists of this community (None: of every community) are outdated.

    Now (later reads in this transaction) and after the commit, with the hidden posts' authors
    read again then: a request that read meanwhile saw the old rows.
    """
    generations.renew(LATEST_GENERATION_KEY)
    if community_id is None:
        generations.renew(ALL_POSTS_GENERATION_KEY)
        return
    key = POSTS_GENERATION_KEY.format(community_id=community_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.set(key, _new_posts_generation(community_id), None))


def post_list_key(*, user, community, filter_key: str, theme_slug: str, page_number, people: str) -> str:
    """What one page of a community's post list depends on, for the key of its cached fragment.

    Viewers share a copy when they would see the same HTML: the same posts (everyone, or also the
    hidden ones: facilitators and administrators; one's own hidden posts make one's copy one's
    own) and the same buttons (members may post). ``people`` is people_generation() (authors'
    names and organisations); the template adds the language.
    """
    generation, hidden_authors = posts_generation(community.pk)
    if getattr(user, "is_superuser", False) and user.is_active:
        sees = "admin"  # also in communities behind a Wagtail view restriction
    elif policies.can_moderate(user, community):
        sees = "hidden"
    elif user.is_authenticated and user.pk in hidden_authors:
        sees = f"own-{user.pk}"
    else:
        sees = "public"
    try:
        number = max(int(page_number), 1)
    except (TypeError, ValueError):
        number = 1
    return "|".join(str(part) for part in (
        community.pk, community.url_path, generation, people, filter_key, theme_slug, number, sees,
        policies.can_post(user, community),
    ))


MAX_PAGE_NUMBER = 1_000_000  # far beyond any real list: a larger number shows the last page


def community_posts(*, user, community, filter_key: str = "", theme_slug: str = "", page_number=1):
    """One page of the community's posts the user may read, newest first, with what cards show.

    Two queries: the page of posts with the total count as a window over the same rows (no second
    COUNT query), and the community's themes together with those of the posts on the page
    (``page.themes``: the filter's choices). The community object is not joined: each post gets
    ``community`` itself, so its URL is worked out once (Post.get_url).
    """
    qs = (
        Post.objects.filter(community=community).visible_to(user).for_list()
        .select_related(None).select_related("author__profile__organisation")
        .prefetch_related(None)
    )
    if filter_key in FILTERS:
        qs = qs.filter(**FILTERS[filter_key])
    if theme_slug:
        qs = qs.filter(themes__slug=theme_slug)
    qs = qs.order_by("-created_at", "-pk")
    paginator = Paginator(qs, POSTS_PER_PAGE)
    try:
        # Bounded: an OFFSET past the database's integer is an error, not an empty page (fuzzing).
        number = min(max(int(page_number), 1), MAX_PAGE_NUMBER)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * POSTS_PER_PAGE
    rows = list(qs.annotate(list_total=Window(Count("pk")))[start:start + POSTS_PER_PAGE])
    if rows:
        paginator.count = rows[0].list_total  # cached_property: the window saved Paginator's COUNT
        page = paginator.page(number)
    else:  # an empty list, or a page number beyond the end: Django's own way (count, last page)
        page = paginator.get_page(number)
        rows = list(page.object_list)
    page.object_list = rows
    page.themes = _themes_with_posts(community, rows)
    return page


def _themes_with_posts(community, posts) -> list[Theme]:
    """The community's themes, and each post's themes filled in as if prefetched, in one query."""
    fields = ("pk", "community_id", "name", "slug")
    parts = Theme.objects.filter(community=community).annotate(
        post_id=Value(None, output_field=BigIntegerField())
    ).values_list(*fields, "post_id").order_by()
    if posts:
        links = Theme.objects.filter(posts__in=[p.pk for p in posts]).values_list(*fields, "posts").order_by()
        parts = parts.union(links, all=True)
    themes, of_post = [], {}
    for pk, community_id, name, slug, post_id in sorted(parts, key=lambda r: (r[1], r[2], r[0])):
        theme = Theme(pk=pk, community_id=community_id, name=name, slug=slug)
        if post_id is None:
            themes.append(theme)
        else:
            of_post.setdefault(post_id, []).append(theme)
    for post in posts:
        post.community = community
        _set_prefetched(post, "themes", of_post.get(post.pk, []))
    return themes


def _set_prefetched(instance, name: str, objects: list) -> None:
    """``instance.<name>.all()`` answers ``objects`` without a query, as prefetch_related leaves it."""
    qs = getattr(instance, name).all()
    qs._result_cache = objects
    qs._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = qs


# The post page's own row: what deciding access, the URL, the per-reader controls and the cached
# fragments' keys need. The rest (texts, themes, the author's organisation) is read only when the
# shared post header is not in the cache (post_header).
PAGE_ROW_FIELDS = ("id", "community_id", "author_id", "kind", "title", "slug", "is_hidden", "accepted_answer_id",
                   "answer_count", "author__is_active", "author__username", "author__profile__display_name")


# What a reader did in a post's thread and whom they follow, as conditions on the post row (see
# post_page_row). Plain SQL: Django's Exists() built and compiled a subquery each, ~2 ms of CPU a
# view for five of them, more than the rest of the page's own queries; these cost ~0.1 ms each.
_READER_FLAGS = {
    "follows_post": "EXISTS(SELECT 1 FROM community_follow f WHERE f.user_id = %s AND f.post_id = community_post.id)",
    "follows_author": (
        "EXISTS(SELECT 1 FROM community_follow f WHERE f.user_id = %s AND f.person_id = community_post.author_id)"
    ),
    "did_something": (
        "EXISTS(SELECT 1 FROM community_answer a INNER JOIN django_comments c ON c.id = a.xtdcomment_ptr_id"
        " WHERE a.post_id = community_post.id AND c.user_id = %s)"
        " OR EXISTS(SELECT 1 FROM community_helpfulvote v"
        " INNER JOIN community_answer a ON a.xtdcomment_ptr_id = v.answer_id"
        " WHERE a.post_id = community_post.id AND v.user_id = %s)"
        " OR EXISTS(SELECT 1 FROM community_answerflag r"
        " INNER JOIN community_answer a ON a.xtdcomment_ptr_id = r.answer_id"
        " WHERE a.post_id = community_post.id AND r.user_id = %s)"
    ),
}


def post_page_row(*, user, community, pk: int) -> Post | None:
    """The post for its own page, if it exists in this community and the user may read it, in one query.

    Narrow: PAGE_ROW_FIELDS, with the author as a follow button shows them; every other field is
    deferred (templates take it from post_header()). With it, about this reader: ``follows_post``,
    ``follows_author`` and ``did_something`` (an answer, a helpful vote or a report in the thread:
    thread_activity() then says which), so a reader who did nothing here needs no second query.
    """
    qs = (
        Post.objects.filter(community=community, pk=pk)
        .visible_to(user)
        .select_related("author__profile")
        .only(*PAGE_ROW_FIELDS)
    )
    if user.is_authenticated:
        qs = qs.annotate(**{
            name: RawSQL(sql, [user.pk] * sql.count("%s"), output_field=BooleanField())
            for name, sql in _READER_FLAGS.items()
        })
    post = qs.first()
    if post is None:
        return None
    post.community = community  # the page routing found: not joined again (a full Wagtail page row)
    if not user.is_authenticated:
        post.follows_post = post.follows_author = post.did_something = False
    return post


def post_header(*, post_id: int, community) -> Post:
    """The post with everything its shared header shows (community/includes/post_header.html).

    Read only when that fragment is not in the cache; access was decided on post_page_row. One
    query for the post and its themes: the row comes once per theme (a post has a few), each with
    that theme's columns, and ``post.themes.all()`` answers them without a query.
    """
    theme_fields = {f"theme_{name}": F(f"themes__{name}") for name in ("pk", "community_id", "name", "slug")}
    rows = list(
        Post.objects.filter(pk=post_id)
        .select_related("author__profile__organisation")
        .annotate(**theme_fields)
        .order_by("themes__community_id", "themes__name", "themes__pk")  # Theme.Meta.ordering
    )
    if not rows:
        raise Post.DoesNotExist
    post = rows[0]
    post.community = community
    themes = [Theme(pk=row.theme_pk, community_id=row.theme_community_id, name=row.theme_name, slug=row.theme_slug)
              for row in rows if row.theme_pk is not None]
    _set_prefetched(post, "themes", themes)
    if not post.is_question:
        prefetch_related_objects([post], "organisations")  # only practice stories show them
    return post


def post_for(*, user, community, pk: int) -> Post | None:
    """The post if it exists in this community and the user may read it; else None (→ 404)."""
    post = (
        Post.objects.filter(community=community, pk=pk)
        .visible_to(user)
        .select_related("author__profile__organisation", "hidden_by__profile")
        .prefetch_related("themes")
        .first()
    )
    if post is None:
        return None
    post.community = community  # the page routing found: not joined again (a full Wagtail page row)
    if not post.is_question:
        prefetch_related_objects([post], "organisations")  # only practice stories show them
    return post


def thread_activity(*, user, post: Post) -> dict:
    """What the user did in this post's thread, in one query: their answers, helpful votes and reports.

    Decides whether they may share the rendered thread with others (community/fragments.py).
    """
    own, voted, flagged = set(), set(), set()
    if user.is_authenticated:
        answers = Answer.objects.filter(post=post, user=user).annotate(kind=Value("own")).values_list("pk", "kind")
        votes = HelpfulVote.objects.filter(user=user, answer__post=post).annotate(kind=Value("vote"))
        flags = AnswerFlag.objects.filter(user=user, answer__post=post).annotate(kind=Value("flag"))
        rows = answers.order_by().union(
            votes.values_list("answer_id", "kind").order_by(), flags.values_list("answer_id", "kind").order_by(),
            all=True,
        )
        for answer_id, kind in rows:
            {"own": own, "vote": voted, "flag": flagged}[kind].add(answer_id)
    return {"own_answer_ids": own, "voted_ids": voted, "flagged_ids": flagged}


NO_ACTIVITY = {"own_answer_ids": frozenset(), "voted_ids": frozenset(), "flagged_ids": frozenset()}


def post_thread(*, user, post: Post, activity: dict | None = None) -> dict:
    """Answers of a post in thread order, the accepted one lifted out, with the user's own votes.

    A fixed number of queries whatever the thread's size. ``activity`` is thread_activity() when
    the caller already has it.
    """
    qs = Answer.objects.filter(post=post)
    answers = list(
        policies.visible_answers(qs, user, post)
        .select_related("user__profile__organisation")
        .order_by("thread_id", "order")
    )
    if activity is None:
        activity = thread_activity(user=user, post=post)
    accepted = next((a for a in answers if a.pk == post.accepted_answer_id), None)
    # The heading counts answers to the post; replies sit under the answer they react to.
    answer_total = sum(1 for a in answers if a.level == 0)
    return {"answers": answers, "accepted": accepted, "answer_total": answer_total, **activity}


def moderation_queue(community):
    """Open reports on answers in one community, oldest first, for its facilitators."""
    reports = (
        AnswerFlag.objects.filter(resolved_at__isnull=True, answer__post__community=community)
        .select_related("answer__user__profile", "answer__post__community", "user__profile")
        .order_by("created_at", "pk")
    )
    return reports


def pending_requests(community):
    return (
        Membership.objects.filter(community=community, status=Membership.Status.PENDING)
        .select_related("user__profile__organisation")
        .order_by("created_at", "pk")
    )


def community_members(community):
    return (
        Membership.objects.filter(community=community, status=Membership.Status.ACTIVE)
        .select_related("user__profile__organisation")
        .prefetch_related("user__profile__expertise")
        .order_by("-role", "user__profile__display_name", "pk")
    )


def my_activity(*, user):
    posts = Post.objects.filter(author=user).visible_to(user).for_list().order_by("-created_at", "-pk")
    return posts
