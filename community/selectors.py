"""Reads for community templates: querysets that already carry what the template needs."""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count

from .models import CommunityPage, Membership

MEMBER_COUNTS_KEY = "community:active-member-counts"
MEMBER_COUNTS_SECONDS = 120


def member_counts() -> dict[int, int]:
    """Active members per community id, from the cache; recounted after any membership change.

    Counting in the card query itself (JOIN + GROUP BY over every membership) cost more than the
    rest of the home page together at 5,000 members; the numbers change only when someone joins
    or leaves (community/signals.py forgets them then).
    """
    counts = cache.get(MEMBER_COUNTS_KEY)
    if counts is None:
        counts = dict(
            Membership.objects.filter(status=Membership.Status.ACTIVE)
            .order_by()
            .values_list("community_id")
            .annotate(n=Count("pk"))
        )
        cache.set(MEMBER_COUNTS_KEY, counts, MEMBER_COUNTS_SECONDS)
    return counts


def forget_member_counts() -> None:
    # Now (later reads in this transaction) and after the commit (a request that recounted
    # meanwhile saw the old rows).
    cache.delete(MEMBER_COUNTS_KEY)
    transaction.on_commit(lambda: cache.delete(MEMBER_COUNTS_KEY))


def community_cards(*, user, parent=None) -> list[CommunityPage]:
    """Live communities the user may know exist, each with its active ``member_count``, in title order."""
    qs = CommunityPage.objects.live().visible_to(user)
    if parent is not None:
        qs = qs.child_of(parent)
    cards = list(qs.order_by("title", "pk"))
    counts = member_counts()
    for card in cards:
        card.member_count = counts.get(card.pk, 0)
    return cards


PEOPLE_GENERATION_KEY = "community:people-generation"


def people_generation() -> str:
    """A value that changes whenever a membership, profile, organisation or account changes.

    Part of the key of cached fragments that show people (the community page's facilitators), so
    a cached fragment is never shown after the people in it changed (community/signals.py).
    """
    generation = cache.get(PEOPLE_GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        if not cache.add(PEOPLE_GENERATION_KEY, generation, None):
            generation = cache.get(PEOPLE_GENERATION_KEY, generation)
    return generation


def forget_people() -> None:
    # Now and after the commit, as forget_member_counts.
    cache.set(PEOPLE_GENERATION_KEY, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(PEOPLE_GENERATION_KEY, uuid.uuid4().hex, None))


def framework_of(community):
    """The community's framework page (its one live child), or None. Generic Page: no learning import."""
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
from django.db.models import Value, prefetch_related_objects  # noqa: E402

from . import policies  # noqa: E402
from .models import Answer, AnswerFlag, HelpfulVote, Post, Theme  # noqa: E402

POSTS_PER_PAGE = 20

FILTERS = {
    "onbeantwoord": {"answer_count": 0, "kind": Post.Kind.QUESTION},
    "opgelost": {"accepted_answer__isnull": False},
    "vragen": {"kind": Post.Kind.QUESTION},
    "verhalen": {"kind": Post.Kind.STORY},
}


def community_posts(*, user, community, filter_key: str = "", theme_slug: str = "", page_number=1):
    """One page of the community's posts the user may read, newest first, with what cards show."""
    qs = Post.objects.filter(community=community).visible_to(user).for_list()
    if filter_key in FILTERS:
        qs = qs.filter(**FILTERS[filter_key])
    if theme_slug:
        qs = qs.filter(themes__slug=theme_slug)
    qs = qs.order_by("-created_at", "-pk")
    page = Paginator(qs, POSTS_PER_PAGE).get_page(page_number)
    page.object_list = list(page.object_list)
    for post in page.object_list:
        post.community = community  # one object, so its URL is worked out once (Post.get_url)
    return page


def community_themes(community):
    return list(Theme.objects.filter(community=community))


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
    return {"answers": answers, "accepted": accepted, **activity}


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
