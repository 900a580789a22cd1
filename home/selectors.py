"""Reads for the home page, always through the community access policy."""

import hashlib

from django.utils.functional import SimpleLazyObject

from community import policies, selectors as community_selectors
from community.models import Post
from koffietafel import generations


def home_context(*, user) -> dict:
    # The member counts and the generations below in one round trip (the people generation is
    # usually in the request's scope already: koffietafel.routing.prefetch).
    generations.prefetch([community_selectors.MEMBER_COUNTS_KEY, *_GENERATION_KEYS])
    cards = community_selectors.community_cards(user=user)
    mine = set(policies.memberships(user))
    my_communities = [c for c in cards if c.pk in mine and policies.is_member(user, c)]
    joinable = [c for c in cards if c.pk not in mine]
    # The latest activity is what is not hidden in the communities whose posts the visitor may
    # read: everyone who may read the same communities shares its cached HTML (home_page.html).
    readable = [c for c in cards if policies.can_read_posts(user, c)]
    latest_generation, people_generation = _generations()
    return {
        "my_communities": my_communities,
        "joinable_communities": joinable,
        "cards_key": _key([c.key() for c in my_communities], [c.key() for c in joinable]),
        "latest_key": _key(
            [c.key() for c in readable], latest_generation, people_generation,
        ),
        "latest_activity": SimpleLazyObject(lambda: latest_activity(user=user, cards=cards)),
    }


def latest_activity(*, user, cards) -> list[dict]:
    """Latest questions and stories the visitor may read, most recently active first.

    Only the columns the list shows; the community (title, URL) comes from its card.
    """
    by_id = {card.pk: card for card in cards}
    latest = (
        Post.objects.visible_to(user).filter(is_hidden=False)
        .select_related("author__profile")
        .only("pk", "community_id", "kind", "title", "slug", "last_activity_at",
              "author__username", "author__profile__display_name", "author__profile__user_id")
        .order_by("-last_activity_at", "-pk")[:8]
    )
    activity = []
    for post in latest:
        card = by_id.get(post.community_id)
        if card is not None:  # a readable community is always a visible one (policies)
            activity.append({"post": post, "url": post.url_in(card.url), "community": card})
    return activity


_GENERATION_KEYS = (community_selectors.LATEST_GENERATION_KEY, community_selectors.PEOPLE_GENERATION_KEY)


def _generations() -> tuple[str, str]:
    """community_selectors.latest_generation() and people_generation(), in one round trip to the cache."""
    found = generations.get_many(_GENERATION_KEYS)
    return tuple(generations.current(key, found=found.get(key)) for key in _GENERATION_KEYS)


def _key(*parts) -> str:
    """What a cached part of the home page shows, as a key: anything shown that changes makes a new one."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()
