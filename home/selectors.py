"""Reads for the home page, always through the community access policy."""

from community import policies, selectors as community_selectors
from community.models import Post


def home_context(*, user) -> dict:
    cards = list(community_selectors.community_cards(user=user))
    mine = set(policies.memberships(user))
    return {
        "my_communities": [c for c in cards if c.pk in mine and policies.is_member(user, c)],
        "joinable_communities": [c for c in cards if c.pk not in mine],
        # Latest questions and stories the visitor may read, most recently active first.
        "latest_activity": list(
            Post.objects.visible_to(user).filter(is_hidden=False)
            .select_related("community", "author__profile")
            .defer(*Post.LONG_TEXT_FIELDS)
            .order_by("-last_activity_at", "-pk")[:8]
        ),
    }
