"""The one access policy: who may see or do what in which community.

Every door (page, list, count, search, feed, sitemap, API, comment endpoint, e-mail, benchmark,
admin) asks these functions or uses the querysets they build; nothing else decides. Rules:

- open: anyone reads; active members write.
- closed: anyone sees the community and its framework; only active members read and write posts;
  joining needs a facilitator's approval.
- private: invisible to non-members everywhere; its URLs answer 404, never 403.

Superusers (site administrators) see everything. Being staff alone gives no reading rights.

A user's memberships are loaded once per user object and cached on it, so a page that asks the
policy about many communities still runs one query; across requests they are kept per user in the
shared cache (``memberships``: no query at all while they have not changed).
What the policy needs to know about every
community (live, visibility, Wagtail view restriction) comes from the community catalogue
(community/catalogue.py, cached and invalidated by signals), so deciding which communities a
user may know or read runs no query at all.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import Exists, OuterRef, Q

from . import catalogue
from .models import CommunityPage, Membership, Visibility

_CACHE_ATTR = "_koffietafel_memberships"


def _is_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


MEMBERSHIPS_KEY = "community:memberships:{user_id}"
MEMBERSHIPS_GENERATION_KEY = "community:memberships-generation:{user_id}"
# A safety net only: every change renews the user's generation (forget_cached_memberships).
MEMBERSHIPS_SECONDS = 3600


def memberships(user) -> dict[int, Membership]:
    """All memberships of ``user`` by community id (any status), cached on the user object.

    Across requests they are kept per user in the cache every worker shares (the catalogue's,
    COMMUNITY_CATALOGUE_CACHE), stored with the user's generation, which every Membership of theirs
    saved or deleted renews (community/signals.py: forget_memberships_of). Without a shared cache
    they are read once per request.
    """
    if user is None or not user.is_authenticated:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _load_memberships(user.pk)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def _load_memberships(user_id: int) -> dict[int, Membership]:
    from koffietafel import generations

    cache = catalogue.shared_cache()
    if cache is None:
        return {m.community_id: m for m in Membership.objects.filter(user_id=user_id)}
    keys = _memberships_keys(user_id)
    found = generations.get_many(keys, cache=cache)
    generation = generations.current(keys[0], cache=cache, found=found.get(keys[0]))
    stored = found.get(keys[1])
    if stored is not None and stored[0] == generation:
        return stored[1]
    # The generation was read before the rows: a change committed meanwhile renews it past this copy.
    rows = {m.community_id: m for m in Membership.objects.filter(user_id=user_id)}
    generations.store(keys[1], (generation, rows), MEMBERSHIPS_SECONDS, cache=cache)
    return rows


def _memberships_keys(user_id: int) -> list[str]:
    return [MEMBERSHIPS_GENERATION_KEY.format(user_id=user_id), MEMBERSHIPS_KEY.format(user_id=user_id)]


def memberships_cache_keys(user) -> list[str]:
    """The shared-cache keys ``memberships`` reads for this user (a page view fetches them with its others)."""
    return _memberships_keys(user.pk)


def forget_cached_memberships(user_id: int | None) -> None:
    """A membership of this user was saved or deleted: every worker reads their memberships anew."""
    from koffietafel import generations

    cache = catalogue.shared_cache()
    if cache is not None and user_id is not None:
        generations.renew(MEMBERSHIPS_GENERATION_KEY.format(user_id=user_id), cache=cache)


def forget_memberships(user) -> None:
    """Drop the cache after a membership changed within the same request."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def membership_of(user, community) -> Membership | None:
    return memberships(user).get(community.pk)


def is_member(user, community) -> bool:
    m = membership_of(user, community)
    return bool(m and m.is_active)


def is_facilitator(user, community) -> bool:
    m = membership_of(user, community)
    return bool(m and m.is_active and m.role == Membership.Role.FACILITATOR)


