"""Reads for the home page, always through the community access policy."""

import hashlib

from community import policies, selectors as community_selectors
from community.models import Post


def home_context(*, user) -> dict:
    cards = community_selectors.community_cards(user=user)
    mine = set(policies.memberships(user))
    by_id = {card.pk: card for card in cards}
    # Latest questions and stories the visitor may read, most recently active first: only the
    # columns the list shows; the community (title, URL) comes from its card.
    latest = list(
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
    my_communities = [c for c in cards if c.pk in mine and policies.is_member(user, c)]
    joinable = [c for c in cards if c.pk not in mine]
    return {
        "my_communities": my_communities,
        "joinable_communities": joinable,
        "cards_key": _cards_key(my_communities, joinable),
        "latest_activity": activity,
    }


def _cards_key(mine, joinable) -> str:
    """The card lists as data: their cached HTML (home_page.html) is shared by everyone who gets
    the same lists, and a change in anything a card shows makes a new key."""
    raw = repr(([c.key() for c in mine], [c.key() for c in joinable]))
    return hashlib.sha256(raw.encode()).hexdigest()
