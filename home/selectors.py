"""Reads for the home page, always through the community access policy."""

from community import policies, selectors as community_selectors
from community.models import CommunityPage


def home_context(*, user) -> dict:
    cards = list(community_selectors.community_cards(user=user))
    mine = set(policies.memberships(user))
    return {
        "my_communities": [c for c in cards if c.pk in mine and policies.is_member(user, c)],
        "joinable_communities": [c for c in cards if c.pk not in mine],
        "latest_activity": list(
            CommunityPage.objects.live().visible_to(user).order_by("-last_published_at", "-pk")[:5]
        ),
    }