def can_view_community(user, community) -> bool:
    """May this user know the community exists (see its page and framework)?

    An unpublished community is known to administrators only (Wagtail serves the live children
    of a non-live page, so its framework must ask this too).
    """
    if not community.live:
        return _is_admin(user)
    if community.visibility != Visibility.PRIVATE:
        return True
    return _is_admin(user) or is_member(user, community)


def can_read_posts(user, community) -> bool:
    """May this user read the questions, stories and answers inside the community?"""
    if not community.live:
        return _is_admin(user)
    if community.visibility == Visibility.OPEN:
        return True
    return _is_admin(user) or is_member(user, community)


def can_post(user, community) -> bool:
    """May this user ask, share and answer in the community?"""
    return is_member(user, community)


def can_moderate(user, community) -> bool:
    return _is_admin(user) or is_facilitator(user, community)


def active_membership_exists(user, community_ref="pk"):
    return Exists(
        Membership.objects.filter(user=user, community_id=OuterRef(community_ref), status=Membership.Status.ACTIVE)
    )


def not_view_restricted():
    """No Wagtail view restriction on the community or any ancestor, as one SQL condition.

    Wagtail's PageQuerySet.public() does the same but runs a separate query every time it is used.
    The policy's own lists use the community catalogue instead (community/catalogue.py).
    """
    return ~catalogue.view_restricted()


def _active_community_ids(user) -> set[int]:
    return {cid for cid, m in memberships(user).items() if m.is_active}


def _community_ids(user, without_membership: set[str]) -> list[int]:
    """Live communities the user may enter: any as administrator; else unrestricted ones whose
    visibility is in ``without_membership`` or where they are an active member. No query."""
    entries = catalogue.catalogue(user)
    if _is_admin(user):
        return [pk for pk, e in entries.items() if e.live]
    active = _active_community_ids(user)
    return [
        pk for pk, e in entries.items()
        if e.live and not e.view_restricted and (e.visibility in without_membership or pk in active)
    ]


def visible_community_ids(user) -> list[int]:
    """Ids of the live communities the user may know exist (see visible_communities); no query.

    From the community catalogue and the user's memberships (both loaded once per request).
    """
    return _community_ids(user, {Visibility.OPEN, Visibility.CLOSED})


def readable_community_ids(user) -> list[int]:
    """Ids of the live communities whose posts the user may read; no query (as visible_community_ids)."""
    return _community_ids(user, {Visibility.OPEN})


def visible_communities(queryset, user):
    """Filter a CommunityPage queryset to those the user may know exist.

    Communities behind a Wagtail view restriction ("Privacy" in the admin) are left out of every
    list for everyone but administrators: Koffietafel's own visibility is the way to restrict a
    community; Wagtail's restriction still guards the page itself. Administrators see every
    community, unpublished ones included.
    """
    if _is_admin(user):
        return queryset
    return queryset.filter(pk__in=visible_community_ids(user))


def readable_communities(user):
    """The communities whose posts the user may read (for filtering posts, counts, search)."""
    if _is_admin(user):
        return CommunityPage.objects.all()
    return CommunityPage.objects.filter(pk__in=readable_community_ids(user))


def facilitated_community_ids(user) -> list[int]:
    return [cid for cid, m in memberships(user).items() if m.is_active and m.role == Membership.Role.FACILITATOR]


# -- posts -----------------------------------------------------------------------------------


def visible_posts(queryset, user):
    """Filter a Post queryset to what the user may read.

    The community must be live and readable; a hidden post stays visible to its author (who sees
    why it was hidden) and to the community's facilitators.
    """
    if _is_admin(user):
        return queryset.filter(community__live=True)
    return queryset.filter(visible_posts_filter(user))


