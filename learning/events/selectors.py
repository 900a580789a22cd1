"""Reads for the session pages: querysets that already fetch what the templates show.

Lists annotate their seat counts in the same query (``with_seats``) and select the people they
name, so no template line queries per row.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.paginator import Paginator
from django.db.models import Avg, Count, Q
from django.utils import timezone

from koffietafel import generations

from .models import Feedback, Session, SignUp

PAGE_SIZE = 20


def _for_list(qs):
    return qs.with_seats().select_related("host__profile", "edition", "community", "organisation")


def edition_sessions(*, edition, user, now=None):
    """(upcoming, past) sessions of an edition the user may see."""
    if edition is None:
        return [], []
    now = now or timezone.now()
    qs = _for_list(Session.objects.filter(edition=edition).visible_to(user))
    upcoming = list(qs.filter(starts_at__gte=now).order_by("starts_at", "pk")[:200])
    past = list(qs.filter(starts_at__lt=now).order_by("-starts_at", "-pk")[:50])
    return upcoming, past


def upcoming_sessions(*, user, page_number=None, kind: str = "", now=None):
    now = now or timezone.now()
    qs = _for_list(Session.objects.visible_to(user).filter(starts_at__gte=now - timedelta(hours=2)))
    if kind in Session.Kind.values:
        qs = qs.filter(kind=kind)
    return Paginator(qs.order_by("starts_at", "pk"), PAGE_SIZE).get_page(page_number)


def community_meetups(*, community, limit: int = 5, now=None):
    """The community page's upcoming meetups: only the columns its list shows (title, time, place).

    The same for everyone who may see the community (the tag asks the policy): no reader's rights
    are in the query. Without the seat counts and the people of ``_for_list``: their GROUP BY over
    seven joined tables took longer to plan than the rest of the community page's queries to run.
    """
    now = now or timezone.now()
    qs = Session.objects.filter(
        community=community, kind=Session.Kind.MEETUP, starts_at__gte=now, status=Session.Status.PUBLISHED
    ).only("pk", "title", "starts_at", "format", "location")
    return list(qs.order_by("starts_at", "pk")[:limit])


# The rendered list of a community's upcoming meetups, shared by everyone who may see the community,
# in the fragments cache (nothing is stored there without a cache all workers share): stored with
# the sessions generation it was made under and the moment its first meetup starts (then it shows
# one that began). Any session saved or deleted renews the generation (receivers.py).
SESSIONS_GENERATION_KEY = "events:sessions-generation"
MEETUPS_KEY = "events:community-meetups:{community_id}:{language}"
MEETUPS_SECONDS = 3600


def community_meetups_html(*, community, render, language: str, now=None) -> str:
    """``render(meetups)`` of community_meetups(), from the shared cache when still right."""
    from django.core.cache import caches

    cache = caches["fragments"]
    key = MEETUPS_KEY.format(community_id=community.pk, language=language)
    found = cache.get_many([SESSIONS_GENERATION_KEY, key])
    generation = generations.current(SESSIONS_GENERATION_KEY, cache=cache, found=found.get(SESSIONS_GENERATION_KEY))
    now = now or timezone.now()
    stored = found.get(key)
    if stored is not None and stored[0] == generation and (stored[1] is None or now < stored[1]):
        return stored[2]
    # The generation was read before the rows: a change committed meanwhile renews it past this copy.
    meetups = community_meetups(community=community, now=now)
    html = render(meetups) if meetups else ""
    cache.set(key, (generation, meetups[0].starts_at if meetups else None, html), MEETUPS_SECONDS)
    return html


def forget_sessions(**_kwargs) -> None:
    from django.core.cache import caches

    generations.renew(SESSIONS_GENERATION_KEY, cache=caches["fragments"])


def session_detail(pk: int) -> Session | None:
    return (
        Session.objects.with_seats()
        .select_related("host__profile__organisation", "edition", "community", "organisation")
        .prefetch_related("co_hosts__profile", "edition__organisations")
        .filter(pk=pk)
        .first()
    )


def participants(session: Session):
    """Active sign-ups: seats first, then the waiting list, each in order of arrival."""
    return list(
        SignUp.objects.filter(session=session).exclude(status=SignUp.Status.CANCELLED)
        .select_related("user__profile__organisation")
        .order_by("status", "position")  # "confirmed" sorts before "waitlisted"
    )


def feedback_summary(session: Session) -> dict:
    qs = Feedback.objects.filter(session=session)
    figures = qs.aggregate(count=Count("pk"), average=Avg("score"))
    distribution = dict(qs.values_list("score").annotate(n=Count("pk")).order_by())
    comments = list(qs.exclude(comment="").order_by("created_at").values_list("comment", flat=True)[:200])
    return {
        "count": figures["count"],
        "average": round(figures["average"], 1) if figures["average"] is not None else None,
        "distribution": [(score, distribution.get(score, 0)) for score in range(1, 6)],
        "comments": comments,
    }


def my_signups(*, user, now=None):
    now = now or timezone.now()
    return list(
        SignUp.objects.filter(user=user, session__starts_at__gte=now - timedelta(days=30))
        .exclude(status=SignUp.Status.CANCELLED)
        .select_related("session__host__profile", "session__edition")
        .order_by("session__starts_at")
    )


def my_hosted(*, user, now=None):
    now = now or timezone.now()
    qs = _for_list(Session.objects.filter(Q(host=user) | Q(co_hosts=user)).distinct())
    return list(qs.filter(starts_at__gte=now - timedelta(days=30)).order_by("starts_at"))


def agenda_sessions(*, user, now=None):
    """What a personal agenda feed holds: sessions with a seat, and sessions the user gives."""
    now = now or timezone.now()
    since = now - timedelta(days=90)
    return list(
        Session.objects.filter(starts_at__gte=since)
        .filter(Q(signups__user=user, signups__status=SignUp.Status.CONFIRMED) | Q(host=user) | Q(co_hosts=user))
        .exclude(status=Session.Status.PROPOSED)
        .select_related("host__profile")
        .distinct()
        .order_by("starts_at")[:500]
    )


def proposed_sessions():
    return list(_for_list(Session.objects.filter(status=Session.Status.PROPOSED)).order_by("created_at"))


# -- the header's menu -----------------------------------------------------------------------

MENU_CACHE_VERSION_KEY = "events:benchmark-menu:version"
MENU_CACHE_SECONDS = 60 * 60


def benchmark_in_menu(user) -> bool:
    """policies.can_open_benchmark for the header's menu, from the cache: no query on a warm page.

    Every change that could alter the answer (a membership, an organisation's benchmark contacts, a
    community published or unpublished) starts a new version (receivers.py).
    """
    from . import policies

    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser and user.is_active:
        return True
    # The version and this user's answer (stored with the version it was worked out under) in one
    # round trip to the cache, or none when the page view fetched them already
    # (koffietafel.routing.prefetch): the header is on every page.
    version_key, key = menu_cache_keys(user)
    found = generations.get_many([version_key, key])
    version = generations.current(version_key, found=found.get(version_key))
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        return stored[1]
    allowed = policies.can_open_benchmark(user)
    generations.store(key, (version, allowed), MENU_CACHE_SECONDS)
    return allowed


def menu_cache_keys(user) -> list[str]:
    """The cache keys ``benchmark_in_menu`` reads for this user."""
    return [MENU_CACHE_VERSION_KEY, f"events:benchmark-menu:user:{user.pk}"]


def forget_benchmark_menu(**_kwargs) -> None:
    generations.delete(MENU_CACHE_VERSION_KEY)
