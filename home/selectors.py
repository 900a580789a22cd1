"""Reads for the home page, always through the community access policy."""

from community import policies, selectors as community_selectors
from community.models import Post


def home_context(*, user) -> dict:
    cards = list(community_selectors.community_cards(user=user))
    mine = set(policies.memberships(user))
    # Latest questions and stories the visitor may read, most recently active first.
    latest = list(
        Post.objects.visible_to(user).filter(is_hidden=False)
        .select_related("community", "author__profile")
        .defer(*Post.LONG_TEXT_FIELDS)
        .order_by("-last_activity_at", "-pk")[:8]
    )
    by_id = {card.pk: card for card in cards}
    for post in latest:  # one community object per community: its URL is worked out once (Post.get_url)
        post.community = by_id.get(post.community_id, post.community)
    return {
        "my_communities": [c for c in cards if c.pk in mine and policies.is_member(user, c)],
        "joinable_communities": [c for c in cards if c.pk not in mine],
        "latest_activity": latest,
    }