def visible_posts_filter(user, *, prefix: str = "") -> Q:
    """``visible_posts`` as a condition on a post's own columns: community_id, is_hidden, author_id.

    The readable communities are a short list of ids from the community catalogue (no query), so
    the condition needs no subquery or join: cheap to build and to plan, and search backends,
    which filter only on indexed fields (``index.FilterField``), can translate it
    (Elasticsearch/OpenSearch would refuse a list of every visible post: more than 65,536 terms).
    ``prefix`` applies it through a relation, e.g. ``"post__"`` for answers.
    """
    condition = Q(**{f"{prefix}community_id__in": readable_community_ids(user)})
    if _is_admin(user):
        return condition
    not_hidden = Q(**{f"{prefix}is_hidden": False})
    if user is None or not user.is_authenticated:
        return condition & not_hidden
    also_hidden = Q(**{f"{prefix}author_id": user.pk})
    facilitated = facilitated_community_ids(user)
    if facilitated:
        also_hidden |= Q(**{f"{prefix}community_id__in": facilitated})
    return condition & (not_hidden | also_hidden)


class PostAccess(NamedTuple):
    """``visible_posts_filter`` for rows already in memory: (community id, hidden, author id) -> may read.

    Built by ``post_access`` from the same inputs as the SQL condition (readable community ids from
    the catalogue, facilitated communities, administrator or not); tests/find/test_search_matches.py
    checks both give the same posts for every kind of reader.
    """

    communities: frozenset
    sees_all_hidden: bool  # administrators
    sees_hidden_in: frozenset  # communities the reader facilitates
    user_id: int | None

    def allows(self, community_id, is_hidden, author_id) -> bool:
        if community_id not in self.communities:
            return False
        if not is_hidden or self.sees_all_hidden:
            return True
        return (self.user_id is not None and author_id == self.user_id) or community_id in self.sees_hidden_in


def post_access(user) -> PostAccess:
    """The posts the user may read as a Python rule (no query), for lists cached for every reader."""
    communities = frozenset(readable_community_ids(user))
    if _is_admin(user):
        return PostAccess(communities, True, frozenset(), user.pk)
    if user is None or not user.is_authenticated:
        return PostAccess(communities, False, frozenset(), None)
    return PostAccess(communities, False, frozenset(facilitated_community_ids(user)), user.pk)


def can_view_post(user, post) -> bool:
    community = post.community
    if not community.live or not can_read_posts(user, community):
        return False
    if not post.is_hidden:
        return True
    return bool(user.is_authenticated and (post.author_id == user.pk or can_moderate(user, community)))


def can_edit_post(user, post) -> bool:
    return bool(user.is_authenticated and post.author_id == user.pk and is_member(user, post.community))


def can_delete_post(user, post) -> bool:
    return can_edit_post(user, post) and post.answer_count == 0


def can_answer(user, post) -> bool:
    return can_post(user, post.community) and not post.is_hidden


def can_accept(user, post) -> bool:
    if not post.is_question or not user.is_authenticated:
        return False
    return (post.author_id == user.pk and is_member(user, post.community)) or is_facilitator(user, post.community)


# -- answers ---------------------------------------------------------------------------------


def visible_answers(queryset, user, post):
    """Answers of one post the user may read (the post itself must already be visible)."""
    if can_moderate(user, post.community):
        return queryset
    public = Q(is_public=True, is_removed=False)
    if user.is_authenticated:
        return queryset.filter(public | Q(user=user))
    return queryset.filter(public)


def can_vote(user, answer, post) -> bool:
    return can_post(user, post.community) and answer.user_id != user.pk and not answer.is_hidden


def can_flag(user, answer, post) -> bool:
    return can_post(user, post.community) and answer.user_id != user.pk


def can_edit_answer(user, answer, post, *, now) -> bool:
    from datetime import timedelta

    from django.conf import settings

    if not (user.is_authenticated and answer.user_id == user.pk and can_post(user, post.community)):
        return False
    return now - answer.submit_date <= timedelta(minutes=settings.ANSWER_EDIT_WINDOW_MINUTES)
