"""Who may see or do what with sessions, meetups and the benchmark dashboards.

Community visibility is never decided here: a meetup linked to a community, and a community's
dashboard, ask community.policies (the one access policy). This module adds the rules of Train je
Collega itself (audience, hosts, editors) on top.
"""

from __future__ import annotations

from django.db.models import Q

from community import policies as community_policies
from community.models import CommunityPage

REVIEW_PERMISSION = "events.change_session"


def _is_admin(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


def _authenticated(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def organisation_id_of(user) -> int | None:
    profile = getattr(user, "profile", None) if _authenticated(user) else None
    return profile.organisation_id if profile is not None else None


# -- sessions --------------------------------------------------------------------------------


def can_review(user) -> bool:
    """Editors (the Wagtail permission to change sessions) review offered sessions."""
    return _authenticated(user) and user.has_perm(REVIEW_PERMISSION)


def is_host(user, session) -> bool:
    if not _authenticated(user):
        return False
    if session.host_id == user.pk:
        return True
    return any(u.pk == user.pk for u in session.co_hosts.all())


def can_manage(user, session) -> bool:
    """Hosts (and site administrators) see participants, export them and message them."""
    return _is_admin(user) or is_host(user, session)


def _community_ok(user, session) -> bool:
    return session.community_id is None or community_policies.can_view_community(user, session.community)


def can_view_session(user, session) -> bool:
    """Published and cancelled sessions are public, unless a meetup's community is hidden from the user.

    An offered session that awaits review is seen only by its hosts and the editors.
    """
    if session.community_id is not None and not session.community.live and not _is_admin(user):
        return False
    if not _community_ok(user, session):
        return False
    if session.status == session.Status.PROPOSED:
        return can_manage(user, session) or can_review(user)
    return True


def visible_sessions(queryset, user):
    """Published and cancelled sessions the user may know of (meetups of hidden communities left out)."""
    qs = queryset.exclude(status="proposed")
    if _is_admin(user):
        return qs
    visible = community_policies.visible_communities(CommunityPage.objects.live(), user)
    return qs.filter(Q(community__isnull=True) | Q(community__in=visible.values("pk")))


def audience_allows(user, session) -> bool:
    """Training audience: the host's own organisation, or all organisations of the edition."""
    if session.is_meetup:
        return True  # meetups have open registration
    org_id = organisation_id_of(user)
    if session.audience == session.Audience.OWN:
        return org_id is not None and org_id == session.organisation_id
    participating = {o.pk for o in session.edition.organisations.all()} if session.edition_id else set()
    return not participating or org_id in participating


def can_sign_up(user, session, *, now=None) -> bool:
    return (
        _authenticated(user)
        and session.is_published
        and not session.has_started(now=now)
        and can_view_session(user, session)
        and not is_host(user, session)
        and audience_allows(user, session)
    )


def can_give_feedback(user, session, signup, *, now=None) -> bool:
    return bool(
        signup is not None and signup.user_id == getattr(user, "pk", None)
        and signup.status == signup.Status.CONFIRMED and session.has_ended(now=now) and not session.is_cancelled
    )


# -- offering --------------------------------------------------------------------------------


def can_offer_session(user, edition) -> bool:
    """Anyone signed in offers a session within an edition that is open for offers."""
    return _authenticated(user) and edition is not None and edition.accepts_offers()


def meetup_communities(user):
    """Communities a user may organise a meetup for: those they are an active member of."""
    if not _authenticated(user):
        return CommunityPage.objects.none()
    return CommunityPage.objects.live().filter(community_policies.active_membership_exists(user)).order_by("title")


# -- dashboards ------------------------------------------------------------------------------


def can_view_community_dashboard(user, community) -> bool:
    """Facilitators of the community and site administrators; everyone else gets a 404."""
    if not community.live and not _is_admin(user):
        return False
    return _authenticated(user) and community_policies.can_moderate(user, community)


def dashboard_communities(user):
    """The communities whose dashboard the user may open."""
    qs = CommunityPage.objects.live().order_by("title")
    if _is_admin(user):
        return qs
    return qs.filter(pk__in=community_policies.facilitated_community_ids(user))


def can_view_organisation_benchmark(user) -> bool:
    """Site administrators, and the contact people of an organisation that opted in."""
    if _is_admin(user):
        return True
    return _authenticated(user) and user.benchmark_opt_ins.exists()


def can_open_benchmark(user) -> bool:
    """Whether /benchmark/ has anything for the user: a community dashboard or the organisation comparison."""
    if _is_admin(user):
        return True
    if not _authenticated(user):
        return False
    return can_view_organisation_benchmark(user) or dashboard_communities(user).exists()
