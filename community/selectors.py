"""Reads for community templates: querysets that already carry what the template needs."""

from __future__ import annotations

from django.db.models import Count, Q

from .models import CommunityPage, Membership


def community_cards(*, user, parent=None):
    """Live communities the user may know exist, with their active member count, in title order."""
    qs = CommunityPage.objects.live().visible_to(user)
    if parent is not None:
        qs = qs.child_of(parent)
    return qs.annotate(
        member_count=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE))
    ).order_by("title", "pk")


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
